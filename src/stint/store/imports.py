"""Where each imported file was read up to (`import_offsets`), so a second import reads
only what is new."""

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


def get_offset(conn: Connection, org_id: str, path: str) -> Offset:
    row = conn.execute(
        select(T.c.size, T.c.offset, T.c.state).where(T.c.org_id == org_id, T.c.path == path)
    ).first()
    if row is None:
        return Offset()
    return Offset(int(row.size), int(row.offset), dict(row.state or {}))


def set_offset(
    store: Store, conn: Connection, org_id: str, path: str, offset: Offset, at: datetime
) -> None:
    values = {"size": offset.size, "offset": offset.offset, "state": offset.state, "updated_at": at}
    statement = store.dialect_insert(T).values(org_id=org_id, path=path, **values)
    conn.execute(statement.on_conflict_do_update(index_elements=["org_id", "path"], set_=values))
