"""A laptop's side of `stint sync`: which sessions changed since they were last pushed to
a remote, everything one of them holds, and the push cursor (`sync_cursors`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Table, and_, exists, func, or_, select
from sqlalchemy.engine import Connection

from stint.store import schema

S = schema.sessions
A = schema.activities
C = schema.sync_cursors

# Columns that only mean something in the database they were written in: the server
# assigns its own (number, project, user, machine) or drops them (links between rows).
SESSION_LOCAL = frozenset(
    {
        "id",
        "org_id",
        "number",
        "project_id",
        "component_id",
        "user_id",
        "machine_id",
        "template_id",
        "previous_session_id",
        "open_key",
    }
)
ROW_LOCAL = frozenset(
    {"id", "org_id", "session_id", "project_id", "task_id", "decision_id", "context_id"}
)
# The small per-session tables a push replaces wholesale on the server.
CHILD_TABLES: dict[str, Table] = {
    "tasks": schema.tasks,
    "files": schema.session_files,
    "commits": schema.commits,
    "token_usage": schema.token_usage,
    "decisions": schema.decisions,
    "context_items": schema.context_items,
    "interactions": schema.interactions,
    "artifacts": schema.artifacts,
    "notes": schema.notes,
}
SUBJECT_LINK = ("is_primary", "coverage_level", "prompts_completed", "notes", "created_at")


def _waiting(org_id: str, remote: str) -> Any:
    cursor = and_(C.c.session_id == S.c.id, C.c.remote == remote)
    newer = exists().where(A.c.session_id == S.c.id, A.c.id > C.c.activity_id)
    return (
        select(S.c.id, S.c.updated_at, func.coalesce(C.c.activity_id, 0).label("after"))
        .select_from(S.outerjoin(C, cursor))
        .where(
            S.c.org_id == org_id,
            or_(C.c.session_id.is_(None), C.c.updated_at != S.c.updated_at, newer),
        )
    )


def waiting_sessions(
    conn: Connection, org_id: str, remote: str, limit: int
) -> list[dict[str, Any]]:
    """Sessions with something the remote has not stored: id, updated_at and the last
    activity id already pushed (`after`), oldest first."""
    query = _waiting(org_id, remote).order_by(S.c.id).limit(limit)
    return [dict(row) for row in conn.execute(query).mappings()]


def waiting_summary(conn: Connection, org_id: str, remote: str) -> dict[str, Any]:
    """How many sessions and activities wait for the remote, and since when."""
    waiting = _waiting(org_id, remote).subquery()
    sessions, since = conn.execute(
        select(func.count(), func.min(waiting.c.updated_at)).select_from(waiting)
    ).one()
    events = conn.execute(
        select(func.count())
        .select_from(A.join(waiting, waiting.c.id == A.c.session_id))
        .where(A.c.id > waiting.c.after)
    ).scalar_one()
    return {"sessions": int(sessions), "events": int(events), "since": since}


def _plain(table: Table, rows: Any, local: frozenset[str]) -> list[dict[str, Any]]:
    return [{k: v for k, v in dict(row).items() if k not in local} for row in rows]


def session_bundle(
    conn: Connection, org_id: str, session_id: int, after: int, max_activities: int
) -> dict[str, Any]:
    """One session as a push sends it: its row, project name, tags, the activities after
    id `after` (at most `max_activities`, with their local ids) and every small table."""
    row = dict(
        conn.execute(select(S).where(S.c.org_id == org_id, S.c.id == session_id)).one()._mapping
    )
    project = None
    if row["project_id"] is not None:
        P = schema.projects
        project = conn.execute(select(P.c.name).where(P.c.id == row["project_id"])).scalar()
    T = schema.session_tags
    tags = list(
        conn.execute(
            select(T.c.tag).where(T.c.session_id == session_id).order_by(T.c.tag)
        ).scalars()
    )
    activities = conn.execute(
        select(A)
        .where(A.c.session_id == session_id, A.c.id > after)
        .order_by(A.c.id)
        .limit(max_activities)
    ).mappings()
    bundle: dict[str, Any] = {
        "session": {k: v for k, v in row.items() if k not in SESSION_LOCAL},
        "project": project,
        "tags": tags,
        "activities": [
            {k: v for k, v in dict(a).items() if k not in ROW_LOCAL or k == "id"}
            for a in activities
        ],
    }
    for name, table in CHILD_TABLES.items():
        found = conn.execute(select(table).where(table.c.session_id == session_id)).mappings()
        bundle[name] = _plain(table, found, ROW_LOCAL)
    L, J = schema.session_subjects, schema.subjects
    links = conn.execute(
        select(J.c.key, J.c.name, J.c.kind, *[L.c[c] for c in SUBJECT_LINK])
        .select_from(L.join(J, J.c.id == L.c.subject_id))
        .where(L.c.session_id == session_id)
    ).mappings()
    bundle["subjects"] = [dict(link) for link in links]
    return bundle


def advance_cursor(
    conn: Connection,
    store: Any,
    org_id: str,
    remote: str,
    session_id: int,
    updated_at: datetime,
    activity_id: int,
    at: datetime,
) -> None:
    """Record that the remote holds the session as of `updated_at` and its activities up
    to `activity_id`."""
    values = {"updated_at": updated_at, "activity_id": activity_id, "pushed_at": at}
    statement = store.dialect_insert(C).values(
        remote=remote, session_id=session_id, org_id=org_id, **values
    )
    conn.execute(
        statement.on_conflict_do_update(index_elements=["remote", "session_id"], set_=values)
    )


def forget_remote(conn: Connection, org_id: str, remote: str) -> None:
    conn.execute(C.delete().where(C.c.org_id == org_id, C.c.remote == remote))
