"""Git's figures per file of a session (`stint end` measures them; `stint.store.events`
re-exports these)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, update
from sqlalchemy.engine import Connection

from stint.store import Store, schema

F = schema.session_files


def set_git_file(
    store: Store,
    conn: Connection,
    org_id: str,
    session_id: int,
    path: str,
    values: dict[str, Any],
    at: datetime,
) -> None:
    """Record git's figures for one file (insert the row if edits never touched it)."""
    statement = store.dialect_insert(F).values(
        session_id=session_id,
        path=path,
        org_id=org_id,
        times_modified=0,
        lines_added=0,
        lines_removed=0,
        times_mentioned=0,
        first_touched_at=at,
        last_touched_at=at,
        **values,
    )
    conn.execute(
        statement.on_conflict_do_update(index_elements=["session_id", "path"], set_=values)
    )


def clear_git_files(conn: Connection, session_id: int) -> None:
    conn.execute(
        update(F)
        .where(and_(F.c.session_id == session_id))
        .values(git_lines_added=None, git_lines_removed=None, git_change=None, renamed_from=None)
    )
