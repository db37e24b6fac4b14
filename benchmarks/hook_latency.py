"""Hook and status-line latency against the floor.

The floor is a bare Python process that inserts one row with stdlib `sqlite3`; the hook is
exactly the command `stint hooks install claude-code` writes (run through `sh -c`, as
Claude Code runs it, and so is the floor). Runs alternate (floor, hook, floor, …) so a
drifting machine affects both alike; medians of RUNS each are printed as ratios.

    .venv/bin/python benchmarks/hook_latency.py [RUNS]

Target: hook ≤ 1.5× the floor.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from stint.capture.install import hook_command, statusline_command

RECORD = {
    "session_id": "7f0c2d9e-1111-4c2a-9d55-0b6a1d2e3f40",
    "transcript_path": "/home/u/.claude/projects/-home-u-app/7f0c2d9e.jsonl",
    "cwd": "/home/u/app",
    "permission_mode": "acceptEdits",
    "hook_event_name": "PostToolUse",
    "tool_name": "Edit",
    "tool_input": {
        "file_path": "/home/u/app/main.py",
        "old_string": "x = 1",
        "new_string": "x = 2",
    },
    "tool_response": {"filePath": "/home/u/app/main.py", "success": True},
    "tool_use_id": "toolu_01Abc",
    "duration_ms": 9,
}
STATUS = {
    "session_id": RECORD["session_id"],
    "model": {"id": "claude-opus-4-6", "display_name": "Opus"},
    "cost": {"total_cost_usd": 0.42, "total_lines_added": 12, "total_lines_removed": 3},
}


def floor_command(db: Path) -> str:
    code = (
        "import sqlite3, sys, time; data = sys.stdin.buffer.read(); "
        f"c = sqlite3.connect({str(db)!r}); "
        "c.execute('CREATE TABLE IF NOT EXISTS t (at REAL, payload TEXT)'); "
        "c.execute('INSERT INTO t VALUES (?, ?)', (time.time(), data.decode())); c.commit()"
    )
    return f"{shlex.quote(sys.executable)} -c {shlex.quote(code)}"


def timed(command: str, stdin: bytes, env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(["sh", "-c", command], input=stdin, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def compare(
    name: str, command: str, floor: str, stdin: bytes, runs: int, env: dict[str, str]
) -> None:
    for _ in range(3):  # warm the page cache and the spool file
        timed(command, stdin, env)
        timed(floor, stdin, env)
    mine, base = [], []
    for _ in range(runs):
        base.append(timed(floor, stdin, env))
        mine.append(timed(command, stdin, env))
    a, b = statistics.median(mine), statistics.median(base)
    print(f"{name:24} median {a * 1000:6.1f} ms   floor {b * 1000:6.1f} ms   ratio {a / b:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("runs", nargs="?", type=int, default=30, help="runs of each command")
    runs = parser.parse_args().runs
    work = Path(tempfile.mkdtemp(prefix="stint-bench-"))
    env = {**os.environ, "STINT_HOME": str(work / "home")}
    try:
        floor = floor_command(work / "floor.db")
        record = json.dumps(RECORD).encode()
        print(f"{runs} runs each, alternating with the floor; python {sys.version.split()[0]}")
        compare("hook (installed cmd)", hook_command(), floor, record, runs, env)
        console = shutil.which("stint", path=str(Path(sys.executable).parent))
        if console:
            compare(
                "hook (console script)", f"{console} hook claude-code", floor, record, runs, env
            )
        compare("statusline", statusline_command(), floor, json.dumps(STATUS).encode(), runs, env)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
