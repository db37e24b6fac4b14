"""Automatic capture: agent hooks, the spool, ingest and transcript import."""
