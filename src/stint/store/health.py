"""Code health per session (issue 15): store what `stint.sessions.health` measured and read
it back, per session and per file (per group of sessions: `stint.store.health_groups`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.engine import Connection

from stint.store import schema

H = schema.session_health
HF = schema.session_health_files

# The figures a group of sessions shows next to its other stats.
_SUMMARY_COLUMNS = [c.name for c in H.c if c.name not in ("session_id", "org_id")]


def _summary(row: Any) -> dict[str, Any]:
    data = {k: row[k] for k in _SUMMARY_COLUMNS}
    data["measured_at"] = data["measured_at"].isoformat()  # JSON-ready like the rest
    return data


def replace(
    conn: Connection,
    org_id: str,
    session_id: int,
    summary: dict[str, Any],
    files: Sequence[dict[str, Any]],
    at: datetime,
) -> None:
    """The session's health, replacing what an earlier measurement stored."""
    conn.execute(delete(HF).where(HF.c.org_id == org_id, HF.c.session_id == session_id))
    conn.execute(delete(H).where(H.c.org_id == org_id, H.c.session_id == session_id))
    values = {k: v for k, v in summary.items() if k in H.c}
    conn.execute(H.insert().values(session_id=session_id, org_id=org_id, measured_at=at, **values))
    if files:
        conn.execute(
            HF.insert(),
            [{**row, "session_id": session_id, "org_id": org_id} for row in files],
        )


def summary(conn: Connection, org_id: str, session_id: int) -> dict[str, Any] | None:
    row = (
        conn.execute(select(H).where(H.c.org_id == org_id, H.c.session_id == session_id))
        .mappings()
        .first()
    )
    if row is None:
        return None
    return _summary(row)


def summaries(conn: Connection, org_id: str, session_ids: Sequence[int]) -> dict[int, Any]:
    """Session id → its health summary, for those that have one."""
    if not session_ids:
        return {}
    rows = conn.execute(
        select(H).where(H.c.org_id == org_id, H.c.session_id.in_(list(session_ids)))
    ).mappings()
    return {row["session_id"]: _summary(row) for row in rows}


def files(conn: Connection, org_id: str, session_id: int) -> list[dict[str, Any]]:
    """The session's files, most complexity added first, skipped ones last."""
    query = select(HF).where(HF.c.org_id == org_id, HF.c.session_id == session_id)
    rows = [dict(r) for r in conn.execute(query).mappings()]

    def order(row: dict[str, Any]) -> tuple[int, int, str]:
        delta = (row["ccn_after"] or 0) - (row["ccn_before"] or 0)
        return (row["status"] != "measured", -abs(delta), row["path"])

    for row in rows:
        row.pop("org_id", None)
        row.pop("session_id", None)
    return sorted(rows, key=order)
