"""The statistics panel, per-group rows and the weekday × hour heatmap, built from the
aggregates `stint.store.analytics` computes in SQL (`conn` is either read path's
connection: sqlite3's or SQLAlchemy's, see `stint.store.sqltext`). Rates that are
undefined (nothing to divide by) are None, never 0 or an error."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from stint.analytics.periods import Period, offset_segments, zone_name
from stint.analytics.stats import ratio
from stint.model.scoring import cost_per_outcome as cost_per_outcome  # re-exported
from stint.model.scoring import session_cost_per_outcome as session_cost_per_outcome
from stint.model.units import plural
from stint.store import analytics as sa

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
EPOCH = date(1970, 1, 1)
SPARK_DAYS = 30
BLOCK_HOURS = 3
MIN_SAMPLE = 5
"""Fewer sessions than this in a cell: the heatmap says so instead of claiming a pattern."""


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(float(value), digits)


def _channels(row: dict[str, Any]) -> dict[str, Any]:
    """The ended sessions' time by channel: the person alone, the agent alone, both."""
    return {name: _round(row[name]) for name in ("person_seconds", "agent_seconds", "both_seconds")}


def figures(row: dict[str, Any]) -> dict[str, Any]:
    """One aggregate row (from `sa.totals` or `sa.grouped`) as named, JSON-ready figures."""
    sessions = int(row["sessions"])
    net = int(row["loc_added"]) - int(row["loc_removed"])
    tokens = {
        "input": int(row["input_tokens"]),
        "output": int(row["output_tokens"]),
        "cache_creation": int(row["cache_creation_tokens"]),
        "cache_read": int(row["cache_read_tokens"]),
    }
    tokens["total"] = sum(tokens.values())
    cost = float(row["cost_usd"])
    return {
        "sessions": sessions,
        "ended_sessions": int(row["ended_sessions"]),
        "active_seconds": _round(row["active_seconds"]),
        "avg_active_seconds": _round(ratio(row["active_seconds"], sessions)),
        "duration_seconds": _round(row["duration_seconds"]),
        **_channels(row),
        "avg_duration_seconds": _round(ratio(row["duration_seconds"], row["ended_sessions"])),
        "avg_score": _round(row["avg_score"], 1),
        "scored_sessions": int(row["scored_sessions"]),
        "tasks_created": int(row["tasks_created"]),
        "tasks_completed": int(row["tasks_completed"]),
        "task_completion_rate": _round(ratio(row["tasks_completed"], row["tasks_created"]), 4),
        "decisions": int(row["decisions_made"]),
        "context_items": int(row["context_items_added"]),
        "loc_added": int(row["loc_added"]),
        "loc_removed": int(row["loc_removed"]),
        "loc_net": net,
        "files_modified": int(row["files_modified"]),
        "commits": int(row["commits_made"]),
        "messages": int(row["message_count"]),
        "tool_calls": int(row["tool_call_count"]),
        "tool_failures": int(row["tool_failures"]),
        "memories_used": int(row["memories_used"]),
        "tokens": tokens["total"],
        "token_breakdown": tokens,
        "cost_usd": round(cost, 6),
        "goals": {
            "set": int(row["goals_set"]),
            "achieved": int(row["goals_achieved"]),
            "partial": int(row["goals_partial"]),
            "not_achieved": int(row["goals_not_achieved"]),
            "ended": int(row["goals_ended"]),
            # Achieved among ended sessions that had a goal (no outcome = not achieved).
            "completion_rate": _round(ratio(row["goals_achieved"], row["goals_ended"]), 4),
            "sessions_incomplete": int(row["goals_incomplete"]),
        },
        "cost_per_outcome": {
            k: _round(v, 4)
            for k, v in cost_per_outcome(
                cost,
                int(row["tasks_completed"]),
                int(row["commits_made"]),
                net,
                int(row["goals_achieved"]),
            ).items()
        },
    }


def _segments(
    conn: Any, org_id: str, scope: sa.Scope, zone: tzinfo
) -> list[tuple[datetime | None, int]]:
    first, last = sa.started_range(conn, org_id, scope)
    return offset_segments(zone, first, last)


def group_rows(
    conn: Any, org_id: str, scope: sa.Scope, by: str, zone: tzinfo
) -> list[dict[str, Any]]:
    """`stats --by`: one dict per group with its key and figures, in a natural order."""
    if by not in sa.GROUPS:
        raise ValueError(f"cannot group by {by!r}; choose one of {', '.join(sa.GROUPS)}")
    rows = sa.grouped(conn, org_id, scope, by, _segments(conn, org_id, scope, zone))
    result = []
    for row in rows:
        item: dict[str, Any] = {}
        if by == "weekday-hour":
            item.update(
                key=f"{WEEKDAYS[row['weekday']][:3]} {row['hour']:02d}",
                weekday=WEEKDAYS[row["weekday"]],
                weekday_number=row["weekday"],
                hour=row["hour"],
            )
        elif by == "weekday":
            item.update(key=WEEKDAYS[row["key"]], weekday_number=row["key"])
        elif by in ("day", "week"):
            item["key"] = (EPOCH + timedelta(days=int(row["key"]))).isoformat()
        else:
            item["key"] = row["key"]
        item.update(group_figures(row))
        result.append(item)
    return result


def group_figures(row: dict[str, Any]) -> dict[str, Any]:
    """The figures of one group of `stats --by`."""
    sessions = int(row["sessions"])
    added, removed = int(row["loc_added"]), int(row["loc_removed"])
    return {
        "sessions": sessions,
        "active_seconds": _round(row["active_seconds"]),
        "avg_active_seconds": _round(ratio(row["active_seconds"], sessions)),
        **_channels(row),
        "avg_score": _round(ratio(row["score_sum"], row["scored_sessions"]), 1),
        "scored_sessions": int(row["scored_sessions"]),
        "tasks_created": int(row["tasks_created"]),
        "tasks_completed": int(row["tasks_completed"]),
        "task_completion_rate": _round(ratio(row["tasks_completed"], row["tasks_created"]), 4),
        "loc_added": added,
        "loc_removed": removed,
        "loc_net": added - removed,
        "commits": int(row["commits_made"]),
        "tokens": int(row["tokens"]),
        "cost_usd": round(float(row["cost_usd"]), 6),
    }


def combine(rows: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Add up "counts" rows: sessions, scored sessions and the score sum; the average
    score is recomputed from them."""
    sessions = scored = 0
    score_sum = 0.0
    for row in rows:
        sessions += int(row["sessions"])
        scored += int(row["scored_sessions"])
        score_sum += float(row["score_sum"] or 0.0)
    return {"sessions": sessions, "avg_score": ratio(score_sum, scored)}


def stats(
    conn: Any,
    org_id: str,
    scope: sa.Scope,
    period: Period,
    zone: tzinfo,
    filters: dict[str, Any],
) -> dict[str, Any]:
    """The statistics panel for a period: every figure, plus the best weekday, the
    preferred model, the top tags and a per-day series for a sparkline."""
    data: dict[str, Any] = {
        "period": {**period.to_dict(), "tz": zone_name(zone)},
        "filters": {k: v for k, v in filters.items() if v is not None},
    }
    first, last = sa.started_range(conn, org_id, scope)
    segments = offset_segments(zone, first, last)
    data.update(figures(sa.totals(conn, org_id, scope)))
    # One light pass grouped by local day and model gives the weekdays, the daily series
    # and the preferred model.
    rows = sa.grouped(conn, org_id, scope, "day-model", segments, level="counts")
    by_weekday: dict[int, list[dict[str, Any]]] = {}
    by_model: dict[str, int] = {}
    by_day: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        by_weekday.setdefault((row["day"] + 3) % 7, []).append(row)
        by_day.setdefault(row["day"], []).append(row)
        if row["model"]:
            by_model[row["model"]] = by_model.get(row["model"], 0) + int(row["sessions"])
    weekdays = [(day, combine(group)) for day, group in by_weekday.items()]
    scored = [(day, w) for day, w in weekdays if w["avg_score"] is not None]
    best = max(scored, key=lambda item: (item[1]["avg_score"], item[1]["sessions"]), default=None)
    data["most_productive_day"] = (
        None
        if best is None
        else {
            "weekday": WEEKDAYS[best[0]],
            "avg_score": _round(best[1]["avg_score"], 1),
            "sessions": int(best[1]["sessions"]),
        }
    )
    model = min(by_model.items(), key=lambda item: (-item[1], item[0]), default=None)
    data["preferred_model"] = None if model is None else {"model": model[0], "sessions": model[1]}
    data["top_tags"] = [
        {"tag": tag, "sessions": n} for tag, n in sa.top_values(conn, org_id, scope, "tag", 5)
    ]
    data["daily"] = _daily({day: combine(group) for day, group in by_day.items()})
    return data


def _daily(days: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
    """Sessions and average score per local day over the last SPARK_DAYS days that have
    sessions in range, days without sessions included as zeros."""
    if not days:
        return []
    end_day = max(days)
    start_day = max(min(days), end_day - SPARK_DAYS + 1)
    series = []
    for number in range(start_day, end_day + 1):
        row = days.get(number)
        series.append(
            {
                "day": (EPOCH + timedelta(days=number)).isoformat(),
                "sessions": int(row["sessions"]) if row else 0,
                "avg_score": _round(row["avg_score"], 1) if row else None,
            }
        )
    return series


def heatmap(
    conn: Any,
    org_id: str,
    scope: sa.Scope,
    period: Period,
    zone: tzinfo,
    min_sample: int = MIN_SAMPLE,
) -> dict[str, Any]:
    """Weekday × hour cells (n, average score) and a plain-words pattern that names its
    sample size, and declines to claim one from fewer than `min_sample` sessions."""
    # Counts and scores only: the query then reads the covering index
    # ix_sessions_analytics instead of the session rows.
    segments = _segments(conn, org_id, scope, zone)
    rows = [
        {**row, "avg_score": _round(ratio(row["score_sum"], row["scored_sessions"]), 1)}
        for row in sa.grouped(conn, org_id, scope, "weekday-hour", segments, level="counts")
    ]
    cells = [
        {
            "weekday": WEEKDAYS[r["weekday"]],
            "weekday_number": r["weekday"],
            "hour": r["hour"],
            "n": r["sessions"],
            "scored": r["scored_sessions"],
            "avg_score": r["avg_score"],
        }
        for r in rows
    ]
    blocks: dict[tuple[int, int], list[float]] = {}
    for r in rows:
        if r["avg_score"] is None:
            continue
        key = (r["weekday"], r["hour"] // BLOCK_HOURS * BLOCK_HOURS)
        n, total = blocks.get(key, [0.0, 0.0])
        blocks[key] = [n + r["scored_sessions"], total + float(r["score_sum"])]
    ranked = sorted(
        ((total / n, int(n), key) for key, (n, total) in blocks.items() if n),
        key=lambda b: (-b[0], -b[1], b[2]),
    )
    trusted = [b for b in ranked if b[1] >= min_sample]
    pattern: dict[str, Any] | None = None
    if trusted or ranked:
        score, n, (weekday, start) = (trusted or ranked)[0]
        name = WEEKDAYS[weekday]
        span = f"{start:02d}–{start + BLOCK_HOURS:02d}"
        pattern = {
            "weekday": name,
            "hours": span,
            "avg_score": round(score, 1),
            "sessions": n,
            "reliable": bool(trusted),
        }
    if pattern is None:
        sentence = "No scored sessions in this period yet."
    elif pattern["reliable"]:
        sentence = (
            f"most productive: {pattern['weekday']} {pattern['hours']}, "
            f"avg score {pattern['avg_score']:.0f} over {plural(pattern['sessions'], 'session')}"
        )
    else:
        sentence = (
            f"not enough sessions for a pattern yet: the best so far is {pattern['weekday']} "
            f"{pattern['hours']}, avg score {pattern['avg_score']:.0f} over only "
            f"{plural(pattern['sessions'], 'session')} "
            f"(a pattern needs {min_sample})"
        )
    return {
        "period": {**period.to_dict(), "tz": zone_name(zone)},
        "cells": cells,
        "block_hours": BLOCK_HOURS,
        "min_sample": min_sample,
        "best": pattern,
        "pattern": sentence,
        "sessions": sum(c["n"] for c in cells),
    }
