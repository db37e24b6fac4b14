"""Many rows into one PostgreSQL table as one short statement with one parameter: the rows
are sent as a single JSON document and `json_to_recordset` turns it back into rows
(`INSERT … SELECT … FROM json_to_recordset(:rows) AS r(col type, …)`).

Why not arrays (`stint.store.unnest`): psycopg dumps every element of every array in
Python, so a batch of 250 events cost ~4 ms of the server's CPU in dumping alone, and
PostgreSQL parsed one array literal per column. One `orjson.dumps` of the rows costs a
tenth of that. The statement's text is the same whatever the row count, so psycopg
prepares it once per connection.

Each value first passes through its column type's own bind step (`process_bind_param` of
a `TypeDecorator`), exactly as an ordinary INSERT would: credentials are redacted
(`RedactedText`, `RedactedJSON`) and times are checked aware and made UTC
(`UTCDateTime`). The record's columns are declared with unbounded types (`text`, not
`varchar(50)`): a cast would cut a long value silently, while the INSERT's assignment
refuses it, as before. A row orjson cannot encode (an integer over 64 bits) sends the
batch the array way instead."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import orjson
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    Integer,
    String,
    Table,
    TypeDecorator,
)
from sqlalchemy.engine import Connection
from sqlalchemy.sql.schema import ScalarElementColumnDefault

from stint.store import unnest


def _record_type(kind: Any) -> str:
    """The column's type in the record definition: the broad SQL type of its storage."""
    impl = kind.impl if isinstance(kind, TypeDecorator) else kind
    if isinstance(impl, Boolean):
        return "boolean"
    if isinstance(impl, BigInteger):
        return "bigint"
    if isinstance(impl, Integer):
        return "integer"
    if isinstance(impl, Float):
        return "double precision"
    if isinstance(impl, DateTime):
        return "timestamptz" if impl.timezone else "timestamp"
    if isinstance(impl, JSON):
        return "json"
    if isinstance(impl, String):  # Text is a String
        return "text"
    raise TypeError(f"no record type for {kind!r}")


def _bind_step(kind: Any) -> Callable[[Any, Any], Any] | None:
    """The type's own step on the way in (redaction, UTC), without its storage's
    serialisation (a JSON value stays a value inside the document): called as
    `step(value, dialect)`."""
    if not isinstance(kind, TypeDecorator):
        return None
    step: Callable[[Any, Any], Any] = kind.process_bind_param
    return step


@functools.cache
def _row_steps(table: Table, varying: tuple[str, ...]) -> tuple[tuple[str, Any], ...]:
    """The varying columns that have a bind step, with it (looked up once per shape)."""
    steps = ((name, _bind_step(table.c[name].type)) for name in varying)
    return tuple((name, step) for name, step in steps if step is not None)


@functools.cache
def _statement(
    table: Table, constant: tuple[str, ...], varying: tuple[str, ...], conflict: tuple[str, ...]
) -> str:
    fixed = [f"%({name})s::{_record_type(table.c[name].type)}" for name in constant]
    picked = [f'r."{name}"' for name in varying]
    record = ", ".join(f'"{name}" {_record_type(table.c[name].type)}' for name in varying)
    columns = ", ".join(f'"{name}"' for name in (*constant, *varying))
    keys = ", ".join(f'"{name}"' for name in conflict)
    return (
        f'INSERT INTO "{table.name}" ({columns}) '
        f"SELECT {', '.join([*fixed, *picked])} "
        f"FROM json_to_recordset(%(rows)s::json) AS r({record}) "
        f"ON CONFLICT ({keys}) DO NOTHING RETURNING {keys}"
    )


@functools.cache
def _defaults(table: Table, varying: tuple[str, ...], constant: tuple[str, ...]) -> dict[str, Any]:
    """The scalar defaults of the columns neither the rows nor the constants name."""
    found = {}
    for column in table.c:
        default = column.default
        if column.name in varying or column.name in constant or default is None:
            continue
        if isinstance(default, ScalarElementColumnDefault):
            found[column.name] = default.arg
    return found


def insert_ignore_many(
    conn: Connection,
    table: Table,
    constant: dict[str, Any],
    rows: Sequence[dict[str, Any]],
    conflict: Sequence[str],
) -> list[tuple[Any, ...]]:
    """Insert `rows` (each with the same keys, plus the `constant` columns shared by all;
    a column in neither takes its scalar default, if it has one)
    unless a row with the same `conflict` columns exists; the `conflict` values of the rows
    inserted (as `stint.store.unnest.insert_ignore_many`)."""
    if not rows:
        return []
    varying = tuple(rows[0])
    # A column no row names takes its scalar default, as SQLAlchemy's INSERT gives it.
    constant = {**_defaults(table, varying, tuple(constant)), **constant}
    dialect = conn.dialect
    stepped = _row_steps(table, varying)
    ready = []
    for row in rows:
        copy = dict(row)  # the caller's rows stay as given (the array way re-binds them)
        for name, step in stepped:
            value = copy[name]
            # Every stint column type maps None to None (stint.store.columns): not called.
            if value is not None:
                copy[name] = step(value, dialect)
        ready.append(copy)
    try:
        document = orjson.dumps(ready, option=orjson.OPT_NON_STR_KEYS).decode()
    except orjson.JSONEncodeError:
        return unnest.insert_ignore_many(conn, table, constant, rows, conflict)
    params = {
        name: step(value, dialect) if (step := _bind_step(table.c[name].type)) else value
        for name, value in constant.items()
    }
    params["rows"] = document
    statement = _statement(table, tuple(constant), varying, tuple(conflict))
    # fetchall: one driver call for the RETURNING rows, not one per row.
    return [tuple(row) for row in conn.exec_driver_sql(statement, params).fetchall()]
