"""The housekeeping's parts in one process: the store's try-lock, the sweep of every org,
and an end that two concurrent sweeps cannot make twice."""

from __future__ import annotations

import threading
from datetime import timedelta

from stint.model.timeparse import utcnow
from stint.store import Store
from stint.tracker import Tracker
from stint.web.background import housekeeping


def test_the_lock_is_held_by_one_store_at_a_time(pg_url: str) -> None:
    first, second = Store(pg_url), Store(pg_url)
    try:
        with first.exclusive("housekeeping") as ours:
            assert ours
            with second.exclusive("housekeeping") as theirs:
                assert not theirs
            with second.exclusive("another") as other:
                assert other  # locks are per name
        with second.exclusive("housekeeping") as theirs:
            assert theirs  # released at the block's end
    finally:
        first.dispose()
        second.dispose()


def test_a_round_is_skipped_while_another_process_holds_the_lock(pg_url: str) -> None:
    tracker = Tracker.open(pg_url)
    other = Store(pg_url)
    try:
        with other.exclusive("housekeeping"):
            assert housekeeping(tracker) == {"skipped": True}
        assert "ended" in housekeeping(tracker)
    finally:
        other.dispose()
        tracker.close()


def test_the_sweep_covers_every_org(database_url: str) -> None:
    tracker = Tracker.open(database_url, timeout_minutes=1)
    org = tracker.team.create_org("second")["id"]
    old = utcnow() - timedelta(hours=2)
    mine = tracker.start(goal="local", project="a", at=old)
    theirs = Tracker(tracker.store, tracker.settings, org).start(goal="x", project="a", at=old)
    try:
        ended = tracker.sweep_every_org(now=utcnow() + timedelta(minutes=5))
        assert ended == {"local": [mine.id], org: [theirs.id]}
        bound = Tracker(tracker.store, tracker.settings, org)
        assert bound.get(theirs.id).status == "timeout"
        assert tracker.get(mine.id).status == "timeout"
        assert tracker.sweep_every_org(now=utcnow() + timedelta(minutes=5)) == {}
    finally:
        tracker.close()


def test_two_concurrent_sweeps_end_each_session_once(pg_url: str) -> None:
    trackers = [Tracker.open(pg_url, timeout_minutes=1) for _ in range(2)]
    old = utcnow() - timedelta(hours=2)
    ids = [trackers[0].start(goal=f"g{n}", project=f"p{n}", at=old).id for n in range(20)]
    later = utcnow() + timedelta(minutes=5)
    results: list[dict[str, list[int]]] = []
    start = threading.Barrier(2)

    def sweep(tracker: Tracker) -> None:
        start.wait()
        results.append(tracker.sweep_every_org(now=later))

    threads = [threading.Thread(target=sweep, args=(t,)) for t in trackers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        ended = sorted(i for result in results for i in result.get("local", []))
        assert ended == sorted(ids)  # each once, by one of the two
        for session_id in ids:
            kinds = [a.type for a in trackers[0].timeline(session_id)]
            assert kinds.count("session_ended") == 1
    finally:
        for tracker in trackers:
            tracker.close()
