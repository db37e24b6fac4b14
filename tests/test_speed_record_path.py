"""The record path under load (issue 13): session numbers allocated without ever failing
under concurrent starts, a genuine open-session conflict named as what it is, and the
active time of an open session kept on its row as events arrive."""

from __future__ import annotations

import random
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import insert

from stint import Tracker
from stint.model.projection import PAUSE, RESUME, Pulse, active_seconds, pulse_of
from stint.model.timeparse import utcnow
from stint.model.types import Conflict, EventIn
from stint.sessions.doctor import check
from stint.store import events as ev
from stint.store import schema
from stint.store import sessions as ss


def _start_all(tracker: Tracker, workers: int, each: int, cwd: Path) -> list[BaseException]:
    """`workers` threads start `each` sessions apiece, all at once, every one with its own
    agent session id in the same project (what 32 ingest clients do)."""
    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []

    def work(index: int) -> None:
        barrier.wait()
        for n in range(each):
            try:
                tracker.start(
                    project="project-1",
                    agent="bench",
                    agent_session_id=f"agent-{index}-{n}",
                    cwd=str(cwd),
                    source="api",
                )
            except BaseException as exc:  # collected: a thread's failure must fail the test
                errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return errors


def test_concurrent_starts_all_succeed_with_unique_dense_numbers(
    tracker: Tracker, tmp_path: Path
) -> None:
    tracker.start(project="project-1", agent="bench", agent_session_id="seed", cwd=str(tmp_path))
    workers, each = 12, 6
    errors = _start_all(tracker, workers, each, tmp_path)
    assert errors == []
    numbers = sorted(s.number for s in tracker.sessions(limit=1000))
    assert numbers == list(range(1, workers * each + 2))


def test_a_genuine_open_session_conflict_names_the_holder(tracker: Tracker, tmp_path: Path) -> None:
    first = tracker.start(project="p", agent="bench", agent_session_id="same", cwd=str(tmp_path))
    tracker.start(project="p", agent="bench", agent_session_id="other", cwd=str(tmp_path))
    with pytest.raises(
        Conflict, match=rf"^session #{first.number} is already active in project 'p'"
    ):
        tracker.start(project="p", agent="bench", agent_session_id="same", cwd=str(tmp_path))


def test_many_open_sessions_still_name_the_conflicting_one(
    tracker: Tracker, tmp_path: Path
) -> None:
    """The holder is found by its key, not among the newest 50 of the project (which
    answered "a session is already open" when it was older than those)."""
    held = tracker.start(project="p", agent="bench", agent_session_id="old", cwd=str(tmp_path))
    for n in range(55):
        tracker.start(project="p", agent="bench", agent_session_id=f"s{n}", cwd=str(tmp_path))
    with pytest.raises(Conflict, match=rf"session #{held.number} is already active"):
        tracker.start(project="p", agent="bench", agent_session_id="old", cwd=str(tmp_path))


def test_a_number_taken_by_a_writer_outside_the_lock_is_skipped_not_a_conflict(
    pg_url: str, tmp_path: Path
) -> None:
    """A writer that skips the number lock (a bulk import) holds the next number in an
    open transaction: the start waits on the unique index, then takes the one after."""
    tracker = Tracker.open(pg_url)
    try:
        tracker.start(project="p", agent="bench", agent_session_id="a", cwd=str(tmp_path))
        now = utcnow()
        other = tracker.store.engine.connect()
        transaction = other.begin()
        other.execute(
            insert(schema.sessions).values(
                uuid="00000000-0000-0000-0000-000000000002",
                org_id=tracker.org,
                number=2,
                kind="coding",
                status="completed",
                created_at=now,
                updated_at=now,
            )
        )
        result: list[object] = []
        thread = threading.Thread(
            target=lambda: result.append(
                tracker.start(project="p", agent="bench", agent_session_id="b", cwd=str(tmp_path))
            )
        )
        thread.start()
        thread.join(timeout=1.0)
        assert thread.is_alive()  # waiting on number 2's uncommitted row
        transaction.commit()
        other.close()
        thread.join(timeout=60)
        assert [getattr(s, "number", s) for s in result] == [3]
    finally:
        tracker.close()


# --- active time kept incrementally -------------------------------------------------

PULSE = 15 * 60.0
BASE = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
event_types = st.sampled_from(["tool_call", "tool_call", "prompt", PAUSE, RESUME])
# Offsets in seconds, within a few pulses of each other so that gaps both count and don't.
timelines = st.lists(
    st.tuples(st.integers(min_value=0, max_value=4 * 3600), event_types), min_size=1, max_size=40
)


def _incremental(arrivals: list[tuple[datetime, str]]) -> Pulse:
    """The rule the store's projection applies as events arrive one by one: carry the
    state forward, or fold all events so far once when one is older than the state."""
    state: Pulse | None = None
    seen: list[tuple[datetime, str]] = []
    for moment, kind in arrivals:
        seen.append((moment, kind))
        if state is not None and state.last_at is not None and moment >= state.last_at:
            state = state.after(moment, kind, PULSE)
        else:
            state = pulse_of(seen, PULSE)
    assert state is not None
    return state


@settings(max_examples=300, deadline=None)
@given(timelines, st.randoms(use_true_random=False), st.integers(0, 3 * 3600))
def test_incremental_pulse_state_equals_the_full_recomputation(
    timeline: list[tuple[int, str]], shuffle: random.Random, after_last: int
) -> None:
    in_order = sorted(
        ((BASE + timedelta(seconds=s), kind) for s, kind in timeline), key=lambda m: m[0]
    )
    shuffled = list(in_order)
    shuffle.shuffle(shuffled)
    until = in_order[-1][0] + timedelta(seconds=after_last)
    for arrivals in (in_order, shuffled):
        expected = active_seconds(arrivals, PULSE, until)
        state = _incremental(arrivals)
        assert state.until(until, PULSE) == pytest.approx(expected, abs=1e-6)
        assert state.active == pytest.approx(active_seconds(arrivals, PULSE), abs=1e-6)


def _events(count: int, seed: int) -> list[tuple[datetime, str]]:
    rng = random.Random(seed)
    start = utcnow() - timedelta(hours=3)
    points = sorted(start + timedelta(seconds=rng.randint(60, 2 * 3600)) for _ in range(count))
    kinds = [rng.choice(["tool_call", "prompt", "tool_call", PAUSE, RESUME]) for _ in points]
    return list(zip(points, kinds, strict=True))


def test_reading_an_open_session_takes_active_time_from_its_row(
    tracker: Tracker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Events one by one (in order, then some back-dated) and a batch: the read figure is
    the full recomputation's, and reading no longer fetches every event timestamp."""
    session = tracker.start(goal="g", cwd=str(tmp_path), at=utcnow() - timedelta(hours=3))
    events = _events(30, seed=7)
    late = events[::4]  # recorded last: older than what came before them
    for at, kind in [e for e in events if e not in late] + late:
        tracker.record(session.id, EventIn(kind, source="library", occurred_at=at))
    tracker.record_bulk(
        session.id,
        [EventIn("tool_call", source="hook", occurred_at=at) for at, _ in _events(10, seed=8)],
    )
    with tracker.store.read() as conn:
        all_moments = ev.moments(conn, session.id)
    expected = active_seconds(all_moments, tracker.settings.pulse_seconds, utcnow())

    calls: list[int] = []
    real = ev.moments
    monkeypatch.setattr(ev, "moments", lambda conn, sid: calls.append(sid) or real(conn, sid))
    got = tracker.get(session.id).active_seconds
    listed = [s.active_seconds for s in tracker.sessions() if s.id == session.id]
    assert calls == []
    # The last event is over half an hour old: no open gap moves the figure meanwhile.
    assert got == pytest.approx(expected, abs=1e-6)
    assert listed == [pytest.approx(expected, abs=1e-6)]
    assert check(tracker) == []


def test_a_row_from_before_the_state_was_kept_is_recomputed_then_carried(
    tracker: Tracker, tmp_path: Path
) -> None:
    """A session migrated from revision 0006 has no pulse state: its reads recompute, and
    its next event fills the state in from all its events."""
    session = tracker.start(goal="g", cwd=str(tmp_path), at=utcnow() - timedelta(hours=3))
    for at, kind in _events(12, seed=3):
        tracker.record(session.id, EventIn(kind, source="library", occurred_at=at))
    with tracker.store.write() as conn:
        ss.update_session(
            conn,
            tracker.org,
            session.id,
            {"pulse_active_seconds": None, "pulse_last_at": None, "pulse_seconds": None},
        )
    before = tracker.get(session.id).active_seconds
    tracker.record(session.id, EventIn("tool_call", source="library"))  # now: in order
    row = tracker.get(session.id)
    with tracker.store.read() as conn:
        expected = active_seconds(ev.moments(conn, session.id), tracker.settings.pulse_seconds)
    assert row.pulse_seconds == tracker.settings.pulse_seconds
    assert row.pulse_active_seconds == pytest.approx(expected, abs=1e-6)
    assert before <= row.active_seconds


def test_a_state_kept_with_another_pulse_is_not_misread(tmp_path: Path) -> None:
    """The pulse is a setting: a row kept under 15 minutes is recomputed by a reader
    configured with 6 minutes, and that reader's next write keeps the state with its own."""
    url = f"sqlite:///{tmp_path / 'pulse.db'}"
    wide = Tracker.open(url)
    start = utcnow() - timedelta(hours=2)
    session = wide.start(goal="g", cwd=str(tmp_path), at=start)
    for minutes in (5, 10, 40):  # gaps of 5, 5 and 30 minutes after the start
        wide.record(
            session.id,
            EventIn("tool_call", source="library", occurred_at=start + timedelta(minutes=minutes)),
        )
    assert wide.get(session.id).active_seconds == pytest.approx(600)
    narrow = Tracker.open(url, pulse_minutes=6.0)
    try:
        assert narrow.get(session.id).active_seconds == pytest.approx(600)
        narrow.record(
            session.id,
            EventIn("tool_call", source="library", occurred_at=start + timedelta(minutes=44)),
        )
        row = narrow.get(session.id)
        assert row.pulse_seconds == 360 and row.active_seconds == pytest.approx(840)
        assert wide.get(session.id).active_seconds == pytest.approx(840)
    finally:
        narrow.close()
        wide.close()


def test_recording_by_id_checks_the_session_in_the_same_read(
    tracker: Tracker, tmp_path: Path
) -> None:
    """`record` by id reads the session's pulse state and its existence in the org in one
    statement: an unknown id, or another org's session, is still "no session"."""
    from stint.model.types import NotFound

    mine = tracker.start(goal="g", cwd=str(tmp_path))
    other = Tracker(tracker.store, tracker.settings, org_id="other-org")
    tracker.store.ensure_org("other-org")
    theirs = other.start(goal="h", cwd=str(tmp_path))
    with pytest.raises(NotFound, match=rf"^no session with id {theirs.id + 100}$"):
        tracker.record(theirs.id + 100, EventIn("tool_call", source="library"))
    with pytest.raises(NotFound, match=rf"^no session with id {theirs.id}$"):
        tracker.record(theirs.id, EventIn("tool_call", source="library"))
    assert tracker.record(mine.id, EventIn("tool_call", source="library", key="k")) is not None
    assert tracker.record(mine.id, EventIn("tool_call", source="library", key="k")) is None
    assert tracker.get(mine.id).tool_call_count == 1
    assert [a.type for a in other.timeline(theirs.id)] == ["session_started"]
