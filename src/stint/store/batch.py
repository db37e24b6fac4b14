"""Appending many keyed events of one session at once (transcript import, ingest): one
multi-row INSERT … ON CONFLICT DO NOTHING per chunk, then the projection of the rows that
were really new, summed — one counter UPDATE, one upsert per file and per model.

The result equals appending the events one by one with `events.append`; it only saves
the per-event statements (an import writes tens of thousands of events).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from itertools import islice
from typing import Any

from sqlalchemy.engine import Connection

from stint.models import EventIn
from stint.projection import TOKEN_FIELDS, FileDelta, counter_deltas, file_deltas
from stint.store import Store
from stint.store import events as ev
from stint.store.schema import activities as A

CHUNK = 2000


def append_many(
    store: Store,
    conn: Connection,
    org_id: str,
    session_id: int,
    events: Sequence[tuple[EventIn, datetime]],
) -> int:
    """Store (event, occurred_at) pairs that all carry a key; returns how many were new."""
    unique: dict[str, tuple[EventIn, datetime]] = {}
    for event, at in events:
        if event.key is None:
            raise ValueError("append_many needs keyed events")
        unique.setdefault(event.key, (event, at))
    new: list[tuple[EventIn, datetime]] = []
    pending = iter(unique.values())
    statement = store.dialect_insert(A).on_conflict_do_nothing(
        index_elements=["org_id", "idem_key"]
    )
    statement = statement.returning(A.c.idem_key)
    while chunk := list(islice(pending, CHUNK)):
        rows = [_row(org_id, session_id, event, at) for event, at in chunk]
        # executemany with RETURNING: SQLAlchemy batches it into multi-row INSERTs.
        stored = set(conn.execute(statement, rows).scalars())
        new.extend((event, at) for event, at in chunk if event.key in stored)
    if new:
        _project(store, conn, org_id, session_id, new)
    return len(new)


def _row(org_id: str, session_id: int, event: EventIn, at: datetime) -> dict[str, Any]:
    return {
        "org_id": org_id,
        "session_id": session_id,
        "type": event.type,
        "description": event.description,
        "occurred_at": at,
        "source": event.source,
        "ai_involved": event.ai_involved,
        "file_path": event.file_path,
        "task_id": event.task_id,
        "decision_id": event.decision_id,
        "context_id": event.context_id,
        "payload": event.payload or {},
        "idem_key": event.key,
    }


def _project(
    store: Store,
    conn: Connection,
    org_id: str,
    session_id: int,
    new: list[tuple[EventIn, datetime]],
) -> None:
    counters: dict[str, float] = {}
    files: dict[str, list[Any]] = {}  # path → [modified, added, removed, mentioned, first, last]
    tokens: dict[str, dict[str, Any]] = {}
    for event, at in new:
        payload = event.payload or {}
        for name, value in counter_deltas(event.type, payload).items():
            counters[name] = counters.get(name, 0) + value
        for delta in file_deltas(event.type, event.file_path, payload):
            tally = files.setdefault(delta.path, [0, 0, 0, 0, at, at])
            tally[0] += delta.modified
            tally[1] += delta.added
            tally[2] += delta.removed
            tally[3] += delta.mentioned
            tally[4], tally[5] = min(tally[4], at), max(tally[5], at)
        if event.type == "tokens":
            model = str(payload.get("model") or "unknown")
            figures = counter_deltas("tokens", payload)
            total = tokens.setdefault(model, {"model": model})
            for name in (*TOKEN_FIELDS, "cost_usd"):
                total[name] = total.get(name, 0) + figures.get(name, 0)
    ev.apply_counters(conn, session_id, counters, max(at for _, at in new))
    if files:
        rows = [
            ev.file_row(org_id, session_id, FileDelta(path, *tally[:4]), tally[5], tally[4])
            for path, tally in files.items()
        ]
        conn.execute(ev.file_upsert(store), rows)
    if any(tally[0] for tally in files.values()):
        ev.recount_files_modified(conn, session_id)
    for payload in tokens.values():
        ev.upsert_token_usage(store, conn, org_id, session_id, payload)
