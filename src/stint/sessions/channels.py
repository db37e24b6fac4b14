"""A session's time by channel (person, agent, both) as its end stores it, and what the
inactivity sweep asks of the channels. The split itself is `stint.model.channels`'."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from stint.model.channels import Channels, last_moment, split
from stint.model.channels import from_telemetry as telemetry_channels
from stint.store import event_reads, telemetry


def at_end(
    conn: Connection,
    org_id: str,
    session_id: int,
    pulse_seconds: float,
    end_at: datetime,
    duration: float,
) -> Channels:
    """The split up to `end_at`: Claude Code's own active time (user and cli) when its
    telemetry reported it for this session, else the pulse rule per channel."""
    reported = telemetry_channels(telemetry.totals(conn, org_id, session_id), duration)
    if reported is not None:
        return reported
    events = [e for e in event_reads.channel_events(conn, session_id) if e.at <= end_at]
    return split(events, pulse_seconds, end_at, duration)


def columns(channels: Channels) -> dict[str, Any]:
    """The session columns that keep a split (migration 0015)."""
    return {
        "person_seconds": channels.person,
        "agent_seconds": channels.agent,
        "both_seconds": channels.both,
        "channels_basis": channels.basis,
    }


def last_activity(conn: Connection, session_id: int) -> datetime | None:
    """When the person or the agent last did something (a notification, a hook's mark or
    a session start by a hook is neither): what a timeout ends at."""
    return last_moment(event_reads.channel_events(conn, session_id))
