"""Goal-oriented recording on the session core: interactions (numbered per session, under the
capture policy), memories, artifacts, notes and subjects.

`stint.goals.service.Goals` and the handle call these; SQL stays in `stint.store.goals`.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from stint.model.redaction import redact
from stint.model.timeparse import as_utc, utcnow
from stint.model.types import OPEN_STATUSES, Conflict, EventIn, StintError
from stint.sessions.service import Sessions
from stint.store import events as ev
from stint.store import goals as gs
from stint.store import sessions as ss

log = logging.getLogger("stint.goals.records")
INTERACTION_TYPES = (
    "prompt",
    "response",
    "clarification",
    "reflection",
    "command",
    "result",
    "tool_call",
    "tool_result",
)
COVERAGE_LEVELS = ("introduction", "exploration", "deep_dive", "completion")
CAPTURE = ("full", "metadata")


def _stored(text: str | None, capture: str) -> tuple[str | None, dict[str, Any]]:
    """What the capture policy keeps of a text: all of it (redacted), or its size and hash."""
    if text is None:
        return None, {}
    if capture == "full":
        return redact(text), {}
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    return None, {"chars": len(text), "sha256_16": digest}


# -------------------------------------------------------------- interactions


def add_interaction(
    tracker: Sessions,
    session_id: int,
    type: str,
    content: str | None = None,
    *,
    capture: str = "full",
    role: str | None = None,
    response: str | None = None,
    category: str | None = None,
    response_method: str | None = None,
    tool_name: str | None = None,
    subject: str | None = None,
    duration_seconds: float | None = None,
    input_tokens: int | None = None,
    output_tokens: int | None = None,
    model: str | None = None,
    sentiment: str | None = None,
    themes: Sequence[str] | None = None,
    people: Sequence[str] | None = None,
    places: Sequence[str] | None = None,
    success: bool | None = None,
    exit_code: int | None = None,
    is_test: bool | None = None,
    data: Mapping[str, Any] | None = None,
    key: str | None = None,
    at: datetime | None = None,
    source: str = "library",
    record_event: bool = True,
) -> dict[str, Any]:
    """Record one interaction; returns it with its sequence number. `record_event=False`
    when the caller records its own counted event for it (hook capture's `message`)."""
    if type not in INTERACTION_TYPES:
        raise StintError(f"interaction type must be one of {', '.join(INTERACTION_TYPES)}")
    if capture not in CAPTURE:
        raise StintError("capture must be 'full' or 'metadata'")
    if duration_seconds is not None and duration_seconds < 0:
        raise StintError("an interaction cannot last less than zero seconds")
    if any(n is not None and n < 0 for n in (input_tokens, output_tokens)):
        raise StintError("token counts cannot be negative")
    at = as_utc(at) if at else utcnow()
    stored_content, content_meta = _stored(content, capture)
    stored_response, response_meta = _stored(response, capture)
    payload: dict[str, Any] = dict(data or {})
    if content_meta:
        payload["content"] = content_meta
    if response_meta:
        payload["response"] = response_meta
    if type == "command":
        payload["is_test"] = bool(is_test) if is_test is not None else _is_test(content)
    if success is not None:
        payload["success"] = bool(success)
    if exit_code is not None:
        payload["exit_code"] = int(exit_code)
    values = {
        "type": type,
        "role": role,
        "content": stored_content,
        "response": stored_response,
        "category": category,
        "response_method": response_method,
        "tool_name": tool_name,
        "subject_key": subject,
        "duration_seconds": duration_seconds,
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "model": model,
        "sentiment": sentiment,
        "themes": list(themes) if themes is not None else None,
        "people": list(people) if people is not None else None,
        "places": list(places) if places is not None else None,
        "payload": payload,
        "idem_key": short_key(session_id, key) if key else None,
        "created_at": at,
    }
    # Priced before the write lock is taken: the first lookup loads the price data.
    cost = (
        _cost(tracker, model, input_tokens, output_tokens) if input_tokens or output_tokens else 0
    )
    with tracker.store.write() as conn:
        _require_recordable(conn, tracker, session_id)
        fit(gs.I, values)
        interaction_id, sequence, created = gs.insert_interaction(
            conn, tracker.org, session_id, values
        )
        if created:
            ok = payload.get("success")
            if ok is None and "exit_code" in payload:
                ok = payload["exit_code"] == 0
            label = f"{type}" + (f" {tool_name}" if tool_name else "")
            text = (stored_content or "")[:120]
            event = EventIn(
                "interaction",
                description=f"#{sequence} {label}: {text}" if text else f"#{sequence} {label}",
                source=source,
                ai_involved=role in ("agent", "assistant"),
                payload={"type": type, "sequence": sequence, "success": ok},
            )
            if record_event:
                ev.append(tracker.store, conn, tracker.org, session_id, event, at)
            if input_tokens or output_tokens:
                tokens = EventIn(
                    "tokens",
                    source=source,
                    payload={
                        "input_tokens": input_tokens or 0,
                        "output_tokens": output_tokens or 0,
                        "model": model or "unknown",
                        "cost_usd": cost,
                    },
                )
                ev.append(tracker.store, conn, tracker.org, session_id, tokens, at)
                if model and not ss.session_row(conn, tracker.org, session_id).get("ai_model"):
                    ss.update_session(conn, tracker.org, session_id, {"ai_model": model[:100]})
            answered = type == "response" or (type == "prompt" and response is not None)
            if subject and answered:
                gs.add_prompts_completed(conn, session_id, subject, 1)
    return {**values, "id": interaction_id, "sequence": sequence, "session_id": session_id}


def _cost(
    tracker: Sessions, model: str | None, input_tokens: int | None, output_tokens: int | None
) -> float:
    """USD for tokens recorded by hand, priced like imported ones (0 for an unknown model,
    which is logged once)."""
    from stint.pricing.table import PricingError, Usage, shared_table  # deferred: genai-prices

    usage = Usage(input=input_tokens or 0, output=output_tokens or 0)
    try:
        return shared_table(tracker.settings.home).cost(model, usage)
    except PricingError as exc:  # a broken prices.toml must not lose the interaction
        log.warning("%s: tokens recorded at cost 0", exc)
        return 0.0


_TEST_COMMAND = re.compile(
    r"\b(pytest|py\.test|unittest|tox|nox|jest|vitest|mocha|rspec|phpunit|ctest|"
    r"(?:go|cargo|npm|pnpm|yarn|mix|dotnet|make|gradle|mvn)\s+(?:run\s+)?test\w*)\b",
    re.IGNORECASE,
)


def is_test_command(text: str | None) -> bool:
    """Whether a shell command runs tests (pytest, npm test, go test, …)."""
    return bool(text and _TEST_COMMAND.search(text))


def _is_test(content: str | None) -> bool:
    return is_test_command(content)


def fit(table: Any, values: Mapping[str, Any]) -> None:
    """StintError when a text is longer than its column holds (PostgreSQL would refuse it
    with a database error; SQLite would silently keep it)."""
    for name, value in values.items():
        if isinstance(value, str) and name in table.c:
            limit = getattr(table.c[name].type, "length", None)
            if limit and len(value) > limit:
                raise StintError(f"{name} is longer than {limit} characters")


def short_key(*parts: Any) -> str:
    """An idempotency key that fits its column whatever the app's ids look like."""
    key = ":".join(str(p) for p in parts)
    return key if len(key) <= 200 else "sha256:" + hashlib.sha256(key.encode()).hexdigest()


def _require_recordable(conn: Any, tracker: Sessions, session_id: int) -> None:
    row = ss.session_row(conn, tracker.org, session_id)
    if row["status"] not in OPEN_STATUSES:
        hint = " (start it first)" if row["status"] == "scheduled" else ""
        raise Conflict(
            f"session #{row['number']} is {row['status']}; nothing can be recorded{hint}"
        )


def memory_used(
    tracker: Sessions, session_id: int, memory_id: str, source: str = "library"
) -> bool:
    """A memory was retrieved; each memory counts once per session (seed 003's unique
    memories). True when this memory was new to the session."""
    if not str(memory_id).strip():
        raise StintError("the memory id is empty")
    event = EventIn(
        "memory_used",
        description=f"Memory used: {str(memory_id)[:100]}",
        source=source,
        payload={"memory_id": str(memory_id)},
        key=short_key("memory", session_id, memory_id),
    )
    return tracker.record(session_id, event) is not None


# ----------------------------------------------------------------- artifacts


def add_artifact(
    tracker: Sessions,
    session_id: int,
    type: str,
    content: str | None = None,
    *,
    name: str | None = None,
    data: Mapping[str, Any] | None = None,
    subject: str | None = None,
    approved: bool = False,
    capture: str = "full",
    at: datetime | None = None,
    source: str = "library",
) -> dict[str, Any]:
    if not type or not type.strip():
        raise StintError("the artifact type is empty")
    at = as_utc(at) if at else utcnow()
    stored, meta = _stored(content, capture)
    values = {
        "type": type.strip(),
        "name": name,
        "content": stored,
        "data": {**dict(data or {}), **({"content": meta} if meta else {})} or None,
        "subject_key": subject,
        "is_provisional": not approved,
        "is_approved": approved,
        "approved_at": at if approved else None,
        "included_in_synthesis": False,
        "created_at": at,
        "updated_at": at,
    }
    with tracker.store.write() as conn:
        _require_recordable(conn, tracker, session_id)
        fit(gs.A, values)
        artifact_id = gs.insert_artifact(conn, tracker.org, session_id, values)
        event = EventIn(
            "artifact_created",
            description=f"Artifact {type}" + (f": {name}" if name else ""),
            source=source,
            payload={"artifact_id": artifact_id, "type": type},
        )
        ev.append(tracker.store, conn, tracker.org, session_id, event, at)
    return {**values, "id": artifact_id, "session_id": session_id}


def set_artifact(
    tracker: Sessions,
    session_id: int,
    artifact_id: int,
    *,
    approved: bool | None = None,
    included_in_synthesis: bool | None = None,
    at: datetime | None = None,
    source: str = "library",
) -> dict[str, Any]:
    """Approve an artifact (provisional → approved, with the time) or mark it as used in
    the synthesis. Allowed after the session ended: approval often comes later."""
    at = as_utc(at) if at else utcnow()
    values: dict[str, Any] = {"updated_at": at}
    if approved is not None:
        values.update(is_approved=approved, is_provisional=not approved)
        values["approved_at"] = at if approved else None
    if included_in_synthesis is not None:
        values["included_in_synthesis"] = included_in_synthesis
    with tracker.store.write() as conn:
        gs.update_artifact(conn, tracker.org, session_id, artifact_id, values)
        if approved:
            event = EventIn("artifact_approved", description="Artifact approved", source=source)
            event.payload = {"artifact_id": artifact_id}
            ev.append(tracker.store, conn, tracker.org, session_id, event, at)
        return gs.artifact(conn, tracker.org, artifact_id)


# ------------------------------------------------------------ notes, subjects


def add_note(
    tracker: Sessions,
    session_id: int,
    content: str,
    *,
    type: str = "observation",
    important: bool = False,
    requires_followup: bool = False,
    noted_by: str = "agent",
    at_interaction: int | None = None,
    source: str = "library",
) -> int:
    """A note; one that requires follow-up marks the session as needing follow-up."""
    if at_interaction == -1:  # "at the latest interaction"
        with tracker.store.read() as conn:
            at_interaction = gs.last_sequence(conn, session_id) or None
    fit(gs.N, {"type": type, "noted_by": noted_by})
    note_id = tracker.add_note(
        session_id,
        content,
        type=type,
        is_important=important,
        requires_followup=requires_followup,
        noted_by=noted_by,
        at_interaction=at_interaction,
        source=source,
    )
    if requires_followup:
        tracker.update(session_id, needs_followup=True)
    return note_id


def link_subject(
    tracker: Sessions,
    session_id: int,
    key: str,
    *,
    name: str | None = None,
    kind: str | None = None,
    primary: bool | None = None,
    coverage: str | None = None,
    prompts_completed: int | None = None,
    notes: str | None = None,
) -> dict[str, Any]:
    """Link a subject (a life event, a topic, a component…) to the session, or update the
    link. Subjects are shared across sessions by key."""
    if not key or not str(key).strip():
        raise StintError("the subject key is empty")
    if coverage is not None and coverage not in COVERAGE_LEVELS:
        raise StintError(f"coverage must be one of {', '.join(COVERAGE_LEVELS)}")
    values: dict[str, Any] = {}
    for column, value in (
        ("is_primary", primary),
        ("coverage_level", coverage),
        ("prompts_completed", prompts_completed),
        ("notes", notes),
    ):
        if value is not None:
            values[column] = value
    fit(gs.SU, {"key": str(key).strip(), "name": name, "kind": kind})
    now = utcnow()
    with tracker.store.write() as conn:
        subject_id = gs.ensure_subject(
            tracker.store, conn, tracker.org, str(key).strip(), name, kind, now
        )
        gs.link_subject(tracker.store, conn, tracker.org, session_id, subject_id, values, now)
        found = [s for s in gs.subjects_of(conn, session_id) if s["key"] == str(key).strip()]
    return found[0]


# ------------------------------------------------------------------- reading


def interactions(tracker: Sessions, session_id: int) -> list[dict[str, Any]]:
    with tracker.store.read() as conn:
        return gs.interactions_of(conn, session_id)


def artifacts(tracker: Sessions, session_id: int) -> list[dict[str, Any]]:
    with tracker.store.read() as conn:
        return gs.artifacts_of(conn, session_id)


def notes(tracker: Sessions, session_id: int) -> list[dict[str, Any]]:
    with tracker.store.read() as conn:
        return gs.notes_of(conn, session_id)


def subjects(tracker: Sessions, session_id: int) -> list[dict[str, Any]]:
    with tracker.store.read() as conn:
        return gs.subjects_of(conn, session_id)
