"""Rows out and back in for `stint export` / `stint import-data`: every table an org owns,
streamed in primary-key order, and an idempotent insert that preserves ids."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Table, func, select, text
from sqlalchemy.engine import Connection

from stint.store import schema

# Parents before children, so foreign keys hold while importing.
EXPORT_TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        schema.users,
        # Before sessions: a synced session names its machine (sessions.machine_id).
        schema.machines,
        schema.projects,
        schema.components,
        schema.templates,
        schema.sessions,
        schema.session_tags,
        schema.activities,
        schema.session_files,
        schema.tasks,
        schema.decisions,
        schema.context_items,
        schema.interactions,
        schema.artifacts,
        schema.notes,
        schema.subjects,
        schema.session_subjects,
        schema.token_usage,
        schema.commits,
        schema.session_health,
        schema.session_health_files,
        # OTLP metric points (session_id); a repeated import skips them on their id or
        # on (org_id, session_id, point_key), as the receiver itself stores a point once.
        schema.telemetry_metrics,
    )
}
_BATCH = 1000


def rows(
    conn: Connection,
    org_id: str,
    name: str,
    since: datetime | None = None,
    user_id: int | None = None,
) -> Iterator[dict[str, Any]]:
    """The org's rows of one table, in primary-key order, fetched in batches (constant
    memory). `since` keeps sessions started at or after it, and what they own; `user_id`
    keeps that user's sessions, what they own and the user's own row (a member's export)."""
    table = EXPORT_TABLES[name]
    S = schema.sessions
    query = select(table).where(table.c.org_id == org_id)
    if user_id is not None and table is schema.users:
        query = query.where(table.c.id == user_id)
    if since is not None or user_id is not None:
        kept = select(S.c.id).where(S.c.org_id == org_id)
        if since is not None:
            kept = kept.where(S.c.started_at >= since)
        if user_id is not None:
            kept = kept.where(S.c.user_id == user_id)
        if table is S:
            query = query.where(S.c.id.in_(kept.scalar_subquery()))
        elif "session_id" in table.c:
            query = query.where(table.c.session_id.in_(kept.scalar_subquery()))
    query = query.order_by(*table.primary_key.columns)
    result = conn.execution_options(yield_per=_BATCH).execute(query)
    for row in result.mappings():
        yield dict(row)


def datetime_columns(name: str) -> set[str]:
    return {c.name for c in EXPORT_TABLES[name].c if isinstance(c.type, schema.UTCDateTime)}


def insert_rows(conn: Connection, store: Any, name: str, batch: Iterable[dict[str, Any]]) -> int:
    """Insert rows as they are (ids included); rows that clash with existing ones on any
    key are skipped, which makes a repeated import a no-op. Returns how many went in."""
    values = list(batch)
    if not values:
        return 0
    table = EXPORT_TABLES[name]
    if name == "tasks":
        _number_tasks(conn, values)
    # RETURNING counts what went in: skipped rows return nothing, and unlike rowcount it
    # is reliable for a batched insert on both drivers.
    statement = (
        store.dialect_insert(table)
        .on_conflict_do_nothing()
        .returning(next(iter(table.primary_key.columns)))
    )
    inserted = 0
    for start in range(0, len(values), _BATCH):
        chunk = values[start : start + _BATCH]
        inserted += len(conn.execute(statement, chunk).all())
    return inserted


def _number_tasks(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Tasks from an export made before tasks had numbers get the next ones of their
    session, in id order (as migration 0005 numbered them)."""
    T = schema.tasks
    unnumbered = sorted((r for r in rows if r.get("number") is None), key=lambda r: r["id"])
    following: dict[int, int] = {}
    for row in unnumbered:
        sid = int(row["session_id"])
        if sid not in following:
            stored = conn.execute(
                select(func.coalesce(func.max(T.c.number), 0)).where(T.c.session_id == sid)
            ).scalar_one()
            given = [int(r["number"]) for r in rows if r.get("number") and r["session_id"] == sid]
            following[sid] = max([int(stored), *given])
        following[sid] += 1
        row["number"] = following[sid]


def reset_sequences(conn: Connection) -> None:
    """PostgreSQL hands out ids from sequences that explicit ids do not move: move them
    past the imported ids so the next insert does not collide."""
    if conn.dialect.name != "postgresql":
        return
    for name, table in EXPORT_TABLES.items():
        if "id" in table.c and table.c.id.autoincrement is True:
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)"
                )
            )
