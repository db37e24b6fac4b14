"""The plain forms of the read commands load neither click nor Rich (issue 13: click's
import alone was more than the command's floor), nor anything heavier; an option sends
the command to click, which then loads as before."""

from __future__ import annotations

from pathlib import Path

import pytest

from stint.tracker import Tracker
from test_speed_startup import imported, loaded

PLAIN_NEVER = ("click", "rich", "sqlalchemy", "pydantic", "alembic", "stint.tracker", "stint.cli")


@pytest.fixture
def sqlite_store(stint_home: Path) -> str:
    url = f"sqlite:///{stint_home / 'stint.db'}"
    tracker = Tracker.open(url)
    try:
        session = tracker.start(project="demo", goal="measure start-up", tags=["x"])
        tracker.add_task(session.id, "a task")
        tracker.add_decision(session.id, "a decision")
        tracker.touch_file(session.id, "a.py", added=3)
    finally:
        tracker.close()
    return url


@pytest.mark.parametrize(
    "args",
    [[], ["status"], ["status", "--json"], ["list"], ["show"], ["show", "last"], ["show", "1"]],
    ids=lambda args: " ".join(args) or "(none)",
)
def test_the_plain_forms_load_no_click_nor_rich(sqlite_store: str, args: list[str]) -> None:
    names = imported(*args, url=sqlite_store)
    assert loaded(names, PLAIN_NEVER) == []
    assert "stint.plain.commands" in names


@pytest.mark.parametrize("args", [["status", "--help"], ["list", "--json"]], ids=" ".join)
def test_other_forms_take_click(sqlite_store: str, args: list[str]) -> None:
    assert "click" in imported(*args, url=sqlite_store)


@pytest.mark.parametrize("args", [["status"], ["list"], ["show"]], ids=" ".join)
def test_a_view_too_wide_for_the_plain_boxes_is_drawn_by_rich_from_what_was_read(
    sqlite_store: str, args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rich's views live in stint.cli, whose package loads click; the command itself,
    the Tracker and SQLAlchemy do not load (the store is not read again)."""
    monkeypatch.setenv("COLUMNS", "20")
    names = imported(*args, url=sqlite_store)
    assert "stint.cli.session_views" in names
    assert loaded(names, ("sqlalchemy", "pydantic", "stint.tracker", "stint.cli.history")) == []
    assert "stint.cli.lifecycle" not in names
