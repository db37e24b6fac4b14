"""Many rows into one PostgreSQL table as one short statement: each column is sent as an
array and `unnest` turns the arrays back into rows (`INSERT … SELECT unnest(:a), …`).

Why: SQLAlchemy sends an executemany with RETURNING as multi-row `VALUES` statements, whose
text grows with the rows (250 events: ~80 kB, 3,000 parameters). psycopg caches the parsing
of a statement only up to 4 kB and 50 parameters, so it re-parsed every batch: half an
ingest request's time. This statement is the same short text whatever the row count, so
psycopg parses it once and PostgreSQL prepares it. Each array passes through its column's
type (ARRAY of the column type), so redaction and UTC conversion still apply."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, bindparam, cast, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection


@functools.cache
def _statement(
    table: Table, constant: tuple[str, ...], varying: tuple[str, ...], conflict: tuple[str, ...]
) -> Any:
    fixed = [cast(bindparam(name), table.c[name].type).label(name) for name in constant]
    arrays = [
        func.unnest(bindparam(name, type_=ARRAY(table.c[name].type))).label(name)
        for name in varying
    ]
    return (
        pg_insert(table)
        .from_select([*constant, *varying], select(*fixed, *arrays))
        .on_conflict_do_nothing(index_elements=list(conflict))
        .returning(*[table.c[name] for name in conflict])
    )


def insert_ignore_many(
    conn: Connection,
    table: Table,
    constant: dict[str, Any],
    rows: Sequence[dict[str, Any]],
    conflict: Sequence[str],
) -> list[tuple[Any, ...]]:
    """Insert `rows` (each with the same keys, plus the `constant` columns shared by all)
    unless a row with the same `conflict` columns exists; the `conflict` values of the rows
    inserted."""
    if not rows:
        return []
    varying = tuple(rows[0])
    statement = _statement(table, tuple(constant), varying, tuple(conflict))
    values = {name: [row[name] for row in rows] for name in varying}
    return [tuple(row) for row in conn.execute(statement, {**constant, **values})]
