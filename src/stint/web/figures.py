"""How the dashboard shows a named figure: durations as "1h 30m", rates as percentages,
money through the pages' one money filter, counts with thousands separators, and
differences with their sign. The compare page's rows and cohort cells go through here
once, so no cell prints a raw float."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from stint.model.timeparse import human_duration

MINUS = "−"  # the UI's minus sign (as in "+12 −3" lines), not a hyphen
# Readable names of the compare and cohort figures; unknown names fall back to the key.
LABELS = {
    "score": "Score",
    "duration_seconds": "Duration",
    "active_seconds": "Active time",
    "tasks_created": "Tasks created",
    "tasks_completed": "Tasks completed",
    "task_completion_rate": "Task completion",
    "task_completion": "Task completion",
    "decisions": "Decisions",
    "context_items": "Context items",
    "loc_added": "Lines added",
    "loc_removed": "Lines removed",
    "loc_net": "Net lines",
    "lines": "Lines changed",
    "churn": "Churn (removed per added line)",
    "files_modified": "Files modified",
    "commits": "Commits",
    "messages": "Messages",
    "tool_calls": "Tool calls",
    "tool_failures": "Tool failures",
    "tokens": "Tokens",
    "cost_usd": "Cost",
    "cost_per_completed_task": "Cost per completed task",
    "cost_per_commit": "Cost per commit",
    "cost_per_100_net_lines": "Cost per 100 net lines",
    "cost_per_achieved_goal": "Cost per achieved goal",
}
_RATES = {"task_completion_rate", "task_completion"}
_RATIOS = {"churn"}


def label(name: str) -> str:
    return LABELS.get(name, name.replace("_", " ").capitalize())


def _kind(name: str) -> str:
    if name.endswith("_seconds") or name in {"duration", "active_duration"}:
        return "duration"
    if name in _RATES:
        return "rate"
    if name in _RATIOS:
        return "ratio"
    if name.startswith("cost"):
        return "money"
    if name == "score" or name == "productivity_score":
        return "score"
    return "count"


def figure(
    value: Any, name: str, signed: bool = False, money: Callable[[Any], str] | None = None
) -> str:
    """`value` of the figure `name` as text; `signed` for a difference (B − A), which
    always carries its sign ("+15m", "−$0.20", "+50 pp"). None is "—"."""
    if value is None or value == "":
        return "—"
    if not isinstance(value, int | float) or isinstance(value, bool):
        return str(value)  # already text (e.g. a human duration from `to_dict`)
    kind = _kind(name)
    sign = ("+" if value > 0 else MINUS if value < 0 else "") if signed else ""
    size = abs(value) if signed else value
    if kind == "duration":
        text = human_duration(size)
    elif kind == "rate":
        # A difference of two rates is in percentage points, not percent.
        text = f"{round(size * 100):.0f} pp" if signed else f"{size:.0%}"
    elif kind == "ratio":
        text = f"{size:,.2f}"
    elif kind == "money":
        text = (money or _plain_money)(size)
    elif kind == "score":
        text = f"{size:,.0f}"
    else:
        text = f"{size:,.0f}" if float(size).is_integer() else f"{size:,.1f}"
    if text.startswith("-"):  # a negative value shown unsigned: the UI's minus sign
        text = MINUS + text[1:]
    return sign + text


def _plain_money(value: Any) -> str:
    return f"${float(value):,.2f}"
