"""What the dashboard pages show, computed from the Tracker: week totals, per-day series,
the weekday × hour grid, top tags and models, a session's timeline as chart data.

Days and hours are bucketed in Python in the server's local time zone, so a session at
23:30 counts on the day the person lived it."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from stint.model.timeparse import human_duration, utcnow
from stint.model.types import Activity, FileTouch, Session
from stint.tracker import Tracker

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
PERIODS = {"today": 1, "week": 7, "month": 30, "quarter": 90, "year": 365}


def local_zone() -> tzinfo:
    zone = datetime.now().astimezone().tzinfo
    assert zone is not None
    return zone


# How old the live card's measurement of the work tree may be: a `git status` per page
# was most of the overview's time, and the card itself is redrawn every 5 s. The session's
# own figures (from the store) are read afresh for every page.
LIVE_GIT_SECONDS = 1.0


def live_current(tracker: Tracker) -> Session | None:
    """The open session with its code change so far (the live card's lines and files);
    without its split by channel, which the card does not show and costs every event."""
    session = tracker.current(channels=False)
    return None if session is None else live_session(tracker, session)


def live_session(
    tracker: Tracker, session: Session, files: Sequence[FileTouch] | None = None
) -> Session:
    """`session` with the live card's code change so far (see `LIVE_GIT_SECONDS`);
    `files`: the session's files, when kept (they change only with the data)."""
    return tracker.live(session, files, reuse_seconds=LIVE_GIT_SECONDS)


def since_for(period: str | None, tz: tzinfo, now: datetime | None = None) -> datetime | None:
    """The start of a named period (`today` is since local midnight), None for all time."""
    if not period or period not in PERIODS:
        return None
    moment = (now or utcnow()).astimezone(tz)
    midnight = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight - timedelta(days=PERIODS[period] - 1)


def _epoch(day: date, tz: tzinfo) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=tz).timestamp())


def overview(tracker: Tracker, tz: tzinfo, days: int = 30) -> dict[str, Any]:
    """Everything the overview page shows, in a handful of light queries."""
    return {
        "current": live_current(tracker),
        "recent": tracker.sessions(limit=10),
        **overview_figures(tracker, tz, days),
    }


def figures_key(
    tracker: Tracker, tz: tzinfo, days: int = 30, now: datetime | None = None
) -> tuple[Any, ...]:
    """What `overview_figures` depends on besides the data: which store (a process may
    serve several: tests, benchmarks), whose figures (org, and the person a member's view
    is limited to), the zone and the local day they are cut by."""
    now = now or utcnow()
    today = now.astimezone(tz).date()
    whose = (id(tracker.store), tracker.org, tracker.only_user)
    return (*whose, tz, today, _odd_offset(tz, now), days)


def overview_figures(
    tracker: Tracker, tz: tzinfo, days: int = 30, now: datetime | None = None
) -> dict[str, Any]:
    """The overview's figures from the data alone (not from the clock beyond today's
    date): week totals, the per-day series, the weekday × hour grid, top tags and models.
    They change only with the data or the day, so the page may keep them (see `pages`)."""
    now = now or utcnow()
    today = now.astimezone(tz).date()
    first_day = today - timedelta(days=days - 1)
    heat_from = today - timedelta(days=89)
    since = datetime(heat_from.year, heat_from.month, heat_from.day, tzinfo=tz)
    tag_since = datetime(first_day.year, first_day.month, first_day.day, tzinfo=tz)
    hours, tags, models = tracker.dashboard_rows(since, tag_since, by_minute=_odd_offset(tz, now))
    per_day: dict[date, Counter[str]] = defaultdict(Counter)
    grid = [[0] * 24 for _ in range(7)]
    week_start = today - timedelta(days=today.weekday())
    week: Counter[str] = Counter()
    for row in hours:
        local = row["hour"].astimezone(tz)
        grid[local.weekday()][local.hour] += int(row["sessions"])
        figures = {
            "sessions": int(row["sessions"]),
            "cost": float(row["cost"] or 0.0),
            "tokens": int(row["tokens"] or 0),
            "active": float(row["active"] or 0.0),
            "tasks": int(row["tasks"] or 0),
            "lines": int(row["lines"] or 0),
        }
        if local.date() >= first_day:
            per_day[local.date()].update(figures)
        if local.date() >= week_start:
            week.update(figures)
    day_list = [first_day + timedelta(days=i) for i in range(days)]
    series = {
        "x": [_epoch(d, tz) for d in day_list],
        "sessions": [per_day[d]["sessions"] for d in day_list],
        "cost": [round(per_day[d]["cost"], 4) for d in day_list],
        "tokens": [per_day[d]["tokens"] for d in day_list],
    }
    peak = max((max(r) for r in grid), default=0)
    return {
        "week": {
            "sessions": week["sessions"],
            "active": human_duration(week["active"]),
            "cost": week["cost"],
            "tokens": week["tokens"],
            "tasks": week["tasks"],
            "lines": week["lines"],
        },
        "per_day": {
            "x": series["x"],
            "series": [{"label": "Sessions", "values": series["sessions"], "bars": True}],
        },
        "cost_tokens": {
            "x": series["x"],
            "series": [
                {"label": "Cost (USD)", "values": series["cost"], "scale": "usd"},
                {"label": "Tokens", "values": series["tokens"], "scale": "tokens"},
            ],
        },
        "heatmap": {"grid": grid, "peak": peak, "weekdays": WEEKDAYS},
        "top_tags": _bars(tags),
        "top_models": _bars(models),
    }


def _odd_offset(tz: tzinfo, now: datetime) -> bool:
    """True for zones whose offset is not whole hours (India, Nepal, parts of
    Australia…): whole UTC hours do not map onto their local hours."""
    offset = now.astimezone(tz).utcoffset()
    return offset is None or offset.total_seconds() % 3600 != 0


def _bars(pairs: list[tuple[str, int]]) -> list[dict[str, Any]]:
    top = max((n for _, n in pairs), default=0) or 1
    return [{"label": k, "value": n, "percent": round(100 * n / top)} for k, n in pairs]


def timeline_chart(activities: list[Activity]) -> dict[str, Any]:
    """Activities as points on a time axis, one row (and one series) per type; uPlot
    lets the reader drag to zoom and toggle types in the legend."""
    activities = sorted(activities, key=lambda a: a.occurred_at)  # uPlot needs ascending x
    types = sorted({a.type for a in activities})
    row_of = {t: i + 1 for i, t in enumerate(types)}
    xs = [a.occurred_at.timestamp() for a in activities]
    series = []
    for kind in types:
        values: list[int | None] = [row_of[kind] if a.type == kind else None for a in activities]
        series.append({"label": kind, "values": values, "points": True})
    return {"x": xs, "series": series, "rows": types}


def session_view(tracker: Tracker, session: Session) -> dict[str, Any]:
    """The session page: the seed summary plus everything recorded in the session."""
    activities = tracker.timeline(session.id)
    by_model = tracker.tokens_by_model(session.id)
    return {
        "s": session,
        "d": session.to_dict(),
        "quality": tracker.indicators(session),
        "files": tracker.files(session.id),
        "tasks": tracker.tasks(session.id),
        "decisions": tracker.decisions(session.id),
        "context": tracker.context_items(session.id),
        "commits": tracker.commits(session.id),
        "tokens_by_model": by_model,
        "activities": activities[-200:],
        "activity_count": len(activities),
        "timeline": timeline_chart(activities),
        "health": tracker.stored_health(session.id),
    }


def filter_choices(tracker: Tracker) -> dict[str, list[str]]:
    return tracker.filter_choices()


SORTS: dict[str, tuple[str, Any]] = {
    "newest": ("Newest", None),
    "score": ("Score", lambda s: s.score or 0.0),
    "duration": ("Duration", lambda s: s.duration_seconds),
    "active": ("Active time", lambda s: s.active_seconds),
    "cost": ("Cost", lambda s: float(s.cost_usd or 0.0)),
    "lines": ("Lines", lambda s: int(s.loc_added) + int(s.loc_removed)),
}


def sort_sessions(sessions: list[Session], sort: str) -> list[Session]:
    key = SORTS.get(sort, SORTS["newest"])[1]
    return sessions if key is None else sorted(sessions, key=key, reverse=True)
