"""Where each imported file was read up to (`import_offsets`), so a second import reads
only what is new — and what the bytes read were, so a file replaced under the same name
is told apart from one that grew."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from stint.store import Store, schema

T = schema.import_offsets


@dataclass
class Offset:
    size: int = 0
    offset: int = 0
    state: dict[str, Any] = field(default_factory=dict)
    # A hash of the bytes at the file's start and just before `offset`, and the file's
    # inode, when they were read; None on rows from before they were kept.
    fingerprint: str | None = None
    inode: int | None = None
    # Lines before `offset` (None: not counted yet), to name a bad line by its number.
    lines: int | None = None


def get_offset(conn: Connection, org_id: str, path: str) -> Offset:
    row = conn.execute(
        select(T.c.size, T.c.offset, T.c.state, T.c.fingerprint, T.c.inode, T.c.lines).where(
            T.c.org_id == org_id, T.c.path == path
        )
    ).first()
    if row is None:
        return Offset()
    return Offset(
        int(row.size),
        int(row.offset),
        dict(row.state or {}),
        row.fingerprint,
        None if row.inode is None else int(row.inode),
        None if row.lines is None else int(row.lines),
    )


def set_offset(
    store: Store, conn: Connection, org_id: str, path: str, offset: Offset, at: datetime
) -> None:
    values = {
        "size": offset.size,
        "offset": offset.offset,
        "state": offset.state,
        "fingerprint": offset.fingerprint,
        "inode": offset.inode,
        "lines": offset.lines,
        "updated_at": at,
    }
    statement = store.dialect_insert(T).values(org_id=org_id, path=path, **values)
    conn.execute(statement.on_conflict_do_update(index_elements=["org_id", "path"], set_=values))
