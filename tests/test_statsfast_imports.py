"""On SQLite the analytics commands import no SQLAlchemy (issue 13, row 3): `stint stats`,
its groups and heatmap, `compare` of cohorts and of two sessions read through bare
sqlite3, and the statistics load neither the comparison's rank tests nor the export.
`stint export` still streams through SQLAlchemy Core, and gives its rows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stint.tracker import Tracker
from test_speed_startup import imported, loaded

NEVER = ("sqlalchemy", "pydantic", "alembic", "stint.tracker", "stint.store.core")


@pytest.fixture
def sqlite_store(stint_home: Path) -> str:
    url = f"sqlite:///{stint_home / 'stint.db'}"
    tracker = Tracker.open(url)
    try:
        for goal in ("one", "two"):
            session = tracker.start(project="demo", goal=goal, tags=["x"], model="opus")
            tracker.add_task(session.id, "a task")
            tracker.end(session.id)
    finally:
        tracker.close()
    return url


@pytest.mark.parametrize(
    "args",
    [
        ["stats", "--period", "all"],
        ["stats", "--period", "all", "--json"],
        ["stats", "--by", "weekday-hour"],
        ["stats", "--by", "weekday-hour", "--json"],
        ["stats", "--by", "tag"],
        ["stats", "--by", "model", "--json"],
        ["compare", "--cohort", "model=opus", "--cohort", "model=sonnet"],
        ["compare", "--cohort", "tag=x", "--cohort", "kind=coding", "--json"],
        ["compare", "1", "2"],
    ],
    ids=" ".join,
)
def test_analytics_on_sqlite_import_no_sqlalchemy(sqlite_store: str, args: list[str]) -> None:
    names = imported(*args, url=sqlite_store)
    assert loaded(names, NEVER) == []
    assert "stint.store.analytics" in names  # the analytics did run


@pytest.mark.parametrize("args", [["stats"], ["stats", "--by", "weekday-hour"]], ids=" ".join)
def test_statistics_load_neither_the_rank_tests_nor_the_export(
    sqlite_store: str, args: list[str]
) -> None:
    names = imported(*args, url=sqlite_store)
    later = ("stint.analytics.compare", "stint.analytics.export", "stint.store.cohorts")
    assert loaded(names, (*later, "statistics", "concurrent.futures")) == []


def test_export_still_reads_through_sqlalchemy(sqlite_store: str, stint_home: Path) -> None:
    out = stint_home / "sessions.jsonl"
    names = imported(
        "export", "--format", "jsonl", "--table", "sessions", "-o", str(out), url=sqlite_store
    )
    assert "sqlalchemy" in names
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [line["row"]["goal"] for line in lines[1:]] == ["one", "two"]
