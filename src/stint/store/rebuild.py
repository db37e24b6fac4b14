"""What `stint doctor` reads and writes: stored counters and file tallies in bulk."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from stint.store import channel_pulse, schema

S = schema.sessions
F = schema.session_files
COUNTERS = (*schema.COUNTER_COLUMNS, "cost_usd")
FILE_TALLIES = ("times_modified", "lines_added", "lines_removed", "times_mentioned")


def stored_counters(conn: Connection, org_id: str) -> dict[int, dict[str, Any]]:
    columns = [
        S.c.id,
        S.c.git_lines_added,
        S.c.git_lines_removed,
        S.c.loc_added,
        S.c.loc_removed,
        S.c.files_modified,
        *[S.c[name] for name in COUNTERS],
    ]
    rows = conn.execute(select(*columns).where(S.c.org_id == org_id)).mappings()
    return {int(row["id"]): dict(row) for row in rows}


CHANNELS = ("person_seconds", "agent_seconds", "both_seconds")


def stored_channels(conn: Connection, org_id: str) -> dict[int, dict[str, Any]]:
    """The ended sessions' split by channel, with what recomputing it needs."""
    columns = [
        S.c.id,
        S.c.started_at,
        S.c.ended_at,
        S.c.paused_seconds,
        S.c.channels_basis,
        *[S.c[name] for name in CHANNELS],
    ]
    query = select(*columns).where(
        S.c.org_id == org_id, S.c.ended_at.is_not(None), S.c.started_at.is_not(None)
    )
    return {int(row["id"]): dict(row) for row in conn.execute(query).mappings()}


def kept_channel_states(conn: Connection, org_id: str, pulse_seconds: float) -> dict[int, Any]:
    """The channel state (migration 0017) each session kept with this pulse, as rows."""
    query = select(S.c.id, *[S.c[name] for name in channel_pulse.COLUMNS]).where(
        S.c.org_id == org_id, S.c.pulse_seconds == pulse_seconds, S.c.chan_both.is_not(None)
    )
    return {int(row.id): row for row in conn.execute(query)}


def stored_files(conn: Connection, org_id: str) -> dict[tuple[int, str], dict[str, Any]]:
    columns = [F.c.session_id, F.c.path, F.c.git_change, *[F.c[name] for name in FILE_TALLIES]]
    rows = conn.execute(select(*columns).where(F.c.org_id == org_id)).mappings()
    return {(int(row["session_id"]), str(row["path"])): dict(row) for row in rows}


def write_counters(conn: Connection, session_id: int, values: dict[str, Any]) -> None:
    conn.execute(update(S).where(S.c.id == session_id).values(**values))


def write_file(conn: Connection, session_id: int, path: str, values: dict[str, Any]) -> None:
    conn.execute(update(F).where(F.c.session_id == session_id, F.c.path == path).values(**values))
