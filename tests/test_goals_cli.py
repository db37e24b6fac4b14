"""The goal commands through the real console script: templates, start --template, plan,
begin, evaluate, progress, show's goal section and list --followups."""

from __future__ import annotations

import json

from conftest import run_stint
from stint import Tracker


def _ok(*args: str) -> str:
    result = run_stint(*args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_templates_start_plan_evaluate_and_followups() -> None:
    _ok(
        "template",
        "add",
        "Childhood",
        "--kind",
        "interview",
        "--intention",
        "Capture childhood scenes",
        "--success",
        "artifacts[type=scene_capture] >= 1",
        "--completion",
        "interactions >= 2",
        "--constraint",
        "Keep to 30 minutes",
        "--duration",
        "30",
        "--tag",
        "memoir",
    )
    assert "Childhood (interview, 30m): Capture childhood scenes" in _ok("template", "list")
    shown = json.loads(_ok("template", "show", "Childhood", "--json"))
    assert shown["default_constraints"] == ["Keep to 30 minutes"]
    again = run_stint("template", "add", "Childhood")
    assert again.returncode == 1 and "exists already" in again.stderr

    started = json.loads(_ok("start", "--template", "Childhood", "--project", "memoir", "--json"))
    assert started["kind"] == "interview" and started["goal"] == "Capture childhood scenes"
    assert started["tags"] == ["memoir"] and started["scheduled_duration_minutes"] == 30
    assert "[ ] Completion: interactions >= 2 (0 >= 2)" in _ok("progress")
    ended = json.loads(_ok("end", "--json"))  # ending evaluates the goal, offline
    assert (
        ended["outcome"] == "not_achieved" and ended["evaluation"]["evaluator"] == "deterministic"
    )
    evaluated = json.loads(_ok("evaluate", "last", "--no-llm", "--json"))
    assert evaluated["outcome"] == "not_achieved" and evaluated["evaluator"] == "deterministic"
    shown_text = _ok("show", "last")
    assert "Intention: Capture childhood scenes" in shown_text
    assert "Evaluation: not_achieved (deterministic)" in shown_text

    planned = json.loads(
        _ok(
            "plan",
            "--template",
            "Childhood",
            "--sessions",
            "3",
            "--first",
            "+1d",
            "--every",
            "7d",
            "--subject",
            "childhood",
            "--project",
            "memoir",
            "--json",
        )
    )
    assert [p["status"] for p in planned] == ["scheduled"] * 3
    assert planned[1]["previous_session_id"] == planned[0]["id"]
    assert planned[2]["previous_session_id"] == planned[1]["id"]
    assert all(p["started_at"] is None for p in planned)
    text = _ok("begin", str(planned[0]["number"]))
    assert f"Started scheduled session #{planned[0]['number']}" in text
    refused = run_stint("end", "--session", str(planned[1]["number"]))
    assert refused.returncode == 1 and "it is scheduled" in refused.stderr
    _ok("cancel", "--session", str(planned[2]["number"]))

    tracker = Tracker.open()
    tracker.handle(started["id"]).followup("Ask about Ohio", suggestion="Teenage years")
    tracker.close()
    followups = json.loads(_ok("list", "--followups", "--json"))
    assert [f["id"] for f in followups] == [started["id"]]
    assert followups[0]["next_session_suggestion"] == "Teenage years"
