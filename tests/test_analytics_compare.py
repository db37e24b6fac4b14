"""compare: two sessions side by side, and cohorts whose difference is known to be real
or known to be noise; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from stint.model.types import StintError
from stint.store import bulk
from stint.tracker import Tracker

START = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


def _cohort(model: str, scores: list[float], cost: float, tag: str) -> list[dict[str, object]]:
    return [
        {
            "started_at": START + timedelta(hours=3 * i + (1 if model == "b" else 0)),
            "productivity_score": score,
            "active_seconds": 1800.0,
            "cost_usd": cost,
            "loc_added": 10 * i,
            "tasks_created": 2,
            "tasks_completed": i % 3 and 1,
            "ai_model": model,
            "branch": f"on-{model}",
            "tags": [tag],
        }
        for i, score in enumerate(scores)
    ]


def test_cohorts_significant_and_not(tracker: Tracker) -> None:
    strong = [60.0 + i for i in range(25)]  # 60..84
    weak = [40.0 + i for i in range(25)]  # 40..64: mostly below
    twin = [60.5 + i for i in range(25)]  # interleaved with `strong`
    with tracker.store.write() as conn:
        bulk.insert_sessions(conn, tracker.org, _cohort("a", strong, 1.0, "x"))
        bulk.insert_sessions(conn, tracker.org, _cohort("b", weak, 1.0, "y"))
        bulk.insert_sessions(conn, tracker.org, _cohort("c", twin, 1.0, "z"))
    result = tracker.compare_cohorts(["model=a", "model=b", "model=c"])
    a, b, c = result["cohorts"]
    assert (a["sessions"], b["sessions"], c["sessions"]) == (25, 25, 25)
    assert a["figures"]["score"]["median"] == 72.0 and b["figures"]["score"]["median"] == 52.0
    assert a["figures"]["score"]["q1"] == 66.0 and a["figures"]["score"]["q3"] == 78.0
    tests = {(t["b"], t["figure"]): t for t in result["tests"]}
    against_b = tests[("model=b", "score")]
    assert against_b["significant"] is True and against_b["p"] < 0.001
    assert against_b["better"] == "model=a" and against_b["n_a"] == 25
    against_c = tests[("model=c", "score")]
    assert against_c["significant"] is False and against_c["p"] > 0.5
    # Equal costs everywhere: no difference, and no "better".
    cost = tests[("model=b", "cost_usd")]
    assert cost["significant"] is False and cost["better"] is None
    # Tag cohorts select the same sessions as the model ones.
    by_tag = tracker.compare_cohorts(["tag=x", "tag=y"])
    assert by_tag["tests"][0]["p"] == pytest.approx(against_b["p"])
    # Branch cohorts: one scan for all three, split by branch (models: one index search
    # each); the same sessions, so the same figures and tests.
    by_branch = tracker.compare_cohorts(["branch=on-a", "branch=on-b", "branch=on-c"])
    for model, branch in zip(result["cohorts"], by_branch["cohorts"], strict=True):
        assert branch["figures"] == model["figures"]
    for model, branch in zip(result["tests"], by_branch["tests"], strict=True):
        assert {**branch, "a": model["a"], "b": model["b"], "better": model["better"]} == model


def test_cohort_errors(tracker: Tracker) -> None:
    with pytest.raises(StintError, match="at least two"):
        tracker.compare_cohorts(["model=a"])
    with pytest.raises(StintError, match="KEY=VALUE"):
        tracker.compare_cohorts(["model=a", "mood=happy"])
    empty = tracker.compare_cohorts(["model=a", "agent="])
    assert empty["cohorts"][0]["sessions"] == 0 and empty["tests"][0]["p"] is None


def test_compare_two_sessions(tracker: Tracker) -> None:
    first = tracker.start(goal="one", tags=["slow"], model="claude-opus-4-6")
    tracker.add_task(first.id, "t1", status="completed")
    tracker.add_task(first.id, "t2")
    tracker.touch_file(first.id, "a.py", modified=True, added=100, removed=60)
    tracker.end(first.id)
    second = tracker.start(goal="two", tags=["fast"], model="claude-sonnet-4-5")
    tracker.add_task(second.id, "t3", status="completed")
    tracker.touch_file(second.id, "b.py", modified=True, added=50, removed=5)
    tracker.touch_file(second.id, "c.py", modified=True, added=10, removed=0)
    tracker.end(second.id)
    data = tracker.compare(first.number, second.number)
    rows = {r["figure"]: r for r in data["figures"]}
    rate = rows["task_completion_rate"]
    assert (rate["a"], rate["b"], rate["difference"], rate["better"]) == (0.5, 1.0, 0.5, "b")
    assert rows["loc_added"]["difference"] == -40 and rows["loc_added"]["better"] is None
    assert rows["churn"]["a"] == pytest.approx(0.6) and rows["churn"]["better"] == "b"
    assert rows["cost_per_completed_task"]["a"] == 0.0  # no cost recorded, one task
    assert rows["cost_per_commit"]["a"] is None  # no commits: undefined, not zero
    differed = " | ".join(data["differed"])
    assert "task completion 50% vs 100%" in differed
    assert "model claude-opus-4-6 vs claude-sonnet-4-5" in differed
    assert "files modified 1 vs 2" in differed and "only A slow" in differed
