"""Deleting a session with everything it owns, and telling the one case deleted
unasked: a session an MCP connection started in which nothing was recorded.
"""

from __future__ import annotations

from sqlalchemy import and_, delete, exists, select, update
from sqlalchemy.engine import Connection

from stint.store import schema

S = schema.sessions

# The tables whose rows belong to one session (a `session_id` referencing `sessions`),
# children before their parents: derived from the schema, so that a table added later
# (telemetry points, code health, push cursors) is neither missed by the emptiness check,
# which would delete a session holding only such rows, nor left to the cascade.
_OWNED = tuple(
    table
    for table in reversed(schema.metadata.sorted_tables)
    if "session_id" in table.c
    and any(key.column.table is S for key in table.c.session_id.foreign_keys)
)


def is_empty_mcp_start(conn: Connection, org_id: str, session_id: int) -> bool:
    """Whether nothing at all was recorded in a session an MCP connection started: its one
    event is its own `session_started` from `mcp`, it has no goal, no notes and no plan
    (template, schedule), and no other table holds a row of it (tasks, decisions,
    context, files, tags, telemetry points, … : every table of `_OWNED`)."""
    row = conn.execute(
        select(S.c.goal, S.c.notes, S.c.template_id, S.c.scheduled_at).where(
            S.c.org_id == org_id, S.c.id == session_id
        )
    ).first()
    if row is None or row.goal or row.notes or row.template_id or row.scheduled_at:
        return False  # a planned session is kept even before anything is recorded
    A = schema.activities
    events = conn.execute(
        select(A.c.type, A.c.source).where(A.c.session_id == session_id).limit(2)
    ).all()
    if [tuple(event) for event in events] != [("session_started", "mcp")]:
        return False
    others = [table for table in _OWNED if table is not A]
    return not any(
        conn.execute(select(exists().where(table.c.session_id == session_id))).scalar()
        for table in others
    )


def delete_session(conn: Connection, org_id: str, session_id: int) -> None:
    """Delete the session and everything it owns (child tables cascade by hand, so it
    also holds on SQLite connections without foreign keys)."""
    for table in _OWNED:
        conn.execute(delete(table).where(table.c.session_id == session_id))
    conn.execute(
        update(S)
        .where(and_(S.c.org_id == org_id, S.c.previous_session_id == session_id))
        .values(previous_session_id=None)
    )
    conn.execute(delete(S).where(S.c.org_id == org_id, S.c.id == session_id))
