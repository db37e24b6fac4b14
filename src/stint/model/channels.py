"""Two channels of time: what the person did and what the agent did.

One pulse over every event (`stint.model.projection.active_seconds`) calls a session
active while the agent works alone for 40 minutes after a prompt, and while it waits 40
minutes on a permission prompt. Here each event belongs to the person, to the agent or to
neither (`channel_of`, one table), each channel's activity is the pulse rule over its own
events (a gap no longer than the pulse counts; a pause stops both channels), and a
session's time splits into person only, agent only, both at once, and idle.

Pure functions only; `stint.sessions` reads the events and stores the figures.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, NamedTuple

from stint.model.projection import PAUSE, RESUME
from stint.model.timeparse import human_duration

Channel = Literal["person", "agent", "neither"]
PERSON: Channel = "person"
AGENT: Channel = "agent"
NEITHER: Channel = "neither"

# Sources where a person typed the entry: `stint log`, the API's hand entries, the library.
HAND_SOURCES = frozenset({"cli", "api", "library"})

Rule = Callable[[str, bool, Mapping[str, Any]], Channel]


def _by_role(source: str, ai_involved: bool, payload: Mapping[str, Any]) -> Channel:
    role = payload.get("role")
    if role == "user":
        return PERSON
    if role == "assistant":
        return AGENT
    return _by_who(source, ai_involved, payload)


def _by_interaction(source: str, ai_involved: bool, payload: Mapping[str, Any]) -> Channel:
    return PERSON if payload.get("type") in ("prompt", "clarification") else AGENT


def _by_decision(source: str, ai_involved: bool, payload: Mapping[str, Any]) -> Channel:
    # Claude Code telemetry: `user_temporary`, `user_permanent`, `user_reject` are a
    # person answering a permission prompt; `config` is a rule answering alone.
    return PERSON if str(payload.get("source") or "").startswith("user") else NEITHER


def _by_hand(source: str, ai_involved: bool, payload: Mapping[str, Any]) -> Channel:
    """A lifecycle mark: the person's when typed by hand, else nobody's activity."""
    return PERSON if source in HAND_SOURCES else NEITHER


def _by_who(source: str, ai_involved: bool, payload: Mapping[str, Any]) -> Channel:
    """The default: the agent's when the AI was involved (tool calls, its edits, MCP
    calls), else the person's (hand entries, an edit by a person, a prompt's mention)."""
    return AGENT if ai_involved or source == "mcp" else PERSON


def _always(channel: Channel) -> Rule:
    return lambda source, ai_involved, payload: channel


# Which channel an event type belongs to; a type not named here goes by `_by_who`.
CHANNEL_RULES: dict[str, Rule] = {
    "message": _by_role,
    "interaction": _by_interaction,
    "tool_decision": _by_decision,
    "conversation_rewound": _always(PERSON),
    "tool_call": _always(AGENT),
    "tool_started": _always(AGENT),
    "tokens": _always(AGENT),
    "subagent_started": _always(AGENT),
    "subagent_stopped": _always(AGENT),
    "agent_stopped": _always(AGENT),
    "agent_error": _always(AGENT),
    "api_error": _always(AGENT),
    "context_compacted": _always(AGENT),
    "compaction_started": _always(AGENT),
    # Waiting on the person (a permission prompt, "Claude is waiting") is nobody working.
    "notification": _always(NEITHER),
    "hook_event": _always(NEITHER),
    "agent_session_start": _always(NEITHER),
    "git_measured": _always(NEITHER),
    "session_started": _by_hand,
    "session_ended": _by_hand,
    "session_paused": _by_hand,
    "session_resumed": _by_hand,
}


# The types whose channel depends on their payload (a read fetches no other payload).
PAYLOAD_TYPES = ("message", "interaction", "tool_decision")


def channel_of(
    event_type: str, source: str, ai_involved: bool, payload: Mapping[str, Any] | None
) -> Channel:
    """Whose activity one event is: the person's, the agent's, or neither's."""
    rule = CHANNEL_RULES.get(event_type, _by_who)
    return rule(source or "", bool(ai_involved), payload or {})


class ChannelEvent(NamedTuple):
    """What the split needs of one event."""

    at: datetime
    type: str
    source: str = "cli"
    ai_involved: bool = False
    payload: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Channels:
    """A session's time in seconds: the person alone, the agent alone, both, neither.
    `basis` says where the figures come from: "events" (the pulse rule per channel) or
    "telemetry" (Claude Code's `claude_code.active_time.total`, user and cli)."""

    person: float = 0.0
    agent: float = 0.0
    both: float = 0.0
    idle: float = 0.0
    basis: str = "events"

    @property
    def active(self) -> float:
        """Either channel active: the union."""
        return self.person + self.agent + self.both

    def line(self) -> str:
        """ "you 12m · agent 41m · both 5m · idle 3m", and where the figures come from
        when not from the events."""
        text = (
            f"you {human_duration(self.person)} · agent {human_duration(self.agent)} · "
            f"both {human_duration(self.both)} · idle {human_duration(self.idle)}"
        )
        return text + (" (Claude Code telemetry)" if self.basis == "telemetry" else "")

    def to_dict(self) -> dict[str, Any]:
        return {
            "person_seconds": round(self.person, 3),
            "agent_seconds": round(self.agent, 3),
            "both_seconds": round(self.both, 3),
            "idle_seconds": round(self.idle, 3),
            "basis": self.basis,
        }


# Times as POSIX seconds: float arithmetic is several times cheaper than datetimes', and
# a read may split tens of thousands of events.
Span = tuple[float, float]


def spans(
    points: Iterable[tuple[float, str, bool]],
    pulse_seconds: float,
    until: float | None = None,
) -> list[Span]:
    """The stretches the pulse rule counts as active, in time order and disjoint: exactly
    the gaps `stint.model.projection.active_seconds` adds up over the channel's own
    moments (`own` true). The others are another channel's pauses and resumes: a pause
    ends this channel's gap there too, and after a resume this channel counts again from
    its own next event. Ties keep the order given, as the pulse's do."""
    counted: list[Span] = []
    previous: float | None = None
    paused = False
    points = sorted(points, key=lambda item: item[0])
    if until is not None:
        points.append((until, "__until__", True))
    for moment, event_type, own in points:
        if previous is not None and not paused and (own or event_type == PAUSE):
            gap = moment - previous
            if 0 < gap <= pulse_seconds:
                counted.append((previous, moment))
        if event_type == PAUSE:
            paused = True
        elif event_type == RESUME:
            paused = False
        if own:
            previous = moment if previous is None or moment > previous else previous
        elif event_type == RESUME:
            previous = None
    return counted


def _length(items: Iterable[Span]) -> float:
    return sum(end - start for start, end in items)


def _overlap(left: list[Span], right: list[Span]) -> float:
    """Seconds two sorted lists of disjoint spans share."""
    total, i, j = 0.0, 0, 0
    while i < len(left) and j < len(right):
        (left_start, left_end), (right_start, right_end) = left[i], right[j]
        start = left_start if left_start > right_start else right_start
        end = left_end if left_end < right_end else right_end
        if end > start:
            total += end - start
        if left_end <= right_end:
            i += 1
        else:
            j += 1
    return total


def split(
    events: Iterable[ChannelEvent],
    pulse_seconds: float,
    until: datetime | None = None,
    duration: float | None = None,
) -> Channels:
    """A session's time by channel: each event to the one `channel_of` names; a pause
    stops both channels. `duration` (wall time less pauses) gives idle; without it, idle
    is 0."""
    # Each channel's own moments, and every pause and resume it does not own (they stop
    # it too), in the order given.
    person: list[tuple[float, str, bool]] = []
    agent: list[tuple[float, str, bool]] = []
    for event in events:
        channel = channel_of(event.type, event.source, event.ai_involved, event.payload)
        at = event.at.timestamp()
        if event.type in (PAUSE, RESUME):
            person.append((at, event.type, channel == PERSON))
            agent.append((at, event.type, False))
        elif channel == PERSON:
            person.append((at, event.type, True))
        elif channel == AGENT:
            agent.append((at, event.type, True))
    end = None if until is None else until.timestamp()
    person_spans = spans(person, pulse_seconds, end)
    agent_spans = spans(agent, pulse_seconds, end)
    both = _overlap(person_spans, agent_spans)
    person_total, agent_total = _length(person_spans), _length(agent_spans)
    union = person_total + agent_total - both
    idle = max(0.0, duration - union) if duration is not None else 0.0
    return Channels(person_total - both, agent_total - both, both, idle)


def from_telemetry(totals: Mapping[str, float], duration: float) -> Channels | None:
    """Claude Code's own active time, when its telemetry reported it: `user` time is the
    person's, `cli` time the agent's. It reports no overlap, so `both` is 0."""
    user = totals.get("active_seconds_user")
    cli = totals.get("active_seconds_cli")
    if user is None and cli is None:
        return None
    person, agent = float(user or 0.0), float(cli or 0.0)
    return Channels(person, agent, 0.0, max(0.0, duration - person - agent), "telemetry")


def last_moment(events: Iterable[ChannelEvent], stop_at_first: bool = False) -> datetime | None:
    """The latest event of either channel (what an inactivity timeout ends at).
    `stop_at_first`: the events come newest first, so the first of a channel is it."""
    latest: datetime | None = None
    for event in events:
        if event.type in (PAUSE, RESUME):
            continue
        if channel_of(event.type, event.source, event.ai_involved, event.payload) == NEITHER:
            continue
        latest = event.at if latest is None or event.at > latest else latest
        if stop_at_first:
            break
    return latest


def _shared(start: float, end: float, run_start: float | None, run_end: float | None) -> float:
    """Seconds [start, end] shares with one contiguous run."""
    if run_start is None or run_end is None:
        return 0.0
    low = start if start > run_start else run_start
    high = end if end < run_end else run_end
    return high - low if high > low else 0.0


@dataclass(frozen=True)
class ChannelPulse:
    """What `split` needs of a session's events so far, kept on the session as events
    arrive (as `stint.model.projection.Pulse` is) so that a read splits an open session's
    time from one row. Per channel: its latest moment (`None` after a resume it does not
    own: it counts again from its next event), the start of the contiguous run of counted
    gaps that ends there, and its active seconds; plus the seconds both were active and
    whether a pause is in force. Times are POSIX seconds.

    Exact because a counted gap is no longer than the pulse and holds no pause or resume:
    inside it the other channel's counted time is one contiguous run, so the overlap of a
    new gap [last, t] with it is [max(last, run_start), min(t, other_last)].
    `split(events, pulse, until, duration)` equals `channel_pulse_of(events, pulse)
    .channels(until, pulse, duration)`."""

    person_last: float | None = None
    person_run: float | None = None
    person_active: float = 0.0
    agent_last: float | None = None
    agent_run: float | None = None
    agent_active: float = 0.0
    both: float = 0.0
    paused: bool = False

    def after(
        self, moment: datetime | float, channel: Channel, event_type: str, pulse_seconds: float
    ) -> ChannelPulse:
        """The state once an event at `moment`, no earlier than either channel's latest,
        is added (an earlier one needs `channel_pulse_of` over all events)."""
        return self.after_all(((moment, channel, event_type),), pulse_seconds)

    def after_all(
        self, events: Iterable[tuple[datetime | float, Channel, str]], pulse_seconds: float
    ) -> ChannelPulse:
        """`after` for each (moment, channel, type) in turn, in time order, folded on one
        mutable state: a batch builds one state, not two objects per event."""
        state = _Mutable(self)
        for moment, channel, event_type in events:
            at = moment.timestamp() if isinstance(moment, datetime) else float(moment)
            state.step(at, channel, event_type, pulse_seconds)
        return state.frozen()

    def channels(
        self,
        until: datetime | float | None,
        pulse_seconds: float,
        duration: float | None = None,
    ) -> Channels:
        """The split with each channel's open gap closed at `until` (the end or now)."""
        state = _Mutable(self)
        if until is not None:
            at = until.timestamp() if isinstance(until, datetime) else float(until)
            state.close(at, pulse_seconds, move_person=True)
        person, agent, both = state.person_active, state.agent_active, state.both
        union = person + agent - both
        idle = max(0.0, duration - union) if duration is not None else 0.0
        return Channels(person - both, agent - both, both, idle)


class _Mutable:
    """A ChannelPulse being moved by one event."""

    def __init__(self, state: ChannelPulse) -> None:
        self.person_last, self.person_run = state.person_last, state.person_run
        self.person_active = state.person_active
        self.agent_last, self.agent_run = state.agent_last, state.agent_run
        self.agent_active = state.agent_active
        self.both, self.paused = state.both, state.paused

    def frozen(self) -> ChannelPulse:
        return ChannelPulse(
            self.person_last,
            self.person_run,
            self.person_active,
            self.agent_last,
            self.agent_run,
            self.agent_active,
            self.both,
            self.paused,
        )

    def step(self, at: float, channel: Channel, event_type: str, pulse_seconds: float) -> None:
        """One event at `at` (POSIX seconds), no earlier than either channel's latest."""
        if event_type == PAUSE:
            self.close(at, pulse_seconds, move_person=channel == PERSON)
            self.paused = True
        elif event_type == RESUME:
            if channel == PERSON:
                self.gap_person(at, pulse_seconds)
            else:
                self.person_last = self.person_run = None
            self.agent_last = self.agent_run = None
            self.paused = False
        elif channel == PERSON:
            self.gap_person(at, pulse_seconds)
        elif channel == AGENT:
            self.gap_agent(at, pulse_seconds)

    def _counted(self, last: float | None, at: float, pulse_seconds: float) -> bool:
        return last is not None and not self.paused and 0 < at - last <= pulse_seconds

    # One of a channel's own moments: count the gap since its last, if any. Written out
    # per channel (not by attribute name): this runs once per event of every batch.
    def gap_person(self, at: float, pulse_seconds: float) -> None:
        last = self.person_last
        if self._counted(last, at, pulse_seconds):
            assert last is not None
            self.person_active += at - last
            self.both += _shared(last, at, self.agent_run, self.agent_last)
        elif last is None or at > last:
            self.person_run = at
        if last is None or at > last:
            self.person_last = at

    def gap_agent(self, at: float, pulse_seconds: float) -> None:
        last = self.agent_last
        if self._counted(last, at, pulse_seconds):
            assert last is not None
            self.agent_active += at - last
            self.both += _shared(last, at, self.person_run, self.person_last)
        elif last is None or at > last:
            self.agent_run = at
        if last is None or at > last:
            self.agent_last = at

    def close(self, at: float, pulse_seconds: float, move_person: bool) -> None:
        """A pause or the end: both channels' open gaps end at `at`. A pause is the
        person's own moment only when typed by hand; it never is the agent's."""
        person_gap = self._counted(self.person_last, at, pulse_seconds)
        agent_gap = self._counted(self.agent_last, at, pulse_seconds)
        person_end = at if person_gap else self.person_last
        if person_gap:
            assert self.person_last is not None
            self.person_active += at - self.person_last
            self.both += _shared(self.person_last, at, self.agent_run, self.agent_last)
        if agent_gap:
            assert self.agent_last is not None
            self.agent_active += at - self.agent_last
            # The person's run now reaches `at` whether or not the pause is theirs.
            self.both += _shared(self.agent_last, at, self.person_run, person_end)
        if move_person:
            if not person_gap and (self.person_last is None or at > self.person_last):
                self.person_run = at
            if self.person_last is None or at > self.person_last:
                self.person_last = at


def channel_pulse_of(events: Iterable[ChannelEvent], pulse_seconds: float) -> ChannelPulse:
    """The state of all of a session's events (sorted by time; ties keep the order given)."""
    ordered = sorted(events, key=lambda item: item.at)
    return ChannelPulse().after_all(
        (
            (
                event.at,
                channel_of(event.type, event.source, event.ai_involved, event.payload),
                event.type,
            )
            for event in ordered
        ),
        pulse_seconds,
    )
