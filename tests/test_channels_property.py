"""The channel split (stint.model.channels) against the pulse rule it is built from."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stint.model.channels import ChannelEvent, channel_of, last_moment, split
from stint.model.projection import PAUSE, RESUME, active_seconds

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
PULSE = 300.0

# (offset seconds, kind) where kind picks an event of a known channel, or a pause/resume.
_KINDS = {
    "prompt": ("message", "hook", False, {"role": "user"}),
    "log": ("note_added", "cli", False, {}),
    "edit_by_hand": ("file_modified", "cli", False, {}),
    "tool": ("tool_call", "hook", True, {"tool": "Bash"}),
    "tokens": ("tokens", "import", False, {"output_tokens": 5}),
    "agent_edit": ("file_modified", "hook", True, {}),
    "notification": ("notification", "hook", False, {"notification_type": "permission_prompt"}),
    "pause": (PAUSE, "cli", False, {}),
    "resume": (RESUME, "cli", False, {}),
}
_PERSON = ("prompt", "log", "edit_by_hand")
_AGENT = ("tool", "tokens", "agent_edit")


def _event(offset: int, kind: str) -> ChannelEvent:
    event_type, source, ai, payload = _KINDS[kind]
    return ChannelEvent(T0 + timedelta(seconds=offset), event_type, source, ai, payload)


events_strategy = st.lists(
    st.tuples(st.integers(0, 6000), st.sampled_from(sorted(_KINDS))), max_size=40
)


def _paused_seconds(events: list[ChannelEvent], until: datetime) -> float:
    paused_at: datetime | None = None
    total = 0.0
    for event in sorted(events, key=lambda e: e.at):
        if event.type == PAUSE and paused_at is None:
            paused_at = event.at
        elif event.type == RESUME and paused_at is not None:
            total += (event.at - paused_at).total_seconds()
            paused_at = None
    if paused_at is not None:
        total += (until - paused_at).total_seconds()
    return total


def _is(event: ChannelEvent, channel: str) -> bool:
    return channel_of(event.type, event.source, event.ai_involved, event.payload) == channel


def _moments(events: list[ChannelEvent], channel: str) -> list[tuple[datetime, str]]:
    """One channel's events with the pauses and resumes, as today's pulse rule takes them."""
    return [
        (e.at, e.type)
        for e in events
        if e.type in (PAUSE, RESUME)
        or channel_of(e.type, e.source, e.ai_involved, e.payload) == channel
    ]


@settings(max_examples=300, deadline=None)
@given(events_strategy, st.integers(0, 2000))
def test_channels_add_up_and_match_each_channels_pulse(
    raw: list[tuple[int, str]], tail: int
) -> None:
    events = [_event(offset, kind) for offset, kind in raw]
    until = T0 + timedelta(seconds=max([o for o, _ in raw], default=0) + tail)
    duration = (until - T0).total_seconds() - _paused_seconds(events, until)
    got = split(events, PULSE, until, duration)
    assert min(got.person, got.agent, got.both, got.idle) >= 0
    # person + agent + both + idle = duration (the wall time less pauses)
    assert got.person + got.agent + got.both + got.idle == pytest.approx(duration, abs=1e-6)
    # person + both is the person channel's own pulse time; agent + both the agent's
    person_alone = active_seconds(_moments(events, "person"), PULSE, until)
    # the agent's channel is its events with the pauses, whatever the person did
    alone = split([e for e in events if e.type in (PAUSE, RESUME) or _is(e, "agent")], PULSE, until)
    agent_alone = alone.agent + alone.both
    assert got.person + got.both == pytest.approx(person_alone, abs=1e-6)
    assert got.agent + got.both == pytest.approx(agent_alone, abs=1e-6)
    # the channels never overlap beyond "both": the union is at most the wall time
    assert got.both <= min(person_alone, agent_alone) + 1e-6
    assert got.active <= duration + 1e-6


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 6000), st.sampled_from((*_PERSON, "pause", "resume"))), max_size=40
    ),
    st.sampled_from(["person", "agent"]),
    st.integers(0, 2000),
)
def test_one_channel_alone_equals_todays_active_seconds(
    raw: list[tuple[int, str]], which: str, tail: int
) -> None:
    if which == "agent":  # the agent pauses nothing: `stint pause` is typed by hand
        swap = dict(zip(_PERSON, _AGENT, strict=True))
        raw = [(offset, swap[kind]) for offset, kind in raw if kind in swap]
    events = [_event(offset, kind) for offset, kind in raw]
    until = T0 + timedelta(seconds=max([o for o, _ in raw], default=0) + tail)
    today = active_seconds([(e.at, e.type) for e in events], PULSE, until)
    got = split(events, PULSE, until)
    assert got.both == 0
    assert (got.person if which == "person" else got.agent) == pytest.approx(today, abs=1e-6)
    assert (got.agent if which == "person" else got.person) == 0


def test_a_prompt_then_the_agent_alone_for_forty_minutes() -> None:
    """The issue's case: a prompt, then tool calls every two minutes for 40 minutes: the
    agent's time, not the person's."""
    events = [_event(0, "prompt")] + [_event(120 * i, "tool") for i in range(1, 21)]
    until = T0 + timedelta(minutes=40)
    got = split(events, PULSE, until, 2400)
    assert (got.person, got.both) == (0, 0)
    assert got.agent == 2280
    assert got.idle == 120
    assert active_seconds([(e.at, e.type) for e in events], PULSE, until) == 2400


def test_waiting_on_a_permission_prompt_is_idle() -> None:
    events = [_event(0, "prompt"), _event(30, "tool"), _event(60, "tool")]
    events.append(_event(90, "notification"))  # then 40 minutes of nobody
    until = T0 + timedelta(minutes=40)
    got = split(events, PULSE, until, 2400)
    assert (got.person, got.agent, got.both) == (0, 30, 0)
    assert got.idle == 2370
    assert last_moment(events) == T0 + timedelta(seconds=60)


def test_typing_while_the_agent_works_is_both() -> None:
    events = [_event(0, "prompt"), _event(60, "log"), _event(30, "tool"), _event(90, "tool")]
    got = split(events, PULSE, T0 + timedelta(seconds=90), 90)
    # person 0..90 (the read closes its last gap), agent 30..90: both 30..90
    assert (got.person, got.agent, got.both, got.idle) == (30, 0, 60, 0)


@pytest.mark.parametrize(
    ("event_type", "source", "ai", "payload", "expected"),
    [
        ("message", "hook", False, {"role": "user"}, "person"),
        ("message", "import", False, {"role": "assistant"}, "agent"),
        ("tool_decision", "otlp", True, {"source": "user_temporary"}, "person"),
        ("tool_decision", "otlp", True, {"source": "config"}, "neither"),
        ("file_modified", "cli", False, {}, "person"),
        ("file_modified", "hook", True, {}, "agent"),
        ("note_added", "mcp", False, {}, "agent"),
        ("note_added", "cli", False, {}, "person"),
        ("tokens", "import", False, {}, "agent"),
        ("subagent_started", "hook", True, {}, "agent"),
        ("notification", "hook", False, {}, "neither"),
        ("session_started", "hook", True, {}, "neither"),
        ("session_started", "cli", False, {}, "person"),
        ("interaction", "hook", True, {"type": "prompt"}, "person"),
        ("interaction", "mcp", True, {"type": "response"}, "agent"),
    ],
    ids=lambda value: str(value),
)
def test_classification_table(
    event_type: str, source: str, ai: bool, payload: dict[str, str], expected: str
) -> None:
    assert channel_of(event_type, source, ai, payload) == expected
