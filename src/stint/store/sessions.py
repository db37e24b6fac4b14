"""Session rows one at a time: created (numbered per org, one open session per agent
session), found (by id, open key, agent session; the newest), updated, claimed, and
their tags.

The other session queries: `stint.store.session_lists` (the ordered, filtered list;
references), `stint.store.session_sweep` (open, stale and unseen sessions) and
`stint.store.session_delete`.
"""

from __future__ import annotations

import uuid as uuidlib
from collections.abc import Sequence
from typing import Any

from sqlalchemy import case, delete, func, insert, literal, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from stint.model.filters import SessionFilter as SessionFilter  # re-exported (its home)
from stint.model.types import Conflict, NotFound
from stint.store import schema
from stint.store.session_lists import NEWEST_FIRST

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


def owner_of(conn: Connection, org_id: str, session_id: int) -> int | None:
    """The user a session of the org was recorded for (None: nobody's, e.g. a hook's)."""
    found = conn.execute(select(S.c.user_id).where(S.c.org_id == org_id, S.c.id == session_id))
    value = found.scalar_one_or_none()
    return None if value is None else int(value)
