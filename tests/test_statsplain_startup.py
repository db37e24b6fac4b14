"""The plain forms of `stint stats` and `compare --cohort` load neither click nor Rich nor
SQLAlchemy (issue 13, row 3: click and Rich were most of what the commands cost over the
SELECTs); a form the plain path does not serve loads click as before."""

from __future__ import annotations

from pathlib import Path

import pytest

from stint.tracker import Tracker
from test_clifast_startup import PLAIN_NEVER
from test_speed_startup import imported, loaded


@pytest.fixture
def sqlite_store(stint_home: Path) -> str:
    url = f"sqlite:///{stint_home / 'stint.db'}"
    tracker = Tracker.open(url)
    try:
        for goal, model in (("one", "opus"), ("two", "sonnet"), ("three", "opus")):
            session = tracker.start(project="demo", goal=goal, tags=["x"], model=model)
            tracker.add_task(session.id, "a task")
            tracker.end(session.id)
    finally:
        tracker.close()
    return url


@pytest.mark.parametrize(
    "args",
    [
        ["stats"],
        ["stats", "--period", "all"],
        ["stats", "--period", "all", "--json"],
        ["stats", "--by", "weekday-hour"],
        ["stats", "--by", "weekday-hour", "--json"],
        ["stats", "--by", "tag", "--period", "7d"],
        ["stats", "--by", "model", "--json"],
        ["compare", "--cohort", "model=opus", "--cohort", "model=sonnet"],
        ["compare", "--cohort", "tag=x", "--cohort", "kind=coding", "--json"],
    ],
    ids=" ".join,
)
def test_the_plain_analytics_forms_load_no_click_rich_or_sqlalchemy(
    sqlite_store: str, args: list[str]
) -> None:
    names = imported(*args, url=sqlite_store)
    assert loaded(names, PLAIN_NEVER) == []
    assert "stint.plain.stats" in names  # served by the plain path
    assert "stint.store.analytics" in names  # and the analytics did run


def test_status_loads_none_of_the_analytics(sqlite_store: str) -> None:
    names = imported("status", url=sqlite_store)
    assert loaded(names, ("stint.plain.stats", "stint.store.analytics", "stint.analytics")) == []


@pytest.mark.parametrize(
    "args",
    [["stats", "--by", "weekday-hour", "--channel", "person"], ["compare", "1", "2"]],
    ids=" ".join,
)
def test_other_forms_take_click(sqlite_store: str, args: list[str]) -> None:
    names = imported(*args, url=sqlite_store)
    assert "click" in names
    assert loaded(names, ("sqlalchemy",)) == []  # still the bare-sqlite3 analytics
