"""Cohort figures for `stint compare --cohort`: the five per-session numbers each
cohort's distribution and rank test need, streamed in batches (distributions need the
values themselves, so this is the one place that reads per-session rows)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
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


def _by_query(org_id: str, scope: Scope, key: str, values: Sequence[str]) -> Select[Any]:
    column = COLUMN_GROUPS[key]
    return select(*_cohort_figures(), column).where(
        *where_clauses(org_id, scope), column.in_(list(values))
    )


def cohort_values_by(
    conn: Connection, org_id: str, scope: Scope, key: str, values: Sequence[str]
) -> dict[str, list[Sequence[tuple[Any, ...]]]]:
    """Cohorts that differ only in the value of one session column (model=a vs model=b):
    one query for all of them instead of one each, its rows split by that value in one
    pass (cheaper than an ORDER BY, which without an index on the column sorts every row
    in a temporary B-tree); returns one batch of rows per value. For models SQLite reads
    the covering index ix_sessions_cohorts rather than the wide session rows."""
    found: dict[str, list[tuple[Any, ...]]] = {value: [] for value in values}
    with conn.execute(_by_query(org_id, scope, key, values)) as result:
        # The DBAPI cursor's plain tuples: these columns need no result processing on
        # either backend, and wrapping every row in a Row costs a quarter of the fetch.
        # The key rides along as a sixth column; readers take the first five.
        for row in result.cursor.fetchall():
            found[row[-1]].append(row)
    return {value: [rows] for value, rows in found.items()}


def cohort_values(
    conn: Connection, org_id: str, scope: Scope
) -> Iterator[Sequence[tuple[Any, ...]]]:
    """Per-session figures of a cohort, only the five numbers a distribution needs
    (score, active seconds, cost, lines changed, task completion rate or NULL), streamed
    in batches of rows."""
    query = select(*_cohort_figures()).where(*where_clauses(org_id, scope))
    yield from conn.execution_options(yield_per=20_000).execute(query).partitions()


def explain_by(
    conn: Connection, org_id: str, scope: Scope, key: str, values: Sequence[str]
) -> list[str]:
    """SQLite's plan for `cohort_values_by` (for the benchmark): the EXPLAIN QUERY PLAN
    lines."""
    compiled = _by_query(org_id, scope, key, values).compile(
        conn, compile_kwargs={"literal_binds": True}
    )
    return [str(row[-1]) for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}")]
