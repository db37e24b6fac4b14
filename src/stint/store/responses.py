"""One model response, counted once whichever source reports it first.

Claude Code reports each API response twice when both capture paths are on: its
transcript (imported: key `claude_code:<sid>:usage:<message id>:<request id>`, and
`…:<request id>:<total>` for growth seen by a later import) and its telemetry (OTLP:
`claude_code:<sid>:api_request:<request id>`). The keys cannot be equal — telemetry has
no message id — so the request id ties them: the source that counted a request first
keeps counting it (a transcript's later growth of the same response still counts), and
the other's `tokens` event is stored as a record of what it reported, with no figures
at the top of its payload, so neither the counters nor a rebuild from the events count
it (`duplicate_of` names the key that counted).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from stint.model.projection import TOKEN_FIELDS
from stint.model.types import EventIn
from stint.store import schema

A = schema.activities
AGENT = "claude_code"
TELEMETRY, TRANSCRIPT = "telemetry", "transcript"
_FIGURES = (*TOKEN_FIELDS, "cost_usd", "cache_1h_tokens")


def response_of(key: str | None) -> tuple[str, str, str] | None:
    """(family, agent session id, request id) of a Claude Code `tokens` key, else None."""
    if not key or not key.startswith(AGENT + ":"):
        return None
    rest = key[len(AGENT) + 1 :]
    if ":api_request:" in rest:
        sid, _, request = rest.partition(":api_request:")
        return (TELEMETRY, sid, request) if request else None
    if ":usage:" in rest:
        sid, _, tail = rest.partition(":usage:")
        parts = tail.split(":")
        # message id, request id[, running total]; a line without ids is keyed by its
        # uuid or ISO time instead (one part, or four and more), never matching
        if len(parts) in (2, 3) and parts[1] and (len(parts) == 2 or parts[2].isdigit()):
            return TRANSCRIPT, sid, parts[1]
    return None


def telemetry_key(sid: str, request: str) -> str:
    return f"{AGENT}:{sid}:api_request:{request}"


def uncounted(event: EventIn, counted_by: str) -> EventIn:
    """The event as a record only: its figures moved under `reported`."""
    payload = dict(event.payload or {})
    reported = {name: payload.pop(name) for name in _FIGURES if name in payload}
    payload.update(reported=reported, duplicate_of=counted_by)
    return replace(event, payload=payload)


def is_uncounted(payload: dict[str, Any] | None) -> bool:
    return bool(payload and payload.get("duplicate_of"))


def count_once(
    conn: Connection,
    org_id: str,
    session_id: int,
    events: Sequence[tuple[EventIn, datetime]],
) -> list[tuple[EventIn, datetime]]:
    """`events` with every `tokens` event of a response another source counted already
    turned into a record only (see the module's note). Costs nothing for batches with no
    Claude Code `tokens` event; one indexed read per family present otherwise."""
    found: list[tuple[int, tuple[str, str, str]]] = []
    for index, (event, _) in enumerate(events):
        if event.type == "tokens" and not is_uncounted(event.payload):
            response = response_of(event.key)
            if response is not None:
                found.append((index, response))
    if not found:
        return list(events)
    counted = _counted(conn, org_id, session_id, [response for _, response in found])
    result = list(events)
    for index, (family, sid, request) in found:
        event, at = result[index]
        holder = counted.get((sid, request))
        if holder is None:
            assert event.key is not None
            counted[(sid, request)] = (family, event.key)  # a later one in this batch
        elif holder[0] != family:
            result[index] = (uncounted(event, holder[1]), at)
    return result


def _counted(
    conn: Connection, org_id: str, session_id: int, responses: list[tuple[str, str, str]]
) -> dict[tuple[str, str], tuple[str, str]]:
    """(agent session id, request id) → (family, key) of the stored event that counts it."""
    counted: dict[tuple[str, str], tuple[str, str]] = {}
    transcripts = [(sid, request) for family, sid, request in responses if family == TRANSCRIPT]
    if transcripts:  # telemetry's key is known exactly: one lookup by the unique key
        keys = {telemetry_key(sid, request): (sid, request) for sid, request in transcripts}
        rows = conn.execute(
            select(A.c.idem_key, A.c.payload).where(
                A.c.org_id == org_id, A.c.idem_key.in_(list(keys))
            )
        )
        for key, payload in rows:
            if not is_uncounted(payload):
                counted[keys[key]] = (TELEMETRY, key)
    if any(family == TELEMETRY for family, _, _ in responses):
        # The transcript's keys hold a message id telemetry lacks: read the session's
        # imported usage keys (under its session index) and match on the request id.
        wanted = {(sid, request) for family, sid, request in responses if family == TELEMETRY}
        rows = conn.execute(
            select(A.c.idem_key, A.c.payload).where(
                A.c.org_id == org_id,
                A.c.session_id == session_id,
                A.c.type == "tokens",
                A.c.idem_key.like(f"{AGENT}:%:usage:%"),
            )
        )
        for key, payload in rows:
            response = response_of(key)
            if response is None or is_uncounted(payload):
                continue
            pair = (response[1], response[2])
            if pair in wanted:
                counted.setdefault(pair, (TRANSCRIPT, key))
    return counted
