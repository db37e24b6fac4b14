"""A session's pulse and channel state as the event write path keeps it: read (and on
PostgreSQL locked) before the events go in, carried forward over the new events, or
folded once from all of them when carrying would be wrong; and the state a session with
no event yet starts with. The columns are `sessions.pulse_*` and `chan_*`
(`stint.store.channel_pulse`); `stint.store.projection_writes` writes them."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection

from stint.model.channels import ChannelPulse, channel_of, channel_pulse_of
from stint.model.projection import Pulse, pulse_of
from stint.model.types import EventIn
from stint.store import Store, schema
from stint.store import channel_pulse as chan
from stint.store.event_reads import channel_events, moments
from stint.store.prepared import prepare

S = schema.sessions


def locked_state(store: Store, conn: Connection, session_id: int) -> Any:
    """The session's pulse columns, its row locked until the transaction ends on
    PostgreSQL. Every writer of a session's events takes this lock before it inserts
    them: one that inserted first and locked the row after deadlocked with one that had
    the row and waited on those same keys (an ingest batch sent to two servers, one
    attaching the session while the other found it open)."""
    query = pulse_select(conn.dialect.name, False)
    if store.is_sqlite:
        return prepare(conn, query).first(conn, {"p_session": session_id})
    return conn.execute(query, {"p_session": session_id}).first()


def carry(
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
def pulse_select(dialect: str, in_org: bool) -> Any:
    """The read of a session's pulse columns by its id (`p_session`), and with `in_org`
    its org (`p_org`), which finds none for a session of another org."""
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
    pulse state, for `stint.store.events.append_many`; locked as `pulse_select` locks, so
    the read that finds the session is also the one the projection needs (one round trip,
    not three). None when there is none."""
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
    # FOR NO KEY UPDATE, as in `pulse_select` (which explains why not FOR UPDATE).
    return query.with_for_update(key_share=True) if dialect == "postgresql" else query
