"""Two writers of one session's events on PostgreSQL take its row lock in the same order:
before inserting. CI once got a 500 from an ingest batch sent to two servers: one server
attached the session and inserted the batch's events before locking the row; the other
found the session open, locked the row and waited on those same event keys — a deadlock
PostgreSQL broke by failing one of them. Here the first writer is held between its
insert and its commit for longer than PostgreSQL's deadlock timeout (1 s) while the
second arrives, so the old order fails every time."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from stint.model.timeparse import utcnow
from stint.model.types import EventIn
from stint.store import events as ev
from stint.store import recordset
from stint.tracker import Tracker

HELD = 1.5  # seconds: longer than PostgreSQL's default deadlock_timeout


def _batch() -> list[EventIn]:
    return [EventIn("message", key=f"lock-order-{n}") for n in range(10)]


def test_a_writer_that_attached_and_one_that_found_the_session_open_both_succeed(
    pg_url: str, monkeypatch: Any
) -> None:
    first, second = Tracker.open(pg_url), Tracker.open(pg_url)
    try:
        session_id = first.attach_id(agent="bench", agent_session_id="agent-1")
        inserted = threading.Event()
        real_insert = recordset.insert_ignore_many

        def held_insert(*args: Any, **kwargs: Any) -> Any:
            found = real_insert(*args, **kwargs)
            if threading.current_thread().name.startswith("attached"):
                inserted.set()
                time.sleep(HELD)
            return found

        monkeypatch.setattr(recordset, "insert_ignore_many", held_insert)

        def attached() -> int:
            # The path after `attach_id` in `record_for_agent`: no state read beforehand.
            now = utcnow()
            batch = [(event, now) for event in _batch()]
            with first.store.write() as conn:
                return ev.append_many(first.store, conn, first.org, session_id, batch)

        def found_open() -> int:
            assert inserted.wait(10)
            _, new = second.record_for_agent(
                agent="bench", agent_session_id="agent-1", events=_batch(), source="api"
            )
            return new

        with (
            ThreadPoolExecutor(1, thread_name_prefix="attached") as one,
            ThreadPoolExecutor(1, thread_name_prefix="open") as other,
        ):
            stored = one.submit(attached)
            again = other.submit(found_open)
            assert stored.result(30) + again.result(30) == 10
        assert first.get(session_id).message_count == 10
    finally:
        first.close()
        second.close()
