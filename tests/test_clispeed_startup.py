"""On SQLite the read commands import no SQLAlchemy (issue 13: it alone cost more than the
whole floor): `status`, `list` and `show last` read through bare sqlite3, draw without
Rich, and never load pydantic or Alembic. A command that has a write to do first (a
spooled hook event) still takes the Tracker."""

from __future__ import annotations

from pathlib import Path

import pytest

from stint.capture import spool
from stint.tracker import Tracker
from test_speed_startup import imported, loaded

NEVER = ("sqlalchemy", "pydantic", "alembic", "stint.tracker", "stint.store.core")


@pytest.fixture
def sqlite_store(stint_home: Path) -> str:
    url = f"sqlite:///{stint_home / 'stint.db'}"
    tracker = Tracker.open(url)
    try:
        session = tracker.start(project="demo", goal="measure start-up", tags=["x"])
        tracker.add_task(session.id, "a task")
        tracker.touch_file(session.id, "a.py", added=3)
    finally:
        tracker.close()
    return url


@pytest.mark.parametrize(
    "args",
    [
        ["status"],
        ["status", "--json"],
        ["list"],
        ["list", "--json"],
        ["show", "last"],
        ["show", "last", "--json"],
        [],
    ],
    ids=" ".join,
)
def test_sqlite_reads_import_no_sqlalchemy(sqlite_store: str, args: list[str]) -> None:
    # Nor Rich: the plain forms draw their boxes themselves (tests/test_clifast_*.py).
    names = imported(*args, url=sqlite_store)
    assert loaded(names, (*NEVER, "rich")) == []


def test_a_pending_hook_event_takes_the_tracker(sqlite_store: str, stint_home: Path) -> None:
    spool.append(str(stint_home), "claude_code", "{}")
    names = imported("status", "--json", url=sqlite_store)
    assert "sqlalchemy" in names
    assert spool.has_pending(str(stint_home)) is False  # drained, as before


@pytest.mark.parametrize(
    "args",
    [
        ["stats", "--period", "all", "--json"],
        ["compare", "--cohort", "kind=coding", "--cohort", "kind=other", "--json"],
    ],
    ids=" ".join,
)
def test_analytics_reads_skip_the_trackers_other_services(
    sqlite_store: str, args: list[str]
) -> None:
    names = imported(*args, url=sqlite_store)
    others = ("stint.tracker", "stint.goals", "stint.capture.ingest", "stint.team.service")
    assert loaded(names, others) == []
    assert "stint.store.analytics" in names  # the analytics did run


def test_a_pending_hook_event_sends_stats_to_the_tracker(
    sqlite_store: str, stint_home: Path
) -> None:
    spool.append(str(stint_home), "claude_code", "{}")
    names = imported("stats", "--json", url=sqlite_store)
    assert "stint.tracker" in names
    assert spool.has_pending(str(stint_home)) is False
