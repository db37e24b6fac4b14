"""The local spool: a small SQLite queue under STINT_HOME that hook processes append to and
the drain empties. Standard library only — the hook path imports this.

WAL mode with a busy timeout lets many hook processes append at once: SQLite serialises
the writers, each INSERT is atomic, so no record is lost or interleaved. Records that
cannot be mapped move to `dead` instead of being retried forever.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time

SPOOL_FILE = "spool.db"
BUSY_TIMEOUT_SECONDS = 30.0
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS spool (id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " received_at REAL NOT NULL, agent TEXT NOT NULL, payload TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS dead (id INTEGER PRIMARY KEY, received_at REAL NOT NULL,"
    " agent TEXT NOT NULL, payload TEXT NOT NULL, error TEXT NOT NULL, failed_at REAL NOT NULL)",
    "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value REAL NOT NULL)",
)

Row = tuple[int, float, str, str]
# Paths are strings here: `pathlib` would cost the hook milliseconds.


def home_dir() -> str:
    """`stint.model.config.home_dir` without platformdirs (not stdlib): the same answer."""
    explicit = os.environ.get("STINT_HOME")
    if explicit:
        return os.path.expanduser(explicit)
    user = os.path.expanduser("~")
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or os.path.join(user, "AppData", "Local")
        return os.path.join(base, "stint")
    if sys.platform == "darwin":
        return os.path.join(user, "Library", "Application Support", "stint")
    xdg = os.environ.get("XDG_DATA_HOME", "").strip()
    return os.path.join(xdg or os.path.join(user, ".local", "share"), "stint")


def connect(home: str) -> sqlite3.Connection:
    os.makedirs(home, exist_ok=True)
    path = os.path.join(home, SPOOL_FILE)
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    # A commit in WAL mode is crash-safe without an fsync per hook call.
    conn.execute("PRAGMA synchronous=NORMAL")
    return conn


def _create(conn: sqlite3.Connection) -> None:
    # WAL is a property of the file: set once here, when the spool is created or opened
    # for draining, not on every hook call.
    conn.execute("PRAGMA journal_mode=WAL")
    for statement in _SCHEMA:
        conn.execute(statement)


def append(home: str, agent: str, payload: str, received_at: float | None = None) -> None:
    """Add one record. The table is created on first use only (the common case skips it)."""
    conn = connect(home)
    try:
        values = (time.time() if received_at is None else received_at, agent, payload)
        insert = "INSERT INTO spool (received_at, agent, payload) VALUES (?, ?, ?)"
        try:
            conn.execute(insert, values)
        except sqlite3.OperationalError as exc:
            if "no such table" not in str(exc):
                raise
            _create(conn)
            conn.execute(insert, values)
    finally:
        conn.close()


def open_existing(home: str) -> sqlite3.Connection | None:
    """The spool for reading and draining, or None when nothing was ever spooled."""
    if not os.path.exists(os.path.join(home, SPOOL_FILE)):
        return None
    conn = connect(home)
    _create(conn)
    return conn


def has_pending(home: str) -> bool:
    """Whether a drain has anything to apply, asked read-only (a read command with nothing
    to drain need not load the store's writer). Unsure (locked, unreadable) counts as yes:
    the caller then drains as it always did."""
    path = os.path.join(home, SPOOL_FILE)
    if not os.path.exists(path):
        return False
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_SECONDS)
    except sqlite3.Error:
        return True
    try:
        return conn.execute("SELECT 1 FROM spool LIMIT 1").fetchone() is not None
    except sqlite3.OperationalError as exc:
        return "no such table" not in str(exc)
    except sqlite3.Error:
        return True
    finally:
        conn.close()


def pending(conn: sqlite3.Connection, limit: int) -> list[Row]:
    rows = conn.execute(
        "SELECT id, received_at, agent, payload FROM spool ORDER BY id LIMIT ?", (limit,)
    )
    return [(int(r[0]), float(r[1]), str(r[2]), str(r[3])) for r in rows]


def remove(conn: sqlite3.Connection, ids: list[int]) -> None:
    """Delete applied records and remember the newest arrival (for `stint hooks status`)."""
    if not ids:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        newest = conn.execute(
            "SELECT max(received_at) FROM spool WHERE id BETWEEN ? AND ?", (min(ids), max(ids))
        ).fetchone()[0]
        conn.executemany("DELETE FROM spool WHERE id = ?", [(i,) for i in ids])
        if newest is not None:
            conn.execute(
                "INSERT INTO meta (name, value) VALUES ('last_received_at', ?) "
                "ON CONFLICT(name) DO UPDATE SET value = max(value, excluded.value)",
                (newest,),
            )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def bury(conn: sqlite3.Connection, row: Row, error: str) -> None:
    """Move a record that failed to map to `dead`, with the reason, in one transaction."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(
            "INSERT OR REPLACE INTO dead (id, received_at, agent, payload, error, failed_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (*row, error[:2000], time.time()),
        )
        conn.execute("DELETE FROM spool WHERE id = ?", (row[0],))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def status(home: str) -> dict[str, float | int | None]:
    """Pending and dead record counts and the newest arrival (pending or drained)."""
    conn = open_existing(home)
    if conn is None:
        return {"pending": 0, "dead": 0, "last_received_at": None}
    try:
        count, newest = conn.execute("SELECT count(*), max(received_at) FROM spool").fetchone()
        dead = conn.execute("SELECT count(*) FROM dead").fetchone()[0]
        drained = conn.execute("SELECT value FROM meta WHERE name = 'last_received_at'").fetchone()
    finally:
        conn.close()
    times = [t for t in (newest, drained[0] if drained else None) if t is not None]
    return {"pending": int(count), "dead": int(dead), "last_received_at": max(times, default=None)}
