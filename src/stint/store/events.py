"""The event log: append (idempotently) and apply the projection in the same transaction,
with single atomic statements so concurrent writers lose no update."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime
from itertools import islice
from typing import Any

from sqlalchemy import bindparam, case, func, or_, select, update
from sqlalchemy.engine import Connection

from stint.model.channels import ChannelPulse, channel_of, channel_pulse_of
from stint.model.projection import (
    FILE_TYPES,
    PAYLOAD_COUNTED,
    TOKEN_FIELDS,
    FileDelta,
    Pulse,
    counter_deltas,
    file_deltas,
    pulse_of,
)
from stint.model.timeparse import utcnow
from stint.model.types import EventIn, NotFound
from stint.store import Store, recordset, schema
from stint.store import channel_pulse as chan
from stint.store.event_reads import activities_of as activities_of
from stint.store.event_reads import channel_events
from stint.store.event_reads import file_edit_count as file_edit_count
from stint.store.event_reads import files_of as files_of
from stint.store.event_reads import moments as moments
from stint.store.event_reads import stream_events as stream_events
from stint.store.event_reads import time_of as time_of
from stint.store.git_files import clear_git_files as clear_git_files
from stint.store.git_files import set_git_file as set_git_file
from stint.store.prepared import driver, prepare
from stint.store.responses import count_once, is_uncounted

S = schema.sessions
A = schema.activities
# Sources that act live (a person at the CLI, an app, an MCP agent, the API): their
# events are presence now. Hooks drained from the spool and imports are not.
LIVE_SOURCES = frozenset({"cli", "api", "mcp", "library"})
F = schema.session_files


def _row(org_id: str, session_id: int, event: EventIn, at: datetime) -> dict[str, Any]:
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
    activity_id = conn.execute(statement, _row(org_id, session_id, event, at)).scalar_one_or_none()
    if activity_id is None:
        return None
    _project(store, conn, org_id, session_id, [(event, at)], state)
    return int(activity_id)


def locked_state(store: Store, conn: Connection, session_id: int) -> Any:
    """The session's pulse columns, its row locked until the transaction ends on
    PostgreSQL. Every writer of a session's events takes this lock before it inserts
    them: one that inserted first and locked the row after deadlocked with one that had
    the row and waited on those same keys (an ingest batch sent to two servers, one
    attaching the session while the other found it open)."""
    query = _pulse_select(conn.dialect.name, False)
    if store.is_sqlite:
        return prepare(conn, query).first(conn, {"p_session": session_id})
    return conn.execute(query, {"p_session": session_id}).first()


@functools.cache
def _activity_insert(sqlite: bool, keyed: bool) -> Any:
    return activity_insert_quiet(sqlite, keyed).returning(A.c.id)


@functools.cache
def activity_insert_quiet(sqlite: bool, keyed: bool) -> Any:
    """The activity INSERT (skipping a key stored before) without RETURNING: for SQLite's
    quick path, which reads the new id and whether a row went in from the cursor."""
    # Built once and executed with each row's parameters: building and hashing a fresh
    # `insert().values(...)` cost more than the insert itself on the one-event path.
    statement = _dialect_insert(sqlite, A)
    if keyed:
        statement = statement.on_conflict_do_nothing(index_elements=["org_id", "idem_key"])
    return statement


def append_by_id(
    store: Store, conn: Connection, org_id: str, session_id: int, event: EventIn, at: datetime
) -> int | None:
    """`append` to a session named by its id (`Tracker.record`'s common case): the
    session's existence in the org is checked by the same read that fetches its pulse
    state, one statement fewer per event."""
    select_state = _pulse_select(conn.dialect.name, True)
    statement = _activity_insert(store.is_sqlite, event.key is not None)
    row = _row(org_id, session_id, event, at)
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
            rows = [_row(org_id, session_id, event, at) for event, at in chunk]
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
    return _dialect_insert(sqlite, A)


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
        *_pulse(store, conn, session_id, events, state),
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


def _pulse(
    store: Store,
    conn: Connection,
    session_id: int,
    events: Sequence[tuple[EventIn, datetime]],
    row: Any,
) -> tuple[Pulse, ChannelPulse]:
    """The session's pulse and channel states with `events` (already inserted) added:
    carried forward from the row when they are no earlier than its latest event, else
    (back-dated or imported events, a row from before a state was kept, another pulse)
    folded once from all its events. `row`: read by `locked_state` before the events
    went in, so concurrent writers of the session queue on its lock."""
    pulse = store.pulse_seconds
    ordered = sorted(events, key=lambda item: item[1])
    state: Pulse | None = None
    channels: ChannelPulse | None = None
    # Kept once `pulse_last_at` holds the latest event, or before any event when the
    # start stored the states of none (`no_events_state`: the channel state is there).
    carried = (
        row is not None
        and row.pulse_seconds == pulse
        and (row.pulse_last_at is not None or row.chan_both is not None)
    )
    if carried and (row.pulse_last_at is None or ordered[0][1] >= row.pulse_last_at):
        state = Pulse(
            float(row.pulse_active_seconds or 0.0), row.pulse_last_at, bool(row.pulse_paused)
        )
        # An event at the very moment of the latest stored one (an import's inactivity
        # end at the last activity) is ordered after it by id alone, and carrying the
        # state folds it after it too. Exact because one instant is one text on SQLite
        # (migration 0022: the bulk insert wrote a whole second shorter, which sorted
        # first) and every writer inserts only under the row's lock
        # (`locked_state`), so the new ids are above every stored one of the session
        # (tests/test_pulse_ties.py).
        channels = chan.from_row(row)
        state = state.after_all(((at, event.type) for event, at in ordered), pulse)
        if channels is not None:
            channels = channels.after_all(
                (
                    (
                        at,
                        channel_of(event.type, event.source, event.ai_involved, event.payload),
                        event.type,
                    )
                    for event, at in ordered
                ),
                pulse,
            )
    if state is None:
        state = pulse_of(moments(conn, session_id), pulse)
    if channels is None:
        channels = channel_pulse_of(channel_events(conn, session_id), pulse)
    return state, channels


def no_events_state(pulse_seconds: float) -> dict[str, Any]:
    """The pulse and channel columns of a session with no event yet. A start stores them
    with the session, so its `session_started` (same transaction) carries them forward
    rather than reading that one event back to fold it."""
    channels = chan.params(ChannelPulse()).values()
    return {
        "pulse_active_seconds": 0.0,
        "pulse_last_at": None,
        "pulse_paused": False,
        "pulse_seconds": pulse_seconds,
        **dict(zip(chan.COLUMNS, channels, strict=True)),
    }


@functools.cache
def _pulse_select(dialect: str, in_org: bool) -> Any:
    query = select(
        S.c.pulse_active_seconds,
        S.c.pulse_last_at,
        S.c.pulse_paused,
        S.c.pulse_seconds,
        *(S.c[name] for name in chan.COLUMNS),
    ).where(S.c.id == bindparam("p_session"))
    if in_org:
        query = query.where(S.c.org_id == bindparam("p_org"))
    # Locked on PostgreSQL (the counter UPDATE would lock the row anyway, only later);
    # SQLite's writer holds the database lock already. FOR NO KEY UPDATE, not FOR UPDATE:
    # the events this transaction (and a concurrent one) just inserted hold a KEY SHARE
    # lock on the session row through their foreign key, which FOR UPDATE waits for, so
    # two batches of one session deadlocked; the counter UPDATE takes NO KEY UPDATE too.
    return query.with_for_update(key_share=True) if dialect == "postgresql" else query


def locked_agent_session(conn: Connection, org_id: str, agent: str, agent_session_id: str) -> Any:
    """The org's newest session of this agent session (its id, status and model) with its
    pulse state, for `append_many`; locked as `_pulse_select` locks, so the read that
    finds the session is also the one the projection needs (one round trip, not three).
    None when there is none."""
    return conn.execute(
        _agent_select(conn.dialect.name),
        {"p_org": org_id, "p_agent": agent, "p_agent_session": agent_session_id},
    ).first()


@functools.cache
def _agent_select(dialect: str) -> Any:
    query = (
        select(
            S.c.id,
            S.c.status,
            S.c.ai_model,
            S.c.pulse_active_seconds,
            S.c.pulse_last_at,
            S.c.pulse_paused,
            S.c.pulse_seconds,
            *(S.c[name] for name in chan.COLUMNS),
        )
        .where(
            S.c.org_id == bindparam("p_org"),
            S.c.agent == bindparam("p_agent"),
            S.c.agent_session_id == bindparam("p_agent_session"),
        )
        .order_by(S.c.id.desc())
        .limit(1)
    )
    # FOR NO KEY UPDATE, as in `_pulse_select` (which explains why not FOR UPDATE).
    return query.with_for_update(key_share=True) if dialect == "postgresql" else query


def apply_counters(
    conn: Connection,
    session_id: int,
    deltas: dict[str, float],
    at: datetime | None,
    seen: datetime | None = None,
    pulse: Pulse | None = None,
    channels: ChannelPulse | None = None,
    pulse_seconds: float = 0.0,
) -> None:
    """One UPDATE: counters += deltas, effective lines follow the edits unless git measured
    them, and last_activity_at moves forward (never back, events may arrive late);
    `seen` moves the wall-clock presence the inactivity sweep reads; `pulse` is the
    session's new pulse state and `channels` its channel state (given together), kept
    with `pulse_seconds`."""
    if not deltas and at is None and seen is None and pulse is None:
        return
    statement = _counter_update(
        tuple(sorted(deltas)), at is not None, seen is not None, pulse is not None
    )
    params: dict[str, Any] = {f"d_{name}": value for name, value in deltas.items()}
    params["p_session"] = session_id
    if pulse is not None:
        params["p_pulse_active"] = pulse.active
        params["p_pulse_last"] = pulse.last_at
        params["p_pulse_paused"] = pulse.paused
        params["p_pulse_seconds"] = pulse_seconds
        params.update(chan.params(channels))
    if at is not None:
        params["p_at"] = at
    if seen is not None:
        params["p_seen"] = seen
    if conn.dialect.name == "sqlite":
        prepare(conn, statement).execute(conn, params)
    else:
        conn.execute(statement, params)


@functools.cache
def _counter_update(
    names: tuple[str, ...], moves_time: bool, moves_seen: bool, moves_pulse: bool
) -> Any:
    """The counter UPDATE for one set of moved counters, with the deltas, the event time
    and the presence time as parameters: built once per shape instead of per event."""
    deltas: dict[str, Any] = {name: bindparam(f"d_{name}") for name in names}
    values: dict[str, Any] = {name: S.c[name] + deltas[name] for name in names}
    if "edit_lines_added" in deltas:
        values["loc_added"] = func.coalesce(
            S.c.git_lines_added, S.c.edit_lines_added + deltas["edit_lines_added"]
        )
    if "edit_lines_removed" in deltas:
        values["loc_removed"] = func.coalesce(
            S.c.git_lines_removed, S.c.edit_lines_removed + deltas["edit_lines_removed"]
        )
    if moves_time:
        at = bindparam("p_at", type_=S.c.last_activity_at.type)
        values["last_activity_at"] = case(
            (or_(S.c.last_activity_at.is_(None), S.c.last_activity_at < at), at),
            else_=S.c.last_activity_at,
        )
        values["updated_at"] = at
    if moves_seen:
        seen = bindparam("p_seen", type_=S.c.seen_at.type)
        values["seen_at"] = case(
            (or_(S.c.seen_at.is_(None), S.c.seen_at < seen), seen), else_=S.c.seen_at
        )
    if moves_pulse:
        values["pulse_active_seconds"] = bindparam(
            "p_pulse_active", type_=S.c.pulse_active_seconds.type
        )
        values["pulse_last_at"] = bindparam("p_pulse_last", type_=S.c.pulse_last_at.type)
        values["pulse_paused"] = bindparam("p_pulse_paused", type_=S.c.pulse_paused.type)
        values["pulse_seconds"] = bindparam("p_pulse_seconds", type_=S.c.pulse_seconds.type)
        for name, param in zip(chan.COLUMNS, chan.PARAMS, strict=True):
            values[name] = bindparam(param, type_=S.c[name].type)
    return update(S).where(S.c.id == bindparam("p_session")).values(**values)


def upsert_file(
    store: Store,
    conn: Connection,
    org_id: str,
    session_id: int,
    delta: FileDelta,
    at: datetime,
    first_at: datetime | None = None,
) -> None:
    """Add `delta` to the file's tallies; `first_at` when the delta sums several events."""
    conn.execute(file_upsert(store), [file_row(org_id, session_id, delta, at, first_at)])


def file_row(
    org_id: str, session_id: int, delta: FileDelta, at: datetime, first_at: datetime | None = None
) -> dict[str, Any]:
    return {
        "session_id": session_id,
        "path": delta.path,
        "org_id": org_id,
        "times_modified": delta.modified,
        "lines_added": delta.added,
        "lines_removed": delta.removed,
        "times_mentioned": delta.mentioned,
        "is_binary": False,
        "first_touched_at": first_at or at,
        "last_touched_at": at,
    }


def file_upsert(store: Store) -> Any:
    """The upsert that adds `file_row`s to the tallies (execute with one row or many)."""
    return _file_upsert(store.is_sqlite)


def _dialect_insert(sqlite: bool, table: Any) -> Any:
    # Imported on first use, as in `Store.dialect_insert`.
    if sqlite:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert  # the dialect in use only

        return sqlite_insert(table)
    from sqlalchemy.dialects.postgresql import insert as pg_insert  # the dialect in use only

    return pg_insert(table)


@functools.cache
def _file_upsert(sqlite: bool) -> Any:
    # Built once per dialect: constructing it costs more than running it.
    statement = _dialect_insert(sqlite, F)
    excluded = statement.excluded
    return statement.on_conflict_do_update(
        index_elements=["session_id", "path"],
        set_={
            "times_modified": F.c.times_modified + excluded.times_modified,
            "lines_added": F.c.lines_added + excluded.lines_added,
            "lines_removed": F.c.lines_removed + excluded.lines_removed,
            "times_mentioned": F.c.times_mentioned + excluded.times_mentioned,
            "first_touched_at": case(
                (F.c.first_touched_at > excluded.first_touched_at, excluded.first_touched_at),
                else_=F.c.first_touched_at,
            ),
            "last_touched_at": case(
                (F.c.last_touched_at < excluded.last_touched_at, excluded.last_touched_at),
                else_=F.c.last_touched_at,
            ),
        },
    )


def _modified_condition() -> Any:
    return or_(F.c.times_modified > 0, F.c.git_change.is_not(None))


def recount_files_modified(conn: Connection, session_id: int) -> None:
    count = (
        select(func.count())
        .select_from(F)
        .where(F.c.session_id == session_id, _modified_condition())
        .scalar_subquery()
    )
    conn.execute(update(S).where(S.c.id == session_id).values(files_modified=count))


def upsert_token_usage(
    store: Store, conn: Connection, org_id: str, session_id: int, payload: dict[str, Any]
) -> None:
    deltas = counter_deltas("tokens", payload)
    figures = {name: int(deltas.get(name, 0)) for name in TOKEN_FIELDS}
    row = {
        "session_id": session_id,
        "model": str(payload.get("model") or "unknown"),
        "org_id": org_id,
        "cost_usd": float(deltas.get("cost_usd", 0.0)),
        **figures,
    }
    conn.execute(_token_upsert(store.is_sqlite), [row])


@functools.cache
def _token_upsert(sqlite: bool) -> Any:
    T = schema.token_usage
    statement = _dialect_insert(sqlite, T)
    excluded = statement.excluded
    set_: dict[str, Any] = {name: T.c[name] + excluded[name] for name in TOKEN_FIELDS}
    set_["cost_usd"] = T.c.cost_usd + excluded.cost_usd
    return statement.on_conflict_do_update(index_elements=["session_id", "model"], set_=set_)
