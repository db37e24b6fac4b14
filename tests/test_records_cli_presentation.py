"""CLI presentation: 80-column tables that never cut a number, plurals, one-line usage
errors, shell completion, small costs, and a README install line that works."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from conftest import git, run_stint
from stint.capture.statusline import render
from stint.model.units import money, plural
from stint.store import bulk
from stint.tracker import Tracker
from stint.web import create_app

ROOT = Path(__file__).resolve().parent.parent
NARROW = {"COLUMNS": "80", "TZ": "UTC"}
START = datetime(2026, 6, 2, 9, 0, tzinfo=UTC)


def _seed_big(home: Path) -> None:
    tracker = Tracker.open(home=home)
    rows = [
        {
            "started_at": START + timedelta(days=i),
            "ended_at": START + timedelta(days=i, hours=12, minutes=34),
            "project": "a-rather-long-project-name-for-a-narrow-terminal",
            "goal": "Refactor the ingest pipeline so that it copes with very long goals",
            "productivity_score": 87.0,
            "active_seconds": 45_240.0,
            "tasks_created": 34,
            "tasks_completed": 12,
            "loc_added": 123_456,
            "loc_removed": 7_890,
            "input_tokens": 1_234_567,
            "output_tokens": 89_012,
            "cost_usd": 1_234.567,
            "tags": ["backend", "refactor", "performance"],
        }
        for i in range(3)
    ]
    with tracker.store.write() as conn:
        bulk.insert_sessions(conn, tracker.org, rows)
    tracker.close()


def _fits(out: str) -> None:
    assert out.strip(), out
    for line in out.splitlines():
        assert len(line) <= 80, line
    assert "…" not in out  # rich's ellipsis: something was cut


def test_list_at_80_columns_cuts_no_number(stint_home: Path) -> None:
    _seed_big(stint_home)
    done = run_stint("list", env=NARROW)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    _fits(out)
    for shown in ("2026-06-02 09:00", "2026-06-04 09:00", "12h 34m"):
        assert shown in out, shown
    header = out.splitlines()[1]
    # A column is either shown with every figure whole, or not shown at all.
    for column, figure in (("lines", "+123,456/-7,890"), ("score", "87"), ("tasks", "12/34")):
        if column in header:
            assert figure in out, column
    assert re.search(r"│\s+3 │", out) and re.search(r"│\s+1 │", out)


def test_stats_by_at_80_columns_cuts_no_number(stint_home: Path) -> None:
    _seed_big(stint_home)
    total = ("+370,368/-23,670", "$3,703.70", "3,970,737")
    one_day = ("+123,456/-7,890", "$1,234.57", "1,323,579")
    for by, key, (lines, cost, tokens) in (
        ("project", "a-rather-long", total),
        ("day", "2026-06-03", one_day),
        ("tag", "performance", total),
    ):
        done = run_stint("stats", "--by", by, "--period", "all", "--tz", "UTC", env=NARROW)
        assert done.returncode == 0, done.stderr
        out = done.stdout
        _fits(out)
        assert key in out, (by, out)
        assert lines in out and cost in out, out
        header = " ".join(out.splitlines()[1:4])
        if "tokens" in header:
            assert tokens in out


def test_plurals_in_the_status_panel_and_stats(repo: Path) -> None:
    assert run_stint("start", "-g", "plurals", cwd=repo).returncode == 0
    assert run_stint("context", "one thing", cwd=repo).returncode == 0
    (repo / "README.md").write_text("hello\nworld\nagain\n")
    git(repo, "commit", "-qam", "one more line")
    panel = run_stint("status", cwd=repo, env={"COLUMNS": "120"}).stdout
    assert re.search(r"Context: 1 item\b", panel), panel
    assert re.search(r"in 1 file, 1 commit\b", panel), panel
    run_stint("end", cwd=repo)
    stats = run_stint("stats", "--period", "all", env={"COLUMNS": "120"}).stdout
    assert re.search(r"in 1 file, 1 commit\b", stats), stats


def test_plural_and_money_helpers() -> None:
    assert [plural(n, "file") for n in (0, 1, 2)] == ["0 files", "1 file", "2 files"]
    assert plural(1, "entry", "entries") == "1 entry" and plural(3, "entry", "entries").startswith(
        "3 entries"
    )
    assert plural(1200, "line", grouped=True) == "1,200 lines"
    assert money(0.0042) == "$0.0042"
    assert money(0.00042) == "$0.00042"
    assert money(0.009) == "$0.0090"
    assert money(0.00999) == "$0.01"
    assert money(0) == "$0.00"
    assert money(12.345) == "$12.35" and money(1234.5) == "$1,234.50"
    assert money(-0.0042) == "-$0.0042" and money(None) == "—"


def test_small_costs_are_not_shown_as_zero(stint_home: Path) -> None:
    tracker = Tracker.open(home=stint_home)
    with tracker.store.write() as conn:
        bulk.insert_sessions(
            conn, tracker.org, [{"started_at": START, "cost_usd": 0.0042, "project": "p"}]
        )
    try:
        shown = run_stint("show", "1", env={"COLUMNS": "120"}).stdout
        assert "Cost: $0.0042" in shown, shown
        by = run_stint("stats", "--by", "project", "--period", "all", env=NARROW).stdout
        assert "$0.0042" in by, by
        with TestClient(create_app(tracker, housekeeping_seconds=None)) as client:
            assert "$0.0042" in client.get("/sessions").text
            assert "$0.0042" in client.get("/sessions/1").text
    finally:
        tracker.close()
    assert "$0.0042" in render({"cost": {"total_cost_usd": 0.0042}}, {}, 0.0)


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (("stats", "--by", "nope"), "Try 'stint stats --help'."),
        (("list", "--limit", "-5"), "Try 'stint list --help'."),
        (("list", "--last", "0"), "Try 'stint list --help'."),
        (("lsit",), "Try 'stint --help'."),
        (("--bogus",), "Try 'stint --help'."),
        (("task", "add"), "Try 'stint task add --help'."),
    ],
)
def test_usage_errors_are_one_line_with_a_hint(args: tuple[str, ...], hint: str) -> None:
    done = run_stint(*args)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("Error: ") and lines[0].endswith(hint), lines[0]
    assert "Usage:" not in done.stderr


def test_completion_scripts_and_answers() -> None:
    for shell, marker in (("bash", "complete -o"), ("zsh", "#compdef stint"), ("fish", "complete")):
        done = run_stint("completion", shell)
        assert done.returncode == 0, done.stderr
        assert "_STINT_COMPLETE" in done.stdout and marker in done.stdout, shell
    # What the bash script asks stint when the person presses Tab after `stint sta`.
    answer = run_stint(
        env={"_STINT_COMPLETE": "bash_complete", "COMP_WORDS": "stint sta", "COMP_CWORD": "1"}
    )
    assert {"plain,start", "plain,stats", "plain,status"} <= set(answer.stdout.split())
    wrong = run_stint("completion", "tcsh")
    assert wrong.returncode == 2 and len(wrong.stderr.splitlines()) == 1


def test_readme_installs_only_what_works() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "stint-tracker" not in readme
    assert "pip install ." in readme and "pipx install ." in readme
    assert "stint completion bash" in readme
    assert "pip install stint-tracker" not in (ROOT / "docs" / "library.md").read_text()
