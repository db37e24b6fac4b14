"""The command line through the real console script."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_stint


def test_a_whole_session_from_the_command_line(tmp_path: Path) -> None:
    started = run_stint(
        "start", "--goal", "Implement tracking", "--tag", "feature", "--project", "demo", "--json"
    )
    assert started.returncode == 0, started.stderr
    assert json.loads(started.stdout)["number"] == 1
    assert run_stint("task", "add", "write schema").returncode == 0
    assert run_stint("task", "add", "write cli").returncode == 0
    assert run_stint("task", "start", "1").returncode == 0
    assert run_stint("task", "done", "1").returncode == 0
    assert run_stint("decision", "Use SQLite by default").returncode == 0
    assert run_stint("context", "Auth lives in @src/auth.py").returncode == 0
    assert run_stint("note", "remember the migration").returncode == 0
    assert run_stint("log", "command_executed", "pytest -q").returncode == 0
    assert run_stint("tag", "backend").returncode == 0

    status = run_stint("status", "--json")
    data = json.loads(status.stdout)
    assert (data["tasks_created"], data["tasks_completed"], data["tasks_todo"]) == (2, 1, 1)
    assert (data["decisions_made"], data["context_items_added"]) == (1, 1)
    assert data["commands_executed"] == 1
    assert data["tags"] == ["backend", "feature"]

    panel = run_stint()
    assert "Session #1 — ACTIVE" in panel.stdout and "Implement tracking" in panel.stdout

    ended = run_stint("end", "--notes", "done for today", "--outcome", "partial")
    assert ended.returncode == 0, ended.stderr
    for text in (
        "Session summary — #1",
        "Productivity score",
        "Tasks: 1/2 completed",
        "Decisions: 1",
        "src/auth.py",
        "done for today",
        "Recent activity",
    ):
        assert text in ended.stdout, text

    shown = json.loads(run_stint("show", "#1", "--json").stdout)
    assert shown["status"] == "ended" and shown["outcome"] == "partial"
    assert [t["status"] for t in shown["tasks"]] == ["completed", "todo"]
    assert shown["files"][0]["path"] == "src/auth.py"

    listed = json.loads(run_stint("list", "--json").stdout)
    assert [s["number"] for s in listed] == [1]
    timeline = json.loads(run_stint("timeline", "1", "--json").stdout)
    kinds = [a["type"] for a in timeline]
    assert kinds[0] == "session_started" and kinds[-1] == "session_ended"
    assert "decision_made" in kinds and "task_completed" in kinds
    assert "Timeline of #1" in run_stint("timeline", "last").stdout
    assert run_stint("doctor").returncode == 0


def test_bad_input_gets_one_line_and_a_nonzero_exit() -> None:
    cases = [
        ("end",),  # no active session
        ("show", "#42"),
        ("start", "--at", "yesterday-ish"),
        ("task", "done", "7"),
        ("list", "--limit", "0"),
        ("goal", ""),
    ]
    for args in cases:
        result = run_stint(*args)
        assert result.returncode != 0, args
        assert "Traceback" not in result.stderr, args
        errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
        assert len(errors) == 1, (args, result.stderr)
    run_stint("start", "--project", "p")
    first_end = run_stint("end")
    assert first_end.returncode == 0
    again = run_stint("end")
    assert again.returncode == 1 and "No such" not in again.stderr
    assert "no active session" in again.stderr


def test_second_start_says_which_session_is_active() -> None:
    assert run_stint("start", "--project", "p").returncode == 0
    second = run_stint("start", "--project", "p")
    assert second.returncode == 1
    assert "#1 is already active" in second.stderr


def test_start_at_three_hours_ago_is_not_swept_by_the_next_command() -> None:
    # The person typing is present: a back-dated start is not idle (issue 10).
    assert run_stint("start", "--project", "p", "--at", "3h ago").returncode == 0
    shown = json.loads(run_stint("show", "last", "--json").stdout)
    assert shown["status"] == "active"
    assert shown["duration_seconds"] >= 3 * 3600 - 60


def test_pause_resume_and_cancel() -> None:
    run_stint("start", "--project", "p")
    assert "paused" in run_stint("pause").stdout
    assert run_stint("pause").returncode == 1
    assert "active" in run_stint("resume").stdout
    assert "cancelled" in run_stint("cancel").stdout


def test_end_as_failed_and_no_way_back() -> None:
    run_stint("start", "--project", "p")
    done = run_stint("end", "--failed", "tests broken", "--json")
    assert done.returncode == 0, done.stderr
    ended = json.loads(done.stdout)
    assert (ended["status"], ended["end_reason"]) == ("failed", "tests broken")
    again = run_stint("resume", "--session", "last")
    assert again.returncode == 1 and again.stderr.count("\n") == 1


def test_empty_status_and_help() -> None:
    assert "No active session" in run_stint().stdout
    assert json.loads(run_stint("status", "--json").stdout) is None
    help_text = run_stint("--help").stdout
    for command in (
        "start",
        "end",
        "pause",
        "resume",
        "cancel",
        "goal",
        "tag",
        "note",
        "project",
        "task",
        "decision",
        "context",
        "log",
        "list",
        "show",
        "timeline",
        "doctor",
        "status",
    ):
        assert command in help_text, command
