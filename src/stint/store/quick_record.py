"""`Tracker.record`'s common case on SQLite, one event into a session named by its id,
in one transaction on the DBAPI connection, with none of SQLAlchemy's per-transaction
work around it (an empty Core transaction costs several times SQLite's own BEGIN and
COMMIT).

Only an event whose projection is the counter UPDATE alone takes this path: no file
tallies, no token usage, and a pulse state that carries forward (the event later than
the session's latest). Anything else answers FALLBACK before writing anything, and the
caller runs the general path.

The session's state (pulse and channels) after each event this path wrote is kept in
`Known`, which the caller holds for as long as it stays open. The next event of that
session then runs BEGIN IMMEDIATE, the counter UPDATE, the INSERT, COMMIT: the UPDATE
moves the state only `WHERE` the row still holds exactly the state kept — the columns the
state read would have returned, compared as stored — so a session another writer moved
meanwhile (another process recording, a pause, `stint doctor --fix`) matches no row,
and its state is read in the same transaction as before. Nothing is written until the
check passed: the result is always the one the read would have given.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from sqlalchemy import and_, bindparam
from sqlalchemy.types import NullType, TypeDecorator

from stint.model.channels import ChannelPulse, channel_of
from stint.model.projection import Pulse, counter_deltas, file_deltas
from stint.model.timeparse import utcnow
from stint.model.types import EventIn, NotFound
from stint.store import Store, schema
from stint.store import channel_pulse as chan
from stint.store import events as ev
from stint.store.prepared import prepare, prepare_named

FALLBACK: Final = "fallback"
S = schema.sessions
# The state columns a carried event depends on (those `events._pulse_select` reads): the
# check parameter of each, and the counter UPDATE's parameter that writes it.
WRITTEN = (
    ("g_pulse_active_seconds", "p_pulse_active"),
    ("g_pulse_last_at", "p_pulse_last"),
    ("g_pulse_paused", "p_pulse_paused"),
    ("g_pulse_seconds", "p_pulse_seconds"),
    *((f"g_{name}", param) for name, param in zip(chan.COLUMNS, chan.PARAMS, strict=True)),
)
# Sessions whose state a Known keeps (one is the common case: a capture source records
# into its session); past this many it starts afresh rather than grow.
KEPT = 32


@dataclass(frozen=True)
class Carried:
    """A session's pulse and channel state, with the pulse it was kept with; once this
    path wrote it, `written` holds its columns as they were bound (the next UPDATE's
    check parameters, keyed as in WRITTEN)."""

    pulse: Pulse
    channels: ChannelPulse
    pulse_seconds: float
    written: Mapping[str, Any] = field(default_factory=dict, compare=False)


class Known(dict[int, Carried]):
    """Session id → the state this path last wrote there (held by the recorder)."""

    def keep(self, session_id: int, carried: Carried) -> None:
        if session_id not in self and len(self) >= KEPT:
            self.clear()
        self[session_id] = carried


def simple(event: EventIn) -> bool:
    """Whether the event's projection can be only the counter UPDATE."""
    return event.type != "tokens" and not file_deltas(
        event.type, event.file_path, event.payload or {}
    )


def record(
    store: Store,
    org_id: str,
    session_id: int,
    event: EventIn,
    at: datetime,
    known: Known | None = None,
) -> Any:
    """The new activity's id, None when its key was stored before, or FALLBACK.
    `known`: the states kept from earlier calls (updated here)."""
    if at.tzinfo is None:
        return FALLBACK  # the general path refuses it as the store's types do
    dialect = store._writer.dialect
    conn = store.dbapi_writer()
    kept = known.pop(session_id, None) if known is not None else None
    conn.execute("BEGIN IMMEDIATE")
    try:
        found, keep = _record(store, conn, dialect, org_id, session_id, event, at, kept)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    # Nothing new (FALLBACK, a key stored before): whatever moved is undone.
    conn.execute("COMMIT" if isinstance(found, int) else "ROLLBACK")
    if known is not None and keep is not None:
        known.keep(session_id, keep)
    return found


def _record(
    store: Store,
    conn: sqlite3.Connection,
    dialect: Any,
    org_id: str,
    session_id: int,
    event: EventIn,
    at: datetime,
    kept: Carried | None,
) -> tuple[Any, Carried | None]:
    """What `record` answers, and the state to keep: the one written, or for a key stored
    before the kept one the rollback restores."""
    pulse = store.pulse_seconds
    if kept is not None and kept.pulse_seconds == pulse and at > _last(kept):
        carried = _after(kept, event, at)
        moved = _move(conn, dialect, org_id, session_id, event, at, carried, kept)
        if moved is not None:
            found = _insert(conn, dialect, org_id, session_id, event, at)
            return found, kept if found is None else moved
        # The row holds another state now (another writer moved it): read it below.
    state = prepare(conn, ev._pulse_select("sqlite", True), dialect=dialect).first(
        conn, {"p_session": session_id, "p_org": org_id}
    )
    if state is None:
        raise NotFound(f"no session with id {session_id}")
    if state.pulse_seconds != pulse or state.pulse_last_at is None or at <= state.pulse_last_at:
        # The pulse must be folded from all the session's events; at the very moment of
        # the latest, so must the channels (see `events._pulse`).
        return FALLBACK, None
    channels = chan.from_row(state)
    if channels is None:
        return FALLBACK, None  # as must the channels of a session from before migration 0017
    stored = Pulse(
        float(state.pulse_active_seconds or 0.0), state.pulse_last_at, bool(state.pulse_paused)
    )
    carried = _after(Carried(stored, channels, pulse), event, at)
    moved = _move(conn, dialect, org_id, session_id, event, at, carried, None)
    found = _insert(conn, dialect, org_id, session_id, event, at)
    return found, None if found is None else moved


def _last(kept: Carried) -> datetime:
    last = kept.pulse.last_at
    assert last is not None  # a carried state always has its latest event
    return last


def _after(state: Carried, event: EventIn, at: datetime) -> Carried:
    pulse = state.pulse_seconds
    channel = channel_of(event.type, event.source, event.ai_involved, event.payload)
    return Carried(
        state.pulse.after(at, event.type, pulse),
        state.channels.after(at, channel, event.type, pulse),
        pulse,
    )


def _insert(
    conn: sqlite3.Connection,
    dialect: Any,
    org_id: str,
    session_id: int,
    event: EventIn,
    at: datetime,
) -> int | None:
    """The INSERT: the new activity's id, or None when its key was stored before."""
    row = ev._row(org_id, session_id, event, at)
    insert = ev._activity_insert(True, event.key is not None)
    found = prepare_named(insert, dialect, tuple(row)).execute(conn, row).fetchone()
    return None if found is None else int(found[0])


def _move(
    conn: sqlite3.Connection,
    dialect: Any,
    org_id: str,
    session_id: int,
    event: EventIn,
    at: datetime,
    carried: Carried,
    kept: Carried | None,
) -> Carried | None:
    """The counter UPDATE with the new state; with `kept`, only where the row still holds
    that state. The state written, with its columns as bound; None if no row moved."""
    deltas = counter_deltas(event.type, event.payload or {})
    seen = utcnow() if event.source in ev.LIVE_SOURCES else None
    statement = _guarded_update(tuple(sorted(deltas)), seen is not None, kept is not None)
    params: dict[str, Any] = {f"d_{name}": value for name, value in deltas.items()}
    params.update(
        p_session=session_id,
        p_pulse_active=carried.pulse.active,
        p_pulse_last=carried.pulse.last_at,
        p_pulse_paused=carried.pulse.paused,
        p_pulse_seconds=carried.pulse_seconds,
        p_at=at,
    )
    params.update(chan.params(carried.channels))
    if seen is not None:
        params["p_seen"] = seen
    if kept is not None:
        params.update(kept.written, p_org=org_id)
    cursor = prepare_named(statement, dialect).execute(conn, params)  # binds params in place
    if cursor.rowcount != 1:
        return None
    written = {kept_name: params[name] for kept_name, name in WRITTEN}
    return Carried(carried.pulse, carried.channels, carried.pulse_seconds, written)


@functools.cache
def _guarded_update(names: tuple[str, ...], moves_seen: bool, guarded: bool) -> Any:
    """`events._counter_update` for this path, with the kept-state check when `guarded`:
    each state column `IS` its value as bound when written (NULL-safe: a channel without
    a moment yet keeps NULL), so the check compares exactly what the row stores."""
    statement = ev._counter_update(names, True, moves_seen, True)
    if not guarded:
        return statement
    # The org too, as the state read checks it (a session id names one row, but the
    # check must not rest on the kept state alone to tell the org).
    org = S.c.org_id == bindparam("p_org")
    return statement.where(org, and_(*(_kept_is(kept) for kept, _ in WRITTEN)))


class AsBound(TypeDecorator[Any]):
    """A parameter passed to sqlite3 as given: its value is a column type's own binding
    already (a bare NullType parameter would take the compared column's type, and bind
    the value a second time)."""

    impl = NullType
    cache_ok = True


def _kept_is(kept: str) -> Any:
    return S.c[kept.removeprefix("g_")].is_not_distinct_from(bindparam(kept, type_=AsBound()))
