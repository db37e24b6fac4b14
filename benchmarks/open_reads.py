"""Reading open sessions (the overview's session list): active time from the pulse state
each row keeps (migration 0007) against recomputing it from every event timestamp, as
every read did before. Both stores hold the same open sessions and events; in the
second the rows' pulse state is cleared, so each read takes the recomputing path (what
a session from before 0007 gets until its next event). Blocks interleaved.

    .venv/bin/python benchmarks/open_reads.py                   # 20 sessions x 2,000 events
    .venv/bin/python benchmarks/open_reads.py --sessions 5 --events 500 --runs 3
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sessions", type=int, default=20, help="open sessions listed")
    parser.add_argument("--events", type=int, default=2000, help="events per session")
    parser.add_argument("--reads", type=int, default=20, help="list reads per timed block")
    parser.add_argument("--runs", type=int, default=5, help="interleaved pairs of blocks")
    return parser


def _seeded(home: Path, args: argparse.Namespace, cleared: bool) -> Callable[[], float]:
    from stint import EventIn, Tracker
    from stint.model.timeparse import utcnow

    tracker = Tracker.open(home=home)
    start = utcnow() - timedelta(hours=4)
    for n in range(args.sessions):
        session = tracker.start(goal=f"s{n}", agent="bench", agent_session_id=f"a{n}", at=start)
        step = 3 * 3600 / args.events
        tracker.record_bulk(
            session.id,
            [
                EventIn("tool_call", source="hook", occurred_at=start + timedelta(seconds=i * step))
                for i in range(args.events)
            ],
        )
    if cleared:
        from stint.store import schema

        with tracker.store.write() as conn:
            conn.execute(schema.sessions.update().values(pulse_seconds=None, pulse_last_at=None))

    def block() -> float:
        began = time.perf_counter()
        for _ in range(args.reads):
            tracker.sessions(limit=args.sessions)
        return args.reads / (time.perf_counter() - began)

    return block


def main() -> None:
    args = build_parser().parse_args()
    load = harness.loadavg()
    with tempfile.TemporaryDirectory(prefix="stint-open-reads-") as tmp:
        kept = _seeded(Path(tmp) / "kept", args, cleared=False)
        recomputed = _seeded(Path(tmp) / "recomputed", args, cleared=True)
        comparison = harness.interleave_values(kept, recomputed, args.runs)
    harness.report(
        [
            harness.Row(
                f"list {args.sessions} open sessions ({args.events:,} events each)",
                f"{comparison.a_median:,.1f} reads/s",
                f"recomputed from every event: {comparison.b_median:,.1f}/s",
                f"{comparison.ratio:.2f}× ({comparison.spread()}, {len(comparison.a)} pairs)",
                "> 1",
                comparison.ratio > 1,
            )
        ],
        load,
    )


if __name__ == "__main__":
    main()
