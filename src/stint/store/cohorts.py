"""Cohort figures for `stint compare --cohort`: the five per-session numbers each
cohort's distribution and rank test need, read in batches (distributions need the
values themselves, so this is the one place that reads per-session rows). SQL text run
by both read paths, as `stint.store.analytics`."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

from stint.store import sqltext
from stint.store.analytics import COLUMN_GROUPS, Scope, where
from stint.store.sqltext import Binds

COHORT_FIGURES = ("score", "active_seconds", "cost_usd", "lines", "task_completion")
_FIGURES = (
    "sessions.productivity_score, sessions.active_seconds, sessions.cost_usd, "
    "sessions.loc_added + sessions.loc_removed, "
    "CASE WHEN (sessions.tasks_created > 0) "
    "THEN CAST(sessions.tasks_completed AS FLOAT) / sessions.tasks_created END"
)

# Cohort keys whose column follows org_id in a covering index (ix_sessions_cohorts): one
# index search per value reads only that cohort's rows, fewer than one scan for all.
_INDEXED_KEYS = {"model"}


def by_query(
    dialect: str, org_id: str, scope: Scope, key: str, values: Sequence[str]
) -> tuple[str, Binds]:
    binds = Binds(dialect)
    column = COLUMN_GROUPS[key]
    sql = (
        f"SELECT {_FIGURES}, {column} FROM sessions WHERE {where(org_id, scope, binds)} "
        f"AND {column} IN ({binds.many(values)})"
    )
    return sql, binds


def cohort_values_by(
    conn: Any, org_id: str, scope: Scope, key: str, values: Sequence[str]
) -> dict[str, list[Sequence[tuple[Any, ...]]]]:
    """Cohorts that differ only in the value of one session column (model=a vs model=b);
    returns the batches of rows per value. For a model: one index search per value. For
    the other columns: one scan for all the values instead of one each, its rows split
    by value in one pass (cheaper than an ORDER BY, which sorts every row in a temporary
    B-tree)."""
    if key in _INDEXED_KEYS:
        return {
            value: list(cohort_values(conn, org_id, _narrowed(scope, key, value)))
            for value in values
        }
    found: dict[str, list[tuple[Any, ...]]] = {value: [] for value in values}
    query = by_query(sqltext.dialect_of(conn), org_id, scope, key, values)
    for batch in sqltext.batches(conn, *query):
        # The key rides along as a sixth column; readers take the first five.
        for row in batch:
            found[row[-1]].append(row)
    return {value: [rows] for value, rows in found.items()}


def cohort_values(conn: Any, org_id: str, scope: Scope) -> Iterator[Sequence[tuple[Any, ...]]]:
    """Per-session figures of a cohort, only the five numbers a distribution needs
    (score, active seconds, cost, lines changed, task completion rate or NULL), in
    batches of rows."""
    yield from sqltext.batches(conn, *values_query(sqltext.dialect_of(conn), org_id, scope))


def values_query(dialect: str, org_id: str, scope: Scope) -> tuple[str, Binds]:
    binds = Binds(dialect)
    return f"SELECT {_FIGURES} FROM sessions WHERE {where(org_id, scope, binds)}", binds


def _narrowed(scope: Scope, key: str, value: str) -> Scope:
    return replace(scope, equals={**scope.equals, key: value})
