"""Pydantic models of `POST /api/v1/sync`: a laptop's batch and what the server stored.

The rows inside a session bundle are the laptop's table rows (see
`stint.store.sync_out.session_bundle`); the server checks each against its columns
(`stint.store.sync_in.check_rows`), so here they are plain objects."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import ConfigDict, Field

from stint.web.schemas import Doc, Short

Rows = Annotated[list[dict[str, Any]], Field(max_length=20_000)]
Tags = Annotated[list[Annotated[str, Field(max_length=100)]], Field(max_length=500)]


class MachineIn(Doc):
    """The laptop that sends the batch."""

    model_config = ConfigDict(extra="forbid")

    uuid: Annotated[str, Field(pattern=r"^[0-9a-fA-F-]{36}$")]
    """Its stable id, made once on the laptop"""
    name: Short
    """What people read (the host name by default)"""


class SessionBundle(Doc):
    """One session and everything it holds, as the laptop has it."""

    model_config = ConfigDict(extra="forbid")

    session: dict[str, Any]
    """The session row (its `uuid` identifies it; counters are taken as they are)"""
    project: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    """The project's name (the server keeps its own project ids)"""
    tags: Annotated[list[Annotated[str, Field(max_length=100)]], Field(max_length=500)] = Field(
        default_factory=list
    )
    activities: Rows = Field(default_factory=list)
    """Activities, each with its `idem_key`: stored once however often sent"""
    tasks: Rows = Field(default_factory=list)
    files: Rows = Field(default_factory=list)
    commits: Rows = Field(default_factory=list)
    token_usage: Rows = Field(default_factory=list)
    decisions: Rows = Field(default_factory=list)
    context_items: Rows = Field(default_factory=list)
    interactions: Rows = Field(default_factory=list)
    artifacts: Rows = Field(default_factory=list)
    notes: Rows = Field(default_factory=list)
    subjects: Rows = Field(default_factory=list)


class SyncBatch(Doc):
    """A batch of sessions from one laptop: stored in one transaction, all or nothing."""

    model_config = ConfigDict(extra="forbid")

    machine: MachineIn
    sessions: Annotated[list[SessionBundle], Field(max_length=500)]


class SyncResult(Doc):
    """What the batch changed: sessions new and updated, activities new and known."""

    machine_id: int
    """The sending machine's id on the server"""
    sessions_created: int
    """Sessions the server did not have"""
    sessions_updated: int
    """Sessions it had, brought up to date"""
    activities_stored: int
    """Activities stored now"""
    activities_duplicate: int
    """Activities it already had (a re-sent batch)"""
