"""`Tracker.record_bulk` (the drain's path) stores and counts exactly as `record_many`,
on each backend, and agrees with the doctor's recount from the event log."""

from __future__ import annotations

from datetime import timedelta

from stint.model.timeparse import utcnow
from stint.model.types import EventIn
from stint.sessions.doctor import check
from stint.tracker import Tracker

COUNTERS = (
    "message_count",
    "tool_call_count",
    "tool_failures",
    "commands_executed",
    "files_mentioned",
    "files_modified",
    "edit_lines_added",
    "edit_lines_removed",
    "loc_added",
    "input_tokens",
    "output_tokens",
    "subagents_started",
    "last_activity_at",
)


START = utcnow() - timedelta(hours=1)


def _events(prefix: str) -> list[EventIn]:
    start = START + timedelta(minutes=1)
    at = [start + timedelta(seconds=n) for n in range(20)]
    return [
        EventIn("message", at[0], key=f"{prefix}:m1"),
        EventIn("message", at[1], key=f"{prefix}:m1"),  # the same key twice in one batch
        EventIn("tool_call", at[2], payload={"success": False}, key=f"{prefix}:t1"),
        EventIn("tool_call", at[3], payload={"success": True}),  # no key
        EventIn("command_executed", at[4], key=f"{prefix}:c1"),
        EventIn(
            "file_modified",
            at[5],
            file_path="a.py",
            payload={"added": 3, "removed": 1},
            key=f"{prefix}:f1",
        ),
        EventIn("file_modified", at[6], file_path="a.py", payload={"added": 2}, key=f"{prefix}:f2"),
        EventIn("file_mentioned", at[7], file_path="b.py", key=f"{prefix}:f3"),
        EventIn(
            "tokens",
            at[8],
            payload={"input_tokens": 10, "output_tokens": 5, "model": "m"},
            key=f"{prefix}:u1",
        ),
        EventIn("subagent_started", at[9], key=f"{prefix}:s1"),
    ]


def _state(tracker: Tracker, session_id: int) -> tuple[object, ...]:
    session = tracker.get(session_id)
    files = [
        (f.path, f.times_modified, f.lines_added, f.lines_removed, f.times_mentioned)
        for f in tracker.files(session_id)
    ]
    return tuple(session.row[name] for name in COUNTERS), files


def test_record_bulk_counts_as_record_many(tracker: Tracker) -> None:
    one = tracker.start(project="one", agent="x", agent_session_id="1", at=START).id
    two = tracker.start(project="two", agent="x", agent_session_id="2", at=START).id
    assert tracker.record_many(one, _events("a")) == 9
    assert tracker.record_bulk(two, _events("b")) == 9
    assert _state(tracker, one) == _state(tracker, two)
    assert tracker.record_bulk(two, _events("b")[:4]) == 1  # only the keyless one is new
    assert tracker.record_many(one, _events("a")[:4]) == 1
    assert _state(tracker, one) == _state(tracker, two)
    assert tracker.record_bulk(two, []) == 0
    assert check(tracker) == []
