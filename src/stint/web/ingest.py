"""The ingest endpoint's work: a batch of captured events from another machine.

Two shapes, both idempotent (a batch sent twice is stored once):

* `sessions`: groups of structured events of one agent session each. The session is
  found, re-opened or created as `Tracker.attach` would (as a local hook would), and the
  events are appended by key (`Tracker.record_for_agent`: one transaction for a session
  already open).
* `records`: raw hook records, the same JSON the local hook spools. They go through
  `stint.capture.ingest.Applier`, the code that drains the local spool, so remote and
  local capture map hooks identically; their keys derive from the record and its time.
  `transcript_path` is dropped: it names a file on the sending machine, and the server
  must not read files a client points at.
"""

from __future__ import annotations

import json
from typing import Any

from stint.capture.ingest import Applier
from stint.model.types import EventIn
from stint.tracker import Tracker
from stint.web.ingest_schemas import IngestBatch


def ingest_batch(tracker: Tracker, body: IngestBatch) -> dict[str, Any]:
    received = stored = 0
    session_ids: list[int] = []
    for group in body.sessions:
        # The validated records hold exactly EventIn's fields: taken as they are, without
        # a `model_dump` copy of each.
        events = [EventIn(**vars(e)) for e in group.events]
        session_id, new = tracker.record_for_agent(
            agent=group.agent,
            agent_session_id=group.agent_session_id,
            events=events,
            cwd=group.cwd,
            model=group.model,
            source="api",
        )
        received += len(events)
        stored += new
        session_ids.append(session_id)
    refused = apply_hook_records(tracker, body) if body.records else []
    return {
        "received": received,
        "stored": stored,
        "duplicates": received - stored,
        "session_ids": session_ids,
        "hook_records": len(body.records) - len(refused),
        "refused_records": refused,
    }


def apply_hook_records(tracker: Tracker, body: IngestBatch) -> list[dict[str, Any]]:
    """Apply raw hook records; returns the ones that could not be mapped (their index in
    the batch and why), so the sender learns of them instead of losing them silently."""
    # The drain also writes the status-line cache under STINT_HOME, which a server on
    # PostgreSQL may never have created.
    tracker.settings.home.mkdir(parents=True, exist_ok=True)
    rows = []
    for number, record in enumerate(body.records):
        hook = {k: v for k, v in record.hook.items() if k != "transcript_path"}
        rows.append((number, record.received_at, record.agent, json.dumps(hook)))
    failures = Applier(tracker.goals).apply(rows)
    return [{"index": row[0], "reason": reason} for row, reason in failures]
