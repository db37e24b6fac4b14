"""The analytics read through bare sqlite3 (`AnalyticsReader`, for `stint stats` and
`compare` on SQLite) give exactly what the Tracker gives through SQLAlchemy, on one seeded
store: the statistics panel, every `--by` group, the heatmap, cohorts and two sessions
compared. And PostgreSQL, whose SQL text differs in its date arithmetic, agrees with them
on the same sessions."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert

from conftest import pg_schema_url
from stint.analytics.calls import AnalyticsReader, open_analytics
from stint.model.timeparse import utcnow
from stint.store import bulk, schema
from stint.store import health as store_health
from stint.store.analytics import GROUPS
from stint.store.lite import LiteStore
from stint.tracker import Tracker

NY = "America/New_York"
# A DST change (8 March 2026) inside the range, and one (1 November 2026) at its end.
START = datetime(2026, 2, 20, tzinfo=UTC)
PERIODS = ("all", "2026-03-01..2026-03-31", "2026-03-09")
MODELS = ("opus", "sonnet", None, "")
AGENTS = ("claude-code", "codex", None)
STATUSES = ("completed", "completed", "completed", "cancelled", "scheduled")


def _dataset(now: datetime) -> list[dict[str, Any]]:
    rng = random.Random(13)
    rows: list[dict[str, Any]] = []
    for i in range(60):
        started = START + timedelta(hours=rng.randrange(0, 24 * 260), minutes=rng.randrange(60))
        minutes = rng.randrange(5, 300)
        created = rng.randrange(0, 5)
        rows.append(
            {
                "started_at": started,
                "ended_at": started + timedelta(minutes=minutes),
                "status": STATUSES[i % len(STATUSES)],
                "paused_seconds": float(rng.choice((0, 0, 120))),
                "active_seconds": rng.choice((None, minutes * 45.0)),
                "person_seconds": rng.choice((0.0, 300.0)),
                "agent_seconds": rng.choice((0.0, 600.0)),
                "both_seconds": rng.choice((0.0, 60.0)),
                "productivity_score": rng.choice((None, float(rng.randrange(20, 100)))),
                "tasks_created": created,
                "tasks_completed": rng.randrange(0, created + 1),
                "loc_added": rng.randrange(0, 400),
                "loc_removed": rng.randrange(0, 100),
                "commits_made": rng.randrange(0, 3),
                "input_tokens": rng.randrange(0, 9000),
                "output_tokens": rng.randrange(0, 900),
                "cost_usd": round(rng.uniform(0, 3), 4),
                "ai_model": MODELS[i % len(MODELS)],
                "agent": AGENTS[i % len(AGENTS)],
                "kind": ("coding", "conversation")[i % 2],
                "branch": rng.choice(("main", "dev", None)),
                "goal": rng.choice(("a goal", "", None)),
                "outcome": rng.choice(("achieved", "partial", "not_achieved", None)),
                "tags": rng.sample(("a", "b", "c"), rng.randrange(0, 3)),
                "project": rng.choice(("alpha", "beta", None)),
            }
        )
    # One open session, seen just now (so nothing is stale and the quick reader serves).
    rows.append(
        {
            "started_at": now - timedelta(minutes=5),
            "ended_at": None,
            "status": "active",
            "last_activity_at": now,
            "seen_at": now,
            "active_seconds": None,
            "ai_model": "opus",
            "open_key": "open",
        }
    )
    return rows


def _seed(tracker: Tracker, now: datetime) -> None:
    with tracker.store.write() as conn:
        users = [
            conn.execute(
                insert(schema.users).values(org_id=tracker.org, name=name, created_at=now)
            ).inserted_primary_key[0]
            for name in ("ann", "bob")
        ]
        machine = conn.execute(
            insert(schema.machines).values(
                org_id=tracker.org, uuid="m-1", name="laptop", user_id=users[0], created_at=now
            )
        ).inserted_primary_key[0]
        rows = _dataset(now)
        for i, row in enumerate(rows):
            row["user_id"] = (users[0], users[1], None)[i % 3]
            row["machine_id"] = machine if i % 2 else None
        assert bulk.insert_sessions(conn, tracker.org, rows) == len(rows)
    for session in tracker.sessions(limit=100)[::3]:
        with tracker.store.write() as conn:
            summary = {
                "status": "measured" if session.id % 2 else "not_measured",
                "threshold": 10,
                "ccn_delta": session.id % 7 - 3,
                "complex_added": session.id % 3,
            }
            store_health.replace(conn, tracker.org, session.id, summary, [], now)


Call = Callable[[Any], Any]


def _calls() -> Iterator[tuple[str, Call]]:
    for period in PERIODS:
        yield f"stats {period}", lambda r, p=period: r.stats(p, tz=NY)
        yield f"heatmap {period}", lambda r, p=period: r.heatmap(p, tz=NY)
        for by in GROUPS:
            yield f"by {by} {period}", lambda r, b=by, p=period: r.stats_by(b, p, tz=NY)
    filters = ({"project": "alpha"}, {"tag": "a"}, {"kind": "coding"}, {"project": ""})
    for where in filters:
        yield f"stats {where}", lambda r, w=where: r.stats("all", tz=NY, **w)
        yield f"by day {where}", lambda r, w=where: r.stats_by("day", "all", tz=NY, **w)
    yield "heatmap tag", lambda r: r.heatmap("all", tag="b", tz="Europe/Berlin")
    for cohorts in (
        ["model=opus", "model=sonnet"],  # one index search per value
        ["agent=codex", "agent=claude-code"],  # one scan split by value
        ["tag=a", "tag=b", "tag="],
        ["project=alpha", "model=opus"],
        ["model=", "model=opus"],
    ):
        yield f"cohorts {cohorts}", lambda r, c=cohorts: r.compare_cohorts(c, "all")
    yield "compare 1 2", lambda r: r.compare("1", "2")


@pytest.fixture
def sqlite_pair(stint_home: Path) -> Iterator[tuple[Tracker, AnalyticsReader]]:
    tracker = Tracker.open(f"sqlite:///{stint_home / 'stint.db'}")
    _seed(tracker, utcnow())
    reader = open_analytics(None, pending=lambda home: False)
    assert reader is not None
    assert isinstance(reader.store, LiteStore)  # the bare path, not SQLAlchemy
    yield tracker, reader
    reader.close()
    tracker.close()


def test_bare_sqlite3_and_sqlalchemy_give_the_same(
    sqlite_pair: tuple[Tracker, AnalyticsReader],
) -> None:
    tracker, reader = sqlite_pair
    for name, call in _calls():
        assert call(reader) == call(tracker), name


def _sorted_groups(result: Any) -> Any:
    """NULL keys sort first on SQLite and last on PostgreSQL: compare groups by key."""
    if isinstance(result, list) and result and "key" in result[0]:
        return sorted(result, key=lambda row: (row["key"] is None, str(row["key"])))
    return result


@pytest.fixture
def pg_url() -> Iterator[str]:
    yield from pg_schema_url()


def test_postgresql_agrees_with_sqlite(
    sqlite_pair: tuple[Tracker, AnalyticsReader], pg_url: str
) -> None:
    _, reader = sqlite_pair
    pg = Tracker.open(pg_url)
    try:
        _seed(pg, utcnow())
        for name, call in _calls():
            assert _sorted_groups(call(pg)) == _sorted_groups(call(reader)), name
    finally:
        pg.close()
