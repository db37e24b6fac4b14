"""Plain SQL text, run on either kind of read connection: the standard library's sqlite3
(`stint.store.lite`, no SQLAlchemy to import) or a SQLAlchemy `Connection` (PostgreSQL,
and SQLite under the Tracker).

The analytics queries are written once as text with `:name` parameters, which sqlite3
takes as they are and SQLAlchemy's `text()` rewrites for the driver (doubling the `%`
of a modulo for psycopg). The text differs by dialect only where the SQL does (date
arithmetic, see `stint.store.dateparts`); `Binds` gives datetimes as each path stores
them, and `stint.store.bare.read_moment` reads them back as SQLAlchemy's UTCDateTime
would.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

BATCH = 20_000


def dialect_of(conn: Any) -> str:
    """The dialect the SQL text is written for: "sqlite" or "postgresql"."""
    if isinstance(conn, sqlite3.Connection):
        return "sqlite"
    return str(conn.dialect.name)


class Binds:
    """The parameters of one statement: each value gets a name (p0, p1, …) and the text
    gets its placeholder."""

    def __init__(self, dialect: str) -> None:
        self.dialect = dialect
        self.values: dict[str, Any] = {}

    def __call__(self, value: Any) -> str:
        name = f"p{len(self.values)}"
        self.values[name] = value
        return f":{name}"

    def many(self, values: Sequence[Any]) -> str:
        """Placeholders for an IN list."""
        return ", ".join(self(value) for value in values)

    def moment(self, value: datetime) -> str:
        """A datetime as UTCDateTime binds it: naive UTC text on SQLite (the stored form,
        so that comparisons order the same strings), aware on PostgreSQL."""
        utc = value.astimezone(UTC)
        if self.dialect == "sqlite":
            return self(utc.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f"))
        return self(utc)


def mappings(conn: Any, sql: str, binds: Binds) -> list[dict[str, Any]]:
    """Every row of the statement as a dict keyed by column label."""
    if isinstance(conn, sqlite3.Connection):
        cursor = conn.execute(sql, binds.values)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor]
    from sqlalchemy import text  # deferred: only the SQLAlchemy path has it loaded

    return [dict(row) for row in conn.execute(text(sql), binds.values).mappings()]


def rows(conn: Any, sql: str, binds: Binds) -> list[tuple[Any, ...]]:
    """Every row of the statement as a plain tuple."""
    return [row for batch in batches(conn, sql, binds) for row in batch]


def batches(conn: Any, sql: str, binds: Binds) -> Iterator[Sequence[tuple[Any, ...]]]:
    """The rows in batches, as the DBAPI cursor's plain tuples: wrapping every row in a
    SQLAlchemy Row costs a quarter of a big fetch, and these columns need no result
    processing on either backend."""
    if isinstance(conn, sqlite3.Connection):
        cursor = conn.execute(sql, binds.values)
        while batch := cursor.fetchmany(BATCH):
            yield batch
        return
    from sqlalchemy import text  # deferred: only the SQLAlchemy path has it loaded

    # With default execution options SQLAlchemy reads no row ahead of the cursor.
    with conn.execute(text(sql), binds.values) as result:
        while batch := result.cursor.fetchmany(BATCH):
            yield batch
