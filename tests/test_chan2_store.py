"""The channel state a session keeps as events arrive (migration 0017), through the real
store on SQLite and PostgreSQL: every write path keeps it equal to the fold of all its
events, an open session's split reads it instead of every event, and `stint doctor`
finds and repairs a state that drifted."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from stint.model.channels import channel_pulse_of, split
from stint.model.timeparse import utcnow
from stint.model.types import EventIn
from stint.sessions import doctor
from stint.store import channel_pulse, event_reads, schema
from stint.tracker import Tracker

S = schema.sessions


def _prompt(at: Any) -> EventIn:
    return EventIn("message", at, "Prompt", "hook", False, payload={"role": "user"})


def _tool(at: Any) -> EventIn:
    return EventIn("tool_call", at, "Bash", "hook", True, payload={"tool": "Bash"})


def _kept_and_folded(tracker: Tracker, session_id: int) -> tuple[Any, Any]:
    pulse = tracker.settings.pulse_seconds
    with tracker.store.read() as conn:
        row = conn.execute(select(S).where(S.c.id == session_id)).mappings().one()
        folded = channel_pulse_of(event_reads.channel_events(conn, session_id), pulse)
    return channel_pulse.from_row(dict(row)), folded


def _busy_session(tracker: Tracker) -> tuple[int, Any]:
    """One at a time, a batch, a hand pause and resume, then one back-dated event."""
    now = utcnow()
    start = now - timedelta(minutes=50)
    session = tracker.start(project="p", at=start)
    tracker.record(session.id, _prompt(start + timedelta(seconds=30)))
    for second in range(60, 600, 45):
        tracker.record(session.id, _tool(start + timedelta(seconds=second)))
    tracker.record(session.id, _prompt(start + timedelta(seconds=400 + 200)))
    batch = [_tool(start + timedelta(seconds=s)) for s in range(700, 1500, 50)]
    batch += [_prompt(start + timedelta(seconds=s)) for s in range(720, 1300, 130)]
    tracker.record_bulk(session.id, batch)
    return session.id, start


def test_every_write_path_keeps_the_fold_of_all_events(tracker: Tracker) -> None:
    session_id, start = _busy_session(tracker)
    kept, folded = _kept_and_folded(tracker, session_id)
    assert kept is not None and kept == folded
    assert kept.both > 0 and kept.person_active > 0 and kept.agent_active > 0
    # A back-dated event (earlier than the latest) refolds from every event.
    tracker.record(session_id, _prompt(start + timedelta(seconds=65)))
    kept, folded = _kept_and_folded(tracker, session_id)
    assert kept == folded
    assert not doctor.check(tracker)


def test_an_open_session_splits_from_its_row(
    tracker: Tracker, monkeypatch: pytest.MonkeyPatch
) -> None:
    session_id, _ = _busy_session(tracker)
    with tracker.store.read() as conn:
        events = event_reads.channel_events(conn, session_id)

    def no_event_reads(*args: Any) -> Any:
        raise AssertionError("an open session's split read every event")

    monkeypatch.setattr(tracker.store.reads, "channel_events", no_event_reads)
    read = tracker.get(session_id)
    assert read.channels is not None
    # The same split from every event; now is beyond the pulse since the latest event,
    # so the moment each read takes for now does not move the figures.
    expected = split(events, tracker.settings.pulse_seconds, utcnow(), read.duration_seconds)
    assert read.channels.person == pytest.approx(expected.person, abs=1e-6)
    assert read.channels.agent == pytest.approx(expected.agent, abs=1e-6)
    assert read.channels.both == pytest.approx(expected.both, abs=1e-6)
    assert read.channels.both > 0
    assert read.channels.idle == pytest.approx(expected.idle, abs=1.0)


def test_doctor_finds_and_repairs_a_drifted_state(tracker: Tracker) -> None:
    session_id, _ = _busy_session(tracker)
    with tracker.store.write() as conn:
        conn.execute(update(S).where(S.c.id == session_id).values(chan_both=12345.0))
    found = doctor.check(tracker)
    assert [(m.session_id, m.field, m.stored) for m in found] == [
        (session_id, "chan_both", 12345.0)
    ]
    doctor.check(tracker, fix=True)
    assert not doctor.check(tracker)
    kept, folded = _kept_and_folded(tracker, session_id)
    assert kept == folded


def test_a_session_from_before_0017_fills_its_state_at_its_next_event(tracker: Tracker) -> None:
    session_id, start = _busy_session(tracker)
    with tracker.store.write() as conn:
        conn.execute(
            update(S).where(S.c.id == session_id).values(dict.fromkeys(channel_pulse.COLUMNS))
        )
    assert tracker.get(session_id).channels is not None  # recomputed from the events
    tracker.record(session_id, _tool(start + timedelta(seconds=1520)))
    kept, folded = _kept_and_folded(tracker, session_id)
    assert kept is not None and kept == folded
