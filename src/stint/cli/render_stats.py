"""Rich views of analytics: the statistics panel with sparklines, group tables, the
weekday × hour heatmap, comparisons and recent accomplishments. Sparklines and shaded
cells need a terminal; piped output gets the same figures as plain text."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.markup import escape
from rich.panel import Panel
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from stint.model.timeparse import human_duration
from stint.plain import stats_views as sv
from stint.plain.stats_views import sparkline
from stint.plain.views import cost_text

__all__ = ["PlainLines", "sparkline"]  # sparkline: kept where it was


class PlainLines:
    """Lines of unstyled text, each written as it is when it fits the width (else wrapped
    as a `Text` would be): the same output as one `Text` per line, without the measuring,
    splitting and wrapping Rich does for each, which was most of the time a piped
    heatmap (168 lines) took to print."""

    def __init__(self, lines: Sequence[str]) -> None:
        self.lines = lines

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for line in self.lines:
            if cell_len(line) > options.max_width:
                yield Text(line)
            else:
                yield Segment(line)
                yield Segment.line()


def stats_panel(data: dict[str, Any], tty: bool) -> Panel:
    return Panel(
        Text("\n".join(sv.stats_lines(data, tty))),
        title=sv.stats_title(data),
        title_align="left",
        subtitle=sv.stats_subtitle(data),
        subtitle_align="right",
    )


def groups_table(rows: Sequence[dict[str, Any]], by: str, width: int) -> Table:
    """`stint stats --by` no wider than `width` (its columns: `sv.groups_columns`)."""
    from stint.cli.fit import fitted_table

    return fitted_table(
        sv.groups_columns(rows, by),
        sv.groups_cells(rows),
        width,
        title=sv.groups_title(by),
        title_justify="left",
    )


def heatmap_grid(data: dict[str, Any], tty: bool) -> Group:
    """Weekdays down, hours across, each cell the average score (coloured on a terminal,
    dim below the minimum sample); piped output lists every cell with its n instead."""
    parts: list[Any] = []
    if tty:
        table = Table(
            "",
            *sv.HOURS,
            title=sv.HEATMAP_TITLE,
            title_justify="left",
            box=None,
            padding=(0, 0),
            pad_edge=False,
        )
        for day, row in enumerate(sv.heatmap_grid(data)):
            table.add_row(sv.heatmap_day(day), *[Text(text, style=style) for text, style in row])
        parts += [table, Text(sv.heatmap_note(data), style="dim")]
    else:
        parts.append(Text(sv.heatmap_head(data)))
        parts.append(PlainLines(sv.heatmap_lines(data)))
    parts.append(Text(sv.heatmap_pattern(data), style="bold"))
    return Group(*parts)


_CHANNEL_TITLE = {"person": "You alone", "agent": "The agent alone", "both": "Both at once"}


def channel_grid(rows: Sequence[dict[str, Any]], channel: str, tty: bool) -> Group:
    """`stats --by weekday-hour --channel …`: weekdays down, hours across, each cell the
    hours of that channel in the sessions started there; piped, one line per cell."""
    name = f"{channel}_seconds"
    cells = {(r["weekday_number"], r["hour"]): float(r[name] or 0) / 3600 for r in rows}
    title = f"{_CHANNEL_TITLE[channel]}: hours by weekday and hour (ended sessions)"
    if not tty:
        lines = [
            f"{sv.DAYS[day]} {hour:02d}: {hours:.1f}h"
            for (day, hour), hours in sorted(cells.items())
        ]
        return Group(Text(title), PlainLines(lines))
    table = Table(
        "",
        *sv.HOURS,
        title=title,
        title_justify="left",
        box=None,
        padding=(0, 1, 0, 0),
        pad_edge=False,
    )
    for day in range(7):
        row = []
        for hour in range(24):
            hours = cells.get((day, hour))
            row.append(Text("  ·", style="dim") if not hours else Text(f"{hours:>3.1f}"))
        table.add_row(sv.heatmap_day(day), *row)
    return Group(table)


def compare_table(data: dict[str, Any]) -> Group:
    a, b = data["a"], data["b"]
    table = Table(
        "figure",
        f"A {a['ref']}",
        f"B {b['ref']}",
        "B − A",
        "better",
        title="Compare",
        title_justify="left",
    )
    for row in data["figures"]:
        better = {"a": "A", "b": "B"}.get(row["better"] or "", "")
        table.add_row(
            row["figure"].replace("_", " "),
            _cell(row["a"]),
            _cell(row["b"]),
            _cell(row["difference"], signed=True),
            better,
        )
    parts: list[Any] = [
        Text(f"A {a['ref']}: {a['goal'] or 'no goal'}   B {b['ref']}: {b['goal'] or 'no goal'}"),
        table,
    ]
    if data["differed"]:
        parts.append(Text("What differed:", style="bold"))
        parts += [Text(f"  • {line}") for line in data["differed"]]
    return Group(*parts)


def _cell(value: Any, signed: bool = False) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:+,.2f}" if signed else f"{value:,.2f}"
    return f"{value:+,.0f}" if signed else f"{value:,.0f}"


def cohorts_view(data: dict[str, Any]) -> Group:
    table = Table(
        *sv.cohort_headers(data),
        title=escape(sv.COHORTS_TITLE),
        title_justify="left",
    )
    for name, *cells in sv.cohort_rows(data):
        table.add_row(name, *[Text(c) for c in cells])
    parts: list[Any] = [table]
    parts += [Text(line) for line in sv.cohort_tests(data)]
    parts.append(Text(sv.COHORTS_NOTE, style="dim"))
    return Group(*parts)


def accomplishments_view(items: Sequence[dict[str, Any]]) -> Group:
    parts: list[Any] = []
    for item in items:
        head = f"{item['ref']}  {(item['started_at'] or '')[:16].replace('T', ' ')}  " + (
            f"{item['project'] or '—'}  {item['outcome'] or item['status']}"
        )
        body = [f"Goal: {item['goal'] or '—'}"]
        if item["tasks_done"]:
            body.append(
                f"Done ({len(item['tasks_done'])}/{item['tasks_created']}): "
                + "; ".join(item["tasks_done"][:5])
            )
        if item["decisions"]:
            body.append("Decided: " + "; ".join(item["decisions"][:3]))
        body.append(
            f"Lines: +{item['loc_added']}/-{item['loc_removed']} (net {item['loc_net']:+})   "
            f"Active: {human_duration(item['active_seconds'])}   Score: {sv.num(item['score'])}"
        )
        if item["top_files"]:
            body.append("Files: " + ", ".join(item["top_files"]))
        parts.append(Panel(Text("\n".join(body)), title=head, title_align="left"))
    return Group(*parts)


def cost_line(per: dict[str, float | None]) -> Text:
    return Text(cost_text(per))
