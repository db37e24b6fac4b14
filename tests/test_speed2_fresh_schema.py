"""An empty SQLite database gets `schema.py`'s tables with create_all and an Alembic
stamp (stint.store.engine.create_fresh) instead of the migrations replayed: the result
must be the very schema the migrations build, down to column types, nullability,
defaults, keys, indexes and foreign keys, and later migrations must apply to it."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine

from stint.store.engine import (
    SCHEMA_REVISION,
    create_fresh,
    current_revision,
    ensure_schema,
    upgrade,
)


def shape(path: Path) -> dict[str, Any]:
    """Everything SQLite knows of each table, in an order that does not depend on how the
    table was built (a migration adds columns at the end; create_all in schema.py order)."""
    conn = sqlite3.connect(path)
    try:
        names = sorted(
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        )
        found: dict[str, Any] = {
            "objects": sorted(
                conn.execute(
                    "SELECT type, name, tbl_name FROM sqlite_master WHERE name NOT LIKE "
                    "'sqlite_autoindex%'"
                ).fetchall()
            )
        }
        for table in names:
            columns = sorted(
                (name, kind.upper(), notnull, default, pk)
                for _, name, kind, notnull, default, pk in conn.execute(
                    f"PRAGMA table_info('{table}')"
                )
            )
            indexes = []
            for _, index, unique, origin, partial in conn.execute(f"PRAGMA index_list('{table}')"):
                parts = [row[2] for row in conn.execute(f"PRAGMA index_info('{index}')")]
                named = "" if index.startswith("sqlite_autoindex") else index
                indexes.append((named, unique, origin, partial, tuple(parts)))
            keys = sorted(
                (row[2], row[3], row[4], row[5], row[6])
                for row in conn.execute(f"PRAGMA foreign_key_list('{table}')")
            )
            found[table] = {"columns": columns, "indexes": sorted(indexes), "keys": keys}
        return found
    finally:
        conn.close()


def test_create_fresh_builds_the_schema_the_migrations_build(tmp_path: Path) -> None:
    migrated, fresh = tmp_path / "migrated.db", tmp_path / "fresh.db"
    upgrade(create_engine(f"sqlite:///{migrated}"))
    create_fresh(create_engine(f"sqlite:///{fresh}"))
    expected, got = shape(migrated), shape(fresh)
    assert set(got) == set(expected)
    for table in expected:
        assert got[table] == expected[table], table
    assert len(expected) > 20  # the comparison saw the real tables


def test_an_empty_sqlite_database_is_created_fresh_and_stamped(
    tmp_path: Path, monkeypatch: Any
) -> None:
    import stint.store.engine as engine_module

    def no_alembic(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("an empty database must not replay the migrations")

    monkeypatch.setattr(engine_module, "upgrade", no_alembic)
    engine = create_engine(f"sqlite:///{tmp_path / 'new.db'}")
    ensure_schema(engine)
    assert current_revision(engine) == SCHEMA_REVISION


def test_a_database_with_tables_is_migrated_not_recreated(tmp_path: Path) -> None:
    # A database left at the first revision (tables present, stamp old) goes through
    # the migrations: create_all would skip its existing tables and leave them old.
    path = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{path}")
    upgrade(engine, "0001")
    assert current_revision(engine) == "0001"
    ensure_schema(engine)
    assert current_revision(engine) == SCHEMA_REVISION
    reference = tmp_path / "reference.db"
    upgrade(create_engine(f"sqlite:///{reference}"))
    assert shape(path) == shape(reference)
