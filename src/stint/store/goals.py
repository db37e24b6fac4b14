"""Rows of goal-oriented sessions: interactions, artifacts, notes, subjects, templates."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from stint.model.types import Conflict, NotFound
from stint.store import Store, schema

I = schema.interactions  # noqa: E741 - the table's short alias, like S, P, T elsewhere
A = schema.artifacts
N = schema.notes
SU = schema.subjects
SS = schema.session_subjects
TP = schema.templates
_MAX_SEQUENCE_RETRIES = 50


def insert_interaction(
    conn: Connection, org_id: str, session_id: int, values: dict[str, Any]
) -> tuple[int, int, bool]:
    """Insert with the next sequence number of the session, computed in the INSERT itself.
    Two writers that still meet on the same number (PostgreSQL, read committed) hit the
    unique (session_id, sequence) constraint: the loser retries inside a savepoint.
    Returns (id, sequence, created); an interaction whose `idem_key` was stored before
    is returned as it is, with created False."""
    key = values.get("idem_key")
    next_sequence = (
        select(func.coalesce(func.max(I.c.sequence), 0) + 1)
        .where(I.c.session_id == session_id)
        .scalar_subquery()
    )
    for _ in range(_MAX_SEQUENCE_RETRIES):
        if key is not None:
            found = _by_key(conn, org_id, key)
            if found is not None:
                return found[0], found[1], False
        savepoint = conn.begin_nested()
        try:
            row = conn.execute(
                insert(I)
                .values(org_id=org_id, session_id=session_id, sequence=next_sequence, **values)
                .returning(I.c.id, I.c.sequence)
            ).one()
        except IntegrityError:
            savepoint.rollback()
            continue
        savepoint.commit()
        return int(row[0]), int(row[1]), True
    raise Conflict("could not allocate an interaction sequence number; try again")


def _by_key(conn: Connection, org_id: str, key: str) -> tuple[int, int] | None:
    row = conn.execute(
        select(I.c.id, I.c.sequence).where(I.c.org_id == org_id, I.c.idem_key == key)
    ).first()
    return (int(row[0]), int(row[1])) if row else None


def interactions_of(
    conn: Connection, session_id: int, limit: int | None = None
) -> list[dict[str, Any]]:
    query = select(I).where(I.c.session_id == session_id).order_by(I.c.sequence)
    if limit is not None:
        query = query.limit(limit)
    return [dict(row) for row in conn.execute(query).mappings()]


def interaction_counts(conn: Connection, session_id: int) -> dict[str, int]:
    rows = conn.execute(
        select(I.c.type, func.count()).where(I.c.session_id == session_id).group_by(I.c.type)
    )
    return {str(kind): int(count) for kind, count in rows}


def last_sequence(conn: Connection, session_id: int) -> int:
    found = conn.execute(
        select(func.max(I.c.sequence)).where(I.c.session_id == session_id)
    ).scalar_one_or_none()
    return int(found or 0)


def insert_artifact(conn: Connection, org_id: str, session_id: int, values: dict[str, Any]) -> int:
    result = conn.execute(insert(A).values(org_id=org_id, session_id=session_id, **values))
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def update_artifact(
    conn: Connection, org_id: str, session_id: int, artifact_id: int, values: dict[str, Any]
) -> None:
    result = conn.execute(
        update(A)
        .where(A.c.org_id == org_id, A.c.session_id == session_id, A.c.id == artifact_id)
        .values(**values)
    )
    if not result.rowcount:
        raise NotFound(f"no artifact {artifact_id} in this session")


def artifact(conn: Connection, org_id: str, artifact_id: int) -> dict[str, Any]:
    row = conn.execute(select(A).where(A.c.org_id == org_id, A.c.id == artifact_id)).mappings()
    found = row.first()
    if found is None:
        raise NotFound(f"no artifact {artifact_id}")
    return dict(found)


def artifacts_of(conn: Connection, session_id: int) -> list[dict[str, Any]]:
    rows = conn.execute(select(A).where(A.c.session_id == session_id).order_by(A.c.id))
    return [dict(row) for row in rows.mappings()]


def notes_of(conn: Connection, session_id: int) -> list[dict[str, Any]]:
    rows = conn.execute(select(N).where(N.c.session_id == session_id).order_by(N.c.id))
    return [dict(row) for row in rows.mappings()]


def ensure_subject(
    store: Store,
    conn: Connection,
    org_id: str,
    key: str,
    name: str | None,
    kind: str | None,
    at: datetime,
) -> int:
    """Get or create a subject by its key (race-safe: insert-or-ignore, then read)."""
    store.insert_ignore(
        conn,
        SU,
        {"org_id": org_id, "key": key, "name": name, "kind": kind, "created_at": at},
        ["org_id", "key"],
    )
    if name or kind:
        changes = {k: v for k, v in (("name", name), ("kind", kind)) if v}
        conn.execute(update(SU).where(SU.c.org_id == org_id, SU.c.key == key).values(**changes))
    found = conn.execute(select(SU.c.id).where(SU.c.org_id == org_id, SU.c.key == key)).scalar_one()
    return int(found)


def link_subject(
    store: Store,
    conn: Connection,
    org_id: str,
    session_id: int,
    subject_id: int,
    values: dict[str, Any],
    at: datetime,
) -> None:
    """Link (or re-link, updating the given fields) a subject to a session."""
    store.insert_ignore(
        conn,
        SS,
        {
            "session_id": session_id,
            "subject_id": subject_id,
            "org_id": org_id,
            "created_at": at,
            "is_primary": False,
            "prompts_completed": 0,
        },
        ["session_id", "subject_id"],
    )
    if values:
        conn.execute(
            update(SS)
            .where(SS.c.session_id == session_id, SS.c.subject_id == subject_id)
            .values(**values)
        )


def add_prompts_completed(conn: Connection, session_id: int, subject_key: str, n: int) -> None:
    """prompts_completed += n, atomically, for the session's link to this subject."""
    subject_ids = select(SU.c.id).where(SU.c.key == subject_key).scalar_subquery()
    conn.execute(
        update(SS)
        .where(SS.c.session_id == session_id, SS.c.subject_id == subject_ids)
        .values(prompts_completed=SS.c.prompts_completed + n)
    )


def subjects_of(conn: Connection, session_id: int) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(
            SU.c.key,
            SU.c.name,
            SU.c.kind,
            SS.c.is_primary,
            SS.c.coverage_level,
            SS.c.prompts_completed,
            SS.c.notes,
        )
        .join(SU, SU.c.id == SS.c.subject_id)
        .where(SS.c.session_id == session_id)
        .order_by(SS.c.is_primary.desc(), SU.c.key)
    )
    return [dict(row) for row in rows.mappings()]


def insert_template(conn: Connection, org_id: str, values: dict[str, Any]) -> int:
    savepoint = conn.begin_nested()
    try:
        result = conn.execute(insert(TP).values(org_id=org_id, **values))
    except IntegrityError:
        savepoint.rollback()
        raise Conflict(f"a template named {values.get('name')!r} exists already") from None
    savepoint.commit()
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def update_template(conn: Connection, org_id: str, name: str, values: dict[str, Any]) -> None:
    conn.execute(update(TP).where(TP.c.org_id == org_id, TP.c.name == name).values(**values))


def template_by_name(conn: Connection, org_id: str, name: str) -> dict[str, Any]:
    row = conn.execute(select(TP).where(TP.c.org_id == org_id, TP.c.name == name)).mappings()
    found = row.first()
    if found is None:
        raise NotFound(f"no template named {name!r} (see: stint template list)")
    return dict(found)


def templates_of(conn: Connection, org_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(select(TP).where(TP.c.org_id == org_id).order_by(TP.c.name))
    return [dict(row) for row in rows.mappings()]
