"""How events move counters: the one merge rule, used by the incremental path and by
`stint doctor` when it rebuilds everything from the event log.

Pure functions only: they say *what* changes; `stint.store.events` applies it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from stint.model.types import TASK_STATUSES

TASK_STATUS_EVENTS = {
    "task_todo": "todo",
    "task_in_progress": "in_progress",
    "task_completed": "completed",
}
_TASK_COUNTER = {
    "todo": "tasks_todo",
    "in_progress": "tasks_in_progress",
    "completed": "tasks_completed",
}
_SIMPLE = {
    "context_added": "context_items_added",
    "decision_made": "decisions_made",
    "message": "message_count",
    "command_executed": "commands_executed",
    "memory_used": "memories_used",
    "note_added": "notes_count",
    "interaction": "interactions_count",
    "artifact_created": "artifacts_count",
    "subagent_started": "subagents_started",
    "file_mentioned": "files_mentioned",
}
# An interaction (stint.goals.records) also counts as a message, a tool call or a command.
_INTERACTION_COUNTER = {
    "prompt": "message_count",
    "response": "message_count",
    "clarification": "message_count",
    "reflection": "message_count",
    "tool_call": "tool_call_count",
    "command": "commands_executed",
}
TOKEN_FIELDS = ("input_tokens", "output_tokens", "cache_creation_tokens", "cache_read_tokens")


def _int(value: Any) -> int:
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return 0


def _float(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    return number if number > 0 else 0.0


# The types whose counter deltas depend on their payload (the branches of
# `counter_deltas` below); any other type moves the same counters whatever it carries.
PAYLOAD_COUNTED = frozenset(
    {"context_added", "task_created", *TASK_STATUS_EVENTS, "interaction", "tool_call"}
    | {"file_modified", "tokens"}
)
# The types that move per-file tallies (`file_deltas`).
FILE_TYPES = frozenset({"file_modified", "file_mentioned", "context_added"})


def counter_deltas(event_type: str, payload: dict[str, Any]) -> dict[str, float]:
    """The counter increments (possibly negative) one event causes."""
    deltas: dict[str, float] = {}
    if event_type in _SIMPLE:
        deltas[_SIMPLE[event_type]] = 1
    if event_type == "context_added":
        mentions = payload.get("mentions") or []
        if mentions:
            deltas["files_mentioned"] = len(mentions)
    elif event_type == "task_created":
        status = payload.get("status", "todo")
        deltas["tasks_created"] = 1
        deltas[_TASK_COUNTER.get(status, "tasks_todo")] = 1
    elif event_type in TASK_STATUS_EVENTS:
        to_status = TASK_STATUS_EVENTS[event_type]
        from_status = payload.get("from_status")
        if from_status != to_status:
            deltas[_TASK_COUNTER[to_status]] = 1
            if from_status in TASK_STATUSES:
                deltas[_TASK_COUNTER[from_status]] = -1
    elif event_type == "interaction":
        counter = _INTERACTION_COUNTER.get(payload.get("type", ""))
        if counter:
            deltas[counter] = 1
        if payload.get("type") in ("result", "tool_result") and payload.get("success") is False:
            deltas["tool_failures"] = 1
    elif event_type == "tool_call":
        deltas["tool_call_count"] = 1
        if payload.get("success") is False:
            deltas["tool_failures"] = 1
    elif event_type == "file_modified":
        deltas["edit_lines_added"] = _int(payload.get("added"))
        deltas["edit_lines_removed"] = _int(payload.get("removed"))
    elif event_type == "tokens":
        for name in TOKEN_FIELDS:
            deltas[name] = _int(payload.get(name))
        deltas["cost_usd"] = _float(payload.get("cost_usd"))
    return {name: value for name, value in deltas.items() if value}


@dataclass(frozen=True)
class FileDelta:
    path: str
    modified: int = 0
    added: int = 0
    removed: int = 0
    mentioned: int = 0


def file_deltas(event_type: str, file_path: str | None, payload: dict[str, Any]) -> list[FileDelta]:
    """The per-file tallies one event moves."""
    if event_type == "file_modified" and file_path:
        return [
            FileDelta(
                file_path,
                modified=1,
                added=_int(payload.get("added")),
                removed=_int(payload.get("removed")),
            )
        ]
    if event_type == "file_mentioned" and file_path:
        return [FileDelta(file_path, mentioned=1)]
    if event_type == "context_added":
        return [FileDelta(str(path), mentioned=1) for path in payload.get("mentions") or []]
    return []


PAUSE, RESUME = "session_paused", "session_resumed"


def active_seconds(
    moments: Iterable[tuple[datetime, str]], pulse_seconds: float, until: datetime | None = None
) -> float:
    """Active time of a session from its event timestamps, ActivityWatch style: the gap
    between two consecutive events counts when it is no longer than the pulse; longer
    gaps are idle. Time between a pause and the next resume never counts. `until` (the
    end, or now for an open session) closes the last gap."""
    total = 0.0
    previous: datetime | None = None
    paused = False
    points = sorted(moments, key=lambda item: item[0])
    if until is not None:
        points.append((until, "__until__"))
    for moment, event_type in points:
        if previous is not None and not paused:
            gap = (moment - previous).total_seconds()
            if 0 < gap <= pulse_seconds:
                total += gap
        if event_type == PAUSE:
            paused = True
        elif event_type == RESUME:
            paused = False
        previous = max(previous, moment) if previous else moment
    return total


@dataclass(frozen=True)
class Pulse:
    """What the pulse rule needs of a session's events so far, kept on the session as
    events arrive so that a read computes active time from one row: the active time up
    to the latest event, that event's time, and whether a pause is in force after it.
    `active_seconds(moments, pulse, until)` equals `pulse_of(moments, pulse).until(...)`."""

    active: float = 0.0
    last_at: datetime | None = None
    paused: bool = False

    def after(self, moment: datetime, event_type: str, pulse_seconds: float) -> Pulse:
        """The state once an event at `moment`, no earlier than `last_at`, is added (an
        earlier one needs `pulse_of` over all moments: it may split a counted gap)."""
        return self.after_all(((moment, event_type),), pulse_seconds)

    def after_all(self, moments: Iterable[tuple[datetime, str]], pulse_seconds: float) -> Pulse:
        """`after` for each moment in turn (in time order, none earlier than `last_at`),
        folded in one pass: a batch builds one state, not one per event."""
        active, last, paused = self.active, self.last_at, self.paused
        for moment, event_type in moments:
            if last is not None and not paused:
                gap = (moment - last).total_seconds()
                if 0 < gap <= pulse_seconds:
                    active += gap
            if event_type == PAUSE:
                paused = True
            elif event_type == RESUME:
                paused = False
            if last is None or moment > last:
                last = moment
        return Pulse(active, last, paused)

    def until(self, until: datetime, pulse_seconds: float) -> float:
        """Active time with the last gap closed at `until` (the end, now, or the pause)."""
        if self.last_at is None or self.paused:
            return self.active
        gap = (until - self.last_at).total_seconds()
        return self.active + gap if 0 < gap <= pulse_seconds else self.active


def pulse_of(moments: Iterable[tuple[datetime, str]], pulse_seconds: float) -> Pulse:
    """The pulse state of all of a session's events (in time order; ties keep the order
    given, as `active_seconds` does)."""
    return Pulse().after_all(sorted(moments, key=lambda item: item[0]), pulse_seconds)
