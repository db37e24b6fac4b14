"""`stint statusline`: one line from Claude Code's status JSON and the drain's cache."""

from __future__ import annotations

import json
from pathlib import Path

from capture_records import SID, first_part, send
from conftest import run_stint
from stint.capture.statusline import render

STATUS = {
    "session_id": SID,
    "model": {"id": "claude-opus-4-6", "display_name": "Opus"},
    "workspace": {"current_dir": "/x", "project_dir": "/x"},
    "cost": {
        "total_cost_usd": 1.2345,
        "total_duration_ms": 60000,
        "total_lines_added": 120,
        "total_lines_removed": 4,
    },
}


def test_a_realistic_status_line(repo: Path, stint_home: Path) -> None:
    send(first_part(repo)[:4], repo)
    assert run_stint("drain", "-q").returncode == 0
    done = run_stint("statusline", input=json.dumps(STATUS))
    assert done.returncode == 0
    line = done.stdout
    assert line.count("\n") == 1
    # The session's repository is unchanged since its start commit: git's +0 −0, not
    # Claude Code's tally of its own edits (tests/test_records_livegit.py has the rest).
    assert line.startswith("stint #1 · ") and "$1.23" in line and "+0 −0" in line
    assert line.rstrip().endswith("Opus")


def test_garbage_gives_a_minimal_line() -> None:
    for stdin in ("", "nope", "[]", '{"cost": "x", "model": 5}', '{"session_id": "unknown"}'):
        done = run_stint("statusline", input=stdin)
        assert (done.returncode, done.stdout) == (0, "stint\n"), stdin


def test_active_time_grows_between_drains_only_while_active() -> None:
    cache = {
        "pulse_seconds": 900,
        "sessions": {"a": {"number": 7, "active_seconds": 3600, "status": "active", "as_of": 0}},
    }
    assert render({"session_id": "a"}, cache, 60) == "stint #7 · 1h 01m"
    assert render({"session_id": "a"}, cache, 5000) == "stint #7 · 1h 00m"
    cache["sessions"]["a"]["status"] = "paused"
    assert render({"session_id": "a"}, cache, 60) == "stint #7 · 1h 00m (paused)"
