"""SQLAlchemy statements compiled once and run straight on SQLite's DBAPI cursor, for the
hot write paths (one `Tracker.record`, an import's thousands of events).

Executing a Core statement costs more than SQLite running it: each call looks the
compiled form up in the cache, builds an execution context, processes every parameter
through the statement's bind map and wraps the cursor in a Result. Here the statement is
compiled once per shape; a call only orders the values and passes each through the same
bind processor SQLAlchemy would use (so redaction, JSON and UTC handling are the
column types' own, unchanged), inside the caller's transaction on the same connection.
PostgreSQL keeps the Core path: callers check `Connection.dialect.name` first.
"""

from __future__ import annotations

import copy
import functools
import sqlite3
from collections import namedtuple
from collections.abc import Callable, Iterable, Mapping, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.sql import Select

Processor = Callable[[Any], Any] | None


def binder(type_: Any, dialect: Dialect) -> Processor:
    """The bind processor SQLAlchemy's own execution applies for `type_` on `dialect`:
    that of the type's dialect implementation. A TypeDecorator's plain `bind_processor`
    stops after its own step — a UTC datetime left a naive datetime, which sqlite3's
    adapter writes without microseconds at a whole second ('…:20' where SQLAlchemy
    writes '…:20.000000'), and text comparisons then ordered the two apart."""
    process: Processor = type_.dialect_impl(dialect).bind_processor(dialect)
    return process


def reader(type_: Any, dialect: Dialect) -> Processor:
    """The result processor SQLAlchemy's own execution applies (see `binder`)."""
    process: Processor = type_.dialect_impl(dialect).result_processor(dialect, None)
    return process


class Prepared:
    """One statement's SQL, its parameters' names in order with their bind processors,
    and (a SELECT) its columns' result processors."""

    def __init__(self, statement: Any, dialect: Dialect, keys: Sequence[str] | None) -> None:
        compiled = statement.compile(dialect=dialect, column_keys=list(keys or ()) or None)
        # Python-side defaults or post-compile parameters would need SQLAlchemy's own
        # execution: refuse them here rather than store something else.
        if compiled.insert_prefetch or compiled.update_prefetch or compiled.post_compile_params:
            raise ValueError("statement needs SQLAlchemy's execution (defaults or expanding)")
        self.sql: str = compiled.string
        names = compiled.positiontup or []
        self.binders: tuple[tuple[str, Processor], ...] = tuple(
            (name, binder(compiled.binds[name].type, dialect)) for name in names
        )
        self.row_type: Any = None
        self.readers: tuple[Processor, ...] = ()
        if isinstance(statement, Select):
            columns = list(statement.selected_columns)
            self.row_type = namedtuple("Row", [column.key for column in columns])  # type: ignore[misc]
            self.readers = tuple(reader(column.type, dialect) for column in columns)

    def params(self, values: Mapping[str, Any]) -> tuple[Any, ...]:
        return tuple(
            values[name] if process is None else process(values[name])
            for name, process in self.binders
        )

    def execute(
        self, conn: Connection | sqlite3.Connection, values: Mapping[str, Any]
    ) -> sqlite3.Cursor:
        cursor: sqlite3.Cursor = driver(conn).execute(self.sql, self.params(values))
        return cursor

    def many_params(self, rows: Sequence[Mapping[str, Any]]) -> list[tuple[Any, ...]]:
        """`params` of every row, a column at a time: each column's values are taken and
        processed with one `map` (a column with no processor is passed as it is), then
        zipped back into rows — the same values, without a Python loop per value."""
        if not self.binders:
            return [()] * len(rows)
        columns = []
        for name, process in self.binders:
            values = list(map(itemgetter(name), rows))
            columns.append(values if process is None else list(map(process, values)))
        return list(zip(*columns, strict=True))

    def executemany(self, conn: Connection, rows: Iterable[Mapping[str, Any]]) -> None:
        driver(conn).executemany(self.sql, self.many_params(list(rows)))

    def first(self, conn: Connection | sqlite3.Connection, values: Mapping[str, Any]) -> Any:
        """The first row of a SELECT, its values read as SQLAlchemy would; None if none."""
        row = self.execute(conn, values).fetchone()
        if row is None:
            return None
        return self.row_type(
            *(
                value if read is None else read(value)
                for value, read in zip(row, self.readers, strict=True)
            )
        )

    def scalar(self, conn: Connection | sqlite3.Connection, values: Mapping[str, Any]) -> Any:
        """The first column of the first row (an INSERT … RETURNING id); None if none."""
        row = self.execute(conn, values).fetchone()
        return None if row is None else row[0]


def driver(conn: Connection | sqlite3.Connection) -> sqlite3.Connection:
    """The sqlite3 connection under `conn` (in the transaction `conn` began), or `conn`
    itself when it is one already (`stint.store.quick_record`)."""
    if isinstance(conn, sqlite3.Connection):
        return conn
    found: sqlite3.Connection = conn.connection.driver_connection  # type: ignore[assignment]
    return found


@functools.cache
def _prepared(statement: Any, keys: tuple[str, ...], dialect: Dialect) -> Prepared:
    return Prepared(statement, dialect, keys)


def prepare(
    conn: Connection | sqlite3.Connection,
    statement: Any,
    keys: Sequence[str] = (),
    dialect: Dialect | None = None,
) -> Prepared:
    """`statement` (built once, e.g. under functools.cache) compiled for `conn`'s SQLite
    dialect (or `dialect`, needed with a bare sqlite3 connection) with `keys` as an
    INSERT's columns; compiled once per statement and keys."""
    if dialect is None:
        assert isinstance(conn, Connection), "a bare sqlite3 connection needs the dialect"
        dialect = conn.dialect
    chosen = dialect
    return _prepared(statement, tuple(keys), _dialect(chosen.name, chosen))


_DIALECTS: dict[str, Dialect] = {}


def _dialect(name: str, dialect: Dialect) -> Dialect:
    # One dialect object per backend name keeps the cache at one entry per statement
    # (each engine has its own dialect instance, with the same settings here).
    return _DIALECTS.setdefault(name, dialect)


class Named:
    """A statement compiled with named parameters (`:name`, which sqlite3 binds from a
    mapping): a name the SQL uses several times is bound once, and only the parameters
    whose type processes values (times, booleans, the redacting kinds) pass through
    Python; the others go to sqlite3 as given. For `stint.store.quick_record`, where a
    few microseconds per parameter are a fair share of one event."""

    def __init__(
        self,
        statement: Any,
        dialect: Dialect,
        keys: Sequence[str] | None,
        bound: frozenset[str] = frozenset(),
    ) -> None:
        compiled = statement.compile(dialect=dialect, column_keys=list(keys or ()) or None)
        if compiled.insert_prefetch or compiled.update_prefetch or compiled.post_compile_params:
            raise ValueError("statement needs SQLAlchemy's execution (defaults or expanding)")
        self.sql: str = compiled.string
        self.binders: tuple[tuple[str, Callable[[Any], Any]], ...] = tuple(
            (name, process)
            for name, bind in compiled.binds.items()
            if name not in bound and (process := binder(bind.type, dialect)) is not None
        )

    def bind(self, values: dict[str, Any]) -> dict[str, Any]:
        """`values` (the caller's own dict, changed in place) with the processed ones
        replaced by what their type binds."""
        for name, process in self.binders:
            values[name] = process(values[name])
        return values

    def execute(self, conn: sqlite3.Connection, values: dict[str, Any]) -> sqlite3.Cursor:
        """Run with `values` bound (see `bind`; extra keys are ignored by sqlite3)."""
        return conn.execute(self.sql, self.bind(values))


def prepare_named(
    statement: Any, dialect: Dialect, keys: Sequence[str] = (), bound: frozenset[str] = frozenset()
) -> Named:
    """`statement` (built once) as a `Named` for `dialect` (SQLite's), compiled once per
    statement and keys. `bound`: parameters the caller passes as their type binds them
    already (one value bound once for several parameters), left unprocessed here."""
    base = _dialect(dialect.name, dialect)
    return _named(statement, tuple(keys), base, bound)


@functools.cache
def _named(statement: Any, keys: tuple[str, ...], dialect: Dialect, bound: frozenset[str]) -> Named:
    return Named(statement, _named_dialect(dialect), keys, bound)


@functools.cache
def _named_dialect(dialect: Dialect) -> Dialect:
    # The engine's own dialect (initialised: its SQLite version decides RETURNING), with
    # SQLite's named paramstyle instead of qmark; its types' processors are the same.
    named = copy.copy(dialect)
    named.paramstyle = "named"
    named.positional = False
    return named
