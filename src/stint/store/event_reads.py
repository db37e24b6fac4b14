"""Reading the event log back: event times, a session's activities and files, and the
org's events streamed for the doctor. (`stint.store.events` writes it and re-exports
these.)"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.engine import Connection

from stint.model.channels import PAYLOAD_TYPES, ChannelEvent
from stint.model.types import Activity, FileTouch
from stint.store import schema

A = schema.activities
F = schema.session_files


def time_of(conn: Connection, org_id: str, key: str) -> datetime | None:
    found = conn.execute(
        select(A.c.occurred_at).where(A.c.org_id == org_id, A.c.idem_key == key)
    ).scalar()
    return found if isinstance(found, datetime) else None


def moments(conn: Connection, session_id: int) -> list[tuple[datetime, str]]:
    rows = conn.execute(
        select(A.c.occurred_at, A.c.type)
        .where(A.c.session_id == session_id)
        # Ties in arrival order: a pause and a resume at one instant mean what they did.
        .order_by(A.c.occurred_at, A.c.id)
    )
    return [(row[0], row[1]) for row in rows]


def channel_events(conn: Connection, session_id: int) -> list[ChannelEvent]:
    """What the channel split needs of a session's events, in time order; the payload
    only of the types whose channel depends on it."""
    payload = case((A.c.type.in_(PAYLOAD_TYPES), A.c.payload), else_=None)
    rows = conn.execute(
        select(A.c.occurred_at, A.c.type, A.c.source, A.c.ai_involved, payload)
        .where(A.c.session_id == session_id)
        .order_by(A.c.occurred_at, A.c.id)
    )
    return [ChannelEvent(at, kind, src or "", bool(ai), data) for at, kind, src, ai, data in rows]


def newest_first(conn: Connection, session_id: int) -> Generator[ChannelEvent, None, None]:
    """`channel_events` newest first, read only as far as the caller iterates."""
    payload = case((A.c.type.in_(PAYLOAD_TYPES), A.c.payload), else_=None)
    rows = conn.execute(
        select(A.c.occurred_at, A.c.type, A.c.source, A.c.ai_involved, payload)
        .where(A.c.session_id == session_id)
        .order_by(A.c.occurred_at.desc(), A.c.id.desc())
    )
    try:
        for at, kind, src, ai, data in rows:
            yield ChannelEvent(at, kind, src or "", bool(ai), data)
    finally:
        rows.close()


def latest_event(conn: Connection, session_id: int) -> ChannelEvent | None:
    """A session's latest event (with its payload), or None."""
    row = conn.execute(
        select(A.c.occurred_at, A.c.type, A.c.source, A.c.ai_involved, A.c.payload)
        .where(A.c.session_id == session_id)
        .order_by(A.c.occurred_at.desc(), A.c.id.desc())
        .limit(1)
    ).first()
    return None if row is None else ChannelEvent(row[0], row[1], row[2] or "", bool(row[3]), row[4])


def activities_of(
    conn: Connection, session_id: int, limit: int | None = None, newest_first: bool = False
) -> list[Activity]:
    order = (A.c.occurred_at.desc(), A.c.id.desc()) if newest_first else (A.c.occurred_at, A.c.id)
    query = select(A).where(A.c.session_id == session_id).order_by(*order)
    if limit is not None:
        query = query.limit(limit)
    return [Activity.from_row(row) for row in conn.execute(query).mappings()]


def files_of(conn: Connection, session_id: int, limit: int | None = None) -> list[FileTouch]:
    query = (
        select(F)
        .where(F.c.session_id == session_id)
        .order_by(
            (F.c.times_modified + F.c.times_mentioned).desc(),
            func.coalesce(F.c.git_lines_added, F.c.lines_added).desc(),
            F.c.path,
        )
    )
    if limit is not None:
        query = query.limit(limit)
    return [FileTouch.from_row(row) for row in conn.execute(query).mappings()]


def file_edit_count(conn: Connection, org_id: str, session_id: int) -> int:
    return int(
        conn.execute(
            select(func.coalesce(func.sum(F.c.times_modified), 0)).where(
                F.c.org_id == org_id, F.c.session_id == session_id
            )
        ).scalar_one()
    )


def stream_events(conn: Connection, org_id: str) -> Iterator[Any]:
    """Every event of the org in session order, streamed (the doctor's fold)."""
    query = (
        select(A.c.session_id, A.c.type, A.c.file_path, A.c.payload, A.c.occurred_at)
        .where(A.c.org_id == org_id)
        .order_by(A.c.session_id, A.c.id)
        .execution_options(yield_per=5000)
    )
    yield from conn.execute(query)
