"""The inactivity sweep with events of each channel: an agent still working keeps its
session open; a session where neither the person nor the agent moved for the timeout
(whatever else arrived: an agent's notifications while it waits on a permission prompt)
ends as `timeout` at the last activity of either."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import update

from stint.model.timeparse import utcnow
from stint.model.types import EventIn
from stint.store import schema
from stint.tracker import Tracker

NOW = utcnow().replace(microsecond=0)
TIMEOUT = timedelta(hours=2)  # the default timeout


def _ago(minutes: float) -> datetime:
    return NOW - timedelta(minutes=minutes)


def _event(kind: str, at: datetime) -> EventIn:
    if kind == "prompt":
        return EventIn("message", at, "Prompt", "hook", False, payload={"role": "user"})
    if kind == "tool":
        return EventIn("tool_call", at, "Bash", "hook", True, payload={"tool": "Bash"})
    if kind == "note":  # a hand entry (`stint log`)
        return EventIn("note_added", at, "a note", "cli", False)
    if kind == "notification":
        payload = {"notification_type": "permission_prompt"}
        return EventIn("notification", at, "Notification", "hook", False, payload=payload)
    raise AssertionError(kind)


def _session(t: Tracker, events: list[tuple[str, float]]) -> int:
    """A hook's session started 3 hours ago, with `events` (kind, minutes ago)."""
    session = t.attach(agent="claude_code", agent_session_id=f"s-{len(events)}", at=_ago(180))
    for kind, minutes in events:
        t.record(session.id, _event(kind, _ago(minutes)))
    with t.store.write() as conn:  # created then, not now (presence would keep it open)
        conn.execute(
            update(schema.sessions).where(schema.sessions.c.id == session.id).values(seen_at=None)
        )
    return session.id


def _swept(t: Tracker, session_id: int) -> tuple[str, datetime | None]:
    t.sweep(NOW)
    found = t.get(session_id)
    return found.status, found.ended_at


def test_an_agent_still_working_is_not_timed_out(tracker: Tracker) -> None:
    # a prompt 170 minutes ago, then the agent alone: tool calls up to a minute ago
    session_id = _session(tracker, [("prompt", 170)] + [("tool", m) for m in range(160, 0, -10)])
    assert _swept(tracker, session_id) == ("active", None)


def test_waiting_on_a_permission_prompt_times_out_at_the_agents_last_call(
    tracker: Tracker,
) -> None:
    waiting = [("notification", m) for m in range(120, 0, -5)]  # every 5 minutes until now
    session_id = _session(tracker, [("prompt", 170), ("tool", 165), *waiting])
    if tracker.store.url.startswith("sqlite"):  # the read commands' sqlite3 path agrees
        from stint.sessions.quick import QuickReader, _as_store
        from stint.store.lite import open_lite

        lite = open_lite(tracker.store.url, tracker.org)
        assert lite is not None
        quick = QuickReader(_as_store(lite), tracker.settings)
        try:
            assert quick.stale_ids(NOW) == tracker.stale_ids(NOW) == [session_id]
        finally:
            quick.close()
    status, ended = _swept(tracker, session_id)
    assert (status, ended) == ("timeout", _ago(165))
    session = tracker.get(session_id)
    assert session.duration_seconds == pytest.approx(15 * 60)
    assert session.channels is not None and session.channels.agent == 0  # one call alone
    assert session.channels.person == pytest.approx(5 * 60)  # prompt → call: person's pulse


@pytest.mark.parametrize("kind", ["prompt", "tool", "note"])
def test_a_quiet_channel_times_out_at_its_last_event(tracker: Tracker, kind: str) -> None:
    session_id = _session(tracker, [(kind, 150), (kind, 140)])
    assert _swept(tracker, session_id) == ("timeout", _ago(140))


def test_a_recent_person_keeps_it_open_while_the_agent_is_quiet(tracker: Tracker) -> None:
    session_id = _session(tracker, [("tool", 170), ("note", 30), ("notification", 5)])
    assert _swept(tracker, session_id) == ("active", None)


def test_nothing_but_notifications_since_the_start(tracker: Tracker) -> None:
    # the hook's start is nobody's activity; the timeout then ends it at its start
    session_id = _session(tracker, [("notification", m) for m in range(60, 0, -10)])
    assert timedelta(minutes=180) > TIMEOUT
    assert _swept(tracker, session_id) == ("timeout", _ago(180))
