"""The record path under load (issue 13): session numbers allocated without ever failing
under concurrent starts, and a genuine open-session conflict named as what it is."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import insert

from stint import Tracker
from stint.model.timeparse import utcnow
from stint.model.types import Conflict
from stint.store import schema


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
