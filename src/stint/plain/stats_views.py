"""The text of the analytics views as plain strings: the statistics panel, the table of
`stats --by GROUP`, the weekday × hour heatmap and the cohort comparison. Both faces draw
from these: the click path puts them in Rich panels and tables (`stint.cli.render_stats`),
the plain path draws the same boxes itself (`stint.plain.stats`). What a view shows is
decided here, once."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from stint.model.timeparse import human_duration
from stint.model.units import money, plural
from stint.plain.columns import Col

BARS = "▁▂▃▄▅▆▇█"
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


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


def num(value: float | None, digits: int = 0, suffix: str = "") -> str:
    if value is None:
        return "—"
    return f"{value:,.{digits}f}{suffix}"


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def short(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.2f}" if abs(value) < 10 else f"{value:,.0f}"


# ------------------------------------------------------------------ the panel


def stats_lines(data: dict[str, Any], tty: bool) -> list[str]:
    """The body of the statistics panel (`stint stats`); sparklines on a terminal, the
    same figures as numbers when piped."""
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
        f"Average productivity: {num(data['avg_score'])}/100 "
        f"(over {plural(data['scored_sessions'], 'scored session')})",
        f"Tasks: {data['tasks_completed']}/{data['tasks_created']} completed "
        f"({pct(data['task_completion_rate'])})",
        f"Goals: {goals['achieved']} achieved of {plural(goals['ended'], 'ended session')} "
        "with a goal "
        f"({pct(goals['completion_rate'])}); {goals['sessions_incomplete']} incomplete",
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
    return lines


def stats_title(data: dict[str, Any]) -> str:
    """The panel's title (Rich markup: a filter value is shown as given only when it has
    no markup in it, which the plain path checks)."""
    where = ", ".join(f"{k}={v}" for k, v in data["filters"].items())
    return f"Statistics — {data['period']['label']}" + (f" ({where})" if where else "")


def stats_subtitle(data: dict[str, Any]) -> str:
    return f"times in {data['period']['tz']}"


# ------------------------------------------------------------------ stats --by GROUP

# Keys that are times or numbers: shown whole, like every figure; names may wrap.
_TIME_KEYS = frozenset({"day", "week", "weekday", "hour", "weekday-hour"})
NO_SESSIONS = "No sessions in this period."


def groups_title(by: str) -> str:
    return f"By {by}"


def groups_columns(rows: Sequence[dict[str, Any]], by: str) -> list[Col]:
    """`stint stats --by`: tokens, then active time and the score give way when the
    terminal is too narrow; a long key wraps; no figure is cut."""
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
    if _has_health(rows):
        cols.append(Col("complexity Δ", drop=5, justify="right"))
    return cols


def _has_health(rows: Sequence[dict[str, Any]]) -> bool:
    # Code health (where measured): the mean complexity a session of the group added.
    return any("mean_ccn_delta" in row for row in rows)


def groups_cells(rows: Sequence[dict[str, Any]]) -> list[list[str]]:
    """The cells of the groups table under `groups_columns`, one row per group."""
    health = _has_health(rows)
    return [
        [
            "—" if row["key"] in (None, "") else str(row["key"]),
            f"{row['sessions']:,}",
            human_duration(row["active_seconds"]),
            human_duration(row["person_seconds"]),
            human_duration(row["agent_seconds"]),
            human_duration(row["both_seconds"]),
            num(row["avg_score"]),
            f"{row['tasks_completed']:,}",
            f"+{row['loc_added']:,}/-{row['loc_removed']:,}",
            f"{row['tokens']:,}",
            money(row["cost_usd"]),
            *([num(row.get("mean_ccn_delta"), 1)] if health else []),
        ]
        for row in rows
    ]


# ------------------------------------------------------------------ the heatmap

HEATMAP_TITLE = "Average score by weekday and hour"
HOURS = tuple(f"{h:02d}" for h in range(24))
EMPTY_CELL = "  ·"


def heatmap_cells(data: dict[str, Any]) -> dict[tuple[int, int], dict[str, Any]]:
    return {(c["weekday_number"], c["hour"]): c for c in data["cells"]}


def heatmap_grid(data: dict[str, Any]) -> list[list[tuple[str, str]]]:
    """The terminal heatmap: for each weekday the (text, Rich style) of its 24 hours,
    each the average score coloured by its level, dim below the minimum sample."""
    cells = heatmap_cells(data)
    grid = []
    for day in range(7):
        row = []
        for hour in range(24):
            cell = cells.get((day, hour))
            if cell is None or cell["avg_score"] is None:
                row.append((EMPTY_CELL, "dim"))
                continue
            score = cell["avg_score"]
            style = "green" if score >= 70 else "yellow" if score >= 40 else "red"
            if cell["n"] < data["min_sample"]:
                style += " dim"
            row.append((f"{score:>3.0f}", style))
        grid.append(row)
    return grid


def heatmap_day(day: int) -> str:
    return DAYS[day] + " "


def heatmap_note(data: dict[str, Any]) -> str:
    """The dim line under the terminal heatmap."""
    return (
        f"Dim: fewer than {plural(data['min_sample'], 'session')}. "
        f"Sessions: {data['sessions']}, "
        f"times in {data['period']['tz']}."
    )


def heatmap_head(data: dict[str, Any]) -> str:
    """The first line of the piped heatmap."""
    return f"Weekday hour: average score (sessions), times in {data['period']['tz']}"


def heatmap_lines(data: dict[str, Any]) -> list[str]:
    """The piped heatmap: every cell with its sample size, one line each."""
    return [
        f"{DAYS[day]} {hour:02d}: {num(cell['avg_score'])} ({cell['n']})"
        for (day, hour), cell in sorted(heatmap_cells(data).items())
    ]


def heatmap_pattern(data: dict[str, Any]) -> str:
    """The bold sentence under either heatmap."""
    sentence: str = data["pattern"]
    return sentence[:1].upper() + sentence[1:]


# ------------------------------------------------------------------ cohorts

COHORTS_TITLE = "Median [quartiles] (n)"  # as shown; Rich's markup needs its [ escaped
COHORTS_NOTE = "Mann–Whitney U test, two-sided, α = 0.05."


def cohort_headers(data: dict[str, Any]) -> list[str]:
    return ["figure", *[c["cohort"] for c in data["cohorts"]]]


def _spread(s: dict[str, Any]) -> str:
    if not s["n"]:
        return "—"
    return f"{short(s['median'])} [{short(s['q1'])}–{short(s['q3'])}] ({s['n']})"


def cohort_rows(data: dict[str, Any]) -> list[list[str]]:
    """Per figure: its name, then each cohort's median [quartiles] (n)."""
    names = list(data["cohorts"][0]["figures"]) if data["cohorts"] else []
    rows = [
        [name.replace("_", " "), *[_spread(c["figures"][name]) for c in data["cohorts"]]]
        for name in names
    ]
    if data.get("health"):
        rows.append(
            ["complexity delta", *[_spread(c["ccn_delta"]) for c in data["health"]["cohorts"]]]
        )
    return rows


def cohort_tests(data: dict[str, Any]) -> list[str]:
    """One line per Mann–Whitney test: the two cohorts, their n and the verdict."""
    health_tests = [
        {**t, "figure": "complexity_delta"} for t in (data.get("health") or {}).get("tests", [])
    ]
    lines = []
    for test in [*data["tests"], *health_tests]:
        if test["p"] is None:
            verdict = "no data"
        elif test["significant"]:
            verdict = f"difference larger than noise (p={test['p']:.3g})"
            if test["better"]:
                verdict += f", better: {test['better']}"
        else:
            verdict = f"within noise (p={test['p']:.3g})"
        lines.append(
            f"{test['figure'].replace('_', ' ')}: {test['a']} (n={test['n_a']}) vs {test['b']} "
            f"(n={test['n_b']}): {verdict}"
        )
    return lines
