"""The sweep's rule for sessions an MCP connection started: one in which nothing at all was
recorded (its one event is its own start from `mcp`; no goal, tasks, notes, tags, …) is
deleted instead of ended; anything recorded keeps it. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from stint.model.timeparse import utcnow
from stint.store import telemetry
from stint.tracker import Tracker

Mark = Callable[[Tracker, int], Any]
KEEPERS: dict[str, Mark] = {
    "goal": lambda t, sid: t.set_goal(sid, "Ship it", source="mcp"),
    "task": lambda t, sid: t.add_task(sid, "Write it", source="mcp"),
    "note": lambda t, sid: t.add_note(sid, "A thought", source="mcp"),
    "tag": lambda t, sid: t.tag(sid, ["parser"]),
    "decision": lambda t, sid: t.add_decision(sid, "Use a table", source="mcp"),
    "interaction": lambda t, sid: t.goals.add_interaction(sid, "prompt", "Hi", source="mcp"),
    "subject": lambda t, sid: t.goals.link_subject(sid, "childhood"),
    "telemetry": lambda t, sid: _telemetry_point(t, sid),
}


def _telemetry_point(tracker: Tracker, session_id: int) -> None:
    """A metric point the OTLP receiver stored for the session (and nothing else)."""
    point = telemetry.Point("claude_code.lines_of_code.count:1", "lines_added", 5.0, False, 1)
    with tracker.store.write() as conn:
        telemetry.add_points(tracker.store, conn, tracker.org, session_id, [point])


def _mcp_session(tracker: Tracker, name: str = "a") -> int:
    started = tracker.start(agent="claude_code", agent_session_id=f"mcp:{name}", source="mcp")
    return int(started.id)


def _later() -> Any:
    return utcnow() + timedelta(hours=3)


def test_an_empty_mcp_session_is_deleted(tracker: Tracker) -> None:
    empty = _mcp_session(tracker)
    assert tracker.sweep(_later()) == [empty]
    assert tracker.sessions() == []


@pytest.mark.parametrize("what", sorted(KEEPERS))
def test_anything_recorded_keeps_it_and_it_ends_as_timeout(tracker: Tracker, what: str) -> None:
    kept = _mcp_session(tracker)
    KEEPERS[what](tracker, kept)
    assert tracker.sweep(_later()) == [kept]
    assert tracker.get(kept).status == "timeout"


def test_only_mcp_started_sessions_are_deleted(tracker: Tracker) -> None:
    from_cli = tracker.start(agent="claude_code", agent_session_id="x", source="cli")
    assert tracker.sweep(_later()) == [from_cli.id]
    assert tracker.get(from_cli.id).status == "timeout"


def test_discard_if_empty_leaves_a_recorded_session(tracker: Tracker) -> None:
    empty, used = _mcp_session(tracker, "a"), _mcp_session(tracker, "b")
    tracker.add_task(used, "Write it", source="mcp")
    assert tracker.discard_if_empty(empty) is True
    assert tracker.discard_if_empty(used) is False
    assert [s.id for s in tracker.sessions()] == [used]


def test_a_planned_session_begun_over_mcp_is_kept(tracker: Tracker) -> None:
    tracker.add_template("bare", kind="interview")  # no intention: the session has no goal
    [planned] = tracker.goals.plan("bare", count=1, first_at=utcnow(), source="mcp")
    tracker.goals.start_scheduled(planned.id)
    assert tracker.get(planned.id).goal is None
    assert tracker.sweep(_later()) == [planned.id]
    assert tracker.get(planned.id).status == "timeout"
