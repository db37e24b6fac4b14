"""`stint stats` and `compare --cohort` on the plain path (stint.plain.stats, no click or
Rich) print what the click path prints, byte for byte, with the same exit code, for the
panel, every `--by` group, the heatmap, the cohorts and their `--json`, at many widths;
any other form goes to click, and what the boxes cannot draw is drawn by Rich from what
was read, without the click command running again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console

from stint import entry
from stint.cli import render
from stint.model.timeparse import utcnow
from stint.plain import commands
from stint.plain.handover import Cohorts, Handover, Heatmap, StatsGroups, StatsPanel
from stint.store.analytics import GROUPS
from stint.tracker import Tracker
from test_statsfast_paths import _seed

COHORTS = ["--cohort", "model=opus", "--cohort", "model=sonnet"]


@pytest.fixture
def store(stint_home: Path) -> Iterator[Tracker]:
    """Sixty sessions over nine months (tags, models, agents, projects, scores, health)
    and one open session seen just now, in the default store."""
    tracker = Tracker.open(None)
    _seed(tracker, utcnow())
    yield tracker
    tracker.close()


def _outputs(
    capsys: pytest.CaptureFixture[str], run: object, args: list[str]
) -> tuple[object, str, str]:
    code = run(args)  # type: ignore[operator]
    out, err = capsys.readouterr()
    return code, out, err


def _plain_screen(monkeypatch: pytest.MonkeyPatch, columns: str) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    # Rich's console reads COLUMNS when it is made, as a process's is at start-up.
    monkeypatch.setattr(render, "console", Console(highlight=False))


SERVED = [
    ["stats"],
    ["stats", "--period", "all"],
    ["stats", "--period=2026-03-01..2026-03-31"],
    ["stats", "--period", "2026-03-09"],
    ["stats", "--json"],
    ["stats", "--period", "all", "--json", "--tz", "America/New_York"],
    ["stats", "-p", "alpha"],
    ["stats", "--project", "beta", "--tag", "a", "--kind", "coding"],
    ["stats", "-t", "b", "--tz", "Europe/Berlin"],
    *(["stats", "--by", by] for by in GROUPS),
    ["stats", "--by", "model", "--json"],
    ["stats", "--by=tag", "--period", "2026-03-01..2026-03-31", "--json"],
    ["stats", "--by", "weekday-hour", "--json"],
    ["stats", "--by", "weekday-hour", "--kind", "coding"],
    ["stats", "--by", "weekday-hour", "--tag", "a", "--tz", "America/New_York"],
    ["stats", "--by", "day", "--period", "2026-03-09"],
    ["stats", "--by", "day", "--period", "2020-01-01"],  # no sessions
    ["stats", "--period", "fortnight"],  # the error, as click words it
    ["stats", "--tz", "Nowhere/Zone"],
    ["compare", *COHORTS],
    ["compare", *COHORTS, "--json"],
    ["compare", "--cohort", "tag=a", "--cohort", "tag=b", "--cohort", "tag="],
    ["compare", "--cohort=agent=codex", "--cohort", "agent=claude-code", "--period", "all"],
    ["compare", "--period", "2026-03-01..2026-03-31", *COHORTS],
    ["compare", "--cohort", "model=opus"],  # one cohort: the service's error
    ["compare", "--cohort", "colour=blue", "--cohort", "model=opus"],
]
TO_CLICK = [
    ["stats", "--by", "nothing"],
    ["stats", "--by", "weekday-hour", "--channel", "person"],
    ["stats", "--channel", "person"],
    ["stats", "--period", "all", "--period", "7d"],
    ["stats", "--help"],
    ["stats", "--period"],
    ["stats", "--json=yes"],
    ["stats", "extra"],
    ["compare", "1", "2"],
    ["compare"],
    ["compare", "--json"],
    ["compare", "--cohort", "model=opus", "1"],
]


@pytest.mark.parametrize("columns", ["80", "132", "50", "24"])
@pytest.mark.parametrize("args", SERVED + TO_CLICK, ids=" ".join)
def test_both_paths_print_the_same(
    store: Tracker,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    columns: str,
) -> None:
    _plain_screen(monkeypatch, columns)
    plain = _outputs(capsys, entry.main, args)
    click = _outputs(capsys, entry._run_cli, args)
    assert plain == click


@pytest.mark.parametrize("args", SERVED, ids=" ".join)
def test_the_plain_forms_are_served_without_click(
    store: Tracker, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    _plain_screen(monkeypatch, "80")
    result = commands.run(args)
    assert isinstance(result, int)  # printed here: neither click nor Rich drew it


@pytest.mark.parametrize("args", TO_CLICK, ids=" ".join)
def test_other_forms_go_to_click(
    store: Tracker, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    _plain_screen(monkeypatch, "80")
    assert commands.run(args) is None


@pytest.mark.parametrize(
    ("args", "columns", "view"),
    [
        (["stats"], "20", StatsPanel),  # the title does not fit
        (["stats", "--by", "project"], "20", StatsGroups),  # figures never cut
        (["compare", *COHORTS], "20", Cohorts),
        (["compare", "--cohort", "tag=[b]", "--cohort", "tag=a"], "80", Cohorts),  # markup
    ],
)
def test_what_cannot_be_drawn_plain_is_handed_to_rich_as_read(
    store: Tracker,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    columns: str,
    view: type[Handover],
) -> None:
    _plain_screen(monkeypatch, columns)
    assert isinstance(commands.run(args), view)
    click = _outputs(capsys, entry._run_cli, args)

    def no_second_run(args: list[str]) -> int:
        raise AssertionError("the command ran again through click")

    monkeypatch.setattr(entry, "_run_cli", no_second_run)
    assert _outputs(capsys, entry.main, args) == click
    assert click[0] == 0


def test_a_forced_colour_terminal_is_drawn_by_rich(
    store: Tracker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert isinstance(commands.run(["stats"]), StatsPanel)
    assert isinstance(commands.run(["compare", *COHORTS]), Cohorts)
    assert isinstance(commands.run(["stats", "--by", "weekday-hour"]), Heatmap)
    assert commands.run(["stats", "--json"]) == 0  # JSON has no colours


def test_a_pending_hook_event_goes_to_click(store: Tracker) -> None:
    from stint.capture import spool

    spool.append(str(store.settings.home), "claude_code", "{}")
    assert commands.run(["stats"]) is None
    assert commands.run(["compare", *COHORTS]) is None
