"""Cohort figures for `stint compare --cohort`: the five per-session numbers each
cohort's distribution and rank test need, read in batches (distributions need the
values themselves, so this is the one place that reads per-session rows)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import Float, Select, case, cast, literal, select
from sqlalchemy.engine import Connection

from stint.store.analytics import COLUMN_GROUPS, S, Scope, where_clauses

COHORT_FIGURES = ("score", "active_seconds", "cost_usd", "lines", "task_completion")


def _cohort_figures() -> list[Any]:
    completion = case(
        (S.c.tasks_created > 0, cast(S.c.tasks_completed, Float) / S.c.tasks_created),
        else_=literal(None, Float),
    )
    return [
        S.c.productivity_score,
        S.c.active_seconds,
        S.c.cost_usd,
        S.c.loc_added + S.c.loc_removed,
        completion,
    ]


_BATCH = 20_000
# Cohort keys whose column follows org_id in a covering index (ix_sessions_cohorts): one
# index search per value reads only that cohort's rows, fewer than one scan for all.
_INDEXED_KEYS = {"model"}


def _rows(conn: Connection, query: Select[Any]) -> Iterator[Sequence[tuple[Any, ...]]]:
    """The rows of `query` in batches, as the DBAPI cursor's plain tuples: these columns
    need no result processing on either backend, and wrapping every row in a Row costs a
    quarter of the fetch. (With default execution options SQLAlchemy reads no row ahead
    of the cursor.)"""
    with conn.execute(query) as result:
        while batch := result.cursor.fetchmany(_BATCH):
            yield batch


def _by_query(org_id: str, scope: Scope, key: str, values: Sequence[str]) -> Select[Any]:
    column = COLUMN_GROUPS[key]
    return select(*_cohort_figures(), column).where(
        *where_clauses(org_id, scope), column.in_(list(values))
    )


def cohort_values_by(
    conn: Connection, org_id: str, scope: Scope, key: str, values: Sequence[str]
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
    for batch in _rows(conn, _by_query(org_id, scope, key, values)):
        # The key rides along as a sixth column; readers take the first five.
        for row in batch:
            found[row[-1]].append(row)
    return {value: [rows] for value, rows in found.items()}


def cohort_values(
    conn: Connection, org_id: str, scope: Scope
) -> Iterator[Sequence[tuple[Any, ...]]]:
    """Per-session figures of a cohort, only the five numbers a distribution needs
    (score, active seconds, cost, lines changed, task completion rate or NULL), in
    batches of rows."""
    yield from _rows(conn, _query(org_id, scope))


def _query(org_id: str, scope: Scope) -> Select[Any]:
    return select(*_cohort_figures()).where(*where_clauses(org_id, scope))


def _narrowed(scope: Scope, key: str, value: str) -> Scope:
    return replace(scope, equals={**scope.equals, key: value})


def explain_by(
    conn: Connection, org_id: str, scope: Scope, key: str, values: Sequence[str]
) -> list[str]:
    """SQLite's plan for `cohort_values_by` (for the benchmark): the EXPLAIN QUERY PLAN
    lines of its query, or of the first value's query for an indexed column."""
    if key in _INDEXED_KEYS:
        query = _query(org_id, _narrowed(scope, key, values[0]))
    else:
        query = _by_query(org_id, scope, key, values)
    compiled = query.compile(conn, compile_kwargs={"literal_binds": True})
    return [str(row[-1]) for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}")]
