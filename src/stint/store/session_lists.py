"""Session rows in order: the one NEWEST_FIRST order of every list and of `last`, the
filtered list paged by keyset, and references (`#48`, a uuid prefix, `last`) resolved
to ids through `stint.store.refs`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from sqlalchemy import and_, bindparam, exists, or_, select
from sqlalchemy.engine import Connection

from stint.model.filters import SessionFilter
from stint.model.types import session_status
from stint.store import schema
from stint.store.refs import resolve_ref

S = schema.sessions

# The one order of every session list and of `last`: start time, newest first (an
# imported or back-dated session falls into place), then the id; never-started
# (scheduled) sessions last. Served by ix_sessions_org_started (the id rides along).
NEWEST_FIRST = (S.c.started_at.desc().nulls_last(), S.c.id.desc())


def list_rows(
    conn: Connection, org_id: str, where: SessionFilter, limit: int, before_id: int | None = None
) -> list[dict[str, Any]]:
    """Newest first by start time; `before_id` pages through (the rows after that
    session in the same order)."""
    P = schema.projects
    query = (
        select(S, P.c.name.label("project_name"))
        .select_from(S.outerjoin(P, P.c.id == S.c.project_id))
        .where(S.c.org_id == org_id)
    )
    if where.project:
        query = query.where(P.c.name == where.project)
    if where.tag:
        T = schema.session_tags
        query = query.where(exists().where(T.c.session_id == S.c.id, T.c.tag == where.tag))
    if where.status:
        query = query.where(S.c.status == session_status(where.status))
    if where.kind:
        query = query.where(S.c.kind == where.kind)
    if where.model:
        query = query.where(S.c.ai_model == where.model)
    if where.since:
        query = query.where(S.c.started_at >= where.since)
    if where.until:
        query = query.where(S.c.started_at < where.until)
    if where.search:
        pattern = f"%{where.search}%"
        query = query.where(
            or_(S.c.goal.ilike(pattern), S.c.notes.ilike(pattern), S.c.name.ilike(pattern))
        )
    if where.followups:
        query = query.where(S.c.needs_followup.is_(True))
    if where.user_id is not None:
        query = query.where(S.c.user_id == where.user_id)
    if before_id is not None:
        query = query.where(_after_cursor(conn, org_id, before_id))
    query = query.order_by(*NEWEST_FIRST).limit(limit)
    return [dict(row) for row in conn.execute(query).mappings()]


def _after_cursor(conn: Connection, org_id: str, cursor_id: int) -> Any:
    """Rows after session `cursor_id` in NEWEST_FIRST order (keyset pagination)."""
    started = conn.execute(
        select(S.c.started_at).where(S.c.org_id == org_id, S.c.id == cursor_id)
    ).first()
    if started is None:
        return S.c.id < cursor_id  # a cursor of a deleted session: fall back to the id
    if started[0] is None:
        return and_(S.c.started_at.is_(None), S.c.id < cursor_id)
    return or_(
        S.c.started_at < started[0],
        and_(S.c.started_at == started[0], S.c.id < cursor_id),
        S.c.started_at.is_(None),
    )


def resolve(
    conn: Connection, org_id: str, ref: str | int, current: Callable[[], int | None]
) -> int:
    """Turn `#48`, `48`, a uuid prefix, `last` or `current` into a session id (see
    `stint.store.refs`). `current` is asked only when the reference is `current`."""
    return resolve_ref(ref, _Lookups(conn, org_id), current)


class _Lookups:
    """`stint.store.refs.Lookups` through SQLAlchemy."""

    def __init__(self, conn: Connection, org_id: str) -> None:
        self.conn, self.org_id = conn, org_id

    def _one(self, query: Any) -> int | None:
        found = self.conn.execute(query).scalar_one_or_none()
        return None if found is None else int(found)

    def by_id(self, session_id: int) -> int | None:
        found = self.conn.execute(_by_id(), {"p_org": self.org_id, "p_id": session_id})
        value = found.scalar_one_or_none()
        return None if value is None else int(value)

    def last(self) -> int | None:
        return self._one(
            select(S.c.id).where(S.c.org_id == self.org_id).order_by(*NEWEST_FIRST).limit(1)
        )

    def by_number(self, number: int) -> int | None:
        return self._one(select(S.c.id).where(S.c.org_id == self.org_id, S.c.number == number))

    def by_uuid_prefix(self, prefix: str) -> list[int]:
        query = select(S.c.id).where(S.c.org_id == self.org_id, S.c.uuid.startswith(prefix))
        return [int(row[0]) for row in self.conn.execute(query.limit(2))]


@functools.cache
def _by_id() -> Any:
    # Built once: an event recorded by id resolves its session on every call.
    return select(S.c.id).where(S.c.org_id == bindparam("p_org"), S.c.id == bindparam("p_id"))
