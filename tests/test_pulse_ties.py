"""Events at the very instant of a session's latest stored event (a tie) carry the kept
pulse and channel states forward, on SQLite and PostgreSQL, and still give exactly the
fold of every event in (time, id) order that `stint doctor` compares with.

At a tie the order matters: a `session_resumed` after a tool call at one instant forgets
the agent's last moment (its next gap does not count), before it the gap counts. Every
writer takes the session's row lock before it inserts (`pulse_state.locked_state`), so a new
event's id is above every stored one: folding it after the kept state is folding it
last, which is where the (time, id) order puts it. An import meets this on nearly every
session: the inactivity end writes `session_ended` at the last activity."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from stint.model.channels import channel_pulse_of
from stint.model.projection import pulse_of
from stint.model.timeparse import utcnow
from stint.model.types import EventIn
from stint.sessions import doctor, lifecycle
from stint.store import channel_pulse, event_reads, schema
from stint.tracker import Tracker

S = schema.sessions


def _tool(at: Any, key: str) -> EventIn:
    return EventIn("tool_call", at, "Bash", "hook", True, payload={"tool": "Bash"}, key=key)


def _mark(kind: str, at: Any, key: str) -> EventIn:
    return EventIn(kind, at, kind, "hook", False, key=key)


def _assert_kept_is_the_fold(tracker: Tracker, session_id: int) -> None:
    pulse = tracker.settings.pulse_seconds
    with tracker.store.read() as conn:
        row = dict(conn.execute(select(S).where(S.c.id == session_id)).mappings().one())
        channels = channel_pulse_of(event_reads.channel_events(conn, session_id), pulse)
        moments = pulse_of(event_reads.moments(conn, session_id), pulse)
    assert channel_pulse.from_row(row) == channels
    assert (row["pulse_last_at"], row["pulse_paused"]) == (moments.last_at, moments.paused)
    assert abs(row["pulse_active_seconds"] - moments.active) < 1e-6


def test_events_at_the_latest_instant_give_the_fold(tracker: Tracker) -> None:
    start = utcnow() - timedelta(hours=2)
    tie = start + timedelta(seconds=60)
    session = tracker.start(project="p", at=start)
    tracker.record(session.id, _tool(tie, "t1"))
    # One at a time at the tie: the resume is folded after the tool call, as its id says.
    tracker.record(session.id, _mark("session_resumed", tie, "r1"))
    tracker.record(session.id, _tool(tie + timedelta(seconds=20), "t2"))
    _assert_kept_is_the_fold(tracker, session.id)
    # A batch whose first events are at the latest instant, a pause and resume among them.
    later = tie + timedelta(seconds=20)
    batch = [
        _mark("session_paused", later, "p2"),
        _tool(later, "t3"),
        _mark("session_resumed", later, "r2"),
        _tool(later + timedelta(seconds=30), "t4"),
    ]
    assert tracker.record_bulk(session.id, batch) == 4
    _assert_kept_is_the_fold(tracker, session.id)
    # The inactivity end, as an import's: `session_ended` at the last activity (a tie).
    assert lifecycle.time_out_many(tracker, [session.id]) == 1
    _assert_kept_is_the_fold(tracker, session.id)
    assert doctor.check(tracker) == []


def test_a_tie_where_the_order_decides(tracker: Tracker) -> None:
    """The same two events at one instant in the other order give another agent time:
    what the kept state holds follows the order they were stored in."""
    start = utcnow() - timedelta(hours=2)
    tie = start + timedelta(seconds=60)
    agent_seconds = []
    for name, first, second in (
        ("resume-last", _tool(tie, "l1"), _mark("session_resumed", tie, "l2")),
        ("resume-first", _mark("session_resumed", tie, "f1"), _tool(tie, "f2")),
    ):
        session = tracker.start(project=name, at=start)
        tracker.record(session.id, first)
        tracker.record(session.id, second)
        tracker.record(session.id, _tool(tie + timedelta(seconds=30), f"{name}-3"))
        _assert_kept_is_the_fold(tracker, session.id)
        with tracker.store.read() as conn:
            row = conn.execute(select(S.c.chan_agent_active).where(S.c.id == session.id))
            agent_seconds.append(row.scalar_one())
    assert agent_seconds == [0.0, 30.0]
    assert doctor.check(tracker) == []


def test_a_start_folds_no_event_back(tracker: Tracker, monkeypatch: pytest.MonkeyPatch) -> None:
    """A session starts with the states of no event (`pulse_state.no_events_state`): its
    `session_started` and the first batch carry them, reading none of its events."""
    from stint.store import pulse_state

    def unread(*args: Any) -> Any:
        raise AssertionError("a session's events were read back to fold them")

    start = utcnow() - timedelta(hours=2)
    with monkeypatch.context() as patched:
        patched.setattr(pulse_state, "moments", unread)
        patched.setattr(pulse_state, "channel_events", unread)
        session = tracker.start(project="p", at=start)
        batch = [_tool(start + timedelta(seconds=s), f"s{s}") for s in (0, 9)]
        tracker.record_bulk(session.id, batch)
    _assert_kept_is_the_fold(tracker, session.id)
    assert doctor.check(tracker) == []
