"""The piped heatmap and channel grid print their lines through `PlainLines`: the output
must be what one `Text` per line printed, at any width (a line wider than the console
wraps as before) and on a console that writes colour."""

from __future__ import annotations

import io

import pytest
from rich.console import Console, Group
from rich.text import Text

from stint.cli.render_stats import PlainLines, channel_grid, heatmap_grid

LINES = ["Mon 00: 63 (1,204)", "Tue 13: — (0)", "", "Sun 23: 100 (7)", "a longer line " * 6]


def _printed(renderable: object, width: int, colour: bool) -> str:
    out = io.StringIO()
    console = Console(
        file=out,
        width=width,
        force_terminal=colour,
        color_system="truecolor" if colour else None,
    )
    console.print(renderable)
    return out.getvalue()


@pytest.mark.parametrize("width", [120, 40, 12, 5])
@pytest.mark.parametrize("colour", [False, True])
def test_plain_lines_print_as_one_text_per_line(width: int, colour: bool) -> None:
    expected = _printed(Group(*(Text(line) for line in LINES)), width, colour)
    assert _printed(PlainLines(LINES), width, colour) == expected


def _heatmap() -> dict[str, object]:
    cells = [
        {
            "weekday_number": day,
            "hour": hour,
            "avg_score": None if hour == 3 else 40.0 + hour,
            "n": day + hour,
        }
        for day in range(7)
        for hour in range(24)
        if (day + hour) % 5
    ]
    return {
        "cells": cells,
        "min_sample": 5,
        "sessions": 99,
        "period": {"tz": "Europe/Berlin"},
        "pattern": "most productive on Tuesday mornings (n=12)",
    }


def test_piped_heatmap_lists_every_cell_in_order() -> None:
    text = _printed(heatmap_grid(_heatmap(), tty=False), 80, False).splitlines()
    assert text[0] == "Weekday hour: average score (sessions), times in Europe/Berlin"
    assert text[1] == "Mon 01: 41 (1)"
    assert "Mon 03: — (3)" in text
    assert len(text) == 2 + sum(1 for d in range(7) for h in range(24) if (d + h) % 5)
    assert text[-1] == "Most productive on Tuesday mornings (n=12)"


def test_piped_channel_grid_lists_every_cell() -> None:
    rows = [{"weekday_number": 1, "hour": 9, "person_seconds": 5400}]
    text = _printed(channel_grid(rows, "person", tty=False), 80, False).splitlines()
    assert text == ["You alone: hours by weekday and hour (ended sessions)", "Tue 09: 1.5h"]
