"""Analytics queries: totals and per-group aggregates computed by the database (GROUP BY),
never by loading every session into Python. Date parts come from `stint.store.dateparts`.

Which sessions count: those that started and were not cancelled (scheduled sessions have
not happened). A session belongs to the day/hour it *started* in, local time; one that
spans midnight counts on the day it began. Open sessions count, but their active time and
score are filled in only when they end (both are stored at the end).

Query plans (SQLite, 100k sessions, benchmarks/stats_scale.py --explain, after ANALYZE):
    totals, all time:          SCAN sessions
    totals, bounded period:    SEARCH sessions USING INDEX ix_sessions_analytics
                               (org_id=? AND started_at>? AND started_at<?)
    by weekday-hour / day-model counts:
                               SEARCH sessions USING COVERING INDEX ix_sessions_analytics
                               (org_id=? AND started_at>?); USE TEMP B-TREE FOR GROUP BY
    by tag:                    … SEARCH session_tags USING COVERING INDEX
                               sqlite_autoindex_session_tags_1 (session_id=?)
    top tags, all time:        SEARCH session_tags USING COVERING INDEX ix_session_tags_tag
The covering index (migration 0002) halves the counting queries: the session rows are
wide (80 columns) and reaching the late ones dominates a scan. Every GROUP BY sorts its
rows with all aggregated columns, so the per-group queries aggregate only what they show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Float, and_, case, cast, exists, func, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import ColumnElement

from stint.store import dateparts as dp
from stint.store import schema

S = schema.sessions
P = schema.projects
T = schema.session_tags
U = schema.users
M = schema.machines
SUMMED = (
    "tasks_created",
    "tasks_completed",
    "decisions_made",
    "context_items_added",
    "loc_added",
    "loc_removed",
    "files_modified",
    "commits_made",
    "message_count",
    "tool_call_count",
    "tool_failures",
    "memories_used",
    "input_tokens",
    "output_tokens",
    "cache_creation_tokens",
    "cache_read_tokens",
)
GROUPS = (
    "day",
    "week",
    "weekday",
    "hour",
    "weekday-hour",
    "tag",
    "model",
    "agent",
    "project",
    "branch",
    "environment",
    "kind",
    "user",
    "machine",
)
# Group keys that are plain session columns.
COLUMN_GROUPS = {
    "model": S.c.ai_model,
    "agent": S.c.agent,
    "branch": S.c.branch,
    "environment": S.c.environment,
    "kind": S.c.kind,
}


@dataclass
class Scope:
    """Which sessions: a UTC range on `started_at` and equality filters. A filter value of
    "" means "not set" (NULL)."""

    start: datetime | None = None
    end: datetime | None = None
    project: str | None = None
    tag: str | None = None
    kind: str | None = None
    equals: dict[str, str] = field(default_factory=dict)


def where_clauses(org_id: str, scope: Scope) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = [
        S.c.org_id == org_id,
        S.c.started_at.is_not(None),
        S.c.status.not_in(("scheduled", "cancelled")),
    ]
    if scope.start is not None:
        clauses.append(S.c.started_at >= scope.start)
    if scope.end is not None:
        clauses.append(S.c.started_at < scope.end)
    equals = dict(scope.equals)
    if scope.kind is not None:
        equals["kind"] = scope.kind
    if scope.project is not None:
        equals["project"] = scope.project
    if scope.tag is not None:
        equals["tag"] = scope.tag
    for key, value in equals.items():
        clauses.append(_equals(org_id, key, value))
    return clauses


def _equals(org_id: str, key: str, value: str) -> ColumnElement[bool]:
    if key == "project":
        if not value:
            return S.c.project_id.is_(None)
        ids = select(P.c.id).where(P.c.org_id == org_id, P.c.name == value)
        return S.c.project_id.in_(ids.scalar_subquery())
    if key in ("user", "machine"):
        table, column = (U, S.c.user_id) if key == "user" else (M, S.c.machine_id)
        if not value:
            return column.is_(None)
        named = select(table.c.id).where(table.c.org_id == org_id, table.c.name == value)
        return column.in_(named.scalar_subquery())
    if key == "tag":
        # An alias, so the subquery stays independent when the outer query joins tags.
        other = T.alias("filter_tags")
        if not value:
            return ~exists().where(other.c.session_id == S.c.id)
        return exists().where(other.c.session_id == S.c.id, other.c.tag == value)
    column = COLUMN_GROUPS[key]
    return column.is_(None) if not value else column == value


def _duration(dialect: str) -> ColumnElement[float]:
    """Wall seconds of an ended session less its pauses (NULL while open)."""
    return case(
        (
            S.c.ended_at.is_not(None),
            dp.seconds_between(dialect, S.c.started_at, S.c.ended_at) - S.c.paused_seconds,
        ),
        else_=None,
    )


def _has_goal() -> ColumnElement[bool]:
    return and_(S.c.goal.is_not(None), S.c.goal != "")


def _aggregates(dialect: str) -> list[Any]:
    achieved = and_(_has_goal(), S.c.outcome == "achieved")
    return [
        func.count().label("sessions"),
        func.count(S.c.ended_at).label("ended_sessions"),
        func.coalesce(func.sum(func.coalesce(S.c.active_seconds, 0.0)), 0.0).label(
            "active_seconds"
        ),
        func.sum(_duration(dialect)).label("duration_seconds"),
        *_channel_sums(),
        func.avg(cast(S.c.productivity_score, Float)).label("avg_score"),
        func.sum(cast(S.c.productivity_score, Float)).label("score_sum"),
        func.count(S.c.productivity_score).label("scored_sessions"),
        *[func.coalesce(func.sum(S.c[name]), 0).label(name) for name in SUMMED],
        func.coalesce(func.sum(S.c.cost_usd), 0.0).label("cost_usd"),
        func.count(case((_has_goal(), 1))).label("goals_set"),
        func.count(case((achieved, 1))).label("goals_achieved"),
        func.count(case((and_(_has_goal(), S.c.outcome == "partial"), 1))).label("goals_partial"),
        func.count(case((and_(_has_goal(), S.c.outcome == "not_achieved"), 1))).label(
            "goals_not_achieved"
        ),
        func.count(case((and_(_has_goal(), S.c.ended_at.is_not(None)), 1))).label("goals_ended"),
        func.count(
            case(
                (
                    and_(
                        _has_goal(),
                        S.c.ended_at.is_not(None),
                        or_(S.c.outcome.is_(None), S.c.outcome != "achieved"),
                    ),
                    1,
                )
            )
        ).label("goals_incomplete"),
    ]


def _channel_sums() -> list[Any]:
    """The time by channel the ended sessions stored (migration 0015; an open session
    and one ended before it count 0 until `stint doctor --fix`)."""
    return [
        func.coalesce(func.sum(S.c[name]), 0.0).label(name)
        for name in ("person_seconds", "agent_seconds", "both_seconds")
    ]


def _group_aggregates(level: str) -> list[Any]:
    """Fewer figures per group: SQLite sorts every row with all its aggregated columns
    for a GROUP BY, so each column left out is time saved (see the benchmark)."""
    counts = [
        func.count().label("sessions"),
        func.sum(cast(S.c.productivity_score, Float)).label("score_sum"),
        func.count(S.c.productivity_score).label("scored_sessions"),
    ]
    if level == "counts":
        return counts
    return [
        *counts,
        func.coalesce(func.sum(func.coalesce(S.c.active_seconds, 0.0)), 0.0).label(
            "active_seconds"
        ),
        *_channel_sums(),
        func.coalesce(func.sum(S.c.tasks_created), 0).label("tasks_created"),
        func.coalesce(func.sum(S.c.tasks_completed), 0).label("tasks_completed"),
        func.coalesce(func.sum(S.c.loc_added), 0).label("loc_added"),
        func.coalesce(func.sum(S.c.loc_removed), 0).label("loc_removed"),
        func.coalesce(func.sum(S.c.commits_made), 0).label("commits_made"),
        func.coalesce(
            func.sum(
                S.c.input_tokens
                + S.c.output_tokens
                + S.c.cache_creation_tokens
                + S.c.cache_read_tokens
            ),
            0,
        ).label("tokens"),
        func.coalesce(func.sum(S.c.cost_usd), 0.0).label("cost_usd"),
    ]


def _totals_query(dialect: str, org_id: str, scope: Scope) -> Select[Any]:
    return select(*_aggregates(dialect)).where(*where_clauses(org_id, scope))


def totals(conn: Connection, org_id: str, scope: Scope) -> dict[str, Any]:
    """Every summed and averaged figure over the scope, in one row."""
    query = _totals_query(conn.dialect.name, org_id, scope)
    return dict(conn.execute(query).mappings().one())


def started_range(
    conn: Connection, org_id: str, scope: Scope
) -> tuple[datetime | None, datetime | None]:
    """First and last start within the scope's dates (bounds for the time-zone segments;
    other filters are ignored, so the range may be wider than the sessions, never
    narrower). Two index look-ups on ix_sessions_org_started, not a scan."""
    where = [S.c.org_id == org_id, S.c.started_at.is_not(None)]
    if scope.start is not None:
        where.append(S.c.started_at >= scope.start)
    if scope.end is not None:
        where.append(S.c.started_at < scope.end)
    # min/max keep the column's type, so these come back as aware UTC datetimes.
    first = conn.execute(select(func.min(S.c.started_at)).where(*where)).scalar()
    last = conn.execute(select(func.max(S.c.started_at)).where(*where)).scalar()
    return first, last


def _group_keys(dialect: str, by: str, segments: dp.Segments) -> list[Any]:
    if by in COLUMN_GROUPS:
        return [COLUMN_GROUPS[by].label("key")]
    if by == "project":
        return [P.c.name.label("key")]
    if by == "tag":
        return [T.c.tag.label("key")]
    if by == "user":  # who pushed it (team sync); NULL for sessions recorded on the server
        return [U.c.name.label("key")]
    if by == "machine":
        return [M.c.name.label("key")]
    local = dp.local_seconds(dialect, S.c.started_at, segments)
    if by == "day":
        return [dp.day_number(local).label("key")]
    if by == "week":
        return [dp.week_number(local).label("key")]
    if by == "weekday":
        return [dp.weekday(local).label("key")]
    if by == "hour":
        return [dp.hour(local).label("key")]
    if by == "weekday-hour":
        return [dp.weekday(local).label("weekday"), dp.hour(local).label("hour")]
    if by == "day-model":  # the statistics panel: everything it needs in one pass
        return [dp.day_number(local).label("day"), S.c.ai_model.label("model")]
    raise ValueError(f"cannot group by {by!r}")


def grouped(
    conn: Connection,
    org_id: str,
    scope: Scope,
    by: str,
    segments: dp.Segments,
    level: str = "groups",
) -> list[dict[str, Any]]:
    """One row of aggregates per group, ordered by key (NULL keys first). `level` is
    "groups" (the per-group figures) or "counts" (sessions and score only)."""
    query = _grouped_query(conn.dialect.name, org_id, scope, by, segments, level)
    return [dict(row) for row in conn.execute(query).mappings()]


def _grouped_query(
    dialect: str, org_id: str, scope: Scope, by: str, segments: dp.Segments, level: str
) -> Select[Any]:
    keys = _group_keys(dialect, by, segments)
    source: Any = S
    if by == "project":
        source = S.outerjoin(P, P.c.id == S.c.project_id)
    elif by == "tag":
        source = S.join(T, T.c.session_id == S.c.id)
    elif by == "user":
        source = S.outerjoin(U, U.c.id == S.c.user_id)
    elif by == "machine":
        source = S.outerjoin(M, M.c.id == S.c.machine_id)
    query: Select[Any] = (
        select(*keys, *_group_aggregates(level))
        .select_from(source)
        .where(*where_clauses(org_id, scope))
        .group_by(*[k.element for k in keys])
        .order_by(*[k.element for k in keys])
    )
    return query


def top_values(
    conn: Connection, org_id: str, scope: Scope, by: str, limit: int
) -> list[tuple[str, int]]:
    """The most frequent non-empty values of a column (model) or tags, with counts."""
    if by == "tag" and scope == Scope():
        return _top_tags_all(conn, org_id, limit)
    query = _top_query(org_id, scope, by, limit)
    return [(str(value), int(count)) for value, count in conn.execute(query)]


def _top_tags_all(conn: Connection, org_id: str, limit: int) -> list[tuple[str, int]]:
    """Top tags over all time without joining every session: count the tags on the
    covering index ix_session_tags_tag, then take away the few sessions that do not
    count (scheduled, cancelled, never started), found through the status index."""
    everything = select(T.c.tag, func.count()).where(T.c.org_id == org_id).group_by(T.c.tag)
    counts: dict[str, int] = {str(tag): int(n) for tag, n in conn.execute(everything)}
    skipped = ("scheduled", "cancelled")
    # Two queries, not one OR, so each can use its index.
    for condition in (
        S.c.status.in_(skipped),
        and_(S.c.started_at.is_(None), S.c.status.not_in(skipped)),
    ):
        excluded = conn.execute(
            select(T.c.tag, func.count())
            .select_from(S.join(T, T.c.session_id == S.c.id))
            .where(S.c.org_id == org_id, condition)
            .group_by(T.c.tag)
        )
        for tag, count in excluded:
            counts[str(tag)] -= int(count)
    ranked = sorted(((t, n) for t, n in counts.items() if n > 0), key=lambda x: (-x[1], x[0]))
    return [(str(t), int(n)) for t, n in ranked[:limit]]


def _top_query(org_id: str, scope: Scope, by: str, limit: int) -> Select[Any]:
    if by == "tag":
        key: Any = T.c.tag
        query = select(key, func.count()).select_from(S.join(T, T.c.session_id == S.c.id))
    else:
        key = COLUMN_GROUPS[by]
        query = select(key, func.count()).where(key.is_not(None), key != "")
    query = (
        query.where(*where_clauses(org_id, scope))
        .group_by(key)
        .order_by(func.count().desc(), key)
        .limit(limit)
    )
    return query


def explain(
    conn: Connection, org_id: str, scope: Scope, segments: dp.Segments
) -> dict[str, list[str]]:
    """SQLite's plans for the main analytics queries (for the benchmark and for checking
    that an index is used): name -> the EXPLAIN QUERY PLAN lines."""
    dialect = conn.dialect.name
    queries = {
        "totals": _totals_query(dialect, org_id, scope),
        "by weekday-hour": _grouped_query(
            dialect, org_id, scope, "weekday-hour", segments, "counts"
        ),
        "by tag": _grouped_query(dialect, org_id, scope, "tag", segments, "groups"),
        "top tags": _top_query(org_id, scope, "tag", 5),
    }
    plans = {}
    for name, query in queries.items():
        compiled = query.compile(conn, compile_kwargs={"literal_binds": True})
        rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}")
        plans[name] = [str(row[-1]) for row in rows]
    return plans
