"""The plain forms of the analytics commands, run without click or Rich:

    stint stats [--period P] [--project/-p X] [--tag/-t X] [--kind X] [--tz ZONE]
                [--by GROUP] [--json]
    stint compare --cohort A --cohort B … [--period P] [--json]

`parse` answers None for anything else (`--channel`, `--help`, an option given twice, a
value that looks like an option, `compare A B`), and the click path runs the command.
The text of each view comes from `stint.plain.stats_views`, as the Rich views' does; a
view these boxes cannot promise to draw as Rich does is returned as read (a `Handover`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from stint.analytics.calls import AnalyticsReader
from stint.plain import boxes
from stint.plain import stats_views as sv
from stint.plain.handover import Cohorts, Handover, Heatmap, StatsGroups, StatsPanel
from stint.plain.views import json_text
from stint.store.analytics import GROUPS

Command = Callable[[AnalyticsReader], "str | Handover"]

# Each option of the plain forms and the name it is kept under (as click names it).
_STATS_VALUES = {
    "--period": "period",
    "--project": "project",
    "-p": "project",
    "--tag": "tag",
    "-t": "tag",
    "--kind": "kind",
    "--by": "by",
    "--tz": "tz",
}
_COMPARE_VALUES = {"--cohort": "cohorts", "--period": "period"}
_FLAGS = {"--json": "json"}


def parse(args: list[str]) -> Command | None:
    """The plain analytics command `args` name, or None for any other form."""
    if args[:1] == ["stats"]:
        options = _options(args[1:], _STATS_VALUES)
        if options is None or options.get("by", GROUPS[0]) not in GROUPS:
            return None  # click says which groups there are
        return lambda reader: _stats(reader, options)
    if args[:1] == ["compare"]:
        chosen = _options(args[1:], _COMPARE_VALUES, repeated="cohorts")
        if chosen is None or not chosen.get("cohorts"):
            return None  # two sessions compared, or the usage error: click's
        return lambda reader: _cohorts(reader, chosen)
    return None


def _options(
    args: list[str], values: dict[str, str], *, repeated: str | None = None
) -> dict[str, Any] | None:
    """The options in `args` by name, or None when click must read them: anything not
    in `values` or `_FLAGS`, an argument, a missing value or one starting with `-` (click
    would take it as the value; its error, if any, is click's to word), an option twice."""
    found: dict[str, Any] = {}
    i = 0
    while i < len(args):
        value: str | bool
        name, eq, inline = args[i].partition("=") if args[i].startswith("--") else (args[i], "", "")
        if name in _FLAGS and not eq:
            key, value, i = _FLAGS[name], True, i + 1
        elif name in values:
            key = values[name]
            if eq:
                value, i = inline, i + 1
            elif i + 1 < len(args):
                value, i = args[i + 1], i + 2
            else:
                return None
            if isinstance(value, str) and value.startswith("-"):
                return None
        else:
            return None
        if key == repeated:
            found.setdefault(key, []).append(value)
        elif key in found:
            return None
        else:
            found[key] = value
    return found


def _stats(reader: AnalyticsReader, options: dict[str, Any]) -> str | Handover:
    """What `stint stats` prints for `options` (the click command decides alike)."""
    period = options.get("period", "all")
    project, tag, kind, tz = (options.get(k) for k in ("project", "tag", "kind", "tz"))
    by, as_json = options.get("by"), bool(options.get("json"))
    if by is None:
        data = reader.stats(period, project=project, tag=tag, kind=kind, tz=tz)
        return json_text(data) if as_json else _panel(data)
    if by == "weekday-hour" and kind is None and not as_json:
        return _heatmap(reader.heatmap(period, project=project, tag=tag, tz=tz))
    rows = reader.stats_by(by, period, project=project, tag=tag, kind=kind, tz=tz)
    if as_json:
        if by == "weekday-hour":
            heat = reader.heatmap(period, project=project, tag=tag, tz=tz)
            return json_text({"rows": rows, "heatmap": heat})
        return json_text(rows)
    if not rows:
        return sv.NO_SESSIONS + "\n"
    return _groups(rows, by)


def _cohorts(reader: AnalyticsReader, options: dict[str, Any]) -> str | Handover:
    data = reader.compare_cohorts(options["cohorts"], options.get("period", "all"))
    if options.get("json"):
        return json_text(data)
    screen = boxes.screen()
    drawn = None if screen is None else _cohorts_text(data, screen)
    return Cohorts(data) if drawn is None else drawn


def _panel(data: dict[str, Any]) -> str | Handover:
    screen = boxes.screen()
    drawn = None
    if screen is not None:
        lines = sv.stats_lines(data, screen.styled)
        title, subtitle = sv.stats_title(data), sv.stats_subtitle(data)
        drawn = boxes.panel(lines, title, screen.width, subtitle, wrap=True)
    return StatsPanel(data) if drawn is None else drawn


def _groups(rows: list[dict[str, Any]], by: str) -> str | Handover:
    screen = boxes.screen()
    drawn = None
    if screen is not None:
        cols, cells = sv.groups_columns(rows, by), sv.groups_cells(rows)
        drawn = boxes.fitted(cols, cells, screen, title=sv.groups_title(by))
    return StatsGroups(rows, by) if drawn is None else drawn


def _heatmap(data: dict[str, Any]) -> str | Handover:
    screen = boxes.screen()
    drawn = None
    if screen is not None:
        pattern = boxes.text_line(sv.heatmap_pattern(data), screen, style="bold", wrap=True)
        if screen.styled:
            rows = [(sv.heatmap_day(day), row) for day, row in enumerate(sv.heatmap_grid(data))]
            parts = [
                boxes.bare_grid(sv.HEATMAP_TITLE, sv.HOURS, rows, screen),
                boxes.text_line(sv.heatmap_note(data), screen, style="dim", wrap=True),
            ]
        else:
            parts = [
                boxes.text_line(sv.heatmap_head(data), screen, wrap=True),
                *(boxes.text_line(line, screen, wrap=True) for line in sv.heatmap_lines(data)),
            ]
        drawn = _joined([*parts, pattern])
    return Heatmap(data) if drawn is None else drawn


def _cohorts_text(data: dict[str, Any], screen: boxes.Screen) -> str | None:
    # The figure names are str cells (Rich reads them as markup), the spreads Text.
    columns = [
        boxes.Column(header, markup=i == 0) for i, header in enumerate(sv.cohort_headers(data))
    ]
    parts = [
        boxes.table(
            columns, sv.cohort_rows(data), screen, title=sv.COHORTS_TITLE, title_markup=False
        ),
        *(boxes.text_line(line, screen, wrap=True) for line in sv.cohort_tests(data)),
        boxes.text_line(sv.COHORTS_NOTE, screen, style="dim", wrap=True),
    ]
    return _joined(parts)


def _joined(parts: list[str | None]) -> str | None:
    """The parts printed one after another, or None when one cannot be drawn here."""
    if any(part is None for part in parts):
        return None
    return "".join(part for part in parts if part is not None)
