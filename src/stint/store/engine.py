"""Engine set-up and the schema check every process makes on first use.

The check is one cheap query of `alembic_version`; Alembic itself is imported only when
an upgrade is due (importing it costs more than a whole `stint status`), and SQLAlchemy
only by the functions that make or use an engine.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

# SQLAlchemy is imported by the functions that use it, not by this module.

# The newest migration in store/migrations/versions (kept in `stint.store.bare`, which the
# re-import's quick path reads without this module's imports); a test checks they agree.
from stint.store.bare import SCHEMA_REVISION as SCHEMA_REVISION

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def make_engine(url: str, *, immediate: bool = False) -> Engine:
    """An engine for `url`. On SQLite, `immediate=True` makes every transaction take the
    write lock at BEGIN, so concurrent writers queue on the busy timeout instead of
    failing when a read lock cannot be upgraded."""
    from sqlalchemy import create_engine, event

    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        from stint.store.jsontext import dumps

        # JSON columns written with orjson (see stint.store.jsontext); read as before.
        engine = create_engine(url, connect_args={"timeout": 60}, json_serializer=dumps)
        begin = "BEGIN IMMEDIATE" if immediate else "BEGIN"

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            # Let SQLAlchemy's begin event issue BEGIN itself (the pysqlite recipe).
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA busy_timeout = 60000")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.close()

        @event.listens_for(engine.pool, "close")
        def _on_close(dbapi_connection: Any, _record: Any) -> None:
            # SQLite's advice for short-lived connections: keep planner statistics fresh
            # (bounded by analysis_limit, usually a no-op), or the analytics indexes go unused.
            try:
                dbapi_connection.execute("PRAGMA analysis_limit = 400")
                dbapi_connection.execute("PRAGMA optimize")
            except sqlite3.Error:  # closing must not fail on an optimisation
                pass

        @event.listens_for(engine, "begin")
        def _on_begin(connection: Any) -> None:
            connection.exec_driver_sql(begin)

        return engine
    # Each server process holds up to pool size + overflow connections: with N workers,
    # N × (size + overflow) must stay under PostgreSQL's max_connections (docs/production.md).
    size = int(os.environ.get("STINT_POOL_SIZE") or 5)
    overflow = int(os.environ.get("STINT_POOL_OVERFLOW") or 10)
    return create_engine(url, pool_pre_ping=False, pool_size=size, max_overflow=overflow)


def current_revision(engine: Engine) -> str | None:
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    try:
        with engine.connect() as connection:
            row = connection.execute(text("SELECT version_num FROM alembic_version")).first()
    except DBAPIError:
        return None
    return str(row[0]) if row else None


def ensure_schema(engine: Engine) -> None:
    """Bring the database to SCHEMA_REVISION, migrating under a lock if needed. An empty
    SQLite database gets the tables as they are now (`create_fresh`) instead of replaying
    every migration: the same schema (tests/test_speed2_fresh_schema.py compares them),
    at a fraction of the cost of a first command in a new STINT_HOME."""
    if current_revision(engine) == SCHEMA_REVISION:
        return
    with _migration_lock(engine):
        if current_revision(engine) == SCHEMA_REVISION:
            return
        if engine.dialect.name == "sqlite" and not _has_tables(engine):
            create_fresh(engine)
        else:
            upgrade(engine)


def _has_tables(engine: Engine) -> bool:
    from sqlalchemy import text

    with engine.connect() as connection:
        found = connection.execute(
            text("SELECT 1 FROM sqlite_master WHERE type = 'table' LIMIT 1")
        ).first()
    return found is not None


def create_fresh(engine: Engine) -> None:
    """The tables of `stint.store.schema` created in an empty database, stamped with
    SCHEMA_REVISION the way Alembic stamps (Alembic's recipe for building a database from
    scratch: `create_all`, then `stamp head`), so later migrations apply as usual."""
    from sqlalchemy import text

    from stint.store.schema import metadata

    with engine.begin() as connection:
        metadata.create_all(connection)
        connection.execute(
            text(
                "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
                "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
            )
        )
        connection.execute(
            text("INSERT INTO alembic_version (version_num) VALUES (:revision)"),
            {"revision": SCHEMA_REVISION},
        )


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command  # deferred: Alembic only to upgrade the schema
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        # Alembic's batch mode changes a SQLite table by copying it, dropping the old one
        # and renaming the copy; with foreign keys enforced, dropping `sessions` would
        # cascade-delete every row that references it. SQLite's own procedure for schema
        # changes turns enforcement off first (outside a transaction, where the pragma
        # works) and checks the keys before committing.
        driver = connection.connection.driver_connection if sqlite else None
        if driver is not None:
            driver.execute("PRAGMA foreign_keys = OFF")
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if broken:
                        raise RuntimeError(f"migration left broken foreign keys: {broken[:5]}")
        finally:
            if driver is not None:
                driver.execute("PRAGMA foreign_keys = ON")


# The class half of the advisory locks `try_lock` takes (the other half: the lock's name).
_TRY_LOCK_CLASS = 7405472


@contextlib.contextmanager
def try_lock(engine: Engine, name: str) -> Iterator[bool]:
    """Whether this process got `name`'s lock, held until the block ends; another holder
    means False at once (no waiting). PostgreSQL: a session advisory lock on a connection
    kept for the block, so a process that dies releases it with its connection. SQLite: a
    server's processes share one file whose write lock already serialises every write, and
    each write re-checks what it changes: True."""
    if engine.dialect.name != "postgresql":
        yield True
        return
    from sqlalchemy import text  # deferred, as the rest of this module's SQLAlchemy

    key = text("SELECT pg_try_advisory_lock(:cls, hashtext(:name))")
    with engine.connect() as connection:
        got = bool(connection.execute(key, {"cls": _TRY_LOCK_CLASS, "name": name}).scalar())
        connection.commit()
        try:
            yield got
        finally:
            if got:
                unlock = text("SELECT pg_advisory_unlock(:cls, hashtext(:name))")
                connection.execute(unlock, {"cls": _TRY_LOCK_CLASS, "name": name})
                connection.commit()


@contextlib.contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    """Two processes meeting a fresh database must not both create the tables."""
    from sqlalchemy import text

    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(7405471)"))
            connection.commit()
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(7405471)"))
                connection.commit()
        return
    database = engine.url.database
    if not database or database == ":memory:":
        yield
        return
    import fcntl  # POSIX only

    lock_path = f"{database}.migrate.lock"
    Path(lock_path).parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_CREAT | os.O_RDWR, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
