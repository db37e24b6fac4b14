"""Code health where people look: the API's session JSON and health route, the dashboard's
session page, `stats --by model|tag`, `compare` of two sessions and of cohorts, export."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from conftest import git
from stint.tracker import Tracker
from stint.web import create_app

SIMPLE = "def f(x):\n    return x\n"


def _branchy(name: str, ifs: int) -> str:
    body = "".join(f"    if x == {i}:\n        return {i}\n" for i in range(ifs))
    return f"def {name}(x):\n{body}    return -1\n"


def _session(tracker: Tracker, repo: Path, model: str, tag: str, text: str, name: str) -> Any:
    """One ended session by `model` that wrote `text` into `name` (committed at the end)."""
    session = tracker.start(cwd=str(repo), model=model, tags=[tag])
    (repo / name).write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", name)
    return tracker.end(session.id)


@pytest.fixture
def measured(tracker: Tracker, repo: Path) -> dict[str, Any]:
    """Two sessions by model-a (complexity +17, +5) and two by model-b (+1, −16)."""
    a1 = _session(tracker, repo, "model-a", "fast", _branchy("a1", 16), "a1.py")  # +17
    a2 = _session(tracker, repo, "model-a", "fast", _branchy("a2", 4), "a2.py")  # +5
    b1 = _session(tracker, repo, "model-b", "slow", SIMPLE, "b1.py")  # +1
    (repo / "a1.py").write_text(SIMPLE)  # model-b simplifies a1: 17 → 1
    session = tracker.start(cwd=str(repo), model="model-b", tags=["slow"])
    git(repo, "commit", "-q", "-am", "simplify")
    b2 = tracker.end(session.id)
    return {"a1": a1, "a2": a2, "b1": b1, "b2": b2}


@pytest.fixture
def client(tracker: Tracker) -> Iterator[TestClient]:
    with TestClient(create_app(tracker, housekeeping_seconds=None)) as test_client:
        yield test_client


def test_stats_by_model_and_tag_give_the_mean_complexity_delta(
    tracker: Tracker, measured: dict[str, Any]
) -> None:
    by_model = {row["key"]: row for row in tracker.stats_by("model")}
    assert by_model["model-a"]["mean_ccn_delta"] == pytest.approx((17 + 5) / 2)
    # a1's simplification was uncommitted when b2 started and committed during it, so it is
    # b2's change: 1 − 17 = −16.
    assert by_model["model-b"]["mean_ccn_delta"] == pytest.approx((1 - 16) / 2)
    assert by_model["model-a"]["complex_added"] == 1 and by_model["model-a"]["health_sessions"] == 2
    by_tag = {row["key"]: row for row in tracker.stats_by("tag")}
    assert by_tag["fast"]["mean_ccn_delta"] == pytest.approx(11.0)
    assert by_tag["slow"]["mean_ccn_delta"] == pytest.approx(-7.5)
    # A grouping by time carries no health columns.
    assert "mean_ccn_delta" not in tracker.stats_by("weekday")[0]


def test_compare_two_sessions_and_cohorts(tracker: Tracker, measured: dict[str, Any]) -> None:
    result = tracker.compare(measured["a1"].id, measured["b2"].id)
    rows = {r["figure"]: r for r in result["figures"]}
    assert rows["ccn_delta"] == {
        "figure": "ccn_delta",
        "a": 17,
        "b": -16,
        "difference": -33,
        "better": "b",
    }
    assert rows["complex_added"]["a"] == 1 and rows["complex_added"]["better"] == "b"

    cohorts = tracker.compare_cohorts(["model=model-a", "model=model-b"])
    health = cohorts["health"]
    assert [c["ccn_delta"]["n"] for c in health["cohorts"]] == [2, 2]
    assert health["cohorts"][0]["ccn_delta"]["median"] == pytest.approx(11.0)
    assert health["tests"][0]["n_a"] == 2 and health["tests"][0]["n_b"] == 2


def test_the_api_and_dashboard_show_health(
    client: TestClient, tracker: Tracker, measured: dict[str, Any]
) -> None:
    number = measured["a1"].number
    data = client.get(f"/api/v1/sessions/{number}").json()
    assert data["health"]["ccn_delta"] == 17 and data["health"]["complex_added"] == 1
    report = client.get(f"/api/v1/sessions/{number}/health")
    assert report.status_code == 200
    body = report.json()
    assert body["stored"] is True and body["files"][0]["path"] == "a1.py"
    assert body["files"][0]["new_complex"] == ["a1( x )"]
    assert client.get("/api/v1/sessions/9999/health").status_code == 404
    page = client.get(f"/sessions/{number}")
    assert page.status_code == 200
    assert "Code health" in page.text and "complexity +17 over 1 file" in page.text


def test_export_carries_the_health_tables(tracker: Tracker, measured: dict[str, Any]) -> None:
    out = io.StringIO()
    tracker.export("session_health_files", "jsonl", out=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines() if line]
    rows = [line["row"] for line in lines if line.get("table") == "session_health_files"]
    assert {r["path"] for r in rows} == {"a1.py", "a2.py", "b1.py"}
    assert {r["ccn_after"] for r in rows if r["path"] == "a1.py"} == {17, 1}


def test_health_is_scoped_to_the_org(tracker: Tracker, measured: dict[str, Any]) -> None:
    other = Tracker(tracker.store, tracker.settings, "other-org")
    assert other.health_summaries([measured["a1"].id]) == {}
    assert all(
        "mean_ccn_delta" not in r or r["health_sessions"] == 0 for r in other.stats_by("model")
    )
