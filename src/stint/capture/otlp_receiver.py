"""OTLP/HTTP requests into the store: the storing half of the receiver (decoding and
mapping are `stint.capture.otlp`'s; the routes are `stint.web.otlp`'s).

Each agent session a request names becomes the one stint session of that agent session
in the caller's org (`Sessions.attach`: the lookup hooks and transcript import use, so all
three land in one session), created as the caller's user's. Its events are appended by
key and its metric points stored by stream, all of them in one write transaction: a
request is stored whole or not at all, and a re-sent request changes nothing. Tokens
reported by both telemetry and the transcript count once (`stint.store.responses`).

GenAI spans whose conversation is not known yet (children are exported before the agent
span naming it) wait in `Memory` until a later request names their trace's conversation.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from stint.capture.otlp import AgentSession, Mapped, map_message, receive
from stint.capture.otlp.decode import DEFAULT_MAX_BYTES, Signal
from stint.model.timeparse import utcnow
from stint.model.types import OPEN_STATUSES, EventIn
from stint.sessions.service import Sessions
from stint.store import events as ev
from stint.store import sessions as ss
from stint.store import telemetry

SOURCE = "otlp"
MAX_CONVERSATIONS = 10_000  # trace id → conversation remembered per org
MAX_PENDING = 200  # requests of spans waiting for their conversation, per org


@dataclass
class Memory:
    """What earlier trace requests of one org taught: trace → conversation, and spans
    still waiting for theirs. Per process; bounded (the oldest are forgotten)."""

    conversations: OrderedDict[str, str] = field(default_factory=OrderedDict)
    pending: list[ExportTraceServiceRequest] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def learn(self, found: dict[str, str]) -> None:
        for trace, conversation in found.items():
            self.conversations[trace] = conversation
            self.conversations.move_to_end(trace)
        while len(self.conversations) > MAX_CONVERSATIONS:
            self.conversations.popitem(last=False)


@dataclass
class Received:
    """What one request did: the stint sessions it touched, events new and known."""

    mapped: Mapped
    session_ids: list[int] = field(default_factory=list)
    events: int = 0
    stored: int = 0
    points: int = 0


def receive_request(
    core: Sessions,
    signal: Signal,
    body: bytes,
    content_type: str | None,
    content_encoding: str | None = None,
    *,
    user_id: int | None = None,
    memory: Memory | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Received:
    """Decode, map and store one request (raises `stint.capture.otlp.OtlpError`, with
    nothing stored, for a body the sender must fix)."""
    memory = memory or Memory()
    with memory.lock:
        known = dict(memory.conversations) if signal == "traces" else None
    mapped = receive(
        signal, body, content_type, content_encoding, max_bytes=max_bytes, conversations=known
    )
    sessions = list(mapped.sessions)
    if signal == "traces":
        sessions += _resolve_pending(memory, mapped)
    received = Received(mapped)
    store_sessions(core, sessions, received, user_id)
    return received


def _resolve_pending(memory: Memory, mapped: Mapped) -> list[AgentSession]:
    """Sessions of spans that waited for the conversations this request named; this
    request's own unknown spans are kept for a later one."""
    resolved: list[AgentSession] = []
    with memory.lock:
        memory.learn(mapped.conversations)
        waiting, memory.pending = memory.pending, []
        if mapped.conversations:
            for request in waiting:
                again = map_message("traces", request, memory.conversations)
                resolved.extend(again.sessions)
                if again.pending is not None:
                    memory.pending.append(again.pending)
        else:
            memory.pending = waiting
        if mapped.pending is not None:
            memory.pending.append(mapped.pending)
        del memory.pending[:-MAX_PENDING]
    return resolved


def store_sessions(
    core: Sessions, sessions: list[AgentSession], received: Received, user_id: int | None
) -> None:
    targets: list[tuple[int, bool, AgentSession]] = []
    for agent_session in sessions:
        if not agent_session.events and not agent_session.metrics:
            continue
        session_id, owned = _session_of(core, agent_session, user_id)
        targets.append((session_id, owned, agent_session))
        received.session_ids.append(session_id)
    now = utcnow()
    with core.store.write() as conn:
        # In the order of their ids: each session's row is locked as its turn comes, and
        # two requests naming the same sessions must take those locks in one order.
        for session_id, owned, agent_session in sorted(targets, key=lambda t: t[0]):
            ss.require_in_org(conn, core.org, session_id)
            if user_id is not None and not owned:  # made by a path that knew no user
                ss.claim_session(conn, core.org, session_id, user_id)
            batch: list[tuple[EventIn, datetime]] = [
                (event, event.occurred_at or now) for event in agent_session.events
            ]
            received.events += len(batch)
            if batch:
                received.stored += ev.append_many(core.store, conn, core.org, session_id, batch)
            points = [
                telemetry.Point(
                    p.stream if p.cumulative else p.key, p.total, p.value, p.cumulative, p.time_ns
                )
                for p in agent_session.metrics
            ]
            received.points += len(points)
            telemetry.add_points(core.store, conn, core.org, session_id, points)


def _session_of(
    core: Sessions, agent_session: AgentSession, user_id: int | None
) -> tuple[int, bool]:
    """The session's id and whether it has a user. Events find, re-open or create the
    session (as a hook does); metric points alone (exported every minute, also while the
    person is away) only find or create it. An open session with the same model is used
    as found: no write, no full read."""
    with core.store.read() as conn:
        found = ss.find_by_agent_session(
            conn, core.org, agent_session.agent, agent_session.agent_session_id
        )
    if found is not None:
        same_model = not agent_session.model or agent_session.model == found["ai_model"]
        if not agent_session.events or (found["status"] in OPEN_STATUSES and same_model):
            return int(found["id"]), found["user_id"] is not None
    session = core.attach(
        agent=agent_session.agent,
        agent_session_id=agent_session.agent_session_id,
        model=agent_session.model,
        at=agent_session.first_at,
        source=SOURCE,
        user_id=user_id,
        # Telemetry names no directory; the receiver's own (a server's checkout) is not
        # where the agent ran, and must not pick the project or its git figures.
        process_cwd=False,
    )
    return int(session.id), session.row.get("user_id") is not None


def metric_totals(core: Sessions, session_id: int) -> dict[str, float]:
    """A session's telemetry metric totals (`input_tokens`, `lines_added`, `commits`,
    `active_seconds_user`, …; see docs/otlp.md)."""
    with core.store.read() as conn:
        ss.require_in_org(conn, core.org, session_id)
        return telemetry.totals(conn, core.org, session_id)
