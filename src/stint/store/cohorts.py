"""Cohort figures for `stint compare --cohort`: the five per-session numbers each
cohort's distribution and rank test need, streamed in batches (distributions need the
values themselves, so this is the one place that reads per-session rows)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import Float, case, cast, literal, select
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


def cohort_values_by(
    conn: Connection, org_id: str, scope: Scope, key: str, values: Sequence[str]
) -> dict[str, list[Sequence[tuple[Any, ...]]]]:
    """Cohorts that differ only in the value of one session column (model=a vs model=b):
    one scan for all of them instead of one each. Sorted by that value so each batch
    splits into runs without a Python loop per row; returns batches per value."""
    column = COLUMN_GROUPS[key]
    query = (
        select(*_cohort_figures(), column)
        .where(*where_clauses(org_id, scope), column.in_(list(values)))
        .order_by(column)
    )
    found: dict[str, list[Sequence[tuple[Any, ...]]]] = {value: [] for value in values}
    for batch in conn.execution_options(yield_per=20_000).execute(query).partitions():
        # The key rides along as a sixth column; readers take the first five.
        for value, rows in groupby(batch, key=itemgetter(len(COHORT_FIGURES))):
            found[value].append(list(rows))
    return found


def cohort_values(
    conn: Connection, org_id: str, scope: Scope
) -> Iterator[Sequence[tuple[Any, ...]]]:
    """Per-session figures of a cohort, only the five numbers a distribution needs
    (score, active seconds, cost, lines changed, task completion rate or NULL), streamed
    in batches of rows."""
    query = select(*_cohort_figures()).where(*where_clauses(org_id, scope))
    yield from conn.execution_options(yield_per=20_000).execute(query).partitions()
