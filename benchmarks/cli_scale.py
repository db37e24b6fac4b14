"""Rows 1 and 2 of issue 13: `stint status`, `stint list` and `stint show last` on a big
SQLite store, each as a whole process against a bare floor in the same run.

* `stint status` against `python -c` opening the database with sqlite3 and selecting
  one row (the open session): goal ≤ 4×.
* `stint list` and `stint show last` against a bare `python -c` + sqlite3 running the
  very SELECTs the command sent (captured from a run of it, parameters inlined): ≤ 3×.

Runs are interleaved (stint, floor, stint, …) after a warm-up pair.

    .venv/bin/python benchmarks/cli_scale.py                  # 100k sessions / 1M activities
    .venv/bin/python benchmarks/cli_scale.py --sessions 2000 --activities 20000 --runs 5
    .venv/bin/python benchmarks/cli_scale.py --home /tmp/cli-scale   # keep and reuse the store
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness
import seed

ONE_ROW = (
    "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
    "print(c.execute(\"SELECT * FROM sessions WHERE status = 'active' "
    'ORDER BY id DESC LIMIT 1").fetchone())'
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--activities", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=15, help="interleaved pairs per measure")
    parser.add_argument(
        "--home", type=Path, help="keep the store in this STINT_HOME; reuse it if seeded"
    )
    return parser


def prepare(home: Path, sessions: int, activities: int) -> Path:
    db = seed.database(home)
    if not db.exists():
        home.mkdir(parents=True, exist_ok=True)
        took = seed.seed(home, sessions, activities)
        print(f"seeded {sessions:,} sessions / {activities:,} activities in {took:.1f} s")
    return db


def measure(args: argparse.Namespace) -> list[harness.Row]:
    if args.home:
        return _measure(args, args.home)
    with tempfile.TemporaryDirectory(prefix="stint-cli-scale-") as tmp:
        return _measure(args, Path(tmp))


def _measure(args: argparse.Namespace, home: Path) -> list[harness.Row]:
    db = prepare(home, args.sessions, args.activities)
    env = harness.stint_env(home)
    size = "{:,} sessions / {:,} activities".format(*seed.sizes(home))
    rows = []
    status = harness.interleave(
        harness.process([harness.STINT, "status"], env),
        harness.process([harness.PYTHON, "-c", ONE_ROW, str(db)], env),
        args.runs,
    )
    rows.append(
        harness.time_row(f"`stint status`, {size}", "python -c + sqlite3, one row", status, 4)
    )
    for argv in (["list"], ["show", "last"]):
        sql = home / f"{'-'.join(argv)}.sql.json"
        statements = harness.capture_sql(argv, env, sql)
        comparison = harness.interleave(
            harness.process([harness.STINT, *argv], env),
            harness.process(harness.replay(db, sql), env),
            args.runs,
        )
        rows.append(
            harness.time_row(
                f"`stint {' '.join(argv)}`, same store",
                f"bare sqlite3, the same {len(statements)} SELECTs",
                comparison,
                3,
            )
        )
    return rows


def main() -> None:
    args = build_parser().parse_args()
    load = harness.loadavg()
    harness.report(measure(args), load)


if __name__ == "__main__":
    main()
