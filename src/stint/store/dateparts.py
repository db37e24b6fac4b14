"""Dialect-specific date parts in one place: local time, weekday, hour, day, week, seconds,
as SQL text for `stint.store.analytics` (both read paths run that text).

Grouping by day, weekday or hour happens in the user's local time zone. Neither backend is
asked to know that zone: Python works out the zone's UTC offsets over the queried range
(`stint.analytics.periods.offset_segments`, DST transitions included) and the query shifts
each UTC timestamp by the offset in force at that moment with a CASE over the segment
boundaries. So SQLite (which has no time-zone database) and PostgreSQL (whose session
TimeZone must not leak into results) give the same answers, and a period that crosses a
DST change groups sessions on both sides of it correctly.

Everything after `local_seconds` is integer arithmetic on whole seconds (`/` divides
integers as integers on both backends), cheaper on SQLite than its date functions.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import datetime

from stint.store.sqltext import Binds

Segments = Sequence[tuple[datetime | None, int]]
"""(start of segment in UTC or None for "since ever", UTC offset in seconds), in order."""


def offset_expr(column: str, segments: Segments, binds: Binds) -> str:
    """The UTC offset (seconds) in force at `column`."""
    if len(segments) == 1:
        return str(int(segments[0][1]))
    whens = " ".join(
        f"WHEN {column} < {binds.moment(start)} THEN {int(offset)}"  # type: ignore[arg-type]
        for (_, offset), (start, _) in itertools.pairwise(segments)
    )
    return f"CASE {whens} ELSE {int(segments[-1][1])} END"


def epoch(dialect: str, column: str) -> str:
    """Whole seconds since 1970-01-01 UTC (fractions dropped, never rounded up)."""
    if dialect == "sqlite":
        return f"CAST(strftime('%s', {column}) AS INTEGER)"
    return f"CAST(floor(EXTRACT(epoch FROM {column})) AS BIGINT)"


def local_seconds(dialect: str, column: str, segments: Segments, binds: Binds) -> str:
    """`column` as seconds since 1970-01-01 00:00 *local* time."""
    return f"({epoch(dialect, column)} + {offset_expr(column, segments, binds)})"


def day_number(local: str) -> str:
    """Local days since 1970-01-01 (a Thursday)."""
    return f"({local} / 86400)"


def weekday(local: str) -> str:
    """0 = Monday … 6 = Sunday."""
    return f"(({day_number(local)} + 3) % 7)"


def hour(local: str) -> str:
    return f"(({local} % 86400) / 3600)"


def week_number(local: str) -> str:
    """The day number of the Monday starting the week holding `local`."""
    return f"({day_number(local)} - {weekday(local)})"


def seconds_between(dialect: str, start: str, end: str) -> str:
    if dialect == "sqlite":
        return f"((julianday({end}) - julianday({start})) * 86400.0)"
    return f"CAST(EXTRACT(epoch FROM {end} - {start}) AS FLOAT)"
