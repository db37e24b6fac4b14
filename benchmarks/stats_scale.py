"""Row 3 of issue 13: the analytics commands on a big SQLite store against the same
SELECTs in bare sqlite3, each a whole process, interleaved, in the same run.

* `stint stats --period all`
* `stint stats --by weekday-hour`
* `stint compare --cohort model=claude-opus-4-6 --cohort model=claude-sonnet-4-5`

The floor of each is `python -c` + sqlite3 running the very statements the command sent
(captured from a run of it, parameters inlined), fetching every row. Goal: ≤ 1.5×.

    .venv/bin/python benchmarks/stats_scale.py            # 100k sessions / 10M activities
    .venv/bin/python benchmarks/stats_scale.py --activities 200000 --runs 5   # quick
    .venv/bin/python benchmarks/stats_scale.py --home /tmp/stats-10m   # keep and reuse it

Seeding 10M activities takes minutes; --home keeps the store for the next run. --explain
prints SQLite's plan of each captured statement.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness
import seed

COMMANDS = (
    ["stats", "--period", "all"],
    ["stats", "--by", "weekday-hour"],
    ["compare", *(part for cohort in seed.COHORTS for part in ("--cohort", cohort))],
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--activities", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=9, help="interleaved pairs per command")
    parser.add_argument(
        "--home", type=Path, help="keep the store in this STINT_HOME; reuse it if seeded"
    )
    parser.add_argument(
        "--explain", action="store_true", help="print SQLite's plan of every captured SELECT"
    )
    return parser


def measure(args: argparse.Namespace) -> list[harness.Row]:
    if args.home:
        return _measure(args, args.home)
    with tempfile.TemporaryDirectory(prefix="stint-stats-scale-") as tmp:
        return _measure(args, Path(tmp))


def _measure(args: argparse.Namespace, home: Path) -> list[harness.Row]:
    db = seed.database(home)
    if not db.exists():
        home.mkdir(parents=True, exist_ok=True)
        took = seed.seed(home, args.sessions, args.activities)
        print(f"seeded {args.sessions:,} sessions / {args.activities:,} activities in {took:.1f} s")
    env = harness.stint_env(home)
    rows = []
    for n, argv in enumerate(COMMANDS):
        sql = home / f"stats-{n}.sql.json"
        statements = harness.capture_sql(argv, env, sql)
        if getattr(args, "explain", False):
            explain(db, argv, statements)
        comparison = harness.interleave(
            harness.process([harness.STINT, *argv], env),
            harness.process(harness.replay(db, sql), env),
            args.runs,
        )
        label = " ".join(argv[:3]) + (" …" if len(argv) > 3 else "")
        rows.append(
            harness.time_row(
                f"`stint {label}`, {seed.sizes(home)[1]:,} activities",
                f"bare sqlite3, the same {len(statements)} SELECTs",
                comparison,
                1.5,
            )
        )
    return rows


def explain(db: Path, argv: list[str], statements: list[str]) -> None:
    conn = sqlite3.connect(db)
    try:
        for statement in statements:
            print(f"plan of `stint {' '.join(argv)}`: {' '.join(statement.split())[:160]}")
            for row in conn.execute(f"EXPLAIN QUERY PLAN {statement}"):
                print(f"    {row[-1]}")
    finally:
        conn.close()


def main() -> None:
    args = build_parser().parse_args()
    load = harness.loadavg()
    harness.report(measure(args), load)


if __name__ == "__main__":
    main()
