"""Row 7 of issue 13: `Tracker.record`, one event per call, against one sqlite3
transaction per row, in-process, blocks interleaved (stint, floor, stint, …) after a
warm-up block of each.

stint records into a fresh SQLite STINT_HOME through the public `stint.Tracker` (one
open session, `tool_call` events with a key and a payload, as a capture source sends
them). The floor opens its own SQLite file with stdlib sqlite3 under the same settings
as stint's store (WAL, synchronous=NORMAL) and commits one INSERT per event into a
table with the same kind of columns. Goal: stint's events/s ≥ 0.5 of the floor's.

    .venv/bin/python benchmarks/record_rate.py                 # 5 pairs of 500 events
    .venv/bin/python benchmarks/record_rate.py --events 100 --runs 3
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from itertools import count
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=500, help="events per timed block")
    parser.add_argument("--runs", type=int, default=5, help="interleaved pairs of blocks")
    return parser


def floor(path: Path, events: int) -> Callable[[], float]:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute(
        "CREATE TABLE events (id INTEGER PRIMARY KEY, session_id INTEGER, type TEXT, "
        "key TEXT UNIQUE, source TEXT, payload TEXT, occurred_at TEXT)"
    )
    keys = count()

    def block() -> float:
        began = time.perf_counter()
        for _ in range(events):
            conn.execute("BEGIN")
            conn.execute(
                "INSERT INTO events (session_id, type, key, source, payload, occurred_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    1,
                    "tool_call",
                    f"floor-{next(keys)}",
                    "bench",
                    json.dumps({"success": True}),
                    time.strftime("%Y-%m-%d %H:%M:%S"),
                ),
            )
            conn.execute("COMMIT")
        return events / (time.perf_counter() - began)

    return block


def measure(args: argparse.Namespace) -> list[harness.Row]:
    from stint import EventIn, Tracker

    with tempfile.TemporaryDirectory(prefix="stint-record-rate-") as tmp:
        work = Path(tmp)
        tracker = Tracker.open(home=work / "home")
        try:
            session = tracker.start(goal="record rate", agent="bench", cwd=str(work))
            keys = count()

            def stint_block() -> float:
                began = time.perf_counter()
                for _ in range(args.events):
                    tracker.record(
                        session.id,
                        EventIn(
                            type="tool_call",
                            source="bench",
                            key=f"stint-{next(keys)}",
                            payload={"success": True},
                        ),
                    )
                return args.events / (time.perf_counter() - began)

            comparison = harness.interleave_values(
                stint_block, floor(work / "floor.db", args.events), args.runs
            )
        finally:
            tracker.close()
    ratio = comparison.ratio
    return [
        harness.Row(
            "`Tracker.record`, one event per call",
            f"{comparison.a_median:,.0f} events/s",
            f"one sqlite3 transaction per row: {comparison.b_median:,.0f}/s",
            f"{ratio:.2f} ({comparison.spread()}, {len(comparison.a)} pairs)",
            "≥ 0.5",
            ratio >= 0.5,
        )
    ]


def main() -> None:
    args = build_parser().parse_args()
    load = harness.loadavg()
    harness.report(measure(args), load)


if __name__ == "__main__":
    main()
