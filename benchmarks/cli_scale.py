"""How fast do `stint status` and `stint list --limit 20` answer on a big database?

Seeds a SQLite store with SESSIONS sessions and ACTIVITIES activities (bulk inserts, not
the event path), then times each command as a whole process next to a bare
`python -c pass`, median of --runs runs, and prints the ratios.

    .venv/bin/python benchmarks/cli_scale.py                 # 100k sessions / 1M activities
    .venv/bin/python benchmarks/cli_scale.py --sessions 10000 --activities 100000
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from stint.store import Store, schema
from stint.store.engine import ensure_schema

BATCH = 20_000
TYPES = (
    "message",
    "tool_call",
    "command_executed",
    "file_modified",
    "task_created",
    "decision_made",
    "context_added",
)


def seed(url: str, sessions: int, activities: int) -> None:
    store = Store(url)
    ensure_schema(store.engine)
    store.ensure_org("local")
    rng = random.Random(7)
    now = datetime.now(UTC)
    with store.write() as conn:
        conn.execute(
            insert(schema.projects),
            [
                {"org_id": "local", "name": f"project-{i}", "is_default": i == 0, "created_at": now}
                for i in range(20)
            ],
        )
    rows = []
    for number in range(1, sessions + 1):
        started = now - timedelta(minutes=(sessions - number) * 37 + 240)
        open_one = number == sessions
        rows.append(
            {
                "uuid": str(uuid.UUID(int=rng.getrandbits(128))),
                "org_id": "local",
                "number": number,
                "project_id": 1 + number % 20,
                "kind": "coding",
                "status": "active" if open_one else "ended",
                "open_key": "1||" if open_one else None,
                "goal": f"goal {number}",
                "ai_model": rng.choice(["opus", "sonnet"]),
                "started_at": now - timedelta(minutes=5) if open_one else started,
                "ended_at": None if open_one else started + timedelta(minutes=90),
                "last_activity_at": now if open_one else started + timedelta(minutes=90),
                "active_seconds": 3600.0,
                "tasks_created": 3,
                "tasks_completed": 2,
                "decisions_made": 1,
                "loc_added": 40,
                "loc_removed": 10,
                "productivity_score": 70.0,
                "created_at": started,
                "updated_at": started,
            }
        )
        if len(rows) == BATCH:
            _flush(store, schema.sessions, rows)
    _flush(store, schema.sessions, rows)
    per_session = max(1, activities // sessions)
    for sid in range(1, sessions + 1):
        base = now - timedelta(minutes=(sessions - sid) * 37 + 240)
        for k in range(per_session):
            rows.append(
                {
                    "org_id": "local",
                    "session_id": sid,
                    "type": TYPES[k % len(TYPES)],
                    "description": "seeded",
                    "occurred_at": base + timedelta(minutes=k),
                    "source": "hook",
                    "ai_involved": True,
                    "payload": {},
                }
            )
        if len(rows) >= BATCH:
            _flush(store, schema.activities, rows)
    _flush(store, schema.activities, rows)
    store.dispose()


def _flush(store: Store, table: object, rows: list[dict[str, object]]) -> None:
    if rows:
        with store.write() as conn:
            conn.execute(insert(table), rows)  # type: ignore[arg-type]
        rows.clear()


def median_ms(command: list[str], runs: int, env: dict[str, str]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, env=env, check=True, capture_output=True)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--activities", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument(
        "--home", type=Path, help="Keep the store in this directory; reuse it if already seeded."
    )
    args = parser.parse_args()
    if args.home:
        args.home.mkdir(parents=True, exist_ok=True)
        run(args, args.home)
    else:
        with tempfile.TemporaryDirectory() as home:
            run(args, Path(home))


def run(args: argparse.Namespace, home: Path) -> None:
    stint = str(Path(sys.executable).parent / "stint")
    env = {**os.environ, "STINT_HOME": str(home)}
    env.pop("STINT_DATABASE_URL", None)
    if not (home / "stint.db").exists():
        t0 = time.perf_counter()
        seed(f"sqlite:///{home}/stint.db", args.sessions, args.activities)
        print(
            f"seeded {args.sessions:,} sessions / {args.activities:,} activities "
            f"in {time.perf_counter() - t0:.1f}s"
        )
    floor = median_ms([sys.executable, "-c", "pass"], args.runs, env)
    print(f"{'command':<28}{'median ms':>10}{'ratio':>8}")
    print(f"{'python -c pass (floor)':<28}{floor:>10.1f}{1.0:>8.1f}")
    for label, command in (
        ("stint status", [stint, "status"]),
        ("stint list --limit 20", [stint, "list", "--limit", "20"]),
        ("stint status --json", [stint, "status", "--json"]),
    ):
        ms = median_ms(command, args.runs, env)
        print(f"{label:<28}{ms:>10.1f}{ms / floor:>8.1f}")


if __name__ == "__main__":
    main()
