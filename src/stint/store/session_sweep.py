"""Which sessions are open and which went quiet: the reader's open sessions, and the
sweep's questions — stale (no event, no presence since a moment), recently active but
unseen, and both at once — for one org or every org.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import case, or_, select
from sqlalchemy.engine import Connection

from stint.model.types import OPEN_STATUSES
from stint.store import schema

S = schema.sessions


def open_sessions(conn: Connection, org_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(
            S.c.id,
            S.c.project_id,
            S.c.agent,
            S.c.agent_session_id,
            S.c.last_activity_at,
            # Whose and where: the reader scopes and matches `cwd` without reading each row.
            S.c.user_id,
            S.c.repo_root,
            S.c.cwd,
        )
        .where(S.c.org_id == org_id, S.c.status.in_(OPEN_STATUSES))
        .order_by(S.c.last_activity_at.desc(), S.c.id.desc())
    ).mappings()
    return [dict(row) for row in rows]


def stale_sessions_of_every_org(conn: Connection, idle_before: datetime) -> list[tuple[str, int]]:
    """(org, session id) of `stale_open_sessions` across the store's orgs, in one query."""
    rows = conn.execute(
        select(S.c.org_id, S.c.id)
        .where(
            S.c.status == "active",
            S.c.last_activity_at < idle_before,
            or_(S.c.seen_at.is_(None), S.c.seen_at < idle_before),
        )
        .order_by(S.c.org_id, S.c.id)
    )
    return [(str(row[0]), int(row[1])) for row in rows]


def orgs_with_open_sessions(conn: Connection) -> list[str]:
    """The orgs that have an active session (the ones a sweep of every org looks into)."""
    rows = conn.execute(select(S.c.org_id).where(S.c.status == "active").distinct())
    return sorted(str(row[0]) for row in rows)


def stale_open_sessions(conn: Connection, org_id: str, idle_before: datetime) -> list[int]:
    """Active sessions with neither an event nor presence (`seen_at`) since `idle_before`."""
    rows = conn.execute(
        select(S.c.id).where(
            S.c.org_id == org_id,
            S.c.status == "active",
            S.c.last_activity_at < idle_before,
            or_(S.c.seen_at.is_(None), S.c.seen_at < idle_before),
        )
    )
    return [int(row[0]) for row in rows]


def recently_active(
    conn: Connection, org_id: str, since: datetime
) -> list[tuple[int, datetime | None]]:
    """Active sessions with an event since `since` but no presence (`seen_at`) since (the
    sweep asks whose channel moved), with their start."""
    rows = conn.execute(
        select(S.c.id, S.c.started_at).where(
            S.c.org_id == org_id,
            S.c.status == "active",
            S.c.last_activity_at >= since,
            or_(S.c.seen_at.is_(None), S.c.seen_at < since),
        )
    )
    return [(int(row[0]), row[1]) for row in rows]


def unseen_active(
    conn: Connection, org_id: str, idle_before: datetime
) -> list[tuple[int, datetime | None, bool]]:
    """`stale_open_sessions` and `recently_active` in one statement: each active session
    with an event but no presence (`seen_at`) since `idle_before` or an event before it,
    as (id, start, idle), idle meaning its last event is before `idle_before`."""
    idle = S.c.last_activity_at < idle_before
    rows = conn.execute(
        select(S.c.id, S.c.started_at, case((idle, True), else_=False))
        .where(
            S.c.org_id == org_id,
            S.c.status == "active",
            S.c.last_activity_at.is_not(None),
            or_(S.c.seen_at.is_(None), S.c.seen_at < idle_before),
        )
        .order_by(S.c.id)
    )
    return [(int(row[0]), row[1], bool(row[2])) for row in rows]
