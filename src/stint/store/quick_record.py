"""`Tracker.record`'s common case on SQLite, one event into a session named by its id,
in one transaction on the DBAPI connection: BEGIN IMMEDIATE, the session's pulse state,
the INSERT, the counter UPDATE, COMMIT — the statements `events.append_by_id` sends, with
none of SQLAlchemy's per-transaction work around them (an empty Core transaction costs
several times SQLite's own BEGIN and COMMIT).

Only an event whose projection is the counter UPDATE alone takes this path: no file
tallies, no token usage, and a pulse state that carries forward (the event no earlier
than the session's latest). Anything else answers FALLBACK before writing anything, and
the caller runs the general path.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from stint.model.channels import channel_of
from stint.model.projection import Pulse, counter_deltas, file_deltas
from stint.model.timeparse import utcnow
from stint.model.types import EventIn, NotFound
from stint.store import Store
from stint.store import channel_pulse as chan
from stint.store import events as ev
from stint.store.prepared import prepare

FALLBACK: Final = "fallback"


def simple(event: EventIn) -> bool:
    """Whether the event's projection can be only the counter UPDATE."""
    return event.type != "tokens" and not file_deltas(
        event.type, event.file_path, event.payload or {}
    )


def record(store: Store, org_id: str, session_id: int, event: EventIn, at: datetime) -> Any:
    """The new activity's id, None when its key was stored before, or FALLBACK."""
    dialect = store._writer.dialect
    conn = store.dbapi_writer()
    conn.execute("BEGIN IMMEDIATE")
    try:
        found = _record(store, conn, dialect, org_id, session_id, event, at)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("ROLLBACK" if found == FALLBACK else "COMMIT")
    return found


def _record(
    store: Store,
    conn: Any,
    dialect: Any,
    org_id: str,
    session_id: int,
    event: EventIn,
    at: datetime,
) -> Any:
    if at.tzinfo is None:
        return FALLBACK  # the general path refuses it as the store's types do
    state = prepare(conn, ev._pulse_select("sqlite", True), dialect=dialect).first(
        conn, {"p_session": session_id, "p_org": org_id}
    )
    if state is None:
        raise NotFound(f"no session with id {session_id}")
    pulse = store.pulse_seconds
    if state.pulse_seconds != pulse or state.pulse_last_at is None or at <= state.pulse_last_at:
        # The pulse must be folded from all the session's events; at the very moment of
        # the latest, so must the channels (see `events._pulse`).
        return FALLBACK
    channels = chan.from_row(state)
    if channels is None:
        return FALLBACK  # as must the channels of a session from before migration 0017
    row = ev._row(org_id, session_id, event, at)
    insert = ev._activity_insert(True, event.key is not None)
    activity_id = prepare(conn, insert, tuple(row), dialect=dialect).scalar(conn, row)
    if activity_id is None:
        return None
    carried = Pulse(
        float(state.pulse_active_seconds or 0.0), state.pulse_last_at, bool(state.pulse_paused)
    ).after(at, event.type, pulse)
    channel = channel_of(event.type, event.source, event.ai_involved, event.payload)
    channels = channels.after(at, channel, event.type, pulse)
    deltas = counter_deltas(event.type, event.payload or {})
    seen = utcnow() if event.source in ev.LIVE_SOURCES else None
    statement = ev._counter_update(tuple(sorted(deltas)), True, seen is not None, True)
    params: dict[str, Any] = {f"d_{name}": value for name, value in deltas.items()}
    params.update(
        p_session=session_id,
        p_pulse_active=carried.active,
        p_pulse_last=carried.last_at,
        p_pulse_paused=carried.paused,
        p_pulse_seconds=pulse,
        p_at=at,
    )
    params.update(chan.params(channels))
    if seen is not None:
        params["p_seen"] = seen
    prepare(conn, statement, dialect=dialect).execute(conn, params)
    return int(activity_id)
