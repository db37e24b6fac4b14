"""`Tracker.record` on SQLite takes the one-transaction DBAPI path (stint.store.quick_record)
for events whose projection is the counter UPDATE alone: what it stores must be exactly
what the general path stores, a back-dated event must fall back before writing, and the
column types' redaction still applies."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from stint import Tracker
from stint.model.timeparse import utcnow
from stint.model.types import EventIn, NotFound
from stint.sessions.doctor import check
from stint.store import quick_record, schema

SECRET = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"


def events(base: Any) -> list[EventIn]:
    kinds = ["tool_call", "message", "command", "tool_call", "error", "tool_call"]
    return [
        EventIn(
            type=kind,
            source="library" if n % 2 else "hook",
            key=f"k-{n}",
            description=f"step {n} with {SECRET}",
            payload={"success": n % 3 != 0, "note": f"token={SECRET}"},
            occurred_at=base + timedelta(minutes=3 * n),
        )
        for n, kind in enumerate(kinds)
    ]


def stored(tracker: Tracker, session_id: int) -> tuple[dict[str, Any], list[tuple[Any, ...]]]:
    S, A = schema.sessions, schema.activities
    with tracker.store.read() as conn:
        row = dict(conn.execute(select(S).where(S.c.id == session_id)).mappings().one())
        acts = conn.execute(
            select(A.c.type, A.c.description, A.c.occurred_at, A.c.source, A.c.payload)
            .where(A.c.session_id == session_id)
            .order_by(A.c.id)
        ).all()
    skip = {"id", "uuid", "number", "started_at", "created_at", "updated_at", "seen_at"}
    kept = {k: v for k, v in row.items() if k not in skip}
    kept["seen"] = row["seen_at"] is not None  # wall-clock presence: set, not compared
    return kept, [tuple(a) for a in acts]


BASE = utcnow().replace(microsecond=0) - timedelta(hours=2)


def run(home: Path, quick: bool, monkeypatch: pytest.MonkeyPatch) -> Any:
    taken: list[Any] = []
    real = quick_record.record

    def spy(*args: Any) -> Any:
        found = real(*args)
        taken.append(found)
        return found

    with monkeypatch.context() as patch:
        patch.setattr(quick_record, "record", spy)
        if not quick:
            patch.setattr(quick_record, "simple", lambda event: False)
        tracker = Tracker.open(f"sqlite:///{home / 'stint.db'}")
        base = BASE
        work = home.parent / "work"  # the same project for both runs
        work.mkdir(exist_ok=True)
        session = tracker.start(goal="g", agent="bench", cwd=str(work), at=base)
        ids = [tracker.record(session.id, event) for event in events(base)]
        again = tracker.record(session.id, events(base)[2])  # a key stored before
        result = stored(tracker, session.id), ids, again, taken, check(tracker)
        tracker.close()
    return result


def test_quick_path_stores_what_the_general_path_stores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    fast, fast_ids, fast_again, fast_taken, _ = run(tmp_path / "a", True, monkeypatch)
    slow, _, slow_again, slow_taken, _ = run(tmp_path / "b", False, monkeypatch)
    assert slow_taken == []  # the general path really ran there
    assert any(isinstance(found, int) for found in fast_taken), fast_taken
    assert fast == slow
    assert fast_again is None and slow_again is None
    assert all(isinstance(i, int) for i in fast_ids) and len(set(fast_ids)) == len(fast_ids)
    row, activities = fast
    assert row["tool_call_count"] == 3 and row["pulse_last_at"] is not None and row["seen"]
    text = repr(activities)
    assert SECRET not in text and "[REDACTED]" in text


def test_doctor_finds_no_drift_after_quick_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    *_, report = run(tmp_path, True, monkeypatch)
    assert report == []


def test_back_dated_event_falls_back_and_folds_the_pulse(tmp_path: Path) -> None:
    tracker = Tracker.open(f"sqlite:///{tmp_path / 'stint.db'}")
    try:
        base = utcnow() - timedelta(hours=1)
        session = tracker.start(goal="g", agent="bench", cwd=str(tmp_path), at=base)
        tracker.record(
            session.id, EventIn(type="tool_call", occurred_at=base + timedelta(minutes=20))
        )
        late = EventIn(type="tool_call", key="late", occurred_at=base + timedelta(minutes=5))
        assert (
            quick_record.record(
                tracker.store,
                tracker.org,
                session.id,
                late,
                late.occurred_at,  # type: ignore[arg-type]
            )
            == quick_record.FALLBACK
        )
        with tracker.store.read() as conn:
            A = schema.activities
            assert conn.execute(select(A.c.id).where(A.c.idem_key == "late")).first() is None
        assert isinstance(tracker.record(session.id, late), int)
        assert tracker.get(session.id).tool_call_count == 2
    finally:
        tracker.close()


def test_unknown_session_id_is_not_found_and_writes_nothing(tmp_path: Path) -> None:
    tracker = Tracker.open(f"sqlite:///{tmp_path / 'stint.db'}")
    try:
        with pytest.raises(NotFound):
            tracker.record(987654, EventIn(type="tool_call", key="nowhere"))
        with tracker.store.read() as conn:
            assert conn.execute(select(schema.activities.c.id)).first() is None
    finally:
        tracker.close()


def test_time_out_many_ends_like_finish_in_one_write(tmp_path: Path) -> None:
    from sqlalchemy import event

    from stint.sessions.lifecycle import finish, time_out_many

    tracker = Tracker.open(f"sqlite:///{tmp_path / 'stint.db'}")
    try:
        base = utcnow().replace(microsecond=0) - timedelta(days=2)
        ids = []
        for n in range(4):
            work = tmp_path / f"p{n}"
            work.mkdir()
            session = tracker.start(
                goal="g", agent="bench", cwd=str(work), project=f"p{n}", at=base
            )
            for minute in (1, 4, 30 + n):
                tracker.record(
                    session.id,
                    EventIn(type="tool_call", occurred_at=base + timedelta(minutes=minute)),
                )
            ids.append(session.id)
        assert finish(tracker, ids[0], status="timeout", reason="inactivity", at=None)
        writes: list[int] = []
        event.listen(tracker.store._writer, "begin", lambda conn: writes.append(1))
        assert time_out_many(tracker, ids) == 3  # the first was ended already
        assert len(writes) == 1
        ended = [tracker.get(i) for i in ids]
        for n, session in enumerate(ended):
            assert session.status == "timeout"
            assert session.ended_at == base + timedelta(minutes=30 + n)
        # the same figures finish gave the first one, for the same shape of events
        first, second = ended[0], ended[1]
        assert second.active_seconds >= first.active_seconds > 0
        assert check(tracker) == []
    finally:
        tracker.close()


def test_each_thread_keeps_its_own_connection_and_close_closes_them(tmp_path: Path) -> None:
    import sqlite3
    import threading

    tracker = Tracker.open(f"sqlite:///{tmp_path / 'stint.db'}")
    session = tracker.start(goal="g", agent="bench", cwd=str(tmp_path))
    tracker.record(session.id, EventIn(type="tool_call", key="seed"))
    seen: list[Any] = []
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(20):
                tracker.record(session.id, EventIn(type="tool_call", key=f"t{n}-{i}"))
            seen.append(tracker.store.dbapi_writer())
        except BaseException as exc:  # a thread's failure must fail the test
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert len({id(conn) for conn in seen}) == 3
    assert tracker.get(session.id).tool_call_count == 61
    tracker.close()
    with pytest.raises(sqlite3.ProgrammingError):
        seen[0].execute("SELECT 1")
