"""The read commands' path over the standard library's sqlite3: `stint status`, `list` and
`show` on a SQLite store, without importing SQLAlchemy (which alone costs more than the
whole command's floor).

`LiteStore` opens the database read-only (`mode=ro`); its `reads` is this module, whose
functions are `stint.store.reads`' under the same names, running the same SELECTs and
returning the same dicts and objects (tests/test_clispeed_lite.py runs both on one store).
`open_lite` says None whenever the SQLAlchemy path must be taken: not SQLite, no file yet,
a schema that is not at SCHEMA_REVISION, or an org that does not exist.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import sys
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Any

from stint.model.channels import PAYLOAD_TYPES, ChannelEvent
from stint.model.filters import SessionFilter
from stint.model.types import OPEN_STATUSES, Activity, FileTouch, NotFound, Record, Task
from stint.model.types import session_status as status_name
from stint.store.bare import (
    IMPORT_STATS_SQL,
    SCHEMA_REVISION,
    STORE_CHECK_SQL,
    UNSEEN_ACTIVE_SQL,
    bind_moment,
    sqlite_path,
)
from stint.store.bare import MTIME_KEY as MTIME_KEY
from stint.store.bare import read_moment as _moment
from stint.store.lite_columns import COLUMNS
from stint.store.refs import resolve_ref


def _bool(value: Any) -> bool | None:
    return None if value is None else bool(value)


def _json(value: Any) -> Any:
    return None if value is None else json.loads(value)


_CONVERT: dict[str, Callable[[Any], Any]] = {"datetime": _moment, "bool": _bool, "json": _json}


class _Table:
    """One table's select list and the converters of its columns."""

    def __init__(self, name: str) -> None:
        self.names = [column for column, _ in COLUMNS[name]]
        self.select = ", ".join(f'{name}."{column}"' for column in self.names)
        self.converters = [
            (index, _CONVERT[kind]) for index, (_, kind) in enumerate(COLUMNS[name]) if kind
        ]

    def row(self, values: Sequence[Any]) -> dict[str, Any]:
        converted = list(values)
        for index, convert in self.converters:
            converted[index] = convert(converted[index])
        return dict(zip(self.names, converted, strict=False))


_TABLES = {name: _Table(name) for name in COLUMNS}
_S = _TABLES["sessions"]
_SESSION_SELECT = (
    f"SELECT {_S.select}, projects.name FROM sessions "
    "LEFT OUTER JOIN projects ON projects.id = sessions.project_id"
)
_NEWEST_FIRST = "sessions.started_at DESC NULLS LAST, sessions.id DESC"


def _session(values: Sequence[Any]) -> dict[str, Any]:
    row = _S.row(values[:-1])
    row["project_name"] = values[-1]
    return row


class LiteStore:
    """A SQLite store opened read-only through the standard library."""

    reads: ModuleType = sys.modules[__name__]
    is_sqlite = True

    def __init__(self, conn: sqlite3.Connection, url: str) -> None:
        self.conn = conn
        self.url = url
        self.pulse_seconds = 0.0  # set by the reader from its settings, as on a Store

    @contextlib.contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """One read transaction: the reads inside see one snapshot, as on a Store."""
        self.conn.execute("BEGIN")
        try:
            yield self.conn
        finally:
            self.conn.execute("COMMIT")

    def dispose(self) -> None:
        self.conn.close()


def open_lite(url: str, org_id: str) -> LiteStore | None:
    """The store at `url` for reading through sqlite3, or None when the SQLAlchemy path
    must serve (see the module's note). Never creates or changes the file."""
    path = sqlite_path(url)
    if path is None or not Path(path).is_file():
        return None
    try:
        conn = sqlite3.connect(
            f"{Path(path).absolute().as_uri()}?mode=ro", uri=True, timeout=60, isolation_level=None
        )
    except sqlite3.Error:
        return None
    try:
        # The SQLAlchemy engine's pragmas that matter to a reader (WAL is the file's own).
        conn.execute("PRAGMA busy_timeout = 60000")
        # The schema's revision and the org's existence in one statement.
        revision, org = conn.execute(STORE_CHECK_SQL, (org_id,)).fetchone()
    except sqlite3.Error:
        conn.close()
        return None
    if revision != SCHEMA_REVISION or not org:
        conn.close()
        return None
    return LiteStore(conn, url)


# ------------------------------------------------------------------- sessions


def session_row(conn: sqlite3.Connection, org_id: str, session_id: int) -> dict[str, Any]:
    found = conn.execute(
        f"{_SESSION_SELECT} WHERE sessions.org_id = ? AND sessions.id = ?", (org_id, session_id)
    ).fetchone()
    if found is None:
        raise NotFound(f"no session with id {session_id}")
    return _session(found)


def newest_row(conn: sqlite3.Connection, org_id: str) -> dict[str, Any] | None:
    found = conn.execute(
        f"{_SESSION_SELECT} WHERE sessions.org_id = ? ORDER BY {_NEWEST_FIRST} LIMIT 1",
        (org_id,),
    ).fetchone()
    return None if found is None else _session(found)


def tags_of(conn: sqlite3.Connection, session_ids: Sequence[int]) -> dict[int, list[str]]:
    result: dict[int, list[str]] = {sid: [] for sid in session_ids}
    if not session_ids:
        return result
    marks = ", ".join("?" for _ in session_ids)
    rows = conn.execute(
        f"SELECT session_id, tag FROM session_tags WHERE session_id IN ({marks}) ORDER BY tag",
        list(session_ids),
    )
    for sid, tag in rows:
        result[sid].append(tag)
    return result


class _Lookups:
    """`stint.store.refs.Lookups` through sqlite3."""

    def __init__(self, conn: sqlite3.Connection, org_id: str) -> None:
        self.conn, self.org_id = conn, org_id

    def _one(self, sql: str, *args: Any) -> int | None:
        found = self.conn.execute(sql, (self.org_id, *args)).fetchone()
        return None if found is None else int(found[0])

    def by_id(self, session_id: int) -> int | None:
        return self._one("SELECT id FROM sessions WHERE org_id = ? AND id = ?", session_id)

    def last(self) -> int | None:
        return self._one(
            f"SELECT id FROM sessions WHERE org_id = ? ORDER BY {_NEWEST_FIRST} LIMIT 1"
        )

    def by_number(self, number: int) -> int | None:
        return self._one("SELECT id FROM sessions WHERE org_id = ? AND number = ?", number)

    def by_uuid_prefix(self, prefix: str) -> list[int]:
        # substr, not LIKE: the prefix is matched as typed (as SQLAlchemy's startswith).
        rows = self.conn.execute(
            "SELECT id FROM sessions WHERE org_id = ? AND substr(uuid, 1, ?) = ? LIMIT 2",
            (self.org_id, len(prefix), prefix),
        )
        return [int(row[0]) for row in rows]


def resolve(
    conn: sqlite3.Connection, org_id: str, ref: str | int, current: Callable[[], int | None]
) -> int:
    return resolve_ref(ref, _Lookups(conn, org_id), current)


# Whose each open session is and where (the reader's scoping and `cwd` match need them).
OPEN_SESSION_COLUMNS = (
    "id",
    "project_id",
    "agent",
    "agent_session_id",
    "last_activity_at",
    "user_id",
    "repo_root",
    "cwd",
)


def open_sessions(conn: sqlite3.Connection, org_id: str) -> list[dict[str, Any]]:
    marks = ", ".join("?" for _ in OPEN_STATUSES)
    rows = conn.execute(
        "SELECT id, project_id, agent, agent_session_id, last_activity_at, user_id, "
        f"repo_root, cwd FROM sessions WHERE org_id = ? AND status IN ({marks}) "
        "ORDER BY last_activity_at DESC, id DESC",
        (org_id, *OPEN_STATUSES),
    )
    names = OPEN_SESSION_COLUMNS
    return [
        {**dict(zip(names, row, strict=True)), "last_activity_at": _moment(row[4])} for row in rows
    ]


def stale_open_sessions(conn: sqlite3.Connection, org_id: str, idle_before: datetime) -> list[int]:
    """Active sessions with neither an event nor presence (`seen_at`) since `idle_before`."""
    cutoff = bind_moment(idle_before)
    rows = conn.execute(
        "SELECT id FROM sessions WHERE org_id = ? AND status = 'active' "
        "AND last_activity_at < ? AND (seen_at IS NULL OR seen_at < ?)",
        (org_id, cutoff, cutoff),
    )
    return [int(row[0]) for row in rows]


def recently_active(
    conn: sqlite3.Connection, org_id: str, since: datetime
) -> list[tuple[int, datetime | None]]:
    cutoff = bind_moment(since)
    rows = conn.execute(
        "SELECT id, started_at FROM sessions WHERE org_id = ? AND status = 'active' "
        "AND last_activity_at >= ? AND (seen_at IS NULL OR seen_at < ?)",
        (org_id, cutoff, cutoff),
    )
    return [(int(row[0]), _moment(row[1])) for row in rows]


def unseen_active(
    conn: sqlite3.Connection, org_id: str, idle_before: datetime
) -> list[tuple[int, datetime | None, bool]]:
    """`stale_open_sessions` and `recently_active` in one statement (see the store's)."""
    cutoff = bind_moment(idle_before)
    rows = conn.execute(UNSEEN_ACTIVE_SQL, (cutoff, org_id, cutoff))
    return [(int(row[0]), _moment(row[1]), bool(row[2])) for row in rows]


def list_rows(
    conn: sqlite3.Connection,
    org_id: str,
    where: SessionFilter,
    limit: int,
    before_id: int | None = None,
) -> list[dict[str, Any]]:
    """Newest first by start time; `before_id` pages through (`stint.store.session_lists`)."""
    clauses: list[str] = ["sessions.org_id = ?"]
    args: list[Any] = [org_id]
    if where.project:
        clauses.append("projects.name = ?")
        args.append(where.project)
    if where.tag:
        clauses.append(
            "EXISTS (SELECT * FROM session_tags WHERE session_tags.session_id = sessions.id "
            "AND session_tags.tag = ?)"
        )
        args.append(where.tag)
    simple: list[tuple[str, Any]] = [
        ("sessions.status = ?", status_name(where.status) if where.status else None),
        ("sessions.kind = ?", where.kind),
        ("sessions.ai_model = ?", where.model),
        ("sessions.started_at >= ?", bind_moment(where.since) if where.since else None),
        ("sessions.started_at < ?", bind_moment(where.until) if where.until else None),
    ]
    for clause, value in simple:
        if value:
            clauses.append(clause)
            args.append(value)
    if where.search:
        # SQLAlchemy's ilike on SQLite: lower() on both sides.
        clauses.append(
            "(lower(sessions.goal) LIKE lower(?) OR lower(sessions.notes) LIKE lower(?) "
            "OR lower(sessions.name) LIKE lower(?))"
        )
        args += [f"%{where.search}%"] * 3
    if where.followups:
        clauses.append("sessions.needs_followup = 1")
    if where.user_id is not None:
        clauses.append("sessions.user_id = ?")
        args.append(where.user_id)
    if before_id is not None:
        clause, cursor_args = _after_cursor(conn, org_id, before_id)
        clauses.append(clause)
        args += cursor_args
    sql = f"{_SESSION_SELECT} WHERE {' AND '.join(clauses)} ORDER BY {_NEWEST_FIRST} LIMIT ?"
    return [_session(row) for row in conn.execute(sql, (*args, limit))]


def _after_cursor(conn: sqlite3.Connection, org_id: str, cursor_id: int) -> tuple[str, list[Any]]:
    started = conn.execute(
        "SELECT started_at FROM sessions WHERE org_id = ? AND id = ?", (org_id, cursor_id)
    ).fetchone()
    if started is None:
        return "sessions.id < ?", [cursor_id]
    if started[0] is None:
        return "(sessions.started_at IS NULL AND sessions.id < ?)", [cursor_id]
    return (
        "(sessions.started_at < ? OR (sessions.started_at = ? AND sessions.id < ?) "
        "OR sessions.started_at IS NULL)",
        [started[0], started[0], cursor_id],
    )


# --------------------------------------------------------------------- events


def _limited(sql: str, args: tuple[Any, ...], limit: int | None) -> tuple[str, tuple[Any, ...]]:
    return (sql, args) if limit is None else (f"{sql} LIMIT ?", (*args, limit))


def moments(conn: sqlite3.Connection, session_id: int) -> list[tuple[datetime, str]]:
    rows = conn.execute(
        "SELECT occurred_at, type FROM activities WHERE session_id = ? ORDER BY occurred_at, id",
        (session_id,),
    )
    return [(_moment(row[0]), row[1]) for row in rows]  # type: ignore[misc]


def channel_events(conn: sqlite3.Connection, session_id: int) -> list[ChannelEvent]:
    marks = ", ".join("?" for _ in PAYLOAD_TYPES)
    rows = conn.execute(
        "SELECT occurred_at, type, source, ai_involved, "
        f"CASE WHEN type IN ({marks}) THEN payload END "
        "FROM activities WHERE session_id = ? ORDER BY occurred_at, id",
        (*PAYLOAD_TYPES, session_id),
    )
    return [
        ChannelEvent(_moment(at), kind, src or "", bool(ai), json.loads(data) if data else None)  # type: ignore[arg-type]
        for at, kind, src, ai, data in rows
    ]


def latest_event(conn: sqlite3.Connection, session_id: int) -> ChannelEvent | None:
    row = conn.execute(
        "SELECT occurred_at, type, source, ai_involved, payload FROM activities "
        "WHERE session_id = ? ORDER BY occurred_at DESC, id DESC LIMIT 1",
        (session_id,),
    ).fetchone()
    if row is None:
        return None
    payload = json.loads(row[4]) if row[4] else None
    return ChannelEvent(_moment(row[0]), row[1], row[2] or "", bool(row[3]), payload)  # type: ignore[arg-type]


def activities_of(
    conn: sqlite3.Connection,
    session_id: int,
    limit: int | None = None,
    newest_first: bool = False,
) -> list[Activity]:
    table = _TABLES["activities"]
    order = "occurred_at DESC, id DESC" if newest_first else "occurred_at, id"
    sql = f"SELECT {table.select} FROM activities WHERE session_id = ? ORDER BY {order}"
    rows = conn.execute(*_limited(sql, (session_id,), limit))
    return [Activity.from_row(table.row(values)) for values in rows]


def files_of(
    conn: sqlite3.Connection, session_id: int, limit: int | None = None
) -> list[FileTouch]:
    table = _TABLES["session_files"]
    sql = (
        f"SELECT {table.select} FROM session_files WHERE session_id = ? ORDER BY "
        "times_modified + times_mentioned DESC, coalesce(git_lines_added, lines_added) DESC, path"
    )
    rows = conn.execute(*_limited(sql, (session_id,), limit))
    return [FileTouch.from_row(table.row(values)) for values in rows]


def file_edit_count(conn: sqlite3.Connection, org_id: str, session_id: int) -> int:
    found = conn.execute(
        "SELECT coalesce(sum(times_modified), 0) FROM session_files "
        "WHERE org_id = ? AND session_id = ?",
        (org_id, session_id),
    ).fetchone()
    return int(found[0])


# -------------------------------------------------------------------- records


def tasks_of(conn: sqlite3.Connection, session_id: int) -> list[Task]:
    table = _TABLES["tasks"]
    rows = conn.execute(
        f"SELECT {table.select} FROM tasks WHERE session_id = ? ORDER BY number", (session_id,)
    )
    return [Task.from_row(table.row(values)) for values in rows]


def health_summaries(
    conn: sqlite3.Connection, org_id: str, session_ids: Sequence[int]
) -> dict[int, dict[str, Any]]:
    """Session id → its stored code-health summary (`stint.store.health.summaries`)."""
    if not session_ids:
        return {}
    table = _TABLES["session_health"]
    marks = ", ".join("?" * len(session_ids))
    rows = conn.execute(
        f"SELECT {table.select} FROM session_health WHERE org_id = ? AND session_id IN ({marks})",
        (org_id, *session_ids),
    )
    found: dict[int, dict[str, Any]] = {}
    for values in rows:
        row = table.row(values)
        session_id = row.pop("session_id")
        row.pop("org_id")
        row["measured_at"] = row["measured_at"].isoformat()  # JSON-ready, as the store's
        found[int(session_id)] = row
    return found


def records_of(conn: sqlite3.Connection, table: str, session_id: int) -> list[Record]:
    """The decisions or context items (`table`) of a session."""
    if table not in ("decisions", "context_items"):
        raise ValueError(f"not a record table: {table}")
    rows = conn.execute(
        f"SELECT id, session_id, text, created_at FROM {table} WHERE session_id = ? ORDER BY id",
        (session_id,),
    )
    return [Record(row[0], row[1], row[2], _moment(row[3])) for row in rows]  # type: ignore[arg-type]


def commits_of(conn: sqlite3.Connection, session_id: int) -> list[dict[str, Any]]:
    table = _TABLES["commits"]
    rows = conn.execute(
        f"SELECT {table.select} FROM commits WHERE session_id = ? ORDER BY committed_at",
        (session_id,),
    )
    return [table.row(values) for values in rows]


# -------------------------------------------------------------------- imports


def import_stats(
    conn: sqlite3.Connection, org_id: str
) -> dict[str, tuple[int, int | None, int | None]]:
    """Each imported file's (offset, inode, mtime_ns) as the last import stored them."""
    rows = conn.execute(IMPORT_STATS_SQL, (org_id,))
    return {path: (int(offset), inode, mtime) for path, offset, inode, mtime in rows}
