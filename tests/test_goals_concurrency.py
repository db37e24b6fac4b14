"""Concurrent interaction writers (separate processes) get unique, gap-free sequence
numbers, on SQLite and on PostgreSQL."""

from __future__ import annotations

import subprocess
import sys

from stint import Tracker
from stint.model.timeparse import utcnow

WRITER = """
import sys
from stint.tracker import Tracker
url, session_id, name, count = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
tracker = Tracker.open(url)
for n in range(count):
    tracker.goals.add_interaction(session_id, "command", f"{name}-{n}", capture="full")
tracker.close()
"""


def test_concurrent_writers_get_unique_sequence_numbers(
    tracker: Tracker, database_url: str
) -> None:
    session = tracker.begin(kind="workflow")
    writers, each = 4, 10
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, database_url, str(session.id), f"w{i}", str(each)],
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(writers)
    ]
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    interactions = session.interactions()
    assert [i["sequence"] for i in interactions] == list(range(1, writers * each + 1))
    # Each writer's own interactions stay in its order.
    for i in range(writers):
        mine = [x["content"] for x in interactions if x["content"].startswith(f"w{i}-")]
        assert mine == [f"w{i}-{n}" for n in range(each)]
    assert session.session.interactions_count == writers * each
    assert session.session.commands_executed == writers * each


def test_idempotent_interaction_key(tracker: Tracker) -> None:
    session = tracker.begin(kind="conversation")
    first = session.interaction("prompt", "hello", key="msg-1")
    again = session.interaction("prompt", "hello", key="msg-1")
    assert first["sequence"] == again["sequence"] == 1
    assert session.session.interactions_count == 1 and session.session.message_count == 1


def test_a_writer_that_loses_the_race_retries_with_the_next_number(tracker: Tracker) -> None:
    """Writer A holds sequence 1 in an open transaction while B tries to take it too: B
    waits (PostgreSQL: on the unique index; SQLite: on the write lock), then gets 2."""
    import threading

    from stint.store import goals as gs

    session = tracker.begin(kind="workflow")
    values = {"type": "command", "payload": {}, "created_at": utcnow()}
    results: list[tuple[int, int, bool]] = []

    def writer_b() -> None:
        with tracker.store.write() as conn:
            results.append(gs.insert_interaction(conn, tracker.org, session.id, dict(values)))

    with tracker.store.write() as conn:
        first = gs.insert_interaction(conn, tracker.org, session.id, dict(values))
        thread = threading.Thread(target=writer_b)
        thread.start()
        thread.join(timeout=0.5)
        assert thread.is_alive()  # B is blocked behind A's uncommitted sequence 1
    thread.join(timeout=30)
    assert first[1] == 1 and results[0][1] == 2
