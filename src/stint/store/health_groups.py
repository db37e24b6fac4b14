"""Code health across sessions (issue 15) for the analytics: the mean complexity delta per
group of `stats --by`, and each cohort's complexity deltas. SQL text run by both read
paths, as `stint.store.analytics`."""

from __future__ import annotations

from typing import Any

from stint.store import sqltext
from stint.store.analytics import COLUMN_GROUPS, Scope, where
from stint.store.sqltext import Binds

_MEASURED = "JOIN session_health ON session_health.session_id = sessions.id"


def deltas_query(dialect: str, org_id: str, scope: Scope, by: str) -> tuple[str, Binds] | None:
    if by in COLUMN_GROUPS:
        key, source = COLUMN_GROUPS[by], f"sessions {_MEASURED}"
    elif by == "tag":
        key = "session_tags.tag"
        source = f"sessions {_MEASURED} JOIN session_tags ON session_tags.session_id = sessions.id"
    else:
        return None
    binds = Binds(dialect)
    sql = (
        f'SELECT {key} AS "key", count(*) AS health_sessions, '
        "avg(CAST(session_health.ccn_delta AS FLOAT)) AS mean_ccn_delta, "
        "coalesce(sum(session_health.complex_added), 0) AS complex_added "
        f"FROM {source} WHERE {where(org_id, scope, binds)} "
        f"AND session_health.status = 'measured' GROUP BY {key}"
    )
    return sql, binds


def deltas_by(conn: Any, org_id: str, scope: Scope, by: str) -> dict[Any, dict[str, Any]]:
    """Per group key (model, agent, …, or tag): how many sessions were measured, their mean
    complexity delta and the functions over the threshold they added."""
    query = deltas_query(sqltext.dialect_of(conn), org_id, scope, by)
    if query is None:
        return {}
    return {row["key"]: row for row in sqltext.mappings(conn, *query)}


def cohort_deltas(conn: Any, org_id: str, scope: Scope) -> list[int]:
    """The complexity delta of each measured session in the scope (a cohort)."""
    binds = Binds(sqltext.dialect_of(conn))
    sql = (
        f"SELECT session_health.ccn_delta FROM sessions {_MEASURED} "
        f"WHERE {where(org_id, scope, binds)} AND session_health.status = 'measured'"
    )
    return [int(row[0]) for row in sqltext.rows(conn, sql, binds)]
