"""A time at a whole second is stored on SQLite in the one text form SQLAlchemy writes
('…:20.000000') by every write path — the import's executemany, `Tracker.record`'s quick
path and the general path — so text comparisons and ORDER BY see one instant as one.
sqlite3's own adapter writes '…:20', which sorts before '…:20.000000': a range starting
at that second missed the event. Migration 0022 gives rows already stored that way the
same form."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text

from stint.model.types import EventIn
from stint.store import events as ev
from stint.store.engine import SCHEMA_REVISION, current_revision, ensure_schema
from stint.tracker import Tracker

AT = datetime(2026, 12, 6, 10, 0, 20, tzinfo=UTC)


def _stored(path: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_every_write_path_stores_a_whole_second_as_sqlalchemy_does(stint_home: Path) -> None:
    tracker = Tracker.open()
    try:
        session = tracker.start(goal="times", cwd=str(stint_home), at=AT - timedelta(minutes=5))
        with tracker.store.write() as conn:  # the import's and ingest's executemany
            ev.append_many(
                tracker.store, conn, tracker.org, session.id, [(EventIn("message", key="a"), AT)]
            )
        tracker.record(session.id, EventIn("message", key="b", occurred_at=AT))  # quick path
        tracker.record(
            session.id,
            EventIn("message", key="c", occurred_at=AT + timedelta(seconds=1)),  # quick, carried
        )
        tracker.record_many(session.id, [EventIn("message", key="d", occurred_at=AT)])
        tracker.record(  # the general path (tokens are more than a counter update)
            session.id,
            EventIn("tokens", key="e", occurred_at=AT, payload={"model": "m", "input_tokens": 1}),
        )
    finally:
        tracker.close()
    path = stint_home / "stint.db"
    rows = _stored(path, "SELECT idem_key, occurred_at FROM activities WHERE idem_key IS NOT NULL")
    assert sorted(rows) == [
        ("a", "2026-12-06 10:00:20.000000"),
        ("b", "2026-12-06 10:00:20.000000"),
        ("c", "2026-12-06 10:00:21.000000"),
        ("d", "2026-12-06 10:00:20.000000"),
        ("e", "2026-12-06 10:00:20.000000"),
    ]
    # A range from that second finds all four events of it.
    bound = "2026-12-06 10:00:20.000000"
    found = _stored(path, f"SELECT count(*) FROM activities WHERE occurred_at >= '{bound}'")
    assert found[0][0] >= 5
    times = _stored(path, "SELECT pulse_last_at, last_activity_at FROM sessions")
    assert all(len(value) == 26 for row in times for value in row if value)


def test_migration_0022_gives_whole_seconds_already_stored_the_same_form(
    stint_home: Path,
) -> None:
    tracker = Tracker.open()
    try:
        session = tracker.start(goal="old", cwd=str(stint_home), at=AT - timedelta(minutes=5))
        tracker.record(session.id, EventIn("message", key="old", occurred_at=AT))
        tracker.record(
            session.id, EventIn("message", key="fine", occurred_at=AT + timedelta(microseconds=5))
        )
    finally:
        tracker.close()
    path = stint_home / "stint.db"
    conn = sqlite3.connect(path)
    with conn:  # the store as the old writers left it, at revision 0021
        conn.execute(
            "UPDATE activities SET occurred_at = '2026-12-06 10:00:20' WHERE idem_key = 'old'"
        )
        conn.execute("UPDATE sessions SET last_activity_at = '2026-12-06 10:00:20'")
        conn.execute("UPDATE alembic_version SET version_num = '0021'")
    conn.close()
    engine = create_engine(f"sqlite:///{path}")
    try:
        ensure_schema(engine)
        assert current_revision(engine) == SCHEMA_REVISION
        with engine.connect() as db:
            times = dict(
                db.execute(
                    text("SELECT idem_key, occurred_at FROM activities WHERE idem_key IS NOT NULL")
                ).all()
            )
            last = db.execute(text("SELECT last_activity_at FROM sessions")).scalar_one()
    finally:
        engine.dispose()
    assert times == {"old": "2026-12-06 10:00:20.000000", "fine": "2026-12-06 10:00:20.000005"}
    assert last == "2026-12-06 10:00:20.000000"
