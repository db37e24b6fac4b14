"""The statements that apply a projection to a session's rows: the counter UPDATE (with
its pulse and channel state), the file tallies' and the token usage's upserts, and the
recount of the files modified. Each is built once per shape or dialect (`functools.cache`)
and executed with the rows' parameters: building one cost more than running it. What the
events change is worked out in `stint.model.projection`; `stint.store.events` sums it."""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, case, func, or_, select, update
from sqlalchemy.engine import Connection

from stint.model.channels import ChannelPulse
from stint.model.projection import TOKEN_FIELDS, FileDelta, Pulse, counter_deltas
from stint.store import Store, schema
from stint.store import channel_pulse as chan
from stint.store.core import dialect_insert
from stint.store.prepared import prepare

S = schema.sessions
F = schema.session_files


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
    statement = counter_update(
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
def counter_update(
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


@functools.cache
def _file_upsert(sqlite: bool) -> Any:
    # Built once per dialect: constructing it costs more than running it.
    statement = dialect_insert(sqlite, F)
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
    statement = dialect_insert(sqlite, T)
    excluded = statement.excluded
    set_: dict[str, Any] = {name: T.c[name] + excluded[name] for name in TOKEN_FIELDS}
    set_["cost_usd"] = T.c.cost_usd + excluded.cost_usd
    return statement.on_conflict_do_update(index_elements=["session_id", "model"], set_=set_)
