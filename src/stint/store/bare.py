"""The few statements a re-import with nothing new asks of a SQLite store, as SQL text over
the standard library's sqlite3 and nothing else imported (`typing`, `pathlib`, `json`,
`dataclasses` each cost a tenth of that command): `stint.store.lite` runs the same text, so
each rule has one definition (`stint.capture.quick_import` is the other reader)."""

from __future__ import annotations

from datetime import UTC, datetime

# The newest migration in store/migrations/versions; a test checks they agree.
# (`stint.store.engine` exports it, where the migrations' tests look for it.)
SCHEMA_REVISION = "0022"

# stint.store.imports keeps a file's modification time inside the `state` column under
# this key (a test checks the two agree).
MTIME_KEY = "_mtime_ns"

# The schema's revision and the org's existence in one statement (`?`: the org).
STORE_CHECK_SQL = (
    "SELECT (SELECT version_num FROM alembic_version), EXISTS (SELECT 1 FROM orgs WHERE id = ?)"
)

# The sweep's first question (`SessionReader.stale_ids`): the org's active sessions not
# seen since the cutoff, with whether each is idle past it (`?`: cutoff, org, cutoff).
# None at all: nothing is due; an idle one: the sweep is due; only recent ones: whether
# they wait on nobody needs their events (the reader's `_waiting`).
UNSEEN_ACTIVE_SQL = (
    "SELECT id, started_at, last_activity_at < ? FROM sessions "
    "WHERE org_id = ? AND status = 'active' AND last_activity_at IS NOT NULL "
    "AND (seen_at IS NULL OR seen_at < ?) ORDER BY id"
)

# Each imported file's path, offset, inode and modification time (None unless the state
# holds an integer under MTIME_KEY), read by SQLite's JSON functions: no `json` here.
# CASE, not AND: SQLite evaluates a CASE's branches lazily, so bad JSON is never parsed.
IMPORT_STATS_SQL = (
    'SELECT path, "offset", inode, CASE WHEN json_valid(state) THEN '
    f"CASE WHEN json_type(state, '$.{MTIME_KEY}') = 'integer' "
    f"THEN json_extract(state, '$.{MTIME_KEY}') END END "
    "FROM import_offsets WHERE org_id = ?"
)


def bind_moment(value: datetime) -> str:
    """A datetime as SQLAlchemy stores it on SQLite (naive UTC, microseconds always), so
    comparisons in SQL order the same strings."""
    return value.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


def read_moment(value: str | datetime | None) -> datetime | None:
    """A stored datetime read back (SQLite's text, PostgreSQL's datetime) as SQLAlchemy's
    UTCDateTime gives it: aware, in UTC."""
    if value is None:
        return None
    found = datetime.fromisoformat(value) if isinstance(value, str) else value
    if found.tzinfo is None:
        return found.replace(tzinfo=UTC)
    return found.astimezone(UTC)


def sqlite_path(url: str) -> str | None:
    """The file of a `sqlite:///PATH` URL (None: another backend, or in memory)."""
    if not url.startswith("sqlite:///"):
        return None
    path = url[len("sqlite:///") :].split("?", 1)[0]
    return None if not path or path == ":memory:" else path
