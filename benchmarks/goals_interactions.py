"""How fast does an app record interactions, alone and with concurrent writers?

Times `SessionHandle.interaction` (one transaction each: sequence number, interaction
row, event, counters) for N interactions in one process, then W processes writing N/W
each into the same session, and `progress()` + `complete()` on the result. Prints
interactions per second and the per-call latency.

    .venv/bin/python benchmarks/goals_interactions.py                     # SQLite in a tmp dir
    .venv/bin/python benchmarks/goals_interactions.py --url postgresql+psycopg://…/db
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

WRITER = """
import sys
from stint.tracker import Tracker
url, session_id, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
tracker = Tracker.open(url)
handle = tracker.handle(session_id)
for n in range(count):
    handle.interaction("prompt" if n % 2 == 0 else "response", f"text {n}", role="user")
tracker.close()
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url")
    parser.add_argument("--interactions", type=int, default=2000)
    parser.add_argument("--writers", type=int, default=4)
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="stint-bench-")
    os.environ["STINT_HOME"] = home
    from stint import Tracker

    url = args.url or f"sqlite:///{home}/stint.db"
    tracker = Tracker.open(url)
    n = args.interactions
    solo = tracker.begin(kind="conversation", success_indicators=[f"interactions >= {n}"])
    started = time.perf_counter()
    for i in range(n):
        solo.interaction("prompt" if i % 2 == 0 else "response", f"text {i}", role="user")
    elapsed = time.perf_counter() - started
    print(
        f"one writer:   {n} interactions in {elapsed:.2f}s = {n / elapsed:,.0f}/s "
        f"({1000 * elapsed / n:.2f} ms each)"
    )

    shared = tracker.begin(kind="conversation")
    each = n // args.writers
    started = time.perf_counter()
    processes = [
        subprocess.Popen([sys.executable, "-c", WRITER, url, str(shared.id), str(each)])
        for _ in range(args.writers)
    ]
    for process in processes:
        process.wait()
    elapsed = time.perf_counter() - started
    sequences = [i["sequence"] for i in shared.interactions()]
    assert sequences == list(range(1, each * args.writers + 1)), "sequence numbers broken"
    print(
        f"{args.writers} writers:    {each * args.writers} interactions in {elapsed:.2f}s "
        f"= {each * args.writers / elapsed:,.0f}/s (process start-up included); "
        "sequences unique and gap-free"
    )

    started = time.perf_counter()
    report = solo.progress()
    progress_ms = 1000 * (time.perf_counter() - started)
    started = time.perf_counter()
    solo.complete(llm=False)
    complete_ms = 1000 * (time.perf_counter() - started)
    print(
        f"progress() on {n} interactions: {progress_ms:.0f} ms "
        f"(can_complete={report['can_complete']}); complete() with evaluation: "
        f"{complete_ms:.0f} ms"
    )
    tracker.close()


if __name__ == "__main__":
    main()
