"""Migrations and the table definitions never drift apart, on either backend."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine

from stint.store.engine import (
    MIGRATIONS_DIR,
    SCHEMA_REVISION,
    current_revision,
    upgrade,
)
from stint.store.schema import metadata


def test_schema_revision_is_the_newest_migration() -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    assert ScriptDirectory.from_config(config).get_current_head() == SCHEMA_REVISION


def test_migrated_database_matches_the_table_definitions(database_url: str) -> None:
    if database_url.startswith("sqlite"):
        Path(database_url.split("///", 1)[1]).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(database_url)
    upgrade(engine)  # the migrations themselves (an empty SQLite gets create_all instead)
    assert current_revision(engine) == SCHEMA_REVISION
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    engine.dispose()
    assert diff == []


def test_processes_meeting_a_fresh_database_migrate_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    code = "import sys; from stint.tracker import Tracker; Tracker.open(sys.argv[1]).close()"
    procs = [subprocess.Popen([sys.executable, "-c", code, url]) for _ in range(4)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0, 0]
    assert current_revision(create_engine(url)) == SCHEMA_REVISION
