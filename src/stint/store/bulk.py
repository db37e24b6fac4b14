"""Bulk inserts for fixed test datasets and the benchmark: rows straight into the tables
(no events, no projection), with defaults for every required column. Not for normal use:
the activity log and the counters are not kept consistent here."""

from __future__ import annotations

import uuid as uuidlib
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from itertools import islice
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import Connection

from stint.store import schema

S = schema.sessions
_CHUNK = 5000


def _chunks(rows: Iterable[dict[str, Any]], size: int = _CHUNK) -> Iterator[list[dict[str, Any]]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def session_defaults(org_id: str, number: int, started_at: datetime) -> dict[str, Any]:
    """A complete, ended session row with zero counters."""
    return {
        "uuid": str(uuidlib.uuid4()),
        "org_id": org_id,
        "number": number,
        "kind": "coding",
        "status": "ended",
        "started_at": started_at,
        "ended_at": started_at,
        "last_activity_at": started_at,
        "paused_seconds": 0.0,
        "active_seconds": 0.0,
        "commits_made": 0,
        **{name: 0 for name in schema.COUNTER_COLUMNS},
        "loc_added": 0,
        "loc_removed": 0,
        "files_modified": 0,
        "binary_files_changed": 0,
        "cost_usd": 0.0,
        "needs_followup": False,
        "created_at": started_at,
        "updated_at": started_at,
    }


def insert_sessions(conn: Connection, org_id: str, rows: Iterable[dict[str, Any]]) -> int:
    """Insert sessions; each row needs `started_at` and may set any column, plus `tags`
    (a list) and `project` (a name, created if missing). Numbers continue the org's."""
    number = int(
        conn.execute(
            select(func.coalesce(func.max(S.c.number), 0)).where(S.c.org_id == org_id)
        ).scalar_one()
    )
    projects: dict[str, int] = {}
    count = 0
    for chunk in _chunks(rows):
        full, tags = [], []
        for row in chunk:
            number += 1
            row = dict(row)
            tag_list = row.pop("tags", [])
            project = row.pop("project", None)
            if project is not None:
                row["project_id"] = projects.get(project) or _project(
                    conn, org_id, project, projects
                )
            values = {**session_defaults(org_id, number, row["started_at"]), **row}
            if "id" not in values:
                values["id"] = None
            full.append(values)
            tags.append(tag_list)
        if all(v["id"] is None for v in full):
            first = _next_id(conn)
            for offset, values in enumerate(full):
                values["id"] = first + offset
        # executemany needs every row to name the same columns.
        columns = set().union(*full)
        conn.execute(insert(S), [{c: values.get(c) for c in columns} for values in full])
        tag_rows = [
            {"session_id": values["id"], "tag": tag, "org_id": org_id}
            for values, tag_list in zip(full, tags, strict=True)
            for tag in dict.fromkeys(tag_list)
        ]
        if tag_rows:
            conn.execute(insert(schema.session_tags), tag_rows)
        count += len(full)
    _fix_sequence(conn, "sessions")
    return count


def _next_id(conn: Connection) -> int:
    return int(conn.execute(select(func.coalesce(func.max(S.c.id), 0))).scalar_one()) + 1


def _project(conn: Connection, org_id: str, name: str, cache: dict[str, int]) -> int:
    P = schema.projects
    found = conn.execute(select(P.c.id).where(P.c.org_id == org_id, P.c.name == name)).scalar()
    if found is None:
        found = conn.execute(
            insert(P).values(
                org_id=org_id, name=name, is_default=False, created_at=datetime.now(UTC)
            )
        ).inserted_primary_key[0]  # type: ignore[index]
    cache[name] = int(found)
    return int(found)


def insert_activities(conn: Connection, rows: Iterable[dict[str, Any]]) -> int:
    """Insert activity rows (org_id, session_id, type, occurred_at at least)."""
    count = 0
    for chunk in _chunks(rows):
        full = [{"source": "import", "ai_involved": False, **row} for row in chunk]
        columns = set().union(*full)
        conn.execute(insert(schema.activities), [{c: r.get(c) for c in columns} for r in full])
        count += len(chunk)
    return count


def _fix_sequence(conn: Connection, name: str) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)"
            )
        )


def insert_activity_tuples(
    conn: Connection, rows: Iterable[tuple[str, int, str, datetime]], chunk: int = 50_000
) -> int:
    """The fastest path for millions of activities (benchmarks): (org_id, session_id,
    type, occurred_at UTC) tuples through the driver's executemany, skipping SQLAlchemy's
    per-row processing. Times are written the way the UTCDateTime type stores them."""
    sqlite = conn.dialect.name == "sqlite"
    mark = "?" if sqlite else "%s"
    statement = (
        "INSERT INTO activities (org_id, session_id, type, occurred_at, source, ai_involved) "
        f"VALUES ({mark}, {mark}, {mark}, {mark}, 'import', {'0' if sqlite else 'false'})"
    )
    count = 0
    iterator = iter(rows)
    while batch := list(islice(iterator, chunk)):
        params: list[tuple[Any, ...]] = list(batch)
        if sqlite:
            params = [
                (
                    o,
                    s,
                    t,
                    m.astimezone(UTC)
                    .replace(tzinfo=None)
                    .isoformat(sep=" ", timespec="microseconds"),
                )
                for o, s, t, m in batch
            ]
        conn.exec_driver_sql(statement, params)
        count += len(batch)
    return count
