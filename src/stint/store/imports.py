"""Where each imported file was read up to (`import_offsets`), so a second import reads
only what is new — and what the bytes read were, so a file replaced under the same name
is told apart from one that grew."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from stint.model.types import OPEN_STATUSES
from stint.store import Store, schema
from stint.store.offsets import Offset as Offset

T = schema.import_offsets


MTIME_KEY = "_mtime_ns"


def _offset(row: Any) -> Offset:
    state = dict(row.state or {})
    mtime = state.pop(MTIME_KEY, None)
    return Offset(
        int(row.size),
        int(row.offset),
        state,
        row.fingerprint,
        None if row.inode is None else int(row.inode),
        None if row.lines is None else int(row.lines),
        mtime if isinstance(mtime, int) else None,
    )


def get_offset(conn: Connection, org_id: str, path: str) -> Offset:
    row = conn.execute(
        select(T.c.size, T.c.offset, T.c.state, T.c.fingerprint, T.c.inode, T.c.lines).where(
            T.c.org_id == org_id, T.c.path == path
        )
    ).first()
    return Offset() if row is None else _offset(row)


def all_offsets(conn: Connection, org_id: str) -> dict[str, Offset]:
    """Every file's offset of the org in one query (a re-import reads them all anyway)."""
    rows = conn.execute(
        select(
            T.c.path, T.c.size, T.c.offset, T.c.state, T.c.fingerprint, T.c.inode, T.c.lines
        ).where(T.c.org_id == org_id)
    )
    return {row.path: _offset(row) for row in rows}


def _values(offset: Offset, at: datetime) -> dict[str, Any]:
    state = offset.state
    if offset.mtime_ns is not None:
        state = {**state, MTIME_KEY: offset.mtime_ns}
    return {
        "size": offset.size,
        "offset": offset.offset,
        "state": state,
        "fingerprint": offset.fingerprint,
        "inode": offset.inode,
        "lines": offset.lines,
        "updated_at": at,
    }


def set_offset(
    store: Store, conn: Connection, org_id: str, path: str, offset: Offset, at: datetime
) -> None:
    set_offsets(store, conn, org_id, {path: offset}, at)


def set_offsets(
    store: Store, conn: Connection, org_id: str, offsets: dict[str, Offset], at: datetime
) -> None:
    """Upsert many files' offsets with one executemany."""
    if not offsets:
        return
    statement = store.dialect_insert(T)
    excluded = statement.excluded
    names = ("size", "offset", "state", "fingerprint", "inode", "lines", "updated_at")
    upsert = statement.on_conflict_do_update(
        index_elements=["org_id", "path"], set_={name: excluded[name] for name in names}
    )
    rows = [
        {"org_id": org_id, "path": path, **_values(offset, at)} for path, offset in offsets.items()
    ]
    conn.execute(upsert, rows)


def stale_open_sessions(
    conn: Connection, org_id: str, session_ids: set[int], idle_before: datetime
) -> list[int]:
    """Of `session_ids`, the open ones whose last activity is before `idle_before`, in id
    order: one query for an import's sessions instead of reading each one back."""
    S = schema.sessions
    found: list[int] = []
    ids = sorted(session_ids)
    for start in range(0, len(ids), 500):  # bounded IN lists
        rows = conn.execute(
            select(S.c.id).where(
                S.c.org_id == org_id,
                S.c.id.in_(ids[start : start + 500]),
                S.c.status.in_(sorted(OPEN_STATUSES)),
                S.c.last_activity_at.is_not(None),
                S.c.last_activity_at < idle_before,
            )
        )
        found.extend(int(row.id) for row in rows)
    return sorted(found)


# What an import needs to know of an agent session's stint session to add to it.
KNOWN_COLUMNS = ("id", "status", "ended_at", "branch", "ai_model", "agent_version")


def known_columns(conn: Connection, org_id: str, session_id: int) -> dict[str, Any]:
    """One session's KNOWN_COLUMNS (what an import needs of a session it just attached)."""
    S = schema.sessions
    row = (
        conn.execute(
            select(*(S.c[name] for name in KNOWN_COLUMNS)).where(
                S.c.org_id == org_id, S.c.id == session_id
            )
        )
        .mappings()
        .one()
    )
    return dict(row)


def agent_sessions(
    conn: Connection, org_id: str, agent: str, agent_session_ids: list[str]
) -> dict[str, dict[str, Any]]:
    """The newest stint session (KNOWN_COLUMNS) of each agent session, in one query per
    500 ids instead of one read per session."""
    S = schema.sessions
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(agent_session_ids), 500):
        rows = conn.execute(
            select(S.c.agent_session_id, *(S.c[name] for name in KNOWN_COLUMNS))
            .where(
                S.c.org_id == org_id,
                S.c.agent == agent,
                S.c.agent_session_id.in_(agent_session_ids[start : start + 500]),
            )
            .order_by(S.c.id)
        ).mappings()
        for row in rows:  # ascending ids: the newest one is kept
            found[row["agent_session_id"]] = {name: row[name] for name in KNOWN_COLUMNS}
    return found
