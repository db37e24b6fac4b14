"""The plain path (stint.plain.commands, no click or Rich) prints what the click path
prints, byte for byte, with the same exit code; it serves the plain forms of status,
list and show, and hands everything else to click."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from rich.console import Console

from stint import entry
from stint.cli import render
from stint.model.types import EventIn
from stint.plain import commands, views
from stint.plain.handover import Handover
from stint.sessions import reading
from stint.tracker import Tracker

NOW = datetime.now(UTC).replace(microsecond=0)
LONG_GOAL = "a goal long enough to wrap in an eighty-column list, so Rich must draw it " * 2


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> Iterator[Tracker]:
    """An ended session with everything `show` prints, one with a goal section, one with
    a long goal, and an open one; the readers' clock frozen so both paths agree."""
    monkeypatch.setattr(reading, "utcnow", lambda: NOW)
    monkeypatch.setattr(views, "utcnow", lambda: NOW)
    t = Tracker.open(None)
    base = NOW - timedelta(hours=5)
    done = t.start(project="alpha", goal="ship it", tags=["b", "a"], at=base)
    task = t.add_task(done.id, "write code", at=base + timedelta(minutes=1))
    t.add_task(done.id, "test code", status="in_progress", at=base + timedelta(minutes=2))
    t.set_task_status(done.id, task.id, "completed", at=base + timedelta(minutes=3))
    t.add_decision(done.id, "use sqlite3 — plain")
    t.add_context(done.id, "see DESIGN.md")
    t.touch_file(done.id, "src/a.py", added=10, removed=2)
    tokens = {"model": "claude-opus-4-6", "input_tokens": 1000, "output_tokens": 500}
    t.record(done.id, EventIn("tokens", occurred_at=base + timedelta(minutes=4), payload=tokens))
    t.record(done.id, EventIn("tool_call", occurred_at=base + timedelta(minutes=5)))
    t.end(done.id, at=base + timedelta(minutes=30), outcome="achieved", evaluate=False)
    goal = t.start(project="beta", goal="with a goal section", success_indicators=["tests pass"])
    t.end(goal.id, evaluate=False)
    wide = t.start(project="beta", goal=LONG_GOAL, at=NOW - timedelta(hours=2))
    t.end(wide.id, evaluate=False)
    t.start(project="alpha", goal="the open one", tags=["x"], at=NOW - timedelta(minutes=42))
    yield t
    t.close()


def _outputs(
    capsys: pytest.CaptureFixture[str], run: object, args: list[str]
) -> tuple[object, str, str]:
    code = run(args)  # type: ignore[operator]
    out, err = capsys.readouterr()
    return code, out, err


FORMS = [
    [],
    ["status"],
    ["status", "--json"],
    ["list"],
    ["show"],
    ["show", "last"],
    ["show", "1"],
    ["show", "#1"],
    ["show", "2"],
    ["show", "3"],
    ["show", "99"],
    ["show", "--json"],
    ["list", "--json"],
    ["status", "--help"],
]


@pytest.mark.parametrize("columns", ["80", "132", "200", "40"])
@pytest.mark.parametrize("args", FORMS, ids=lambda a: " ".join(a) or "(none)")
def test_both_paths_print_the_same(
    store: Tracker,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    columns: str,
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    # Rich's console reads COLUMNS when it is made, as a process's is at start-up.
    monkeypatch.setattr(render, "console", Console(highlight=False))
    plain = _outputs(capsys, entry.main, args)
    click = _outputs(capsys, entry._run_cli, args)
    assert plain == click


@pytest.mark.parametrize(
    ("args", "columns"),
    [
        ([], "80"),
        (["status"], "80"),
        (["status", "--json"], "80"),
        (["list"], "200"),
        (["list"], "80"),  # the long goal wraps, as Rich wraps it
        (["show", "1"], "80"),
        (["show", "99"], "80"),  # the error, as click words it
    ],
)
def test_the_plain_forms_are_served_without_click(
    store: Tracker, monkeypatch: pytest.MonkeyPatch, args: list[str], columns: str
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    assert commands.run(args) is not None


@pytest.mark.parametrize(
    ("args", "columns"),
    [
        (["show", "2"], "80"),  # a goal section: the Tracker's goal service
        (["status", "--help"], "80"),
        (["list", "-n", "3"], "80"),
        (["show", "1", "--json"], "80"),
        (["--database", "sqlite://"], "80"),
    ],
)
def test_other_forms_go_to_click(
    store: Tracker, monkeypatch: pytest.MonkeyPatch, args: list[str], columns: str
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    assert commands.run(args) is None


def test_a_forced_colour_terminal_is_drawn_by_rich(
    store: Tracker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert isinstance(commands.run(["status"]), Handover)
    assert commands.run(["status", "--json"]) is not None  # JSON has no colours


def test_a_pending_hook_event_goes_to_click(
    store: Tracker, monkeypatch: pytest.MonkeyPatch
) -> None:
    from stint.capture import spool

    spool.append(str(store.settings.home), "claude_code", "{}")
    assert commands.run(["status", "--json"]) is None


@pytest.mark.parametrize(
    ("args", "columns"),
    [
        (["status"], "20"),  # too narrow for the card's lines
        (["list"], "30"),  # the columns never cut are wider than the screen
        (["show", "1"], "30"),
    ],
)
def test_what_cannot_be_drawn_plain_is_handed_to_rich_as_read(
    store: Tracker, monkeypatch: pytest.MonkeyPatch, args: list[str], columns: str
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    assert isinstance(commands.run(args), Handover)

    def no_second_run(args: list[str]) -> int:
        raise AssertionError("the command ran again through click")

    monkeypatch.setattr(entry, "_run_cli", no_second_run)
    assert entry.main(args) == 0


@pytest.mark.parametrize(
    "args", [["status"], ["list"], ["show", "5"]], ids=lambda a: " ".join(a) or "(none)"
)
@pytest.mark.parametrize("columns", ["20", "80"])
def test_a_wide_character_is_drawn_by_rich_as_click_draws_it(
    store: Tracker,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    columns: str,
) -> None:
    session = store.start(project="日本", goal="翻訳 the docs", tags=["i18n"])
    store.add_task(session.id, "ship 日本語")
    monkeypatch.setenv("COLUMNS", columns)
    monkeypatch.setattr(render, "console", Console(highlight=False))
    assert isinstance(commands.run(args), Handover)
    plain = _outputs(capsys, entry.main, args)
    click = _outputs(capsys, entry._run_cli, args)
    assert plain == click
    assert plain[0] == 0
    if columns == "80":
        assert "翻訳" in str(plain[1])
