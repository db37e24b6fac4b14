"""A session's time by channel (person, agent, both) as its end stores it, and what the
inactivity sweep asks of the channels. The split itself is `stint.model.channels`'."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from stint.model.channels import ChannelPulse, Channels, last_moment, split
from stint.model.channels import from_telemetry as telemetry_channels
from stint.model.projection import Pulse
from stint.store import channel_pulse as chan
from stint.store import event_reads, telemetry


def at_end(
    conn: Connection,
    org_id: str,
    session_id: int,
    pulse_seconds: float,
    end_at: datetime,
    duration: float,
    kept: ChannelPulse | None = None,
) -> Channels:
    """The split up to `end_at`: Claude Code's own active time (user and cli) when its
    telemetry reported it for this session, else the pulse rule per channel — from
    `kept`, the session's channel state when no event is later than `end_at`
    (`kept_state`), else from its events."""
    reported = telemetry_channels(telemetry.totals(conn, org_id, session_id), duration)
    if reported is not None:
        return reported
    if kept is not None:
        return kept.channels(end_at, pulse_seconds, duration)
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


def kept_state(
    row: Mapping[str, Any], pulse_seconds: float, end_at: datetime
) -> tuple[Pulse, ChannelPulse] | None:
    """The pulse and channel states a session row keeps, when they hold every event up
    to `end_at` and none after it (kept for this pulse length, its latest event no later
    than `end_at`): closed at `end_at` they give what `active_seconds` and `split` of
    its events would. None otherwise (a row from before the states were kept, another
    pulse length, events after the end)."""
    last_at = row.get("pulse_last_at")
    if last_at is None or row.get("pulse_seconds") != pulse_seconds or last_at > end_at:
        return None
    channel_state = chan.from_row(row)
    if channel_state is None:
        return None
    pulse = Pulse(
        float(row.get("pulse_active_seconds") or 0.0), last_at, bool(row.get("pulse_paused"))
    )
    return pulse, channel_state


def last_activity(conn: Connection, session_id: int) -> datetime | None:
    """When the person or the agent last did something (a notification, a hook's mark or
    a session start by a hook is neither): what a timeout ends at. The events are read
    newest first until the first of a channel (`last_moment` of them all)."""
    events = event_reads.newest_first(conn, session_id)
    try:
        return last_moment(events, stop_at_first=True)
    finally:
        events.close()  # the cursor, not left open under the end's writes
