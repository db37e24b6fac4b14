"""Analytics queries: totals and per-group aggregates computed by the database (GROUP BY),
never by loading every session into Python. Date parts come from `stint.store.dateparts`.

The queries are SQL text (`stint.store.sqltext`), written once and run by both read
paths: bare sqlite3 for `stint stats`/`compare` on SQLite (no SQLAlchemy to import and no
statement to compile, which cost more than the queries themselves), and a SQLAlchemy
connection under the Tracker and on PostgreSQL. They are the statements SQLAlchemy Core
compiled here before (tests/test_statsfast_paths.py runs both paths on one store).

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

from stint.model.redaction import redact
from stint.store import dateparts as dp
from stint.store import sqltext
from stint.store.bare import read_moment
from stint.store.sqltext import Binds

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
    "model": "sessions.ai_model",
    "agent": "sessions.agent",
    "branch": "sessions.branch",
    "environment": "sessions.environment",
    "kind": "sessions.kind",
}
# Statuses of sessions that did not happen (scheduled) or never will (cancelled).
SKIPPED = "('scheduled', 'cancelled')"
# The tags of the outer query's sessions (by tag, top tags).
_TAG_JOIN = "JOIN session_tags ON session_tags.session_id = sessions.id"


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


def where(org_id: str, scope: Scope, binds: Binds) -> str:
    """The WHERE clause (without the word) selecting the scope's sessions."""
    clauses = [
        f"sessions.org_id = {binds(org_id)}",
        "sessions.started_at IS NOT NULL",
        f"sessions.status NOT IN {SKIPPED}",
    ]
    if scope.start is not None:
        clauses.append(f"sessions.started_at >= {binds.moment(scope.start)}")
    if scope.end is not None:
        clauses.append(f"sessions.started_at < {binds.moment(scope.end)}")
    equals = dict(scope.equals)
    if scope.kind is not None:
        equals["kind"] = scope.kind
    if scope.project is not None:
        equals["project"] = scope.project
    if scope.tag is not None:
        equals["tag"] = scope.tag
    clauses += [_equals(org_id, key, value, binds) for key, value in equals.items()]
    return " AND ".join(clauses)


def _equals(org_id: str, key: str, value: str, binds: Binds) -> str:
    if key == "project":
        if not value:
            return "sessions.project_id IS NULL"
        # Names are stored redacted (RedactedString), so the value is compared so too.
        return (
            "sessions.project_id IN (SELECT projects.id FROM projects WHERE "
            f"projects.org_id = {binds(org_id)} AND projects.name = {binds(redact(value))})"
        )
    if key in ("user", "machine"):
        table, column = ("users", "user_id") if key == "user" else ("machines", "machine_id")
        if not value:
            return f"sessions.{column} IS NULL"
        return (
            f"sessions.{column} IN (SELECT {table}.id FROM {table} WHERE "
            f"{table}.org_id = {binds(org_id)} AND {table}.name = {binds(value)})"
        )
    if key == "tag":
        # An alias, so the subquery stays independent when the outer query joins tags.
        tags = (
            "SELECT * FROM session_tags AS filter_tags WHERE filter_tags.session_id = sessions.id"
        )
        if not value:
            return f"NOT (EXISTS ({tags}))"
        return f"(EXISTS ({tags} AND filter_tags.tag = {binds(redact(value))}))"
    column = COLUMN_GROUPS[key]
    return f"{column} IS NULL" if not value else f"{column} = {binds(value)}"


def _sum(expression: str, zero: str) -> str:
    return f"coalesce(sum({expression}), {zero})"


_HAS_GOAL = "sessions.goal IS NOT NULL AND sessions.goal != ''"
_ENDED = "sessions.ended_at IS NOT NULL"
_CHANNEL_SUMS = [
    # The time by channel the ended sessions stored (migration 0015; an open session and
    # one ended before it count 0 until `stint doctor --fix`).
    f"{_sum(f'sessions.{name}', '0.0')} AS {name}"
    for name in ("person_seconds", "agent_seconds", "both_seconds")
]
_ACTIVE = f"{_sum('coalesce(sessions.active_seconds, 0.0)', '0.0')} AS active_seconds"
_SCORE = "CAST(sessions.productivity_score AS FLOAT)"


def _count_if(condition: str, label: str) -> str:
    return f"count(CASE WHEN ({condition}) THEN 1 END) AS {label}"


def _aggregates(dialect: str) -> list[str]:
    duration = dp.seconds_between(dialect, "sessions.started_at", "sessions.ended_at")
    return [
        "count(*) AS sessions",
        "count(sessions.ended_at) AS ended_sessions",
        _ACTIVE,
        # Wall seconds of an ended session less its pauses (NULL while open).
        f"sum(CASE WHEN ({_ENDED}) THEN {duration} - sessions.paused_seconds END)"
        " AS duration_seconds",
        *_CHANNEL_SUMS,
        f"avg({_SCORE}) AS avg_score",
        f"sum({_SCORE}) AS score_sum",
        "count(sessions.productivity_score) AS scored_sessions",
        *[f"{_sum(f'sessions.{name}', '0')} AS {name}" for name in SUMMED],
        f"{_sum('sessions.cost_usd', '0.0')} AS cost_usd",
        _count_if(_HAS_GOAL, "goals_set"),
        _count_if(f"{_HAS_GOAL} AND sessions.outcome = 'achieved'", "goals_achieved"),
        _count_if(f"{_HAS_GOAL} AND sessions.outcome = 'partial'", "goals_partial"),
        _count_if(f"{_HAS_GOAL} AND sessions.outcome = 'not_achieved'", "goals_not_achieved"),
        _count_if(f"{_HAS_GOAL} AND {_ENDED}", "goals_ended"),
        _count_if(
            f"{_HAS_GOAL} AND {_ENDED} AND "
            "(sessions.outcome IS NULL OR sessions.outcome != 'achieved')",
            "goals_incomplete",
        ),
    ]


_COUNTS = [
    "count(*) AS sessions",
    f"sum({_SCORE}) AS score_sum",
    "count(sessions.productivity_score) AS scored_sessions",
]
_TOKENS = (
    "sessions.input_tokens + sessions.output_tokens"
    " + sessions.cache_creation_tokens + sessions.cache_read_tokens"
)
_GROUP_FIGURES = [
    *_COUNTS,
    _ACTIVE,
    *_CHANNEL_SUMS,
    *[
        f"{_sum(f'sessions.{name}', '0')} AS {name}"
        for name in ("tasks_created", "tasks_completed", "loc_added", "loc_removed", "commits_made")
    ],
    f"{_sum(_TOKENS, '0')} AS tokens",
    f"{_sum('sessions.cost_usd', '0.0')} AS cost_usd",
]


def _group_aggregates(level: str) -> list[str]:
    """Fewer figures per group: SQLite sorts every row with all its aggregated columns
    for a GROUP BY, so each column left out is time saved (see the benchmark)."""
    return _COUNTS if level == "counts" else _GROUP_FIGURES


def totals_query(dialect: str, org_id: str, scope: Scope) -> tuple[str, Binds]:
    binds = Binds(dialect)
    columns = ", ".join(_aggregates(dialect))
    return f"SELECT {columns} FROM sessions WHERE {where(org_id, scope, binds)}", binds


def totals(conn: Any, org_id: str, scope: Scope) -> dict[str, Any]:
    """Every summed and averaged figure over the scope, in one row."""
    (row,) = sqltext.mappings(conn, *totals_query(sqltext.dialect_of(conn), org_id, scope))
    return row


def started_range(conn: Any, org_id: str, scope: Scope) -> tuple[datetime | None, datetime | None]:
    """First and last start within the scope's dates (bounds for the time-zone segments;
    other filters are ignored, so the range may be wider than the sessions, never
    narrower). Two index look-ups on ix_sessions_org_started, not a scan."""
    binds = Binds(sqltext.dialect_of(conn))
    clauses = [f"sessions.org_id = {binds(org_id)}", "sessions.started_at IS NOT NULL"]
    if scope.start is not None:
        clauses.append(f"sessions.started_at >= {binds.moment(scope.start)}")
    if scope.end is not None:
        clauses.append(f"sessions.started_at < {binds.moment(scope.end)}")
    condition = " AND ".join(clauses)
    found = []
    for bound in ("min", "max"):
        sql = f"SELECT {bound}(sessions.started_at) FROM sessions WHERE {condition}"
        found.append(read_moment(sqltext.rows(conn, sql, binds)[0][0]))
    return found[0], found[1]


def _group_keys(dialect: str, by: str, segments: dp.Segments, binds: Binds) -> list[str]:
    """The key columns of a grouping, each `expression AS label`."""
    if by in COLUMN_GROUPS:
        return [f'{COLUMN_GROUPS[by]} AS "key"']
    named = {
        "project": "projects.name",
        "tag": "session_tags.tag",
        "user": "users.name",  # who pushed it (team sync); NULL for sessions on the server
        "machine": "machines.name",
    }
    if by in named:
        return [f'{named[by]} AS "key"']
    local = dp.local_seconds(dialect, "sessions.started_at", segments, binds)
    if by == "day":
        return [f'{dp.day_number(local)} AS "key"']
    if by == "week":
        return [f'{dp.week_number(local)} AS "key"']
    if by == "weekday":
        return [f'{dp.weekday(local)} AS "key"']
    if by == "hour":
        return [f'{dp.hour(local)} AS "key"']
    if by == "weekday-hour":
        return [f"{dp.weekday(local)} AS weekday", f"{dp.hour(local)} AS hour"]
    if by == "day-model":  # the statistics panel: everything it needs in one pass
        return [f"{dp.day_number(local)} AS day", "sessions.ai_model AS model"]
    raise ValueError(f"cannot group by {by!r}")


_SOURCES = {
    "project": "sessions LEFT OUTER JOIN projects ON projects.id = sessions.project_id",
    "tag": f"sessions {_TAG_JOIN}",
    "user": "sessions LEFT OUTER JOIN users ON users.id = sessions.user_id",
    "machine": "sessions LEFT OUTER JOIN machines ON machines.id = sessions.machine_id",
}


def grouped_query(
    dialect: str, org_id: str, scope: Scope, by: str, segments: dp.Segments, level: str
) -> tuple[str, Binds]:
    binds = Binds(dialect)
    keys = _group_keys(dialect, by, segments, binds)
    columns = ", ".join([*keys, *_group_aggregates(level)])
    # By position: the key expressions (and their parameters) are written once.
    positions = ", ".join(str(n) for n in range(1, len(keys) + 1))
    sql = (
        f"SELECT {columns} FROM {_SOURCES.get(by, 'sessions')} "
        f"WHERE {where(org_id, scope, binds)} GROUP BY {positions} ORDER BY {positions}"
    )
    return sql, binds


def grouped(
    conn: Any,
    org_id: str,
    scope: Scope,
    by: str,
    segments: dp.Segments,
    level: str = "groups",
) -> list[dict[str, Any]]:
    """One row of aggregates per group, ordered by key (NULL keys first on SQLite, last
    on PostgreSQL). `level` is "groups" (the per-group figures) or "counts" (sessions
    and score only)."""
    dialect = sqltext.dialect_of(conn)
    return sqltext.mappings(conn, *grouped_query(dialect, org_id, scope, by, segments, level))


def top_values(conn: Any, org_id: str, scope: Scope, by: str, limit: int) -> list[tuple[str, int]]:
    """The most frequent non-empty values of a column (model) or tags, with counts."""
    if by == "tag" and scope == Scope():
        return _top_tags_all(conn, org_id, limit)
    sql, binds = top_query(sqltext.dialect_of(conn), org_id, scope, by, limit)
    return [(str(value), int(count)) for value, count in sqltext.rows(conn, sql, binds)]


def _top_tags_all(conn: Any, org_id: str, limit: int) -> list[tuple[str, int]]:
    """Top tags over all time without joining every session: count the tags on the
    covering index ix_session_tags_tag, then take away the few sessions that do not
    count (scheduled, cancelled, never started), found through the status index."""
    binds = Binds(sqltext.dialect_of(conn))
    org = binds(org_id)
    everything = (
        "SELECT session_tags.tag, count(*) FROM session_tags "
        f"WHERE session_tags.org_id = {org} GROUP BY session_tags.tag"
    )
    counts = {str(tag): int(n) for tag, n in sqltext.rows(conn, everything, binds)}
    # Two queries, not one OR, so each can use its index.
    for condition in (
        f"sessions.status IN {SKIPPED}",
        f"sessions.started_at IS NULL AND sessions.status NOT IN {SKIPPED}",
    ):
        excluded = (
            f"SELECT session_tags.tag, count(*) FROM sessions {_TAG_JOIN} "
            f"WHERE sessions.org_id = {org} AND {condition} GROUP BY session_tags.tag"
        )
        for tag, count in sqltext.rows(conn, excluded, binds):
            counts[str(tag)] -= int(count)
    ranked = sorted(((t, n) for t, n in counts.items() if n > 0), key=lambda x: (-x[1], x[0]))
    return [(str(t), int(n)) for t, n in ranked[:limit]]


def top_query(dialect: str, org_id: str, scope: Scope, by: str, limit: int) -> tuple[str, Binds]:
    binds = Binds(dialect)
    if by == "tag":
        key, source, extra = "session_tags.tag", f"sessions {_TAG_JOIN}", ""
    else:
        key, source = COLUMN_GROUPS[by], "sessions"
        extra = f"{key} IS NOT NULL AND {key} != '' AND "
    sql = (
        f"SELECT {key}, count(*) FROM {source} WHERE {extra}{where(org_id, scope, binds)} "
        f"GROUP BY {key} ORDER BY count(*) DESC, {key} LIMIT {binds(limit)}"
    )
    return sql, binds
