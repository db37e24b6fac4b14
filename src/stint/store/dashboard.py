"""Read-only queries the web dashboard needs beyond the Tracker's session reads: light
per-session rows for charts over a period, top tags and models, filter choices, and
tokens by model of one session. Aggregation into days and hours happens in Python (in the
viewer's time zone), so these stay plain and portable across SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.engine import Connection

from stint.store import schema

S = schema.sessions
T = schema.session_tags


def hourly_totals(
    conn: Connection, org_id: str, since: datetime, *, by_minute: bool = False
) -> list[dict[str, Any]]:
    """Sessions started since `since`, summed per UTC hour: the hour (aware UTC datetime)
    and the figures charts add up. A few thousand rows at most for a quarter, however
    many sessions, so the caller can bucket them into local days and hours cheaply.
    `by_minute` sums per minute instead, for zones whose offset is not whole hours."""
    if conn.dialect.name == "sqlite":
        # Stored as 'YYYY-MM-DD HH:MM:SS…' in UTC: 13 characters are the hour, 16 the minute.
        hour: Any = func.substr(S.c.started_at, 1, 16 if by_minute else 13)
    else:
        unit = "minute" if by_minute else "hour"
        hour = func.date_trunc(unit, func.timezone("UTC", S.c.started_at))
    query = (
        select(
            hour.label("hour"),
            func.count().label("sessions"),
            func.sum(S.c.cost_usd).label("cost"),
            func.sum(S.c.input_tokens + S.c.output_tokens).label("tokens"),
            func.sum(S.c.active_seconds).label("active"),
            func.sum(S.c.tasks_completed).label("tasks"),
            func.sum(S.c.loc_added + S.c.loc_removed).label("lines"),
        )
        .where(S.c.org_id == org_id, S.c.started_at >= since)
        .group_by(hour)
    )
    names = ("hour", "sessions", "cost", "tokens", "active", "tasks", "lines")
    suffix = "" if by_minute else ":00"
    rows = []
    # Plain tuples: a row mapping per hour cost more than the query (2,000 rows a quarter).
    for value, *figures in conn.execute(query):
        moment = datetime.fromisoformat(value + suffix) if isinstance(value, str) else value
        rows.append(dict(zip(names, (moment.replace(tzinfo=UTC), *figures), strict=True)))
    return rows


def top_tags(
    conn: Connection, org_id: str, since: datetime, limit: int = 8
) -> list[tuple[str, int]]:
    count = func.count().label("n")
    query = (
        select(T.c.tag, count)
        .select_from(S.join(T, S.c.id == T.c.session_id))
        # Filter on the sessions side so (org_id, started_at) drives the join.
        .where(S.c.org_id == org_id, S.c.started_at >= since)
        .group_by(T.c.tag)
        .order_by(count.desc(), T.c.tag)
        .limit(limit)
    )
    return [(str(tag), int(n)) for tag, n in conn.execute(query)]


def top_models(
    conn: Connection, org_id: str, since: datetime, limit: int = 8
) -> list[tuple[str, int]]:
    count = func.count().label("n")
    model: Any = S.c.ai_model
    if conn.dialect.name == "sqlite":
        # `ai_model || ''` (the same value, NULL stays NULL) keeps SQLite from grouping
        # along the cohorts index (org, model, …), which reads every session of the org;
        # the period's sessions are then read by (org, started_at): 50 ms → 1 ms at 100k.
        model = S.c.ai_model.concat("")
    query = (
        select(model.label("model"), count)
        .where(S.c.org_id == org_id, S.c.started_at >= since, model.is_not(None))
        .group_by(model)
        .order_by(count.desc(), model)
        .limit(limit)
    )
    return [(str(model), int(n)) for model, n in conn.execute(query)]


def choices(conn: Connection, org_id: str, limit: int = 200) -> dict[str, list[str]]:
    """Values for the filter drop-downs: project names, tags and models in use."""
    projects = select(schema.projects.c.name).where(schema.projects.c.org_id == org_id)
    tags = select(T.c.tag).where(T.c.org_id == org_id).distinct()
    models = select(S.c.ai_model).where(S.c.org_id == org_id, S.c.ai_model.is_not(None)).distinct()
    found: dict[str, list[str]] = {}
    for name, query in (("projects", projects), ("tags", tags), ("models", models)):
        found[name] = sorted(str(v) for (v,) in conn.execute(query.limit(limit)))
    return found


def tokens_by_model(conn: Connection, org_id: str, session_id: int) -> list[dict[str, Any]]:
    U = schema.token_usage
    query = select(
        U.c.model,
        U.c.input_tokens,
        U.c.output_tokens,
        U.c.cache_creation_tokens,
        U.c.cache_read_tokens,
        U.c.cost_usd,
    ).where(U.c.org_id == org_id, U.c.session_id == session_id)
    return [dict(row) for row in conn.execute(query.order_by(U.c.model)).mappings()]


def optimize(conn: Connection) -> None:
    """Refresh the planner statistics of the tables the dashboard lists from. Without
    them (a fresh SQLite file, or PostgreSQL before autovacuum got to a bulk load) the
    planner sorts every session of the org to list the newest 50 instead of walking
    the primary key back. The activity log is left out: it is the large table, and it
    is read by session."""
    for table in ("sessions", "session_tags", "projects"):
        conn.execute(text(f"ANALYZE {table}"))
