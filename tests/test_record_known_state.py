"""`Tracker.record`'s quick path keeps the state it wrote (stint.store.quick_record.Known):
the next event of the session sends no state read while nothing was committed since (its
seal: `PRAGMA data_version` and the connection's own changes), and a session another
writer moved meanwhile — another connection, another process, another recorder on the
same connection — is read afresh before anything is written, so the counters, the pulse
and the channel state always equal a fold of the events."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from stint import Tracker
from stint.model.channels import channel_pulse_of
from stint.model.projection import pulse_of
from stint.model.timeparse import utcnow
from stint.model.types import EventIn
from stint.sessions.doctor import check
from stint.store import channel_pulse, event_reads, quick_record, schema

EVENTS = 1000
# A pulse of about a millisecond: some gaps between the two writers' events count and
# some do not, so a state moved from a stale one would differ from the fold.
PULSE_MINUTES = "0.00002"
WRITER = f"""
import sys, time
from stint.model.types import EventIn
from stint.tracker import Tracker

url, session_id, worker, start = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
tracker = Tracker.open(url)
time.sleep(max(0.0, start - time.time()))  # both write at once, not one after the other
for i in range({EVENTS}):
    source = ("hook", "cli", "mcp")[i % 3]
    tracker.record(session_id, EventIn("tool_call", source=source, key=f"{{worker}}-{{i}}",
                                       payload={{"success": i % 7 != 0}}))
tracker.close()
"""


def traced(tracker: Tracker, action: Any) -> list[str]:
    """The SQL statements `action()` sends on the tracker's quick-path connection."""
    conn = tracker.store.dbapi_writer()
    sent: list[str] = []
    conn.set_trace_callback(sent.append)
    try:
        action()
    finally:
        conn.set_trace_callback(None)
    return [statement.split()[0] for statement in sent]


def state_matches_the_fold(tracker: Tracker, session_id: int) -> None:
    S = schema.sessions
    pulse = tracker.settings.pulse_seconds
    with tracker.store.read() as conn:
        row = conn.execute(select(S).where(S.c.id == session_id)).one()
        folded = pulse_of(event_reads.moments(conn, session_id), pulse)
        channels = channel_pulse_of(event_reads.channel_events(conn, session_id), pulse)
    assert row.pulse_last_at == folded.last_at
    assert row.pulse_active_seconds == pytest.approx(folded.active, abs=1e-6)
    assert bool(row.pulse_paused) == folded.paused
    assert channel_pulse.from_row(row) == channels


@pytest.fixture
def tracker(tmp_path: Path) -> Any:
    opened = Tracker.open(f"sqlite:///{tmp_path / 'stint.db'}")
    yield opened
    opened.close()


def test_the_next_event_of_a_session_sends_no_state_read(tracker: Tracker, tmp_path: Path) -> None:
    session = tracker.start(goal="g", agent="bench", cwd=str(tmp_path))
    first = traced(tracker, lambda: tracker.record(session.id, EventIn("tool_call", key="a")))
    assert first == ["BEGIN", "PRAGMA", "SELECT", "UPDATE", "INSERT", "COMMIT"]
    second = traced(tracker, lambda: tracker.record(session.id, EventIn("tool_call", key="b")))
    assert second == ["BEGIN", "PRAGMA", "UPDATE", "INSERT", "COMMIT"]
    assert tracker.get(session.id).tool_call_count == 2


def test_a_key_stored_before_changes_nothing_and_keeps_the_state(
    tracker: Tracker, tmp_path: Path
) -> None:
    session = tracker.start(goal="g", agent="bench", cwd=str(tmp_path))
    tracker.record(session.id, EventIn("tool_call", key="a"))
    tracker.record(session.id, EventIn("tool_call", key="b"))
    again = traced(tracker, lambda: tracker.record(session.id, EventIn("tool_call", key="b")))
    assert again == ["BEGIN", "PRAGMA", "UPDATE", "INSERT", "ROLLBACK"]
    after = traced(tracker, lambda: tracker.record(session.id, EventIn("tool_call", key="c")))
    assert after == ["BEGIN", "PRAGMA", "UPDATE", "INSERT", "COMMIT"]  # the kept state holds
    assert tracker.get(session.id).tool_call_count == 3
    state_matches_the_fold(tracker, session.id)


def test_a_session_another_writer_moved_is_read_afresh(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'stint.db'}"
    mine, other = Tracker.open(url), Tracker.open(url)
    try:
        base = utcnow() - timedelta(hours=1)
        session = mine.start(goal="g", agent="bench", cwd=str(tmp_path), at=base)
        at = iter(base + timedelta(seconds=40 * n) for n in range(1, 100))
        mine.record(session.id, EventIn("tool_call", key="m1", occurred_at=next(at)))
        other.record(session.id, EventIn("prompt", key="o1", occurred_at=next(at)))
        # The state `mine` kept is stale: data_version moved, so it reads before writing.
        stale = traced(
            mine,
            lambda: mine.record(session.id, EventIn("tool_call", key="m2", occurred_at=next(at))),
        )
        assert stale == ["BEGIN", "PRAGMA", "SELECT", "UPDATE", "INSERT", "COMMIT"]
        other.record(session.id, EventIn("session_paused", key="p", occurred_at=next(at)))
        mine.record(session.id, EventIn("tool_call", key="m3", occurred_at=next(at)))
        other.record(session.id, EventIn("session_resumed", key="r", occurred_at=next(at)))
        mine.record(session.id, EventIn("tool_call", key="m4", occurred_at=next(at)))
        mine.record(session.id, EventIn("tool_call", key="m5", occurred_at=next(at)))
        assert mine.get(session.id).tool_call_count == 5
        state_matches_the_fold(mine, session.id)
        assert check(mine) == []
    finally:
        mine.close()
        other.close()


def test_another_recorder_on_the_same_connection_is_not_missed(
    tracker: Tracker, tmp_path: Path
) -> None:
    """Two recorders of one store share its quick-path connection, whose own commits leave
    data_version as it was: the connection's changes count tells the kept state is stale."""
    other = Tracker(tracker.store, tracker.settings)
    assert other.store.dbapi_writer() is tracker.store.dbapi_writer()
    base = utcnow() - timedelta(hours=1)
    session = tracker.start(goal="g", agent="bench", cwd=str(tmp_path), at=base)
    at = iter(base + timedelta(seconds=40 * n) for n in range(1, 100))
    tracker.record(session.id, EventIn("tool_call", key="a1", occurred_at=next(at)))
    other.record(session.id, EventIn("tool_call", key="b1", occurred_at=next(at)))
    other.record(session.id, EventIn("tool_call", key="b2", occurred_at=next(at)))
    stale = traced(
        tracker,
        lambda: tracker.record(session.id, EventIn("tool_call", key="a2", occurred_at=next(at))),
    )
    assert stale == ["BEGIN", "PRAGMA", "SELECT", "UPDATE", "INSERT", "COMMIT"]
    assert tracker.get(session.id).tool_call_count == 4
    state_matches_the_fold(tracker, session.id)
    assert check(tracker) == []


def test_a_state_changed_outside_the_path_is_not_trusted(tracker: Tracker, tmp_path: Path) -> None:
    """A repair that rewrites the state (here: by hand, as `doctor --fix` could) makes the
    kept state stale; the next event folds from what the row holds, not from the kept."""
    base = utcnow() - timedelta(hours=1)
    session = tracker.start(goal="g", agent="bench", cwd=str(tmp_path), at=base)
    tracker.record(
        session.id, EventIn("tool_call", key="a", occurred_at=base + timedelta(minutes=1))
    )
    S = schema.sessions
    with tracker.store.write() as conn:
        conn.execute(S.update().where(S.c.id == session.id).values(pulse_active_seconds=1234.5))
    tracker.record(
        session.id, EventIn("tool_call", key="b", occurred_at=base + timedelta(minutes=2))
    )
    with tracker.store.read() as conn:
        active = conn.execute(select(S.c.pulse_active_seconds).where(S.c.id == session.id))
        assert active.scalar_one() == pytest.approx(1234.5 + 60)


def test_known_states_stay_bounded() -> None:
    known = quick_record.Known()
    kept = quick_record.Carried(pulse_of([], 900.0), channel_pulse_of([], 900.0), 900.0)
    for session_id in range(quick_record.KEPT * 3):
        known.keep(session_id, kept)
        assert len(known) <= quick_record.KEPT
    assert quick_record.KEPT * 3 - 1 in known


def test_two_processes_recording_into_one_session_lose_no_update(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'stint.db'}"
    tracker = Tracker.open(url, pulse_minutes=float(PULSE_MINUTES))
    env = {**os.environ, "STINT_PULSE_MINUTES": PULSE_MINUTES}
    try:
        session = tracker.start(goal="g", agent="bench", cwd=str(tmp_path))
        start = str(time.time() + 3)
        workers = [
            subprocess.Popen(
                [sys.executable, "-c", WRITER, url, str(session.id), str(n), start], env=env
            )
            for n in range(2)
        ]
        assert [w.wait(timeout=300) for w in workers] == [0, 0]
        got = tracker.get(session.id)
        assert got.tool_call_count == 2 * EVENTS
        assert got.tool_failures == 2 * len([i for i in range(EVENTS) if i % 7 == 0])
        assert len(tracker.timeline(session.id)) == 2 * EVENTS + 1  # + session_started
        state_matches_the_fold(tracker, session.id)
        assert check(tracker) == []
    finally:
        tracker.close()


def test_a_session_deleted_after_its_state_was_kept_is_not_found(
    tracker: Tracker, tmp_path: Path
) -> None:
    from stint.model.types import NotFound

    session = tracker.start(goal="g", agent="bench", cwd=str(tmp_path))
    tracker.record(session.id, EventIn("tool_call", key="a"))
    assert session.id in tracker._known
    tracker.forget(session.id)
    with pytest.raises(NotFound):
        tracker.record(session.id, EventIn("tool_call", key="b"))
    with tracker.store.read() as conn:
        A = schema.activities
        assert conn.execute(select(A.c.id).where(A.c.idem_key == "b")).first() is None
