"""Seed a big store fast. The only benchmark module that reaches into stint's internals
(the bulk helpers of the store, which write rows straight into the tables without the
event path); when those move, this file is the one to change.

    .venv/bin/python benchmarks/seed.py --home /tmp/big --sessions 100000 --activities 1000000

Sessions are spread over the three years before now (ended, with counters, tokens, cost,
tags, twelve projects, three models), activities evenly over them; then one session is
opened through the public `Tracker.start` and given `--open-activities` activities of
its own, so `stint status` and the overview have a live session to show.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

MODELS = ("claude-opus-4-6", "claude-sonnet-4-5", "gpt-5-codex")
COHORTS = ("model=claude-opus-4-6", "model=claude-sonnet-4-5")  # compared by `stint compare`
AGENTS = ("claude-code", "codex", "cursor")
TAGS = ("feature", "bugfix", "refactor", "docs", "spike", "review")
TYPES = ("tool_call", "file_modified", "message", "command_executed", "pulse")
SPAN = 3 * 365 * 86400


def _sessions(count: int, start: datetime, rng: random.Random) -> Iterator[dict[str, Any]]:
    for i in range(count):
        started = start + timedelta(seconds=SPAN * i / count + rng.randrange(3600))
        minutes = rng.randrange(5, 240)
        created = rng.randrange(0, 8)
        yield {
            "started_at": started,
            "ended_at": started + timedelta(minutes=minutes),
            "last_activity_at": started + timedelta(minutes=minutes),
            "active_seconds": minutes * 60 * rng.uniform(0.4, 1.0),
            "productivity_score": min(100.0, max(0.0, rng.gauss(65 if i % 3 else 60, 15))),
            "tasks_created": created,
            "tasks_completed": rng.randrange(0, created + 1),
            "loc_added": rng.randrange(0, 800),
            "loc_removed": rng.randrange(0, 300),
            "files_modified": rng.randrange(0, 20),
            "commits_made": rng.randrange(0, 4),
            "message_count": rng.randrange(0, 200),
            "tool_call_count": rng.randrange(0, 300),
            "input_tokens": rng.randrange(0, 500_000),
            "output_tokens": rng.randrange(0, 50_000),
            "cost_usd": rng.uniform(0, 8),
            "ai_model": MODELS[i % len(MODELS)],
            "agent": AGENTS[i % len(AGENTS)],
            "goal": f"benchmark goal {i}" if i % 2 else None,
            "outcome": ("achieved", "partial", "not_achieved", None)[i % 4],
            "branch": f"b{i % 40}",
            "tags": rng.sample(TAGS, rng.randrange(0, 3)),
            "project": f"project-{i % 12}",
        }


def _activities(
    org: str, count: int, sessions: int, start: datetime, first_id: int
) -> Iterator[tuple[str, int, str, datetime]]:
    per = max(1, count // max(1, sessions))
    for n in range(count):
        index = min(sessions - 1, n // per)
        moment = start + timedelta(seconds=SPAN * index / sessions + n % per * 30)
        yield org, first_id + index, TYPES[n % len(TYPES)], moment


def seed(
    home: Path,
    sessions: int,
    activities: int,
    *,
    url: str | None = None,
    open_activities: int = 200,
    org_id: str | None = None,
) -> float:
    """Fill the store of STINT_HOME `home` (or `url`), in its local org or `org_id`
    (created if missing; called once per org to spread a store over orgs); returns the
    seconds it took."""
    from stint.store import bulk
    from stint.tracker import Tracker

    begun = time.perf_counter()
    now = datetime.now(UTC)
    start = now - timedelta(seconds=SPAN + 86400)
    tracker = Tracker.open(url, home=home)
    if org_id is not None:
        tracker.store.ensure_org(org_id)
        tracker = Tracker(tracker.store, tracker.settings, org_id)
    try:
        with tracker.store.write() as conn:
            first_id = bulk._next_id(conn)
            bulk.insert_sessions(conn, tracker.org, _sessions(sessions, start, random.Random(7)))
        with tracker.store.write() as conn:
            bulk.insert_activity_tuples(
                conn, _activities(tracker.org, activities, sessions, start, first_id)
            )
        live = tracker.start(
            project="project-0",
            goal="the live session",
            agent="claude-code",
            agent_session_id="bench-live",
            model=MODELS[0],
            at=now - timedelta(minutes=20),
        )
        with tracker.store.write() as conn:
            bulk.insert_activity_tuples(
                conn,
                (
                    (tracker.org, live.id, TYPES[n % len(TYPES)], now - timedelta(seconds=n * 5))
                    for n in range(open_activities)
                ),
            )
            if tracker.store.is_sqlite:
                conn.exec_driver_sql("ANALYZE")  # what `PRAGMA optimize` keeps up to date
    finally:
        tracker.close()
    return time.perf_counter() - begun


def database(home: Path) -> Path:
    """The SQLite file of STINT_HOME `home`."""
    return home / "stint.db"


def sizes(home: Path) -> tuple[int, int]:
    """(sessions, activities) in the SQLite store of `home`, as the labels say them."""
    import sqlite3

    conn = sqlite3.connect(database(home))
    try:
        return tuple(  # type: ignore[return-value]
            conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("sessions", "activities")
        )
    finally:
        conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--home", type=Path, required=True, help="STINT_HOME to fill")
    parser.add_argument("--database", help="database URL instead of the home's SQLite file")
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--activities", type=int, default=1_000_000)
    args = parser.parse_args()
    args.home.mkdir(parents=True, exist_ok=True)
    took = seed(args.home, args.sessions, args.activities, url=args.database)
    print(f"seeded {args.sessions:,} sessions / {args.activities:,} activities in {took:.1f} s")


if __name__ == "__main__":
    main()
