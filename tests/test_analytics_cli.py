"""The analytics commands through the real console script (SQLite under STINT_HOME)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from conftest import run_stint
from stint.store import bulk
from stint.tracker import Tracker


def _seed() -> None:
    tracker = Tracker.open()
    start = datetime(2026, 6, 2, 7, 0, tzinfo=UTC)  # a Tuesday
    rows = [
        {
            "started_at": start + timedelta(days=7 * i),
            "productivity_score": 70.0 + i,
            "active_seconds": 3600.0,
            "cost_usd": 1.5,
            "tasks_created": 2,
            "tasks_completed": 1,
            "ai_model": "opus" if i % 2 else "sonnet",
            "tags": ["cli"],
        }
        for i in range(6)
    ]
    with tracker.store.write() as conn:
        bulk.insert_sessions(conn, tracker.org, rows)
    tracker.close()


def test_stats_commands(tmp_path: Path) -> None:
    _seed()
    panel = run_stint("stats", "--tz", "UTC")
    assert panel.returncode == 0, panel.stderr
    assert "Sessions: 6" in panel.stdout and "Sessions per day" in panel.stdout
    data = json.loads(run_stint("stats", "--json", "--tz", "UTC").stdout)
    assert data["sessions"] == 6 and data["cost_usd"] == 9.0
    assert data["cost_per_outcome"]["per_completed_task"] == 1.5
    heat = run_stint("stats", "--by", "weekday-hour", "--tz", "UTC")
    assert "Most productive: Tuesday 06–09, avg score 72 over 6 sessions" in heat.stdout
    rows = json.loads(run_stint("stats", "--by", "model", "--json").stdout)
    assert [(r["key"], r["sessions"]) for r in rows] == [("opus", 3), ("sonnet", 3)]
    bad = run_stint("stats", "--period", "fortnight")
    assert bad.returncode == 1 and "unknown period" in bad.stderr


def test_compare_export_import_and_summary(tmp_path: Path) -> None:
    _seed()
    cohorts = run_stint("compare", "--cohort", "model=opus", "--cohort", "model=sonnet")
    assert cohorts.returncode == 0, cohorts.stderr
    assert "model=opus (n=3) vs model=sonnet (n=3)" in cohorts.stdout
    pair = json.loads(run_stint("compare", "1", "2", "--json").stdout)
    assert pair["a"]["number"] == 1 and pair["b"]["number"] == 2
    dump = tmp_path / "dump.jsonl"
    exported = run_stint("export", "--format", "jsonl", "--output", str(dump))
    assert exported.returncode == 0 and "Exported" in exported.stderr
    other = f"sqlite:///{tmp_path / 'copy.db'}"
    env = {"STINT_DATABASE_URL": other}
    loaded = run_stint("import-data", str(dump), "--json", env=env)
    assert json.loads(loaded.stdout)["tables"]["sessions"]["inserted"] == 6
    again = run_stint("import-data", str(dump), env=env)
    assert "Imported 0 of" in again.stdout
    summary = json.loads(run_stint("list", "--last", "2", "--summary", "--json").stdout)
    assert [s["number"] for s in summary] == [6, 5]
    shown = json.loads(run_stint("show", "6", "--json").stdout)
    assert shown["cost_per_outcome"]["per_completed_task"] == 1.5
    assert "Cost per outcome: $1.50/task" in run_stint("show", "6").stdout
