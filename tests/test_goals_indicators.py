"""Indicator parsing and checks, and the deterministic evaluator, as pure functions."""

from __future__ import annotations

from typing import Any

import pytest

from stint.goals.evaluator import decide, evaluate
from stint.goals.indicators import Facts, check, parse_indicator
from stint.goals.records import is_test_command
from stint.store.schema import COUNTER_COLUMNS


def _facts(**row: Any) -> Facts:
    base: dict[str, Any] = {name: 0 for name in COUNTER_COLUMNS}
    base.update(
        id=1,
        number=1,
        status="ended",
        goal=None,
        commits_made=0,
        loc_added=0,
        loc_removed=0,
        files_modified=0,
        state=None,
        success_indicators=None,
        completion_indicators=None,
        evaluation=None,
    )
    base.update(row)
    return Facts(row=base, duration_seconds=1800.0, active_seconds=1200.0)


def _i(n: int, type_: str, **payload: Any) -> dict[str, Any]:
    return {"sequence": n, "type": type_, "payload": payload, "role": None, "sentiment": None}


@pytest.mark.parametrize(
    ("text", "check_"),
    [
        ("artifacts[type=scene_capture] >= 3", "artifacts[type=scene_capture] >= 3"),
        ("tasks.completed >= tasks.created", "tasks.completed >= tasks.created"),
        ("lines.net > 0", "lines.net > 0"),
        ("tests_passed", "tests_passed"),
        ("memories_used >= 1", "memories_used >= 1"),
        ("Storyteller recalls specific moments", None),
        ("Done", None),
        ("interactions >= 10 and more", None),
        ("id > 0", None),  # not a metric: an id says nothing about a goal
    ],
)
def test_parse_indicator(text: str, check_: str | None) -> None:
    assert parse_indicator(text).check == check_
    labelled = parse_indicator({"text": "Three scenes", "check": "artifacts >= 3"})
    assert labelled.text == "Three scenes" and labelled.check == "artifacts >= 3"


def test_checks_over_session_data() -> None:
    facts = _facts(
        tasks_created=3, tasks_completed=3, loc_added=40, loc_removed=10, state={"step": "done"}
    )
    facts.artifacts = [
        {"type": "scene_capture", "is_approved": True, "is_provisional": False},
        {"type": "scene_capture", "is_approved": False, "is_provisional": True},
        {"type": "timeline_entry", "is_approved": True, "is_provisional": False},
    ]
    assert check(facts, "tasks.completed >= tasks.created")["met"] is True
    assert check(facts, "lines.net > 0") == {"met": True, "value": 30, "detail": "30 > 0"}
    assert check(facts, "artifacts[scene_capture] >= 2")["met"] is True
    assert check(facts, "artifacts[type=scene_capture, approved] >= 2")["met"] is False
    assert check(facts, "artifacts[!approved] == 1")["met"] is True
    assert check(facts, "state.step == done")["met"] is True
    assert check(facts, "state.step == 'started'")["met"] is False
    assert check(facts, "duration_minutes <= 30")["met"] is True
    assert check(facts, "tests_passed") == {"met": None, "value": None, "detail": "no data yet"}
    assert check(facts, "artifacts[colour=red] > 0")["detail"].startswith("unknown metric")
    assert check(facts, "state.step > 3")["detail"].startswith("cannot compare")


def test_tests_passed_follows_the_last_test_command_and_its_result() -> None:
    assert is_test_command("uv run pytest -q") and is_test_command("npm test")
    assert is_test_command("go test ./...") and not is_test_command("git status")
    facts = _facts()
    facts.interactions = [
        _i(1, "command", is_test=True),
        _i(2, "result", exit_code=1),
        _i(3, "command", is_test=False),
        _i(4, "result", exit_code=0),
        _i(5, "command", is_test=True),
        _i(6, "result", success=True),
    ]
    assert facts.tests() == (2, True)
    assert check(facts, "tests_run >= 2")["met"] is True
    assert check(facts, "results.failed == 0")["met"] is False


def test_decide_outcomes() -> None:
    met = {"indicator": "a", "met": True, "detail": "1 >= 1"}
    missed = {"indicator": "b", "met": False, "detail": "0 >= 1"}
    unknown = {"indicator": "c", "met": None, "detail": "free text"}
    assert decide([met, unknown], [], [])[0] == "achieved"
    assert decide([met, missed], [], [])[0] == "partial"
    assert decide([missed], [], [])[:3:2] == ("not_achieved", 0)
    assert decide([met], [], ["the session failed"])[0] == "partial"
    assert decide([unknown], ["2 commit(s) made"], [])[0] == "achieved"
    assert decide([], ["x"], ["y"])[0] == "partial"
    outcome, reasons, percentage = decide([], [], [])
    assert outcome is None and percentage is None and "nothing to judge" in reasons[-1]


def test_evaluate_a_coding_session_by_its_evidence() -> None:
    facts = _facts(tasks_created=2, tasks_completed=2, commits_made=1)
    facts.interactions = [_i(1, "command", is_test=True), _i(2, "result", exit_code=0)]
    result = evaluate(facts)
    assert result["outcome"] == "achieved" and result["evaluator"] == "deterministic"
    assert result["reasons"] == [
        "evidence: all 2 tasks completed",
        "evidence: tests run 1x, the last run passed",
        "evidence: 1 commit made",
    ]
