"""Dialect-specific date parts in one place: local time, weekday, hour, day, week, seconds.

Grouping by day, weekday or hour happens in the user's local time zone. Neither backend is
asked to know that zone: Python works out the zone's UTC offsets over the queried range
(`stint.analytics.periods.offset_segments`, DST transitions included) and the query shifts
each UTC timestamp by the offset in force at that moment with a CASE over the segment
boundaries. So SQLite (which has no time-zone database) and PostgreSQL (whose session
TimeZone must not leak into results) give the same answers, and a period that crosses a
DST change groups sessions on both sides of it correctly.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Float, Integer, case, cast, func, literal
from sqlalchemy.sql.elements import ColumnElement

Segments = Sequence[tuple[datetime | None, int]]
"""(start of segment in UTC or None for "since ever", UTC offset in seconds), in order."""


def offset_expr(column: Any, segments: Segments) -> ColumnElement[Any]:
    """The UTC offset (seconds) in force at `column`, as an SQL expression."""
    if len(segments) == 1:
        return literal(segments[0][1], Integer)
    whens = [(column < start, offset) for (_, offset), (start, _) in itertools.pairwise(segments)]
    return case(*whens, else_=segments[-1][1])


def epoch(dialect: str, column: Any) -> ColumnElement[int]:
    """Whole seconds since 1970-01-01 UTC (fractions dropped, never rounded up)."""
    if dialect == "sqlite":
        return cast(func.strftime("%s", column), Integer)
    return cast(func.floor(func.extract("epoch", column)), BigInteger)


def local_seconds(dialect: str, column: Any, segments: Segments) -> ColumnElement[int]:
    """`column` as seconds since 1970-01-01 00:00 *local* time. Everything below is
    integer arithmetic on this, the same SQL on both backends (and cheaper on SQLite than
    its date functions, which matters at 100k sessions)."""
    return epoch(dialect, column) + offset_expr(column, segments)


def day_number(local: ColumnElement[int]) -> ColumnElement[int]:
    """Local days since 1970-01-01 (a Thursday)."""
    return local // 86400


def weekday(local: ColumnElement[int]) -> ColumnElement[int]:
    """0 = Monday … 6 = Sunday."""
    return (day_number(local) + 3) % 7


def hour(local: ColumnElement[int]) -> ColumnElement[int]:
    return (local % 86400) // 3600


def week_number(local: ColumnElement[int]) -> ColumnElement[int]:
    """The day number of the Monday starting the week holding `local`."""
    return day_number(local) - weekday(local)


def seconds_between(dialect: str, start: Any, end: Any) -> ColumnElement[float]:
    if dialect == "sqlite":
        return (func.julianday(end) - func.julianday(start)) * 86400.0
    return cast(func.extract("epoch", end - start), Float)
