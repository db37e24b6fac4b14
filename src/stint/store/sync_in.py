"""A server's side of `stint sync`: rows a laptop pushed, stored exactly once.

The session is upserted by its uuid within the org (the laptop's row is authoritative:
its counters and figures are taken as they are), its activities are inserted by key
(insert-or-ignore on (org_id, idem_key)), and its small tables are replaced wholesale.
The caller runs one batch in one transaction. Values are checked against the columns
first (`check_rows`), so a bad batch is refused before anything is written.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    Integer,
    String,
    Table,
    Text,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection

from stint.store import schema
from stint.store.sessions import _lock_numbers
from stint.store.sync_out import CHILD_TABLES, ROW_LOCAL, SESSION_LOCAL, SUBJECT_LINK

S = schema.sessions
A = schema.activities


class BadRows(ValueError):
    """A pushed row does not fit its table: an unknown column, a wrong type, a missing
    required value."""


def _check_value(table: Table, name: str, value: Any) -> Any:
    column = table.c[name]
    if value is None:
        if not column.nullable and column.default is None:
            raise BadRows(f"{table.name}.{name} may not be null")
        return None
    kind = column.type
    if isinstance(kind, schema.UTCDateTime):
        if isinstance(value, datetime):
            return value
        if not isinstance(value, str):
            raise BadRows(f"{table.name}.{name}: expected an ISO 8601 time")
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise BadRows(f"{table.name}.{name}: {value!r} is not an ISO 8601 time") from None
        if parsed.tzinfo is None:
            raise BadRows(f"{table.name}.{name}: {value!r} has no time zone")
        return parsed
    if isinstance(kind, Boolean):
        if not isinstance(value, bool):
            raise BadRows(f"{table.name}.{name}: expected true or false")
        return value
    if isinstance(kind, Integer):
        if isinstance(value, bool) or not isinstance(value, int):
            raise BadRows(f"{table.name}.{name}: expected an integer")
        return value
    if isinstance(kind, Float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise BadRows(f"{table.name}.{name}: expected a number")
        return float(value)
    if isinstance(kind, String | Text):
        if not isinstance(value, str):
            raise BadRows(f"{table.name}.{name}: expected text")
        return value
    if isinstance(kind, JSON) or isinstance(getattr(kind, "impl", None), JSON):
        return value
    return value


def check_rows(
    table: Table, rows: list[dict[str, Any]], local: frozenset[str]
) -> list[dict[str, Any]]:
    """The rows with their values converted; BadRows names the first that does not fit."""
    allowed = {c.name for c in table.c} - local
    required = {
        c.name
        for c in table.c
        if not c.nullable and c.default is None and c.name not in local and not c.primary_key
    }
    checked = []
    for row in rows:
        unknown = set(row) - allowed
        if unknown:
            raise BadRows(f"{table.name}: unknown column(s) {', '.join(sorted(unknown))}")
        missing = required - set(row)
        if missing:
            raise BadRows(f"{table.name}: missing {', '.join(sorted(missing))}")
        checked.append({name: _check_value(table, name, value) for name, value in row.items()})
    return checked


def owners(conn: Connection, uuids: list[str]) -> dict[str, tuple[int, str]]:
    """The sessions holding these uuids in any org: uuid -> (id, org_id)."""
    if not uuids:
        return {}
    rows = conn.execute(select(S.c.uuid, S.c.id, S.c.org_id).where(S.c.uuid.in_(uuids)))
    return {str(u): (int(i), str(o)) for u, i, o in rows}


def server_twin(conn: Connection, org_id: str, agent: Any, agent_session_id: Any) -> int | None:
    """The org's session of the same agent session made on the server itself (by its
    telemetry receiver or its ingest, never by a push: no machine), which a laptop's push
    of that agent session should fill instead of standing beside it."""
    if not agent or not agent_session_id:
        return None
    found = conn.execute(
        select(S.c.id)
        .where(
            S.c.org_id == org_id,
            S.c.agent == agent,
            S.c.agent_session_id == agent_session_id,
            S.c.machine_id.is_(None),
        )
        .order_by(S.c.id.desc())
        .limit(1)
    ).scalar()
    return None if found is None else int(found)


def _named(conn: Connection, store: Any, table: Table, column: str, values: dict[str, Any]) -> int:
    """The org's row of `table` with this `column` value, created if missing. Insert-or-
    ignore then read: two pushes creating the same one at once both end up with it."""
    where = (table.c.org_id == values["org_id"], table.c[column] == values[column])
    found = conn.execute(select(table.c.id).where(*where)).scalar()
    if found is None:
        statement = store.dialect_insert(table).values(values)
        conn.execute(statement.on_conflict_do_nothing(index_elements=["org_id", column]))
        found = conn.execute(select(table.c.id).where(*where)).scalar_one()
    return int(found)


def project_id(conn: Connection, store: Any, org_id: str, name: str, at: datetime) -> int:
    values = {"org_id": org_id, "name": name, "is_default": False, "created_at": at}
    return _named(conn, store, schema.projects, "name", values)


def upsert_session(
    conn: Connection, org_id: str, existing: int | None, values: dict[str, Any]
) -> tuple[int, bool]:
    """The session's row id, and whether it was created. A new one takes the org's next
    number under the number lock (held until the transaction ends)."""
    if existing is not None:
        conn.execute(update(S).where(S.c.org_id == org_id, S.c.id == existing).values(**values))
        return existing, False
    _lock_numbers(conn, org_id)
    number = conn.execute(
        select(func.coalesce(func.max(S.c.number), 0) + 1).where(S.c.org_id == org_id)
    ).scalar_one()
    result = conn.execute(
        insert(S).values(org_id=org_id, number=number, **values).returning(S.c.id)
    )
    return int(result.scalar_one()), True


def replace_children(
    conn: Connection,
    store: Any,
    org_id: str,
    session_id: int,
    tags: list[str],
    children: dict[str, list[dict[str, Any]]],
    subjects: list[dict[str, Any]],
    at: datetime,
    fresh: bool = False,
) -> None:
    """The session's tags, small tables and subjects become exactly the pushed ones.
    `fresh`: the session was created in this transaction, so there is nothing to delete
    (eleven statements saved per new session)."""
    T = schema.session_tags
    if not fresh:
        conn.execute(T.delete().where(T.c.session_id == session_id))
    if tags:
        conn.execute(
            insert(T),
            [{"session_id": session_id, "tag": t, "org_id": org_id} for t in dict.fromkeys(tags)],
        )
    for name, table in CHILD_TABLES.items():
        if not fresh:
            conn.execute(table.delete().where(table.c.session_id == session_id))
        rows = children.get(name) or []
        if rows:
            conn.execute(
                insert(table), [{**r, "session_id": session_id, "org_id": org_id} for r in rows]
            )
    L, J = schema.session_subjects, schema.subjects
    if not fresh:
        conn.execute(L.delete().where(L.c.session_id == session_id))
    for link in subjects:
        subject = _named(
            conn,
            store,
            J,
            "key",
            {
                "org_id": org_id,
                "key": link["key"],
                "name": link.get("name"),
                "kind": link.get("kind"),
                "created_at": at,
            },
        )
        values = {k: link[k] for k in SUBJECT_LINK if k in link}
        values.setdefault("created_at", at)
        conn.execute(
            insert(L).values(session_id=session_id, subject_id=subject, org_id=org_id, **values)
        )


def insert_activities(
    conn: Connection, store: Any, org_id: str, session_id: int, rows: list[dict[str, Any]]
) -> int:
    """Insert the activities whose key the org does not hold yet; how many went in."""
    if not rows:
        return 0
    statement = (
        store.dialect_insert(A)
        .on_conflict_do_nothing(index_elements=["org_id", "idem_key"])
        .returning(A.c.id)
    )
    full = [{**r, "org_id": org_id, "session_id": session_id} for r in rows]
    columns = set().union(*full)
    return len(conn.execute(statement, [{c: r.get(c) for c in columns} for r in full]).all())


__all__ = ["ROW_LOCAL", "SESSION_LOCAL", "BadRows", "check_rows"]
