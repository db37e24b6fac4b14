"""The incremental channel state (`ChannelPulse`) gives exactly `split`'s figures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from stint.model.channels import ChannelEvent, ChannelPulse, channel_of, channel_pulse_of, split

PULSE = 60.0
START = datetime(2026, 1, 1, tzinfo=UTC)

KINDS = {
    "person": ChannelEvent(START, "message", "claude", True, {"role": "user"}),
    "agent": ChannelEvent(START, "tool_call", "claude", True),
    "nobody": ChannelEvent(START, "notification", "claude", True),
    "hand_pause": ChannelEvent(START, "session_paused", "cli"),
    "hand_resume": ChannelEvent(START, "session_resumed", "cli"),
    "hook_pause": ChannelEvent(START, "session_paused", "hook"),
    "hook_resume": ChannelEvent(START, "session_resumed", "hook"),
}

# Steps in half seconds up to three pulses: gaps on both sides of the pulse, and ties.
steps = st.lists(
    st.tuples(
        st.one_of(st.just(0), st.integers(0, int(PULSE * 6))), st.sampled_from(sorted(KINDS))
    ),
    max_size=40,
)


def timeline(raw: list[tuple[int, str]]) -> list[ChannelEvent]:
    """In-order events; steps of 0 give several events one moment, taken in the order given."""
    events: list[ChannelEvent] = []
    at = 0.0
    for half_seconds, kind in raw:
        at += half_seconds / 2
        events.append(KINDS[kind]._replace(at=START + timedelta(seconds=at)))
    return events


def incremental(events: list[ChannelEvent]) -> ChannelPulse:
    state = ChannelPulse()
    for event in events:
        channel = channel_of(event.type, event.source, event.ai_involved, event.payload)
        state = state.after(event.at, channel, event.type, PULSE)
    return state


def assert_same(left: object, right: object) -> None:
    for name in ("person", "agent", "both", "idle"):
        assert abs(getattr(left, name) - getattr(right, name)) < 1e-6, name


@settings(max_examples=600, deadline=None)
@given(steps, st.integers(0, int(PULSE * 3)), st.booleans())
def test_incremental_split_equals_full_split(
    raw: list[tuple[int, str]], tail: int, closed: bool
) -> None:
    events = timeline(raw)
    last = events[-1].at if events else START
    until = last + timedelta(seconds=tail / 2 + 0.5) if closed else None
    duration = (until - START).total_seconds() if until else None
    expected = split(events, PULSE, until, duration)
    assert_same(incremental(events).channels(until, PULSE, duration), expected)
    assert channel_pulse_of(events, PULSE) == incremental(events)


def test_overlapping_channels_share_both_seconds() -> None:
    """You prompt, the agent works from 10 s to 60 s, you answer at 50 s: both 40 s."""
    person, agent = KINDS["person"], KINDS["agent"]
    events = [
        person._replace(at=START),
        agent._replace(at=START + timedelta(seconds=10)),
        person._replace(at=START + timedelta(seconds=50)),
        agent._replace(at=START + timedelta(seconds=60)),
    ]
    result = incremental(events).channels(None, PULSE)
    assert (result.person, result.agent, result.both) == (10.0, 10.0, 40.0)
    assert_same(result, split(events, PULSE))


def test_a_pause_stops_both_channels() -> None:
    person, agent, pause = KINDS["person"], KINDS["agent"], KINDS["hook_pause"]
    events = [
        person._replace(at=START),
        agent._replace(at=START + timedelta(seconds=5)),
        pause._replace(at=START + timedelta(seconds=20)),
        agent._replace(at=START + timedelta(seconds=30)),
    ]
    result = incremental(events).channels(START + timedelta(seconds=40), PULSE)
    assert (result.person, result.agent, result.both) == (5.0, 0.0, 15.0)
