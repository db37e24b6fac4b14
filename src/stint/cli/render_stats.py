"""Rich views of analytics: the statistics panel with sparklines, group tables, the
weekday × hour heatmap, comparisons and recent accomplishments. Sparklines and shaded
cells need a terminal; piped output gets the same figures as plain text."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.panel import Panel
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from stint.model.timeparse import human_duration
from stint.model.units import money, plural
from stint.plain.views import cost_text

BARS = "▁▂▃▄▅▆▇█"
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def sparkline(values: Sequence[float | None], top: float | None = None) -> str:
    """One block character per value, scaled to `top` (default the largest); None is a
    space."""
    present = [v for v in values if v is not None]
    top = top if top is not None else max(present, default=0.0)
    if top <= 0:
        return "".join(" " if v is None else BARS[0] for v in values)
    return "".join(
        " " if v is None else BARS[min(len(BARS) - 1, int(v / top * (len(BARS) - 1) + 0.5))]
        for v in values
    )


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


def _num(value: float | None, digits: int = 0, suffix: str = "") -> str:
    if value is None:
        return "—"
    return f"{value:,.{digits}f}{suffix}"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def stats_panel(data: dict[str, Any], tty: bool) -> Panel:
    period = data["period"]
    goals = data["goals"]
    per = data["cost_per_outcome"]
    tokens = data["token_breakdown"]
    best = data["most_productive_day"]
    model = data["preferred_model"]
    lines = [
        f"Sessions: {data['sessions']} ({data['ended_sessions']} ended)",
        f"Active time: {human_duration(data['active_seconds'])} total, "
        f"{human_duration(data['avg_active_seconds'])} average   "
        f"Duration: {human_duration(data['avg_duration_seconds'])} average",
        f"By channel (ended sessions): you {human_duration(data['person_seconds'])} · "
        f"agent {human_duration(data['agent_seconds'])} · "
        f"both {human_duration(data['both_seconds'])}",
        f"Average productivity: {_num(data['avg_score'])}/100 "
        f"(over {plural(data['scored_sessions'], 'scored session')})",
        f"Tasks: {data['tasks_completed']}/{data['tasks_created']} completed "
        f"({_pct(data['task_completion_rate'])})",
        f"Goals: {goals['achieved']} achieved of {plural(goals['ended'], 'ended session')} "
        "with a goal "
        f"({_pct(goals['completion_rate'])}); {goals['sessions_incomplete']} incomplete",
        f"Decisions: {data['decisions']}   Context items: {data['context_items']}",
        f"Code: +{data['loc_added']:,} / -{data['loc_removed']:,} (net {data['loc_net']:+,}) "
        f"in {plural(data['files_modified'], 'file', grouped=True)}, "
        f"{plural(data['commits'], 'commit', grouped=True)}",
        f"Messages: {data['messages']:,}   Tool calls: {data['tool_calls']:,}   "
        f"Memories used: {data['memories_used']:,}",
        f"Tokens: {data['tokens']:,} (in {tokens['input']:,}, out {tokens['output']:,}, "
        f"cache {tokens['cache_creation'] + tokens['cache_read']:,})   "
        f"Cost: {money(data['cost_usd'])}",
        f"Cost per outcome: {money(per['per_completed_task'])}/task, "
        f"{money(per['per_commit'])}/commit, {money(per['per_100_net_lines'])}/100 net lines, "
        f"{money(per['per_achieved_goal'])}/achieved goal",
        "Most productive day: "
        + (
            f"{best['weekday']} (avg score {best['avg_score']:.0f} over "
            f"{plural(best['sessions'], 'session')})"
            if best
            else "—"
        ),
        "Preferred model: "
        + (f"{model['model']} ({plural(model['sessions'], 'session')})" if model else "—"),
        "Top tags: "
        + (", ".join(f"{t['tag']} ({t['sessions']})" for t in data["top_tags"]) or "—"),
    ]
    daily = data["daily"]
    if daily:
        lines.append("")
        first, last = daily[0]["day"], daily[-1]["day"]
        counts = [d["sessions"] for d in daily]
        scores = [d["avg_score"] for d in daily]
        if tty:
            lines.append(f"Sessions/day {sparkline(counts)}  ({first} → {last})")
            lines.append(f"Score/day    {sparkline(scores, 100.0)}  (0–100)")
        else:
            lines.append(f"Sessions per day ({first} to {last}): {' '.join(map(str, counts))}")
            lines.append(
                "Average score per day: "
                + " ".join("-" if s is None else f"{s:.0f}" for s in scores)
            )
    where = ", ".join(f"{k}={v}" for k, v in data["filters"].items())
    title = f"Statistics — {period['label']}" + (f" ({where})" if where else "")
    return Panel(
        Text("\n".join(lines)),
        title=title,
        title_align="left",
        subtitle=f"times in {period['tz']}",
        subtitle_align="right",
    )


# Keys that are times or numbers: shown whole, like every figure; names may wrap.
_TIME_KEYS = frozenset({"day", "week", "weekday", "hour", "weekday-hour"})


def groups_table(rows: Sequence[dict[str, Any]], by: str, width: int) -> Table:
    """`stint stats --by`: tokens, then active time and the score give way when `width`
    is too narrow; a long key wraps; no figure is cut."""
    from stint.cli.fit import Col, fitted_table

    cols = [
        Col(by, wrap=by not in _TIME_KEYS),
        Col("sessions", justify="right"),
        Col("active", drop=2, justify="right"),
        Col("you", drop=6, justify="right"),
        Col("agent", drop=7, justify="right"),
        Col("both", drop=8, justify="right"),
        Col("avg score", drop=3, justify="right"),
        Col("tasks done", drop=1, justify="right"),
        Col("lines +/-", justify="right"),
        Col("tokens", drop=4, justify="right"),
        Col("cost", justify="right"),
    ]
    # Code health (where measured): the mean complexity a session of the group added.
    health = any("mean_ccn_delta" in row for row in rows)
    if health:
        cols.append(Col("complexity Δ", drop=5, justify="right"))
    cells = [
        [
            "—" if row["key"] in (None, "") else str(row["key"]),
            f"{row['sessions']:,}",
            human_duration(row["active_seconds"]),
            human_duration(row["person_seconds"]),
            human_duration(row["agent_seconds"]),
            human_duration(row["both_seconds"]),
            _num(row["avg_score"]),
            f"{row['tasks_completed']:,}",
            f"+{row['loc_added']:,}/-{row['loc_removed']:,}",
            f"{row['tokens']:,}",
            money(row["cost_usd"]),
            *([_num(row.get("mean_ccn_delta"), 1)] if health else []),
        ]
        for row in rows
    ]
    return fitted_table(cols, cells, width, title=f"By {by}", title_justify="left")


def heatmap_grid(data: dict[str, Any], tty: bool) -> Group:
    """Weekdays down, hours across, each cell the average score (coloured on a terminal,
    dim below the minimum sample); piped output lists every cell with its n instead."""
    cells = {(c["weekday_number"], c["hour"]): c for c in data["cells"]}
    parts: list[Any] = []
    if tty:
        table = Table(
            "",
            *[f"{h:02d}" for h in range(24)],
            title="Average score by weekday and hour",
            title_justify="left",
            box=None,
            padding=(0, 0),
            pad_edge=False,
        )
        for day in range(7):
            row = []
            for hour in range(24):
                cell = cells.get((day, hour))
                if cell is None or cell["avg_score"] is None:
                    row.append(Text("  ·", style="dim"))
                    continue
                score = cell["avg_score"]
                style = "green" if score >= 70 else "yellow" if score >= 40 else "red"
                if cell["n"] < data["min_sample"]:
                    style += " dim"
                row.append(Text(f"{score:>3.0f}", style=style))
            table.add_row(_DAYS[day] + " ", *row)
        parts += [
            table,
            Text(
                f"Dim: fewer than {plural(data['min_sample'], 'session')}. "
                f"Sessions: {data['sessions']}, "
                f"times in {data['period']['tz']}.",
                style="dim",
            ),
        ]
    else:
        parts.append(
            Text(f"Weekday hour: average score (sessions), times in {data['period']['tz']}")
        )
        parts.append(
            PlainLines(
                [
                    f"{_DAYS[day]} {hour:02d}: {_num(cell['avg_score'])} ({cell['n']})"
                    for (day, hour), cell in sorted(cells.items())
                ]
            )
        )
    sentence = data["pattern"]
    parts.append(Text(sentence[:1].upper() + sentence[1:], style="bold"))
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
            f"{_DAYS[day]} {hour:02d}: {hours:.1f}h" for (day, hour), hours in sorted(cells.items())
        ]
        return Group(Text(title), PlainLines(lines))
    table = Table(
        "",
        *[f"{h:02d}" for h in range(24)],
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
        table.add_row(_DAYS[day] + " ", *row)
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
    parts: list[Any] = []
    table = Table(
        "figure",
        *[c["cohort"] for c in data["cohorts"]],
        title="Median \\[quartiles] (n)",
        title_justify="left",
    )
    names = list(data["cohorts"][0]["figures"]) if data["cohorts"] else []
    for name in names:
        cells = []
        for cohort in data["cohorts"]:
            s = cohort["figures"][name]
            cells.append(
                "—"
                if not s["n"]
                else f"{_short(s['median'])} [{_short(s['q1'])}–{_short(s['q3'])}] ({s['n']})"
            )
        table.add_row(name.replace("_", " "), *[Text(c) for c in cells])
    if data.get("health"):
        cells = []
        for cohort in data["health"]["cohorts"]:
            s = cohort["ccn_delta"]
            cells.append(
                "—"
                if not s["n"]
                else f"{_short(s['median'])} [{_short(s['q1'])}–{_short(s['q3'])}] ({s['n']})"
            )
        table.add_row("complexity delta", *[Text(c) for c in cells])
    parts.append(table)
    health_tests = [
        {**t, "figure": "complexity_delta"} for t in (data.get("health") or {}).get("tests", [])
    ]
    for test in [*data["tests"], *health_tests]:
        if test["p"] is None:
            verdict = "no data"
        elif test["significant"]:
            verdict = f"difference larger than noise (p={test['p']:.3g})"
            if test["better"]:
                verdict += f", better: {test['better']}"
        else:
            verdict = f"within noise (p={test['p']:.3g})"
        parts.append(
            Text(
                f"{test['figure'].replace('_', ' ')}: {test['a']} (n={test['n_a']}) vs {test['b']} "
                f"(n={test['n_b']}): {verdict}"
            )
        )
    parts.append(Text("Mann–Whitney U test, two-sided, α = 0.05.", style="dim"))
    return Group(*parts)


def _short(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.2f}" if abs(value) < 10 else f"{value:,.0f}"


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
            f"Active: {human_duration(item['active_seconds'])}   Score: {_num(item['score'])}"
        )
        if item["top_files"]:
            body.append("Files: " + ", ".join(item["top_files"]))
        parts.append(Panel(Text("\n".join(body)), title=head, title_align="left"))
    return Group(*parts)


def cost_line(per: dict[str, float | None]) -> Text:
    return Text(cost_text(per))
