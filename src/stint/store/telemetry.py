"""OpenTelemetry metric points per session (`telemetry_metrics`) and their totals.

A delta point is stored once per (stream, interval): a re-sent batch inserts nothing. A
cumulative stream (its start time is part of the stream, so a restarted exporter is a
new one) is one row holding its latest value: a newer point replaces it, an older or
re-sent one changes nothing. A session's total is the sum of its rows by `total`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from stint.store import Store, schema

T = schema.telemetry_metrics


@dataclass(frozen=True)
class Point:
    """One metric point as stored: `key` (delta: stream and interval; cumulative: the
    stream), the total it adds to, its value and time."""

    key: str
    total: str
    value: float
    cumulative: bool
    time_ns: int


def add_points(
    store: Store, conn: Connection, org_id: str, session_id: int, points: Iterable[Point]
) -> None:
    latest: dict[str, Point] = {}
    for point in points:  # one row per key in a statement (the upsert touches a row once)
        known = latest.get(point.key)
        if known is None or point.time_ns >= known.time_ns:
            latest[point.key] = point
    rows = [
        {
            "org_id": org_id,
            "session_id": session_id,
            "point_key": p.key,
            "total": p.total,
            "value": p.value,
            "cumulative": p.cumulative,
            "time_ns": p.time_ns,
        }
        for p in latest.values()
    ]
    if rows:
        conn.execute(_upsert(store), rows)


def _upsert(store: Store) -> Any:
    statement = store.dialect_insert(T)
    newer = statement.excluded.time_ns > T.c.time_ns
    # Deltas never change once stored (same key, same figures); a cumulative stream
    # takes its newer value.
    return statement.on_conflict_do_update(
        index_elements=["org_id", "session_id", "point_key"],
        set_={"value": statement.excluded.value, "time_ns": statement.excluded.time_ns},
        where=newer & T.c.cumulative,
    )


def totals(conn: Connection, org_id: str, session_id: int) -> dict[str, float]:
    """The session's metric totals by name (`input_tokens`, `lines_added`, …)."""
    rows = conn.execute(
        select(T.c.total, func.sum(T.c.value))
        .where(T.c.org_id == org_id, T.c.session_id == session_id)
        .group_by(T.c.total)
    )
    return {str(name): float(value) for name, value in rows}
