"""`Tracker.record`'s common case on SQLite, one event into a session named by its id,
in one transaction on the DBAPI connection, with none of SQLAlchemy's per-transaction
work around it (an empty Core transaction costs several times SQLite's own BEGIN and
COMMIT).

Only an event whose projection is the counter UPDATE alone takes this path: no file
tallies, no token usage, and a pulse state that carries forward (the event later than
the session's latest). Anything else answers FALLBACK before writing anything, and the
caller runs the general path.

The session's state (pulse and channels) after each event this path wrote is kept in
`Known`, which the caller holds for as long as it stays open, sealed with what shows that
nothing else was written since (`Seal`): the connection, its own count of changed rows
(`total_changes`) and SQLite's `PRAGMA data_version`, which moves whenever another
connection commits (another process recording, the general path's pooled connections, a
pause, `stint doctor --fix`). The next event of that session runs BEGIN IMMEDIATE, reads
`data_version` under the write lock, and if the seal still holds — nothing has been
committed since the state was written, by this recorder or any other — runs the counter
UPDATE, the INSERT, COMMIT. Otherwise the state is read in the same transaction as for a
session not kept. Nothing is written until that check passed: the result is always the
one the read would have given.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, NamedTuple

from stint.model.channels import ChannelPulse, channel_of
from stint.model.projection import Pulse, counter_deltas, file_deltas
from stint.model.timeparse import utcnow
from stint.model.types import EventIn, NotFound
from stint.store import Store, schema
from stint.store import channel_pulse as chan
from stint.store import events as ev
from stint.store.prepared import binder, prepare, prepare_named
from stint.store.projection_writes import counter_update
from stint.store.pulse_state import pulse_select

FALLBACK: Final = "fallback"
S = schema.sessions
# The parameters that take the event's time as `_moment` binds it, in each statement.
UPDATE_MOMENTS = frozenset({"p_at", "p_pulse_last"})
INSERT_MOMENTS = frozenset({"occurred_at"})
# Sessions whose state a Known keeps (one is the common case: a capture source records
# into its session); past this many it starts afresh rather than grow.
KEPT = 32


class Seal(NamedTuple):
    """The database as a transaction of this path left it: the connection, the rows it
    had changed in all (`total_changes`: another recorder sharing the connection moves
    it) and `PRAGMA data_version` (another connection's commit moves it). A tuple: it is
    made and compared once per event."""

    conn: sqlite3.Connection
    changes: int
    version: int


@dataclass(frozen=True)
class Carried:
    """A session's pulse and channel state, with the pulse it was kept with; once this
    path wrote it, `seal` holds the database as the write left it."""

    pulse: Pulse
    channels: ChannelPulse
    pulse_seconds: float
    seal: Seal | None = None


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
        # Under the write lock: no commit can come between this and ours.
        version = conn.execute("PRAGMA data_version").fetchone()[0]
        if kept is not None and kept.seal != Seal(conn, conn.total_changes, version):
            kept = None  # written to since: the row may hold another state
        found, keep = _record(store, conn, dialect, org_id, session_id, event, at, kept)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    # Nothing new (FALLBACK, a key stored before): whatever moved is undone.
    conn.execute("COMMIT" if isinstance(found, int) else "ROLLBACK")
    if known is not None and keep is not None:
        # Our own commit leaves data_version as it was; the changes count moves with it.
        seal = Seal(conn, conn.total_changes, version)
        known.keep(session_id, Carried(keep.pulse, keep.channels, keep.pulse_seconds, seal))
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
    """What `record` answers, and the state the row holds once the transaction ends:
    the one written, or for a key stored before the kept one the rollback restores.
    `kept`: the state the row is known to hold (its seal checked), if any."""
    pulse = store.pulse_seconds
    moment = _moment(dialect)(at)
    if kept is not None and kept.pulse_seconds == pulse and at > _last(kept):
        carried = _after(kept, event, at)
        if _move(conn, dialect, session_id, event, moment, carried):
            found = _insert(conn, dialect, org_id, session_id, event, moment)
            return found, kept if found is None else carried
        # No row moved (none can be missing while the seal holds): read, and tell, below.
    state = prepare(conn, pulse_select("sqlite", True), dialect=dialect).first(
        conn, {"p_session": session_id, "p_org": org_id}
    )
    if state is None:
        raise NotFound(f"no session with id {session_id}")
    if state.pulse_seconds != pulse or state.pulse_last_at is None or at <= state.pulse_last_at:
        # Earlier than the latest: the states must be folded from all the session's
        # events. At the very moment of the latest the general path carries them
        # (`pulse_state.carry`); this one keeps to strictly later events.
        return FALLBACK, None
    channels = chan.from_row(state)
    if channels is None:
        return FALLBACK, None  # as must the channels of a session from before migration 0017
    stored = Pulse(
        float(state.pulse_active_seconds or 0.0), state.pulse_last_at, bool(state.pulse_paused)
    )
    carried = _after(Carried(stored, channels, pulse), event, at)
    _move(conn, dialect, session_id, event, moment, carried)
    found = _insert(conn, dialect, org_id, session_id, event, moment)
    return found, None if found is None else carried


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


@functools.cache
def _moment(dialect: Any) -> Callable[[datetime], Any]:
    """The event's time as the store binds it for a UTC datetime column (its text on
    SQLite). The UPDATE's `p_at` and `p_pulse_last` (on this path the pulse's latest is
    the event) and the INSERT's `occurred_at` take it bound once, not once each
    (UPDATE_MOMENTS, …)."""
    process = binder(S.c.pulse_last_at.type, dialect)
    assert process is not None  # UTCDateTime always processes
    return process


def _insert(
    conn: sqlite3.Connection,
    dialect: Any,
    org_id: str,
    session_id: int,
    event: EventIn,
    moment: Any,
) -> int | None:
    """The INSERT: the new activity's id, or None when its key was stored before (the
    cursor's count and last row id tell, with no RETURNING to run)."""
    row = ev.activity_row(org_id, session_id, event, moment)
    insert = ev.activity_insert_quiet(True, event.key is not None)
    cursor = prepare_named(insert, dialect, tuple(row), INSERT_MOMENTS).execute(conn, row)
    return cursor.lastrowid if cursor.rowcount == 1 else None


def _move(
    conn: sqlite3.Connection,
    dialect: Any,
    session_id: int,
    event: EventIn,
    moment: Any,
    carried: Carried,
) -> bool:
    """The counter UPDATE with the new state; whether the row moved. `moment`: the
    event's time as bound (`_moment`), which is the pulse's latest on this path."""
    deltas = counter_deltas(event.type, event.payload or {})
    seen = utcnow() if event.source in ev.LIVE_SOURCES else None
    statement = _counter_update(tuple(sorted(deltas)), seen is not None)
    params: dict[str, Any] = {f"d_{name}": value for name, value in deltas.items()}
    params.update(
        p_session=session_id,
        p_pulse_active=carried.pulse.active,
        p_pulse_last=moment,
        p_pulse_paused=carried.pulse.paused,
        p_pulse_seconds=carried.pulse_seconds,
        p_at=moment,
    )
    params.update(chan.params(carried.channels))
    if seen is not None:
        params["p_seen"] = seen
    cursor = prepare_named(statement, dialect, (), UPDATE_MOMENTS).execute(conn, params)
    moved: bool = cursor.rowcount == 1
    return moved


@functools.cache
def _counter_update(names: tuple[str, ...], moves_seen: bool) -> Any:
    """`projection_writes.counter_update` for this path (built once per shape)."""
    return counter_update(names, True, moves_seen, True)
