"""Session rows: create, find, resolve references, list, update, tags, delete."""

from __future__ import annotations

import functools
import uuid as uuidlib
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    and_,
    bindparam,
    case,
    delete,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from stint.model.filters import SessionFilter as SessionFilter  # re-exported (its home)
from stint.model.types import OPEN_STATUSES, Conflict, NotFound, session_status
from stint.store import schema
from stint.store.refs import resolve_ref

S = schema.sessions


def open_key(
    project_id: int | None,
    agent: str | None,
    agent_session_id: str | None,
    user_id: int | None = None,
) -> str:
    """What at most one open session may hold: per project and agent session, and in team
    mode per person too (two people may each have a session open in one project)."""
    key = f"{project_id or 0}|{agent or ''}|{agent_session_id or ''}"
    return key if user_id is None else f"{key}|u{user_id}"


class OpenSessionExists(Conflict):
    """The one open session of this project and agent session exists already (the
    `open_key` guard): a genuine conflict, never a lost race for a number."""

    def __init__(self, key: str) -> None:
        super().__init__("an open session already exists for this project and agent session")
        self.key = key


# The class half of the PostgreSQL advisory lock that serialises number allocation per
# org (the other half is the org id's hash); distinct from the migration lock's key.
_NUMBER_LOCK_CLASS = 7405472


def _lock_numbers(conn: Connection, org_id: str) -> None:
    """Hold the org's session-number lock until this transaction ends, so concurrent
    starts take turns at max+1 instead of colliding on it. SQLite needs none: its writers
    hold the database's write lock from BEGIN IMMEDIATE."""
    if conn.dialect.name == "postgresql":
        conn.execute(select(func.pg_advisory_xact_lock(_NUMBER_LOCK_CLASS, func.hashtext(org_id))))


def _violated(exc: IntegrityError) -> str:
    """Which unique guard of `sessions` an insert hit: 'open_key', 'number', 'uuid' or ''.
    PostgreSQL names the constraint (uq_sessions_org_id_open_key), SQLite the columns
    (sessions.org_id, sessions.open_key); both carry the column name."""
    message = str(exc.orig)
    for guard in ("open_key", "number", "uuid"):
        if guard in message:
            return guard
    return ""


def insert_session(conn: Connection, org_id: str, values: dict[str, Any]) -> int:
    """Insert with the next per-org number. Allocation never gives up: starts take turns
    under the org's number lock, and a number still taken by a writer that skips the lock
    (a bulk import) only means trying the next one. A clash on `open_key` means another
    open session exists for the same project and agent session: that raises
    OpenSessionExists. Any other integrity error is the caller's bad input and propagates."""
    _lock_numbers(conn, org_id)
    while True:
        number = conn.execute(
            select(func.coalesce(func.max(S.c.number), 0) + 1).where(S.c.org_id == org_id)
        ).scalar_one()
        savepoint = conn.begin_nested()
        try:
            result = conn.execute(
                insert(S).values(org_id=org_id, number=number, uuid=str(uuidlib.uuid4()), **values)
            )
        except IntegrityError as exc:
            savepoint.rollback()
            guard = _violated(exc)
            if guard == "open_key":
                raise OpenSessionExists(str(values.get("open_key"))) from None
            if guard in ("number", "uuid"):
                continue
            raise
        savepoint.commit()
        return int(result.inserted_primary_key[0])  # type: ignore[index]


def session_by_open_key(conn: Connection, org_id: str, key: str) -> dict[str, Any] | None:
    """The open session holding `key` (number and status), if any."""
    row = (
        conn.execute(
            select(S.c.id, S.c.number, S.c.status).where(S.c.org_id == org_id, S.c.open_key == key)
        )
        .mappings()
        .first()
    )
    return dict(row) if row else None


def require_in_org(conn: Connection, org_id: str, session_id: int) -> None:
    """NotFound unless session `session_id` is the org's: the writes handed a bare id (a
    drain, an ingest batch) check it, so no caller can write into another org's session."""
    found = conn.execute(select(S.c.id).where(S.c.org_id == org_id, S.c.id == session_id))
    if found.first() is None:
        raise NotFound(f"no session with id {session_id}")


def session_row(
    conn: Connection, org_id: str, session_id: int, *, for_update: bool = False
) -> dict[str, Any]:
    """The session's row with its project's name. `for_update`: locked until the
    transaction ends on PostgreSQL (SQLite's writer holds the database's write lock), so a
    status read to change it cannot be changed by another process in between."""
    query = _with_project().where(S.c.org_id == org_id, S.c.id == session_id)
    if for_update and conn.dialect.name == "postgresql":
        query = query.with_for_update(of=S, key_share=True)  # FOR NO KEY UPDATE: see events
    row = conn.execute(query).mappings().first()
    if row is None:
        raise NotFound(f"no session with id {session_id}")
    return dict(row)


def newest_row(conn: Connection, org_id: str) -> dict[str, Any] | None:
    """The row of the org's `last` session (`stint.store.refs`), found and read in one
    statement; None when the org has no session."""
    query = _with_project().where(S.c.org_id == org_id).order_by(*NEWEST_FIRST).limit(1)
    row = conn.execute(query).mappings().first()
    return None if row is None else dict(row)


def _with_project() -> Any:
    return select(S, schema.projects.c.name.label("project_name")).select_from(
        S.outerjoin(schema.projects, schema.projects.c.id == S.c.project_id)
    )


def tags_of(conn: Connection, session_ids: Sequence[int]) -> dict[int, list[str]]:
    result: dict[int, list[str]] = {sid: [] for sid in session_ids}
    if not session_ids:
        return result
    rows = conn.execute(
        select(schema.session_tags.c.session_id, schema.session_tags.c.tag)
        .where(schema.session_tags.c.session_id.in_(session_ids))
        .order_by(schema.session_tags.c.tag)
    )
    for sid, tag in rows:
        result[sid].append(tag)
    return result


def add_tags(
    conn: Connection, store: Any, org_id: str, session_id: int, tags: Sequence[str]
) -> None:
    for tag in tags:
        store.insert_ignore(
            conn,
            schema.session_tags,
            {"session_id": session_id, "tag": tag, "org_id": org_id},
            ["session_id", "tag"],
        )


def remove_tags(conn: Connection, session_id: int, tags: Sequence[str]) -> None:
    conn.execute(
        delete(schema.session_tags).where(
            schema.session_tags.c.session_id == session_id, schema.session_tags.c.tag.in_(tags)
        )
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


def find_by_agent_session(
    conn: Connection, org_id: str, agent: str, agent_session_id: str
) -> dict[str, Any] | None:
    row = (
        conn.execute(
            select(S.c.id, S.c.status, S.c.ai_model, S.c.user_id)
            .where(
                S.c.org_id == org_id,
                S.c.agent == agent,
                S.c.agent_session_id == agent_session_id,
            )
            .order_by(S.c.id.desc())
            .limit(1)
        )
        .mappings()
        .first()
    )
    return dict(row) if row else None


def claim_session(conn: Connection, org_id: str, session_id: int, user_id: int) -> None:
    """The session becomes the user's unless it is someone's already."""
    conn.execute(
        update(S)
        .where(S.c.org_id == org_id, S.c.id == session_id, S.c.user_id.is_(None))
        .values(user_id=user_id)
    )


def update_session(conn: Connection, org_id: str, session_id: int, values: dict[str, Any]) -> None:
    conn.execute(update(S).where(S.c.org_id == org_id, S.c.id == session_id).values(**values))


def append_notes(conn: Connection, org_id: str, session_id: int, text: str) -> None:
    """Append a line to the session's notes in one statement. The text is bound with the
    column's type, so it is redacted like any other write (a bare literal would not be)."""
    line = literal(text, S.c.notes.type)
    joined = S.c.notes + literal("\n", S.c.notes.type) + line
    update_session(
        conn, org_id, session_id, {"notes": case((S.c.notes.is_(None), line), else_=joined)}
    )


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


def owner_of(conn: Connection, org_id: str, session_id: int) -> int | None:
    """The user a session of the org was recorded for (None: nobody's, e.g. a hook's)."""
    found = conn.execute(select(S.c.user_id).where(S.c.org_id == org_id, S.c.id == session_id))
    value = found.scalar_one_or_none()
    return None if value is None else int(value)


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


# The one order of every session list and of `last`: start time, newest first (an
# imported or back-dated session falls into place), then the id; never-started
# (scheduled) sessions last. Served by ix_sessions_org_started (the id rides along).
NEWEST_FIRST = (S.c.started_at.desc().nulls_last(), S.c.id.desc())


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


# The tables whose rows belong to one session.
_OWNED = (
    schema.activities,
    schema.session_files,
    schema.session_tags,
    schema.tasks,
    schema.decisions,
    schema.context_items,
    schema.interactions,
    schema.artifacts,
    schema.notes,
    schema.session_subjects,
    schema.token_usage,
    schema.commits,
)


def is_empty_mcp_start(conn: Connection, org_id: str, session_id: int) -> bool:
    """Whether nothing at all was recorded in a session an MCP connection started: its one
    event is its own `session_started` from `mcp`, it has no goal, no notes and no plan
    (template, schedule), and no
    other table holds a row of it (tasks, decisions, context, files, tags, interactions,
    artifacts, notes, subjects, tokens, commits)."""
    row = conn.execute(
        select(S.c.goal, S.c.notes, S.c.template_id, S.c.scheduled_at).where(
            S.c.org_id == org_id, S.c.id == session_id
        )
    ).first()
    if row is None or row.goal or row.notes or row.template_id or row.scheduled_at:
        return False  # a planned session is kept even before anything is recorded
    A = schema.activities
    events = conn.execute(
        select(A.c.type, A.c.source).where(A.c.session_id == session_id).limit(2)
    ).all()
    if [tuple(event) for event in events] != [("session_started", "mcp")]:
        return False
    others = [table for table in _OWNED if table is not A]
    return not any(
        conn.execute(select(exists().where(table.c.session_id == session_id))).scalar()
        for table in others
    )


def delete_session(conn: Connection, org_id: str, session_id: int) -> None:
    """Delete the session and everything it owns (child tables cascade by hand, so it
    also holds on SQLite connections without foreign keys)."""
    for table in _OWNED:
        conn.execute(delete(table).where(table.c.session_id == session_id))
    conn.execute(
        update(S)
        .where(and_(S.c.org_id == org_id, S.c.previous_session_id == session_id))
        .values(previous_session_id=None)
    )
    conn.execute(delete(S).where(S.c.org_id == org_id, S.c.id == session_id))
