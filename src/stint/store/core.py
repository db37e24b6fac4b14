"""The `Store`: one per database URL, with its engines (`stint.store.core`)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Hashable, Iterator
from types import ModuleType
from typing import Any

from sqlalchemy import Table
from sqlalchemy.engine import Connection

from stint.model.config import Settings
from stint.model.timeparse import utcnow
from stint.store import schema
from stint.store.data_version import DataVersions
from stint.store.engine import ensure_schema, make_engine, try_lock


class Store:
    """Engines for one database. SQLite gets a second engine whose transactions take the
    write lock up front (`BEGIN IMMEDIATE`), so writers queue instead of failing."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        self._writer = make_engine(url, immediate=True) if self.is_sqlite else self.engine
        # The pulse the projection keeps each session's active time with as events
        # arrive; the session service sets its own settings' (a row kept with another
        # pulse is recomputed, never misread).
        self.pulse_seconds: float = Settings.pulse_minutes * 60
        self._versions = DataVersions(self.engine)

    @property
    def reads(self) -> ModuleType:
        """The reads the session reader makes, as SQLAlchemy queries (`stint.store.lite`
        has the same functions over bare sqlite3)."""
        from stint.store import reads  # not at the top: it imports modules that import Store

        return reads

    @classmethod
    def open(cls, url: str, org_id: str = "local") -> Store:
        store = cls(url)
        ensure_schema(store.engine)
        store.ensure_org(org_id)
        return store

    def ensure_org(self, org_id: str, name: str | None = None) -> None:
        with self.write() as conn:
            self.insert_ignore(
                conn,
                schema.orgs,
                {"id": org_id, "name": name or org_id, "created_at": utcnow()},
                ["id"],
            )

    @contextlib.contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    def data_version(self) -> Hashable:
        """A token equal to an earlier one only if nothing was committed to the database
        in between (`stint.store.data_version`): one cheap query, for caches of figures."""
        return self._versions.token()

    @contextlib.contextmanager
    def write(self) -> Iterator[Connection]:
        with self._writer.begin() as conn:
            yield conn

    def exclusive(self, name: str) -> contextlib.AbstractContextManager[bool]:
        """True inside the block when no other process holds `name` (see `try_lock`): work
        that must run in one server process at a time, such as the housekeeping."""
        return try_lock(self.engine, name)

    def dialect_insert(self, table: Table) -> Any:
        """An INSERT that knows ON CONFLICT on both backends."""
        return dialect_insert(self.is_sqlite, table)

    def insert_ignore(
        self, conn: Connection, table: Table, values: dict[str, Any], conflict: list[str]
    ) -> bool:
        """Insert unless a row with the same `conflict` columns exists; True if inserted."""
        statement = self.dialect_insert(table).values(values)
        statement = statement.on_conflict_do_nothing(index_elements=conflict)
        # Not `rowcount`: PostgreSQL reports -1 (true) for a skipped insert here.
        returning = statement.returning(*[table.c[name] for name in conflict])
        return conn.execute(returning).first() is not None

    def dbapi_writer(self) -> Any:
        """This thread's sqlite3 connection for `stint.store.quick_record`: one of the
        writer engine's (its connect-time PRAGMAs applied), detached from the pool and
        kept, so that one event's transaction pays no pool checkout and return. Closed
        by `dispose`."""
        local = self.__dict__.get("_dbapi_local")
        if local is None:
            local = self.__dict__.setdefault("_dbapi_local", threading.local())
            self.__dict__.setdefault("_dbapi_kept", [])
        conn = getattr(local, "conn", None)
        if conn is None:
            fairy = self._writer.raw_connection()
            conn = local.conn = fairy.driver_connection
            fairy.detach()  # the pool forgets it (and frees its slot); closed below
            self.__dict__["_dbapi_kept"].append(conn)
        return conn

    def dispose(self) -> None:
        self._versions.close()
        for conn in self.__dict__.pop("_dbapi_kept", []):
            conn.close()
        self.__dict__.pop("_dbapi_local", None)
        self.engine.dispose()
        if self._writer is not self.engine:
            self._writer.dispose()


def dialect_insert(sqlite: bool, table: Table) -> Any:
    """An INSERT that knows ON CONFLICT on SQLite (`sqlite`) or PostgreSQL: for the
    statements built once per dialect (`functools.cache`) before any `Store` is at hand."""
    # Imported here: loading both dialect packages costs more than a whole query.
    if sqlite:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert  # the dialect in use only

        return sqlite_insert(table)
    from sqlalchemy.dialects.postgresql import insert as pg_insert  # the dialect in use only

    return pg_insert(table)
