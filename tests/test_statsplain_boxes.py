"""What the plain path draws for the analytics views is Rich's, character for character,
on a terminal (styles) and piped: a panel's lines and a line of text wrapped as Rich wraps
a `Text`, the statistics panel, the groups table, the coloured heatmap and the cohorts;
and what cannot be promised is not drawn (None)."""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.panel import Panel
from rich.text import Text

from stint.cli import render_stats
from stint.plain import boxes, stats
from stint.plain import stats_views as sv
from test_clifast_boxes import rich_print

WORDS = st.text(st.sampled_from(list("ab Z09-/.,()+'—·•×…é▁█α  ")), max_size=140)


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(WORDS, max_size=5), width=st.integers(8, 100))
def test_a_wrapped_panel_is_richs(lines: list[str], width: int) -> None:
    drawn = boxes.panel(lines, "Statistics — all", width, "times in UTC", wrap=True)
    panel = Panel(
        Text("\n".join(lines)),
        title="Statistics — all",
        title_align="left",
        subtitle="times in UTC",
        subtitle_align="right",
    )
    if width >= 24:  # wide enough for its title and subtitle: always drawn
        assert drawn == rich_print(panel, width, False)


@settings(max_examples=300, deadline=None)
@given(
    line=WORDS,
    width=st.integers(1, 100),
    styled=st.booleans(),
    style=st.sampled_from([None, "bold", "dim"]),
)
def test_a_wrapped_text_line_is_richs(
    line: str, width: int, styled: bool, style: str | None
) -> None:
    drawn = boxes.text_line(line, boxes.Screen(width, styled), style=style, wrap=True)
    assert drawn == rich_print(Text(line, style=style or ""), width, styled)


def test_a_line_rich_measures_otherwise_is_not_drawn() -> None:
    assert boxes.text_line("日本語", boxes.Screen(80, False), wrap=True) is None
    assert boxes.panel(["日本"], "T", 80, wrap=True) is None


def test_the_styles_are_richs_escapes() -> None:
    from rich.color import ColorSystem
    from rich.style import Style

    for style in ("dim", "bold", "green", "yellow dim", "red dim", "italic bold"):
        rendered = Style.parse(style).render("x", color_system=ColorSystem.STANDARD)
        assert rendered == f"{boxes.sgr(style)}x\x1b[0m"
    assert boxes.sgr("blue") is None and boxes.sgr("") is None


def _heatmap(seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    cells = [
        {"weekday_number": d, "hour": h, "n": rng.randrange(1, 9), "avg_score": score}
        for d in range(7)
        for h in range(24)
        if (score := rng.choice([None, 12.0, 39.6, 40.0, 69.5, 70.0, 100.0, None])) is not None
        or rng.random() < 0.3
    ]
    return {
        "cells": cells,
        "min_sample": 5,
        "sessions": sum(c["n"] for c in cells),
        "period": {"tz": "Europe/Berlin"},
        "pattern": "most productive: Tuesday 06–09, avg score 72 over 6 sessions",
    }


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("width", [40, 75, 76, 80, 200])
@pytest.mark.parametrize("styled", [False, True])
def test_the_heatmap_is_richs(
    seed: int, width: int, styled: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _heatmap(seed)
    monkeypatch.setattr(boxes, "screen", lambda: boxes.Screen(width, styled))
    drawn = stats._heatmap(data)
    expected = rich_print(render_stats.heatmap_grid(data, styled), width, styled)
    if styled and width < 76:  # Rich would shrink the grid's columns: Rich draws it
        assert not isinstance(drawn, str)
    else:
        assert drawn == expected


def _cohorts(names: tuple[str, str]) -> dict[str, Any]:
    spread = {"n": 12, "median": 61.0, "q1": 4.25, "q3": 1234.5}
    empty = {"n": 0, "median": None, "q1": None, "q3": None}
    figures = {"score": spread, "active_seconds": spread, "task_completion": empty}
    test = {"a": names[0], "b": names[1], "n_a": 12, "n_b": 12}
    return {
        "cohorts": [{"cohort": name, "figures": figures} for name in names],
        "tests": [
            {**test, "figure": "score", "p": 0.0123, "significant": True, "better": names[1]},
            {**test, "figure": "active_seconds", "p": 0.5, "significant": False, "better": None},
            {**test, "figure": "task_completion", "p": None, "significant": False, "better": None},
        ],
        "health": {
            "cohorts": [{"ccn_delta": spread}, {"ccn_delta": empty}],
            "tests": [{**test, "p": None, "significant": False, "better": None}],
        },
    }


@pytest.mark.parametrize("names", [("model=opus", "model=sonnet"), ("tag=" + "x" * 40, "tag=")])
@pytest.mark.parametrize("width", [30, 60, 80, 132])
@pytest.mark.parametrize("styled", [False, True])
def test_the_cohorts_are_richs(names: tuple[str, str], width: int, styled: bool) -> None:
    data = _cohorts(names)
    drawn = stats._cohorts_text(data, boxes.Screen(width, styled))
    assert drawn == rich_print(render_stats.cohorts_view(data), width, styled)


def _stats_data(daily: int) -> dict[str, Any]:
    return {
        "period": {"label": "2026-03-01..2026-03-31", "tz": "America/New_York"},
        "filters": {"project": "alpha", "tag": "x"},
        "sessions": 1200,
        "ended_sessions": 1199,
        "active_seconds": 123456.0,
        "avg_active_seconds": 3000.0,
        "avg_duration_seconds": 4000.0,
        "person_seconds": 60.0,
        "agent_seconds": 7200.0,
        "both_seconds": 0.0,
        "avg_score": 63.4,
        "scored_sessions": 1000,
        "tasks_completed": 5,
        "tasks_created": 9,
        "task_completion_rate": 0.55,
        "goals": {"achieved": 3, "ended": 10, "completion_rate": 0.3, "sessions_incomplete": 7},
        "decisions": 4,
        "context_items": 2,
        "loc_added": 123456,
        "loc_removed": 789,
        "loc_net": 122667,
        "files_modified": 1234,
        "commits": 56,
        "messages": 7890,
        "tool_calls": 12345,
        "memories_used": 0,
        "tokens": 98765432,
        "token_breakdown": {"input": 9, "output": 8, "cache_creation": 7, "cache_read": 6},
        "cost_usd": 1234.5,
        "cost_per_outcome": {
            "per_completed_task": 1.5,
            "per_commit": None,
            "per_100_net_lines": 0.25,
            "per_achieved_goal": 400.0,
        },
        "most_productive_day": {"weekday": "Tuesday", "avg_score": 71.6, "sessions": 30},
        "preferred_model": {"model": "opus", "sessions": 700},
        "top_tags": [{"tag": "bugfix", "sessions": 30}, {"tag": "docs", "sessions": 3}],
        "daily": [
            {"day": f"2026-03-{d + 1:02d}", "sessions": d * 3 % 7, "avg_score": (d * 37) % 101}
            for d in range(daily)
        ],
    }


@pytest.mark.parametrize("daily", [0, 1, 31])
@pytest.mark.parametrize("width", [40, 60, 80, 132])
@pytest.mark.parametrize("styled", [False, True])
def test_the_statistics_panel_is_richs(
    daily: int, width: int, styled: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _stats_data(daily)
    monkeypatch.setattr(boxes, "screen", lambda: boxes.Screen(width, styled))
    drawn = stats._panel(data)
    if width < 68:  # the title is cut as Rich cuts it: Rich draws it
        assert not isinstance(drawn, str)
    else:
        assert drawn == rich_print(render_stats.stats_panel(data, styled), width, styled)


def test_a_panel_title_with_markup_goes_to_rich(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _stats_data(3)
    data["filters"] = {"tag": "[b]"}
    monkeypatch.setattr(boxes, "screen", lambda: boxes.Screen(80, False))
    assert not isinstance(stats._panel(data), str)


@pytest.mark.parametrize("width", [40, 60, 80, 160])
@pytest.mark.parametrize("styled", [False, True])
def test_the_groups_table_is_richs(
    width: int, styled: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    row = {
        "key": "a-long-project-name",
        "sessions": 3,
        "active_seconds": 60.0,
        "person_seconds": 0.0,
        "agent_seconds": 0.0,
        "both_seconds": 0.0,
        "avg_score": None,
        "tasks_completed": 1,
        "loc_added": 2,
        "loc_removed": 1,
        "tokens": 10,
        "cost_usd": 0.5,
        "mean_ccn_delta": 1.25,
    }
    rows = [row, {**row, "key": None, "mean_ccn_delta": None}]
    monkeypatch.setattr(boxes, "screen", lambda: boxes.Screen(width, styled))
    drawn = stats._groups(rows, "project")
    if width < 45:  # the figures never cut are wider: Rich crops the table, Rich draws it
        assert not isinstance(drawn, str)
        return
    assert drawn == rich_print(render_stats.groups_table(rows, "project", width), width, styled)
    assert sv.groups_title("project") in str(drawn)
