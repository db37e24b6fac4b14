"""The reads `stint.sessions.reading.SessionReader` makes, gathered under one name.

A store hands the reader its `reads`: this module for a `Store` (SQLAlchemy), and
`stint.store.lite` for the read commands' bare-sqlite3 path, which defines the same
functions with the same results (tests/test_clispeed_lite.py runs both)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.engine import Connection

from stint.model.types import Record
from stint.store import schema
from stint.store.event_reads import (
    activities_of,
    channel_events,
    file_edit_count,
    files_of,
    latest_event,
    moments,
)
from stint.store.records import commits_of, tasks_of
from stint.store.session_lists import list_rows, resolve
from stint.store.session_sweep import (
    open_sessions,
    recently_active,
    stale_open_sessions,
    unseen_active,
)
from stint.store.sessions import newest_row, session_row, tags_of

__all__ = [
    "activities_of",
    "channel_events",
    "commits_of",
    "file_edit_count",
    "files_of",
    "health_summaries",
    "latest_event",
    "list_rows",
    "moments",
    "newest_row",
    "open_sessions",
    "recently_active",
    "records_of",
    "resolve",
    "session_row",
    "stale_open_sessions",
    "tags_of",
    "tasks_of",
    "unseen_active",
]

RECORD_TABLES: dict[str, Any] = {
    "decisions": schema.decisions,
    "context_items": schema.context_items,
}


def health_summaries(
    conn: Connection, org_id: str, session_ids: Sequence[int]
) -> dict[int, dict[str, Any]]:
    """Session id → its stored code-health summary."""
    # Deferred: the health queries share the analytics module, which a read need not load.
    from stint.store.health import summaries

    return summaries(conn, org_id, session_ids)


def records_of(conn: Connection, table: str, session_id: int) -> list[Record]:
    """The decisions or context items (`table`) of a session."""
    from stint.store.records import records_of as of_table

    return of_table(conn, RECORD_TABLES[table], session_id)
