"""Small records owned by a session or an org: projects, tasks, decisions, context items,
commits."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from stint.model.types import Conflict, NotFound, Project, Record, Task
from stint.store import Store, schema

P = schema.projects
T = schema.tasks


def _project(row: Any) -> Project:
    return Project(
        id=row.id,
        name=row.name,
        repo_root=row.repo_root,
        is_default=bool(row.is_default),
        created_at=row.created_at,
    )


def project_by_name(conn: Connection, org_id: str, name: str) -> Project | None:
    row = conn.execute(select(P).where(P.c.org_id == org_id, P.c.name == name)).first()
    return _project(row) if row else None


def project_by_repo(conn: Connection, org_id: str, repo_root: str) -> Project | None:
    row = conn.execute(
        select(P).where(P.c.org_id == org_id, P.c.repo_root == repo_root).order_by(P.c.id).limit(1)
    ).first()
    return _project(row) if row else None


def default_project(conn: Connection, org_id: str) -> Project | None:
    row = conn.execute(
        select(P).where(P.c.org_id == org_id, P.c.is_default.is_(True)).limit(1)
    ).first()
    return _project(row) if row else None


def newest_project(conn: Connection, org_id: str) -> Project | None:
    row = conn.execute(
        select(P).where(P.c.org_id == org_id).order_by(P.c.created_at.desc(), P.c.id.desc())
    ).first()
    return _project(row) if row else None


def recent_session_project(conn: Connection, org_id: str, since: datetime) -> Project | None:
    S = schema.sessions
    row = conn.execute(
        select(P)
        .join(S, S.c.project_id == P.c.id)
        .where(S.c.org_id == org_id, S.c.started_at >= since)
        .order_by(S.c.started_at.desc())
        .limit(1)
    ).first()
    return _project(row) if row else None


def ensure_project(
    store: Store,
    conn: Connection,
    org_id: str,
    name: str,
    at: datetime,
    repo_root: str | None = None,
    remote_url: str | None = None,
) -> Project:
    """Get or create a project by name (race-safe: insert-or-ignore, then read)."""
    store.insert_ignore(
        conn,
        P,
        {
            "org_id": org_id,
            "name": name,
            "repo_root": repo_root,
            "remote_url": remote_url,
            "is_default": False,
            "created_at": at,
        },
        ["org_id", "name"],
    )
    if repo_root:
        conn.execute(
            update(P)
            .where(P.c.org_id == org_id, P.c.name == name, P.c.repo_root.is_(None))
            .values(repo_root=repo_root, remote_url=remote_url)
        )
    project = project_by_name(conn, org_id, name)
    assert project is not None
    return project


def ensure_component(
    store: Store, conn: Connection, org_id: str, project_id: int, name: str, at: datetime
) -> int:
    """Get or create a project's component by name (race-safe, like `ensure_project`)."""
    C = schema.components
    store.insert_ignore(
        conn,
        C,
        {"org_id": org_id, "project_id": project_id, "name": name, "created_at": at},
        ["project_id", "name"],
    )
    found = conn.execute(
        select(C.c.id).where(C.c.project_id == project_id, C.c.name == name)
    ).scalar_one()
    return int(found)


def list_projects(conn: Connection, org_id: str) -> list[Project]:
    return [_project(row) for row in conn.execute(select(P).where(P.c.org_id == org_id))]


def set_default_project(conn: Connection, org_id: str, project_id: int) -> None:
    conn.execute(update(P).where(P.c.org_id == org_id).values(is_default=P.c.id == project_id))


def _task(row: Any) -> Task:
    return Task.from_row(row._mapping)


_MAX_NUMBER_RETRIES = 20


def insert_task(
    store: Store,
    conn: Connection,
    org_id: str,
    session_id: int,
    project_id: int | None,
    title: str,
    status: str,
    external_id: str | None,
    at: datetime,
) -> tuple[Task, bool]:
    """Create a task with the session's next number (1, 2, 3 …); a concurrent writer
    that took the same number makes this one retry with the next, as session numbers do.
    With an external id, an existing task is returned instead (False)."""
    values = {
        "org_id": org_id,
        "session_id": session_id,
        "project_id": project_id,
        "title": title,
        "status": status,
        "external_id": external_id,
        "created_at": at,
        "updated_at": at,
        "completed_at": at if status == "completed" else None,
    }
    for _ in range(_MAX_NUMBER_RETRIES):
        if external_id is not None:
            found = _task_by_external(conn, session_id, external_id)
            if found is not None:
                return found, False
        number = conn.execute(
            select(func.coalesce(func.max(T.c.number), 0) + 1).where(T.c.session_id == session_id)
        ).scalar_one()
        savepoint = conn.begin_nested()
        try:
            task_id = _new_id(conn.execute(insert(T).values(number=number, **values)))
        except IntegrityError:
            savepoint.rollback()
            continue
        savepoint.commit()
        return task_by_id(conn, org_id, task_id), True
    raise Conflict("could not allocate a task number; try again")


def _task_by_external(conn: Connection, session_id: int, external_id: str) -> Task | None:
    row = conn.execute(
        select(T).where(T.c.session_id == session_id, T.c.external_id == external_id)
    ).first()
    return _task(row) if row else None


def task_by_id(conn: Connection, org_id: str, task_id: int) -> Task:
    row = conn.execute(select(T).where(T.c.org_id == org_id, T.c.id == task_id)).first()
    if row is None:
        raise NotFound(f"no task {task_id}")
    return _task(row)


def task_by_ref(
    conn: Connection, org_id: str, session_id: int, ref: str | int, *, by_number: bool = False
) -> Task:
    """A task of this session by its global id (an int, or digits), by its number in the
    session (`#2`, or digits with `by_number`), or by the agent's own id for it."""
    text = str(ref).strip()
    if text.startswith("#") and text[1:].isdigit():
        text, by_number = text[1:], True
    if isinstance(ref, int) or text.isdigit():
        column = T.c.number if by_number and not isinstance(ref, int) else T.c.id
        row = conn.execute(
            select(T).where(T.c.org_id == org_id, column == int(text), T.c.session_id == session_id)
        ).first()
        if row is not None:
            return _task(row)
    found = _task_by_external(conn, session_id, str(ref))
    if found is None:
        raise NotFound(f"no task {ref} in this session")
    return found


def move_task(
    conn: Connection, task_id: int, from_status: str, to_status: str, at: datetime
) -> bool:
    """Compare-and-set the status, so two writers cannot both move the same task."""
    result = conn.execute(
        update(T)
        .where(T.c.id == task_id, T.c.status == from_status)
        .values(
            status=to_status,
            updated_at=at,
            completed_at=at if to_status == "completed" else None,
        )
    )
    return bool(result.rowcount)


def tasks_of(conn: Connection, session_id: int) -> list[Task]:
    rows = conn.execute(select(T).where(T.c.session_id == session_id).order_by(T.c.number))
    return [_task(row) for row in rows]


def insert_record(
    conn: Connection,
    table: Any,
    org_id: str,
    session_id: int,
    text: str,
    at: datetime,
    **extra: Any,
) -> int:
    result = conn.execute(
        insert(table).values(
            org_id=org_id, session_id=session_id, text=text, created_at=at, **extra
        )
    )
    return _new_id(result)


def insert_note(
    conn: Connection, org_id: str, session_id: int, content: str, at: datetime, **extra: Any
) -> int:
    result = conn.execute(
        insert(schema.notes).values(
            org_id=org_id, session_id=session_id, content=content, created_at=at, **extra
        )
    )
    return _new_id(result)


def _new_id(result: Any) -> int:
    return int(result.inserted_primary_key[0])


def records_of(conn: Connection, table: Any, session_id: int) -> list[Record]:
    rows = conn.execute(select(table).where(table.c.session_id == session_id).order_by(table.c.id))
    return [Record(row.id, row.session_id, row.text, row.created_at) for row in rows]


def replace_commits(
    conn: Connection, org_id: str, session_id: int, commits: list[dict[str, Any]]
) -> None:
    C = schema.commits
    conn.execute(delete(C).where(C.c.session_id == session_id))
    if commits:
        conn.execute(
            insert(C), [{"org_id": org_id, "session_id": session_id, **c} for c in commits]
        )


def commits_of(conn: Connection, session_id: int) -> list[dict[str, Any]]:
    C = schema.commits
    rows = conn.execute(
        select(C).where(C.c.session_id == session_id).order_by(C.c.committed_at)
    ).mappings()
    return [dict(row) for row in rows]
