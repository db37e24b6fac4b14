"""The productivity score (0–100) and the quality indicators.

The default scorer is the AIDIS formula: task completion 40, decisions 15, context 15,
net lines 20, duration 10. Weights are configurable; each part scales with its weight.
Every view (status, end summary, list, show, stats) calls `score_session`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from stint.model.config import DEFAULT_WEIGHTS
from stint.model.types import Session


@dataclass(frozen=True)
class Score:
    value: float
    breakdown: dict[str, float]


def _lines_fraction(net: int) -> float:
    """Small positive change is the sweet spot; a large one may be bloat; a modest
    negative one is welcome clean-up."""
    if 0 < net < 500:
        return 1.0
    if 500 <= net < 1000:
        return 0.75
    if net >= 1000:
        return 0.25
    if -200 < net < 0:
        return 0.75
    return 0.0


def _duration_fraction(minutes: float) -> float:
    hours = minutes / 60
    if 1 <= hours <= 3:
        return 1.0
    if hours > 3:
        return 0.5
    return 0.0


def score_session(figures: Mapping[str, Any], weights: Mapping[str, float] | None = None) -> Score:
    """Score from a session's figures: tasks_created, tasks_completed, decisions_made,
    context_items_added, loc_added, loc_removed, duration_minutes."""
    weights = {**DEFAULT_WEIGHTS, **(weights or {})}
    created = int(figures.get("tasks_created") or 0)
    completed = int(figures.get("tasks_completed") or 0)
    completion = min(1.0, completed / created) if created > 0 else 0.0
    decisions = int(figures.get("decisions_made") or 0)
    context = int(figures.get("context_items_added") or 0)
    net = int(figures.get("loc_added") or 0) - int(figures.get("loc_removed") or 0)
    minutes = float(figures.get("duration_minutes") or 0.0)
    breakdown = {
        "tasks": completion * weights["tasks"],
        "decisions": min(decisions * 3, 15) / 15 * weights["decisions"],
        "context": min(context * 2, 15) / 15 * weights["context"],
        "lines": _lines_fraction(net) * weights["lines"],
        "duration": _duration_fraction(minutes) * weights["duration"],
    }
    breakdown = {name: round(value, 2) for name, value in breakdown.items()}
    total = max(0.0, min(100.0, sum(breakdown.values())))
    return Score(round(total, 1), breakdown)


def score_label(score: float | None) -> str:
    if score is None:
        return "not scored"
    if score >= 80:
        return "Excellent session"
    if score >= 60:
        return "Good session"
    if score >= 40:
        return "Decent session"
    return "Room for improvement"


def _status(value: float | None, good: float, warning: float, higher_is_better: bool = True) -> str:
    if value is None:
        return "n/a"
    if not higher_is_better:
        value, good, warning = -value, -good, -warning
    if value >= good:
        return "good"
    if value >= warning:
        return "warning"
    return "poor"


def quality_indicators(figures: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Completion rate, focus, churn and decisions per hour, each with good/warning/poor.

    Undefined rates (no tasks, no time) are None with status "n/a", never a division error.
    """
    created = int(figures.get("tasks_created") or 0)
    completed = int(figures.get("tasks_completed") or 0)
    completion = round(100.0 * completed / created, 1) if created else None

    files = int(figures.get("files_modified") or 0)
    edits = int(figures.get("file_edits") or 0)
    per_file = edits / files if files else 0.0
    if files == 0:
        focus: float | None = None
    elif files <= 5 and per_file >= 2:
        focus = 90.0
    elif files <= 10 and per_file >= 1:
        focus = 70.0
    elif files <= 20:
        focus = 50.0
    else:
        focus = 30.0

    added = int(figures.get("loc_added") or 0)
    removed = int(figures.get("loc_removed") or 0)
    # Churn: the share of written lines that were rewriting rather than net change.
    churn = (
        round(100.0 * min(added, removed) / max(added, removed), 1) if added or removed else None
    )

    hours = float(figures.get("duration_minutes") or 0.0) / 60
    decisions = int(figures.get("decisions_made") or 0)
    velocity = round(decisions / hours, 2) if hours > 0 else None

    return {
        "completion_rate": {
            "label": "Task completion rate",
            "value": completion,
            "unit": "%",
            "status": _status(completion, 70, 40),
        },
        "focus_score": {
            "label": "Focus",
            "value": focus,
            "unit": "",
            "status": _status(focus, 70, 50),
        },
        "code_churn": {
            "label": "Churn (rewritten share)",
            "value": churn,
            "unit": "%",
            "lines": added + removed,
            "status": _status(churn, 30, 60, higher_is_better=False),
        },
        "decision_velocity": {
            "label": "Decisions per hour",
            "value": velocity,
            "unit": "/h",
            "status": _status(velocity, 1.0, 0.25),
        },
    }


# Cost per outcome lives here, beside the score, so that `stint show` prints it without
# loading the analytics (which load SQLAlchemy); stint.analytics.report re-exports it.
def _ratio(numerator: float, denominator: float) -> float | None:
    """numerator / denominator, or None without a denominator (as analytics' `ratio`)."""
    return None if not denominator else numerator / denominator


def cost_per_outcome(
    cost: float, tasks_completed: int, commits: int, net_lines: int, goals_achieved: int
) -> dict[str, float | None]:
    """Dollars per completed task, per commit, per 100 net lines added, per achieved goal
    (None where there is no such outcome; net lines count only when positive)."""
    return {
        "per_completed_task": _ratio(cost, tasks_completed),
        "per_commit": _ratio(cost, commits),
        "per_100_net_lines": _ratio(cost, net_lines / 100) if net_lines > 0 else None,
        "per_achieved_goal": _ratio(cost, goals_achieved),
    }


def session_cost_per_outcome(session: Session) -> dict[str, float | None]:
    """Cost per outcome of one session (its goal counts when its outcome is achieved)."""
    row = session.row
    return cost_per_outcome(
        float(row["cost_usd"] or 0.0),
        int(row["tasks_completed"]),
        int(row["commits_made"]),
        session.net_loc,
        1 if row["outcome"] == "achieved" else 0,
    )
