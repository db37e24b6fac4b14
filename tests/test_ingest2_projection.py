"""A batch's projection folded in one pass (issue 13, ingest): `Pulse.after_all` and
`ChannelPulse.after_all` equal the event-by-event fold and the split they are built from,
and the per-batch shortcuts of `stint.store.events._project` (a type's counter deltas
worked out once, file tallies only for the file types) are only taken where they hold."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from stint.model import projection
from stint.model.channels import CHANNEL_RULES, ChannelEvent, ChannelPulse, channel_of, split
from stint.model.projection import (
    FILE_TYPES,
    PAUSE,
    PAYLOAD_COUNTED,
    RESUME,
    Pulse,
    active_seconds,
    counter_deltas,
    file_deltas,
    pulse_of,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PULSE = 300.0
_KINDS = {
    "prompt": ("message", "hook", False, {"role": "user"}),
    "reply": ("message", "hook", False, {"role": "assistant"}),
    "log": ("note_added", "cli", False, {}),
    "tool": ("tool_call", "hook", True, {"success": True}),
    "mcp": ("file_modified", "mcp", False, {}),
    "wait": ("notification", "hook", False, {}),
    "pause": (PAUSE, "cli", False, {}),
    "resume": (RESUME, "cli", False, {}),
    "resume_hook": (RESUME, "hook", False, {}),
}
events_strategy = st.lists(
    st.tuples(st.integers(0, 1200), st.sampled_from(sorted(_KINDS))), min_size=1, max_size=40
)
# Payloads that move every payload-dependent counter there is.
_PAYLOADS: list[dict[str, Any]] = [
    {},
    {"success": False, "type": "tool_result", "mentions": ["a.py", "b.py"]},
    {"status": "in_progress", "from_status": "todo", "type": "prompt"},
    {"added": 7, "removed": 2, "input_tokens": 5, "output_tokens": 9, "cost_usd": 0.25},
]


def _events(drawn: list[tuple[int, str]]) -> list[ChannelEvent]:
    events = []
    for offset, kind in sorted(drawn, key=lambda item: item[0]):
        event_type, source, ai, payload = _KINDS[kind]
        events.append(ChannelEvent(T0 + timedelta(seconds=offset), event_type, source, ai, payload))
    return events


@settings(max_examples=200, deadline=None)
@given(events_strategy, st.integers(0, 40))
# The person and the agent taking turns inside one pulse: each gap overlaps the other's run.
@example([(0, "prompt"), (10, "tool"), (20, "prompt"), (30, "tool"), (40, "tool")], 2)
def test_a_batch_folded_at_once_equals_the_fold_one_event_at_a_time(
    drawn: list[tuple[int, str]], cut: int
) -> None:
    events = _events(drawn)
    cut = min(cut, len(events))
    head, tail = events[:cut], events[cut:]
    # The state kept on the row after the first part, then the batch on top of it.
    kept_pulse = pulse_of(((e.at, e.type) for e in head), PULSE)
    kept_channels = ChannelPulse().after_all(
        ((e.at, channel_of(e.type, e.source, e.ai_involved, e.payload), e.type) for e in head),
        PULSE,
    )
    pulse_at_once = kept_pulse.after_all(((e.at, e.type) for e in tail), PULSE)
    channels_at_once = kept_channels.after_all(
        ((e.at, channel_of(e.type, e.source, e.ai_involved, e.payload), e.type) for e in tail),
        PULSE,
    )
    pulse_one_by_one, channels_one_by_one = kept_pulse, kept_channels
    for event in tail:
        pulse_one_by_one = pulse_one_by_one.after(event.at, event.type, PULSE)
        channel = channel_of(event.type, event.source, event.ai_involved, event.payload)
        channels_one_by_one = channels_one_by_one.after(event.at, channel, event.type, PULSE)
    assert pulse_at_once == pulse_one_by_one
    assert channels_at_once == channels_one_by_one
    # And both equal the rules they keep state for, computed from every event.
    end = events[-1].at + timedelta(seconds=120)
    moments = [(e.at, e.type) for e in events]
    assert abs(pulse_at_once.until(end, PULSE) - active_seconds(moments, PULSE, end)) < 1e-6
    whole = split(events, PULSE, end)
    folded = channels_at_once.channels(end, PULSE)
    for name in ("person", "agent", "both"):
        assert abs(getattr(folded, name) - getattr(whole, name)) < 1e-6, name


def _known_types() -> set[str]:
    simple = set(vars(projection)["_SIMPLE"])
    return simple | set(CHANNEL_RULES) | set(projection.TASK_STATUS_EVENTS) | PAYLOAD_COUNTED


def test_only_the_payload_counted_types_move_counters_by_their_payload() -> None:
    for event_type in sorted(_known_types() | {"some_new_type"}):
        moved = [counter_deltas(event_type, payload) for payload in _PAYLOADS]
        if event_type in PAYLOAD_COUNTED:
            continue
        assert all(deltas == moved[0] for deltas in moved), event_type
    # The list is not wider than it needs to be either: each type in it does depend.
    for event_type in PAYLOAD_COUNTED:
        moved = [counter_deltas(event_type, payload) for payload in _PAYLOADS]
        assert any(deltas != moved[0] for deltas in moved), event_type


def test_only_the_file_types_move_file_tallies() -> None:
    for event_type in sorted(_known_types() - FILE_TYPES):
        for payload in _PAYLOADS:
            assert file_deltas(event_type, "src/app.py", payload) == [], event_type
    for event_type in FILE_TYPES:
        assert any(file_deltas(event_type, "src/app.py", payload) for payload in _PAYLOADS)


def test_an_empty_batch_leaves_the_state_as_it_was() -> None:
    kept = Pulse(12.0, T0, True)
    assert kept.after_all([], PULSE) == kept
    channels = ChannelPulse(person_last=1.0, person_run=0.5, person_active=3.0, paused=True)
    assert channels.after_all([], PULSE) == channels
