"""Code health per session (issue 15): store what `stint.sessions.health` measured and read
it back, per session, per file, and as a mean complexity delta per group of sessions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Float, cast, delete, func, select
from sqlalchemy.engine import Connection

from stint.store import schema

if TYPE_CHECKING:  # the analytics queries load with a grouped read, not with `stint end`
    from stint.store.analytics import Scope

H = schema.session_health
HF = schema.session_health_files
S = schema.sessions
T = schema.session_tags

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


def deltas_by(conn: Connection, org_id: str, scope: Scope, by: str) -> dict[Any, dict[str, Any]]:
    """Per group key (model, agent, …, or tag): how many sessions were measured, their mean
    complexity delta and the functions over the threshold they added."""
    from stint.store.analytics import COLUMN_GROUPS, where_clauses

    if by in COLUMN_GROUPS:
        key: Any = COLUMN_GROUPS[by]
        source: Any = S.join(H, H.c.session_id == S.c.id)
    elif by == "tag":
        key = T.c.tag
        source = S.join(H, H.c.session_id == S.c.id).join(T, T.c.session_id == S.c.id)
    else:
        return {}
    query = (
        select(
            key.label("key"),
            func.count().label("health_sessions"),
            func.avg(cast(H.c.ccn_delta, Float)).label("mean_ccn_delta"),
            func.coalesce(func.sum(H.c.complex_added), 0).label("complex_added"),
        )
        .select_from(source)
        .where(*where_clauses(org_id, scope), H.c.status == "measured")
        .group_by(key)
    )
    return {row["key"]: dict(row) for row in conn.execute(query).mappings()}


def cohort_deltas(conn: Connection, org_id: str, scope: Scope) -> list[int]:
    """The complexity delta of each measured session in the scope (a cohort)."""
    from stint.store.analytics import where_clauses

    query = (
        select(H.c.ccn_delta)
        .select_from(S.join(H, H.c.session_id == S.c.id))
        .where(*where_clauses(org_id, scope), H.c.status == "measured")
    )
    return [int(v) for v in conn.execute(query).scalars()]
