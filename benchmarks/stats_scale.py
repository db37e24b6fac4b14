"""Seed a large store and time the analytics queries.

    .venv/bin/python benchmarks/stats_scale.py                     # 100k sessions, 10M activities
    .venv/bin/python benchmarks/stats_scale.py --activities 1000000 --sessions 100000
    .venv/bin/python benchmarks/stats_scale.py --database postgresql+psycopg://…  # other backend

The store is a fresh SQLite file under a temporary directory unless --database or --keep
is given. Seeding uses the bulk helpers in stint.store.bulk (minutes for 10M activities);
the timed part is what `stint stats --period all`, `stint stats --by weekday-hour` and
`stint compare --cohort … --cohort …` do, best of --repeat runs, after one warm-up run.
Target: each under 300 ms on SQLite.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from stint.store import bulk
from stint.tracker import Tracker

MODELS = ("claude-opus-4-6", "claude-sonnet-4-5", "gpt-5-codex")
AGENTS = ("claude-code", "codex", "cursor")
TAGS = ("feature", "bugfix", "refactor", "docs", "spike", "review")
TYPES = ("tool_call", "file_modified", "message", "command", "pulse")
START = datetime(2024, 1, 1, tzinfo=UTC)
COHORTS = ("claude-opus-4-6", "claude-sonnet-4-5")  # the compared models


def sessions(count: int, rng: random.Random) -> Iterator[dict[str, Any]]:
    span = 3 * 365 * 86400
    for i in range(count):
        started = START + timedelta(seconds=span * i / count + rng.randrange(3600))
        minutes = rng.randrange(5, 240)
        model = MODELS[i % len(MODELS)]
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
            "ai_model": model,
            "agent": AGENTS[i % len(AGENTS)],
            "goal": "goal" if i % 2 else None,
            "outcome": ("achieved", "partial", "not_achieved", None)[i % 4],
            "branch": f"b{i % 40}",
            "tags": rng.sample(TAGS, rng.randrange(0, 3)),
            "project": f"project-{i % 12}",
        }


def activities(
    org: str, count: int, sessions_count: int
) -> Iterator[tuple[str, int, str, datetime]]:
    per = max(1, count // sessions_count)
    span = 3 * 365 * 86400
    for n in range(count):
        session_id = min(sessions_count, n // per + 1)
        moment = START + timedelta(seconds=span * (session_id - 1) / sessions_count + n % per * 30)
        yield org, session_id, TYPES[n % len(TYPES)], moment


def timed(label: str, function: Callable[[], Any], repeat: int) -> float:
    function()  # warm-up: page cache, statement cache
    runs, cpu = [], []
    for _ in range(repeat):
        begin, begin_cpu = time.perf_counter(), time.process_time()
        function()
        runs.append((time.perf_counter() - begin) * 1000)
        cpu.append((time.process_time() - begin_cpu) * 1000)
    best = min(runs)
    # CPU time of this process (SQLite runs in it) is the fairer figure on a busy machine.
    print(
        f"  {label:<50} wall best {best:7.1f} ms, median {statistics.median(runs):7.1f} ms;"
        f" cpu best {min(cpu):7.1f} ms"
    )
    return best


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--activities", type=int, default=10_000_000)
    parser.add_argument("--database", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--keep", type=Path, help="SQLite file to create and keep")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="do not seed (store already full)")
    parser.add_argument("--explain", action="store_true", help="print SQLite query plans")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="stint-bench-"))
    url = args.database or f"sqlite:///{args.keep or workdir / 'bench.db'}"
    tracker = Tracker.open(url, home=workdir)
    print(f"store: {url}")
    if not args.reuse:
        rng = random.Random(7)
        begin = time.perf_counter()
        with tracker.store.write() as conn:
            bulk.insert_sessions(conn, tracker.org, sessions(args.sessions, rng))
        print(f"seeded {args.sessions:,} sessions in {time.perf_counter() - begin:.1f} s")
        begin = time.perf_counter()
        with tracker.store.write() as conn:
            bulk.insert_activity_tuples(
                conn, activities(tracker.org, args.activities, args.sessions)
            )
        print(f"seeded {args.activities:,} activities in {time.perf_counter() - begin:.1f} s")
    # Planner statistics (what `PRAGMA optimize` keeps up to date in a long-lived store).
    with tracker.store.write() as conn:
        conn.exec_driver_sql("ANALYZE")

    cohorts = [f"model={model}" for model in COHORTS]
    print(f"timings (tz {tracker.stats('today')['period']['tz']}):")
    results = {
        "stats --period all": timed(
            "stats --period all", lambda: tracker.stats("all"), args.repeat
        ),
        "stats --by weekday-hour": timed(
            "stats --by weekday-hour (the heatmap)",
            lambda: tracker.heatmap(),
            args.repeat,
        ),
        "compare --cohort": timed(
            "compare --cohort model=opus --cohort model=sonnet",
            lambda: tracker.compare_cohorts(cohorts),
            args.repeat,
        ),
        "stats --period month": timed(
            "stats --period 2026-01-01..2026-01-31",
            lambda: tracker.stats("2026-01-01..2026-01-31"),
            args.repeat,
        ),
        "stats --by tag": timed("stats --by tag", lambda: tracker.stats_by("tag"), args.repeat),
    }
    if args.explain and tracker.store.is_sqlite:
        explain(tracker)
    slow = [name for name, ms in results.items() if ms > 300]
    print("all under 300 ms" if not slow else f"over 300 ms: {', '.join(slow)}")
    tracker.close()


def explain(tracker: Tracker) -> None:
    from stint.analytics.periods import local_zone, offset_segments
    from stint.store import analytics as sa
    from stint.store import cohorts as sc

    for label, scope in (
        ("all", sa.Scope()),
        (
            "January 2026",
            sa.Scope(start=datetime(2026, 1, 1, tzinfo=UTC), end=datetime(2026, 2, 1, tzinfo=UTC)),
        ),
    ):
        with tracker.store.read() as conn:
            first, last = sa.started_range(conn, tracker.org, scope)
            segments = offset_segments(local_zone(), first, last)
            plans = sa.explain(conn, tracker.org, scope, segments)
            plans["compare --cohort model=…"] = sc.explain_by(
                conn, tracker.org, scope, "model", COHORTS
            )
            for name, lines in plans.items():
                print(f"plan of {name} ({label}):")
                for line in lines:
                    print(f"    {line}")


if __name__ == "__main__":
    main()
