"""Printing the analytics views with Rich: `stint stats` and `compare --cohort` print
through these, and so does the plain path (`stint.entry`) when it read a view it cannot
draw exactly (`stint.plain.handover`): one drawing, whichever path read the store."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from stint.cli import render, render_stats
from stint.plain.handover import Cohorts, Handover, Heatmap, StatsGroups, StatsPanel


def _tty() -> bool:
    return sys.stdout.isatty()


def print_stats(data: dict[str, Any]) -> None:
    render.console.print(render_stats.stats_panel(data, _tty()))


def print_groups(rows: Sequence[dict[str, Any]], by: str) -> None:
    render.console.print(render_stats.groups_table(rows, by, render.console.width))


def print_heatmap(data: dict[str, Any]) -> None:
    render.console.print(render_stats.heatmap_grid(data, _tty()))


def print_cohorts(data: dict[str, Any]) -> None:
    render.console.print(render_stats.cohorts_view(data))


def draw(handover: Handover) -> None:
    if isinstance(handover, StatsPanel):
        print_stats(handover.data)
    elif isinstance(handover, StatsGroups):
        print_groups(handover.rows, handover.by)
    elif isinstance(handover, Heatmap):
        print_heatmap(handover.data)
    elif isinstance(handover, Cohorts):
        print_cohorts(handover.data)
    else:
        raise TypeError(f"no view for {handover!r}")
