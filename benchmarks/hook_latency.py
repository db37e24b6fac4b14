"""Hook and status-line latency against the floor (not a row of issue 13's table; the
capture path's own goal). Run by hand; same harness and table as the rest.

The floor is a bare Python process that inserts one row with stdlib `sqlite3`; the hook is
exactly the command `stint hooks install claude-code` writes into a throwaway
CLAUDE_CONFIG_DIR (run through `sh -c`, as Claude Code runs it, and so is the floor).
Runs alternate (hook, floor, hook, …) after a warm-up; goal: hook ≤ 1.5× the floor.

    .venv/bin/python benchmarks/hook_latency.py [--runs 30]     # or: hook_latency.py 30
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness

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


def installed(work: Path, env: dict[str, str]) -> tuple[str, str]:
    """The hook and status-line commands `stint hooks install claude-code` writes."""
    config = work / "claude"
    config.mkdir()
    subprocess.run(
        [harness.STINT, "hooks", "install", "claude-code", "--statusline"],
        env={**env, "CLAUDE_CONFIG_DIR": str(config)},
        check=True,
        capture_output=True,
    )
    settings = json.loads((config / "settings.json").read_text())
    hook = settings["hooks"]["PostToolUse"][0]["hooks"][0]["command"]
    return hook, settings["statusLine"]["command"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=30, help="interleaved pairs per measure")
    parser.add_argument("count", nargs="?", type=int, help="the same as --runs (older form)")
    return parser


def measure(args: argparse.Namespace) -> list[harness.Row]:
    work = Path(tempfile.mkdtemp(prefix="stint-bench-"))
    env = harness.stint_env(work / "home")
    try:
        hook, statusline = installed(work, env)
        floor = floor_command(work / "floor.db")
        record, status = json.dumps(RECORD).encode(), json.dumps(STATUS).encode()
        rows = []
        for name, command, stdin in (
            ("hook (installed command)", hook, record),
            ("hook (console script)", f"{harness.STINT} hook claude-code", record),
            ("status line", statusline, status),
        ):
            comparison = harness.interleave(
                harness.process(["sh", "-c", command], env, stdin),
                harness.process(["sh", "-c", floor], env, stdin),
                args.runs,
                warmup=3,  # the page cache and the spool file
            )
            rows.append(harness.time_row(name, "python -c + sqlite3 insert", comparison, 1.5))
        return rows
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    args = build_parser().parse_args()
    args.runs = args.count or args.runs
    load = harness.loadavg()
    harness.report(measure(args), load)


if __name__ == "__main__":
    main()
