"""The event log's write path: append one event or a batch (idempotently, by its key) and
apply the projection in the same transaction, with single atomic statements so concurrent
writers lose no update. `_project` sums what the new events change per counter, path and
model; the statements that apply it are in `stint.store.projection_writes`, and the
session's pulse and channel state it carries in `stint.store.pulse_state`."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime
from itertools import islice
from typing import Any

from sqlalchemy.engine import Connection

from stint.model.projection import (
    FILE_TYPES,
    PAYLOAD_COUNTED,
    TOKEN_FIELDS,
    FileDelta,
    counter_deltas,
    file_deltas,
)
from stint.model.timeparse import utcnow
from stint.model.types import EventIn, NotFound
from stint.store import Store, recordset, schema
from stint.store.core import dialect_insert
from stint.store.event_reads import activities_of as activities_of
from stint.store.event_reads import file_edit_count as file_edit_count
from stint.store.event_reads import files_of as files_of
from stint.store.event_reads import moments as moments
from stint.store.event_reads import stream_events as stream_events
from stint.store.event_reads import time_of as time_of
from stint.store.git_files import clear_git_files as clear_git_files
from stint.store.git_files import set_git_file as set_git_file
from stint.store.prepared import driver, prepare
from stint.store.projection_writes import (
    apply_counters,
    file_row,
    file_upsert,
    recount_files_modified,
    upsert_token_usage,
)
from stint.store.pulse_state import carry, locked_state, pulse_select
from stint.store.responses import count_once, is_uncounted

A = schema.activities
# Sources that act live (a person at the CLI, an app, an MCP agent, the API): their
# events are presence now. Hooks drained from the spool and imports are not.
LIVE_SOURCES = frozenset({"cli", "api", "mcp", "library"})


def activity_row(org_id: str, session_id: int, event: EventIn, at: datetime) -> dict[str, Any]:
    """The activity row of `event` in the session (the INSERT's parameters)."""
    return {"org_id": org_id, "session_id": session_id, **_event_columns(event, at)}


def _event_columns(event: EventIn, at: datetime) -> dict[str, Any]:
    """An activity row's columns that come from the event (not its org and session)."""
    return {
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


def append(
    store: Store, conn: Connection, org_id: str, session_id: int, event: EventIn, at: datetime
) -> int | None:
    """Store one event and move its counters; None when its key was already stored."""
    state = locked_state(store, conn, session_id)
    statement = _activity_insert(store.is_sqlite, event.key is not None)
    activity_id = conn.execute(
        statement, activity_row(org_id, session_id, event, at)
    ).scalar_one_or_none()
    if activity_id is None:
        return None
    _project(store, conn, org_id, session_id, [(event, at)], state)
    return int(activity_id)


@functools.cache
def _activity_insert(sqlite: bool, keyed: bool) -> Any:
    return activity_insert_quiet(sqlite, keyed).returning(A.c.id)


@functools.cache
def activity_insert_quiet(sqlite: bool, keyed: bool) -> Any:
    """The activity INSERT (skipping a key stored before) without RETURNING: for SQLite's
    quick path, which reads the new id and whether a row went in from the cursor."""
    # Built once and executed with each row's parameters: building and hashing a fresh
    # `insert().values(...)` cost more than the insert itself on the one-event path.
    statement = dialect_insert(sqlite, A)
    if keyed:
        statement = statement.on_conflict_do_nothing(index_elements=["org_id", "idem_key"])
    return statement


def append_by_id(
    store: Store, conn: Connection, org_id: str, session_id: int, event: EventIn, at: datetime
) -> int | None:
    """`append` to a session named by its id (`Tracker.record`'s common case): the
    session's existence in the org is checked by the same read that fetches its pulse
    state, one statement fewer per event."""
    select_state = pulse_select(conn.dialect.name, True)
    statement = _activity_insert(store.is_sqlite, event.key is not None)
    row = activity_row(org_id, session_id, event, at)
    if store.is_sqlite:  # compiled once, straight on the cursor (see store.prepared)
        state = prepare(conn, select_state).first(conn, {"p_session": session_id, "p_org": org_id})
        if state is None:
            raise NotFound(f"no session with id {session_id}")
        activity_id = prepare(conn, statement, tuple(row)).scalar(conn, row)
    else:
        state = conn.execute(select_state, {"p_session": session_id, "p_org": org_id}).first()
        if state is None:
            raise NotFound(f"no session with id {session_id}")
        activity_id = conn.execute(statement, row).scalar_one_or_none()
    if activity_id is None:
        return None
    _project(store, conn, org_id, session_id, [(event, at)], state)
    return int(activity_id)


# Rows per multi-row INSERT: large batches (an import) go in chunks of this many.
CHUNK = 2000


def append_many(
    store: Store,
    conn: Connection,
    org_id: str,
    session_id: int,
    events: Sequence[tuple[EventIn, datetime]],
    state: Any = None,
) -> int:
    """`append` for many events of one session (a drain, an import, an ingest batch):
    multi-row INSERTs and the summed projection of the rows that were really new — one
    counter UPDATE, one upsert per file and per model — instead of statements per event.
    The result equals appending them one by one. Returns how many were new. `state`: the
    session's pulse columns, read (and locked) by the caller already
    (`locked_agent_session`); else read and locked here, before any insert (see
    `locked_state`)."""
    if state is None:
        state = locked_state(store, conn, session_id)
    seen: set[str] = set()
    wanted = []
    for event, at in events:
        if event.key is None or event.key not in seen:
            wanted.append((event, at))
            if event.key is not None:
                seen.add(event.key)
    wanted = count_once(conn, org_id, session_id, wanted)
    fresh: list[tuple[EventIn, datetime]] = []
    pending = iter(wanted)
    shared = {"org_id": org_id, "session_id": session_id}
    while chunk := list(islice(pending, CHUNK)):
        if store.is_sqlite:
            rows = [activity_row(org_id, session_id, event, at) for event, at in chunk]
            inserted = _insert_new_sqlite(conn, org_id, rows)
        else:  # one short statement of one JSON document (see stint.store.recordset)
            varying = [_event_columns(event, at) for event, at in chunk]
            found = recordset.insert_ignore_many(conn, A, shared, varying, ["org_id", "idem_key"])
            inserted = {row[1] for row in found}
        fresh.extend((e, at) for e, at in chunk if e.key is None or e.key in inserted)
    _project(store, conn, org_id, session_id, fresh, state)
    return len(fresh)


@functools.cache
def _plain_insert(sqlite: bool) -> Any:
    return dialect_insert(sqlite, A)


def _insert_new_sqlite(conn: Connection, org_id: str, rows: list[dict[str, Any]]) -> set[str]:
    """Insert the rows whose key is not stored yet, with one executemany; the keys
    inserted. SQLite's writer holds the database lock for the whole transaction (BEGIN
    IMMEDIATE), so the keys read first are exactly the ones the INSERT would meet."""
    keys = [row["idem_key"] for row in rows if row["idem_key"] is not None]
    stored = _stored_keys(conn, org_id, keys) if keys else set()
    new = [row for row in rows if row["idem_key"] is None or row["idem_key"] not in stored]
    if new:
        prepare(conn, _plain_insert(True), tuple(new[0])).executemany(conn, new)
    return {key for key in keys if key not in stored}


def _stored_keys(conn: Connection, org_id: str, keys: list[str]) -> set[str]:
    found: set[str] = set()
    cursor = driver(conn).cursor()
    # SQLite allows 32766 parameters per statement since 3.32; 500 keeps it well within.
    for start in range(0, len(keys), 500):
        part = keys[start : start + 500]
        marks = ", ".join("?" * len(part))
        cursor.execute(
            f"SELECT idem_key FROM activities WHERE org_id = ? AND idem_key IN ({marks})",
            [org_id, *part],
        )
        found.update(row[0] for row in cursor.fetchall())
    return found


def _project(
    store: Store,
    conn: Connection,
    org_id: str,
    session_id: int,
    events: Sequence[tuple[EventIn, datetime]],
    state: Any,
) -> None:
    """Move the counters, file tallies and token usage that new events cause, summed per
    counter, per path and per model. `state`: the session's pulse columns, read and
    locked before the events went in (`locked_state`)."""
    if not events:
        return
    counters: dict[str, float] = {}
    files: dict[str, list[Any]] = {}  # path → [modified, added, removed, mentioned, first, last]
    tokens: dict[str, dict[str, Any]] = {}
    # The deltas of a type its payload does not change, worked out once per batch.
    fixed: dict[str, dict[str, float]] = {}
    for event, at in events:
        kind = event.type
        payload = event.payload or {}
        deltas = fixed.get(kind)
        if deltas is None:
            deltas = counter_deltas(kind, payload)
            if kind not in PAYLOAD_COUNTED:
                fixed[kind] = deltas
        for name, value in deltas.items():
            counters[name] = counters.get(name, 0) + value
        for delta in file_deltas(kind, event.file_path, payload) if kind in FILE_TYPES else ():
            tally = files.setdefault(delta.path, [0, 0, 0, 0, at, at])
            tally[0] += delta.modified
            tally[1] += delta.added
            tally[2] += delta.removed
            tally[3] += delta.mentioned
            tally[4], tally[5] = min(tally[4], at), max(tally[5], at)
        if kind == "tokens" and not is_uncounted(payload):
            model = str(payload.get("model") or "unknown")
            figures = counter_deltas("tokens", payload)
            total = tokens.setdefault(model, {"model": model})
            for name in (*TOKEN_FIELDS, "cost_usd"):
                total[name] = total.get(name, 0) + figures.get(name, 0)
    # Something a person or a live caller did just now (not a hook replayed from the
    # spool, not an import) is presence now, whatever time the event itself carries.
    live = any(event.source in LIVE_SOURCES for event, _ in events)
    apply_counters(
        conn,
        session_id,
        counters,
        max(at for _, at in events),
        utcnow() if live else None,
        *carry(store, conn, session_id, events, state),
        pulse_seconds=store.pulse_seconds,
    )
    if files:
        rows = [
            file_row(org_id, session_id, FileDelta(path, *tally[:4]), tally[5], tally[4])
            for path, tally in files.items()
        ]
        conn.execute(file_upsert(store), rows)
    if any(tally[0] for tally in files.values()):
        recount_files_modified(conn, session_id)
    for totals in tokens.values():
        upsert_token_usage(store, conn, org_id, session_id, totals)
