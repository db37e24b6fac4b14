"""A server's side of `stint sync`: rows a laptop pushed, stored exactly once.

The session is upserted by its uuid within the org (the laptop's row is authoritative:
its counters and figures are taken as they are), its activities are inserted by key
(insert-or-ignore on (org_id, idem_key)), and its small tables are replaced wholesale.
The caller runs one batch in one transaction. Values are checked against the columns
first (`check_rows`), so a bad batch is refused before anything is written.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import (
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
from sqlalchemy.exc import IntegrityError

from stint.store import recordset, schema
from stint.store.sessions import _lock_numbers
from stint.store.sync_out import CHILD_TABLES, ROW_LOCAL, SESSION_LOCAL, SUBJECT_LINK

S = schema.sessions
A = schema.activities


class BadRows(ValueError):
    """A pushed row does not fit its table: an unknown column, a wrong type, a missing
    required value."""


def _time(table: str, name: str) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if isinstance(value, datetime):
            return value
        if not isinstance(value, str):
            raise BadRows(f"{table}.{name}: expected an ISO 8601 time")
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise BadRows(f"{table}.{name}: {value!r} is not an ISO 8601 time") from None
        if parsed.tzinfo is None:
            raise BadRows(f"{table}.{name}: {value!r} has no time zone")
        return parsed

    return check


def _boolean(table: str, name: str) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if not isinstance(value, bool):
            raise BadRows(f"{table}.{name}: expected true or false")
        return value

    return check


def _integer(table: str, name: str) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int):
            raise BadRows(f"{table}.{name}: expected an integer")
        return value

    return check


def _number(table: str, name: str) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise BadRows(f"{table}.{name}: expected a number")
        return float(value)

    return check


def _text(table: str, name: str) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if not isinstance(value, str):
            raise BadRows(f"{table}.{name}: expected text")
        return value

    return check


def _checker(table: Table, name: str) -> Callable[[Any], Any] | None:
    """The check (and conversion) of one column's non-null values; None: taken as is."""
    kind = table.c[name].type
    if isinstance(kind, schema.UTCDateTime):
        return _time(table.name, name)
    if isinstance(kind, Boolean):
        return _boolean(table.name, name)
    if isinstance(kind, Integer):
        return _integer(table.name, name)
    if isinstance(kind, Float):
        return _number(table.name, name)
    if isinstance(kind, String | Text):
        return _text(table.name, name)
    return None  # JSON, and any type without a check


@functools.cache
def _plan(
    table: Table, local: frozenset[str]
) -> tuple[frozenset[str], frozenset[str], dict[str, tuple[bool, Callable[[Any], Any] | None]]]:
    """What `check_rows` needs of a table, worked out once per table (not per value): the
    columns a row may name, the ones it must, and per column (null allowed, its check)."""
    allowed = frozenset(c.name for c in table.c) - local
    required = frozenset(
        c.name
        for c in table.c
        if not c.nullable and c.default is None and c.name not in local and not c.primary_key
    )
    checks = {
        name: (table.c[name].nullable or table.c[name].default is not None, _checker(table, name))
        for name in allowed
    }
    return allowed, required, checks


def check_rows(
    table: Table, rows: list[dict[str, Any]], local: frozenset[str]
) -> list[dict[str, Any]]:
    """The rows with their values converted; BadRows names the first that does not fit."""
    allowed, required, checks = _plan(table, local)
    checked = []
    for row in rows:
        unknown = row.keys() - allowed
        if unknown:
            raise BadRows(f"{table.name}: unknown column(s) {', '.join(sorted(unknown))}")
        missing = required - row.keys()
        if missing:
            raise BadRows(f"{table.name}: missing {', '.join(sorted(missing))}")
        converted: dict[str, Any] = {}
        for name, value in row.items():
            if value is None:
                if not checks[name][0]:
                    raise BadRows(f"{table.name}.{name} may not be null")
                converted[name] = None
                continue
            check = checks[name][1]
            converted[name] = value if check is None else check(value)
        checked.append(converted)
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
    """The session's row id, and whether it was created. A new one on PostgreSQL holds a
    provisional number until `number_new_sessions` gives it the org's next, at the end of
    the transaction: the org's number lock is then held for that last step only, not
    while the batch's activities go in, which had every concurrent push wait its turn.
    On SQLite (whose writer holds the database's lock anyway) it takes its number here."""
    if existing is not None:
        conn.execute(update(S).where(S.c.org_id == org_id, S.c.id == existing).values(**values))
        return existing, False
    if conn.dialect.name != "postgresql":
        _lock_numbers(conn, org_id)
        result = conn.execute(
            insert(S).values(org_id=org_id, number=_next_number(conn, org_id), **values)
        )
        return int(result.inserted_primary_key[0]), True  # type: ignore[index]
    sequence = func.pg_get_serial_sequence("sessions", "id")
    session_id = int(conn.execute(select(func.nextval(sequence))).scalar_one())
    conn.execute(
        insert(S).values(id=session_id, org_id=org_id, number=_provisional(session_id), **values)
    )
    return session_id, True


def _provisional(session_id: int) -> int:
    """A number no committed session holds (they are all positive) and no concurrent
    transaction's new session either (derived from the row's own id), within `number`'s
    32 bits. Never seen outside the transaction: `number_new_sessions` replaces it."""
    return -(session_id % 2_147_483_647) - 1


def _next_number(conn: Connection, org_id: str) -> int:
    return int(
        conn.execute(
            select(func.coalesce(func.max(S.c.number), 0) + 1).where(
                S.c.org_id == org_id, S.c.number > 0
            )
        ).scalar_one()
    )


def number_new_sessions(conn: Connection, org_id: str, session_ids: list[int]) -> None:
    """Give the sessions created in this transaction the org's next numbers, in order,
    under the org's number lock (held until the transaction ends, a moment later). A
    number taken meanwhile by a writer that skips the lock (a bulk import) means trying
    the next one, as `stint.store.sessions.insert_session` does."""
    if not session_ids or conn.dialect.name != "postgresql":
        return
    _lock_numbers(conn, org_id)
    for session_id in session_ids:
        while True:
            savepoint = conn.begin_nested()
            try:
                conn.execute(
                    update(S).where(S.c.id == session_id).values(number=_next_number(conn, org_id))
                )
            except IntegrityError:
                savepoint.rollback()
                continue
            savepoint.commit()
            break


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
    """Insert the activities whose key the org does not hold yet; how many went in. On
    PostgreSQL as one statement of one JSON document (`stint.store.recordset`): an
    executemany with RETURNING is sent as multi-row VALUES whose text psycopg parsed
    anew for every batch (most of a sync request's time)."""
    if not rows:
        return 0
    if not store.is_sqlite:
        named = tuple(dict.fromkeys(name for row in rows for name in row))
        even = [{name: row.get(name) for name in named} for row in rows]
        shared = {"org_id": org_id, "session_id": session_id}
        return len(recordset.insert_ignore_many(conn, A, shared, even, ["org_id", "idem_key"]))
    statement = (
        store.dialect_insert(A)
        .on_conflict_do_nothing(index_elements=["org_id", "idem_key"])
        .returning(A.c.id)
    )
    full = [{**r, "org_id": org_id, "session_id": session_id} for r in rows]
    columns = set().union(*full)
    return len(conn.execute(statement, [{c: r.get(c) for c in columns} for r in full]).all())


__all__ = ["ROW_LOCAL", "SESSION_LOCAL", "BadRows", "check_rows"]
