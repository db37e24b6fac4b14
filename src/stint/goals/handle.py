"""The library API for assistant apps: a `SessionHandle` per session.

    from stint import Tracker

    tracker = Tracker.open()
    with tracker.session(kind="conversation", intention="Plan a trip") as s:
        s.interaction("prompt", "Where should I go in May?", role="user")
        s.interaction("response", "Lisbon or Porto…", role="assistant", model="claude-x")
        s.memory_used("mem_42")
    print(s.summary()["text"])

`tracker.begin(...)` starts a session and returns its handle, `tracker.schedule(...)`
plans one (status `scheduled`), `tracker.session(...)` is `begin` used as a context
manager (the session ends `failed` when the block raises), `tracker.handle(ref)` wraps any
existing session. `tracker.start(...)` stays the core call returning a `Session` record.

Content: a handle stores the text an app passes (`capture="full"`, credentials redacted);
give `capture="metadata"` to keep only sizes and hashes.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from types import TracebackType
from typing import Any

from stint.goals import outcomes, planning
from stint.goals import records as goalops
from stint.goals.kinds import validate_state
from stint.goals.service import Goals
from stint.model.types import Session
from stint.sessions import lifecycle


class SessionHandle:
    """One session, as an app records it. Every method writes through the goal service and
    the session core, so the CLI, stats and dashboard see the same data at once."""

    def __init__(self, goals: Goals, session_id: int, *, capture: str = "full") -> None:
        if capture not in goalops.CAPTURE:
            raise ValueError("capture must be 'full' or 'metadata'")
        self.goals = goals
        self.sessions = goals.sessions
        self.id = session_id
        self.capture = capture

    def __repr__(self) -> str:
        return f"<SessionHandle id={self.id}>"

    # ------------------------------------------------------------- reading

    @property
    def session(self) -> Session:
        """The session as stored now (a fresh read)."""
        return self.sessions.get(self.id)

    @property
    def ref(self) -> str:
        return self.session.ref

    @property
    def status(self) -> str:
        return str(self.session.status)

    def interactions(self) -> list[dict[str, Any]]:
        return goalops.interactions(self.sessions, self.id)

    def artifacts(self) -> list[dict[str, Any]]:
        return goalops.artifacts(self.sessions, self.id)

    def notes(self) -> list[dict[str, Any]]:
        return goalops.notes(self.sessions, self.id)

    def subjects(self) -> list[dict[str, Any]]:
        return goalops.subjects(self.sessions, self.id)

    def progress(self) -> dict[str, Any]:
        """Each indicator met / not met / unknown, and `can_complete`."""
        return outcomes.progress(self.sessions, self.id)

    def summary(self) -> dict[str, Any]:
        """What the session accomplished (see `stint.goals.outcomes.summary`); `["text"]` reads."""
        return outcomes.summary(self.sessions, self.id)

    # ----------------------------------------------------------- recording

    def interaction(
        self,
        type: str,
        content: str | None = None,
        *,
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
    ) -> dict[str, Any]:
        """Record an interaction; returns it with its `sequence` (1, 2, … per session).

        `type`: prompt, response, clarification, reflection, command, result, tool_call or
        tool_result. `response` holds the other side of a prompt (seed 004's storyteller
        response) when both go in one row. `success` / `exit_code` on a result (or a
        command) feed `tests_passed` and `results.failed`; a command that runs tests is
        recognised from its text unless `is_test` says otherwise. `key` makes it
        idempotent: the same key records once. `at` back-dates it."""
        return goalops.add_interaction(
            self.sessions,
            self.id,
            type,
            content,
            capture=self.capture,
            role=role,
            response=response,
            category=category,
            response_method=response_method,
            tool_name=tool_name,
            subject=subject,
            duration_seconds=duration_seconds,
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            model=model,
            sentiment=sentiment,
            themes=themes,
            people=people,
            places=places,
            success=success,
            exit_code=exit_code,
            is_test=is_test,
            data=data,
            key=key,
            at=at,
        )

    def memory_used(self, memory_id: str) -> bool:
        """A memory was retrieved; repeats of the same id count once (True when new)."""
        return goalops.memory_used(self.sessions, self.id, memory_id)

    def artifact(
        self,
        type: str,
        content: str | None = None,
        *,
        name: str | None = None,
        data: Mapping[str, Any] | None = None,
        subject: str | None = None,
        approved: bool = False,
        at: datetime | None = None,
    ) -> dict[str, Any]:
        """Record an artifact (scene_capture, timeline_entry, draft_paragraph, …), provisional
        until approved; returns it with its `id`."""
        return goalops.add_artifact(
            self.sessions,
            self.id,
            type,
            content,
            name=name,
            data=data,
            subject=subject,
            approved=approved,
            capture=self.capture,
            at=at,
        )

    def approve(self, artifact_id: int, at: datetime | None = None) -> dict[str, Any]:
        """Provisional → approved, with the time of approval."""
        return goalops.set_artifact(self.sessions, self.id, artifact_id, approved=True, at=at)

    def include_in_synthesis(self, artifact_id: int) -> dict[str, Any]:
        return goalops.set_artifact(self.sessions, self.id, artifact_id, included_in_synthesis=True)

    def note(
        self,
        content: str,
        *,
        type: str = "observation",
        important: bool = False,
        requires_followup: bool = False,
        noted_by: str = "agent",
        at_interaction: int | None = None,
    ) -> int:
        """A note (observation, concern, insight, technical…); `at_interaction=-1` ties it
        to the latest interaction. One that requires follow-up flags the session."""
        return goalops.add_note(
            self.sessions,
            self.id,
            content,
            type=type,
            important=important,
            requires_followup=requires_followup,
            noted_by=noted_by,
            at_interaction=at_interaction,
        )

    def link_subject(
        self,
        key: str,
        *,
        name: str | None = None,
        kind: str | None = None,
        primary: bool | None = None,
        coverage: str | None = None,
        prompts_completed: int | None = None,
        notes: str | None = None,
    ) -> dict[str, Any]:
        """Link a subject (shared across sessions by key), or update the link; coverage is
        introduction, exploration, deep_dive or completion."""
        return goalops.link_subject(
            self.sessions,
            self.id,
            key,
            name=name,
            kind=kind,
            primary=primary,
            coverage=coverage,
            prompts_completed=prompts_completed,
            notes=notes,
        )

    def set_state(self, **values: Any) -> dict[str, Any]:
        """Merge values into the kind-specific state (validated against the kind)."""
        session = self.session
        state = validate_state(session.kind, {**(session.state or {}), **values})
        self.sessions.update(self.id, state=state)
        return state

    def followup(self, notes: str | None = None, suggestion: str | None = None) -> Session:
        """Mark the session as needing follow-up, with notes and a next-session idea."""
        values: dict[str, Any] = {"needs_followup": True}
        if notes is not None:
            values["followup_notes"] = notes
        if suggestion is not None:
            values["next_session_suggestion"] = suggestion
        return self.sessions.update(self.id, **values)

    # ----------------------------------------------------------- lifecycle

    def start(self, at: datetime | None = None) -> SessionHandle:
        """Start a scheduled session (scheduled → active)."""
        planning.begin(self.sessions, self.id, at)
        return self

    def pause(self, at: datetime | None = None) -> Session:
        return self.sessions.pause(self.id, at=at)

    def resume(self, at: datetime | None = None) -> Session:
        """paused → active; started_at stays, the paused time is not active time."""
        return self.sessions.resume(self.id, at=at)

    def complete(
        self,
        outcome: str | None = None,
        *,
        summary: str | None = None,
        notes: str | None = None,
        success_rating: int | None = None,
        learnings: str | None = None,
        needs_followup: bool | None = None,
        followup_notes: str | None = None,
        next_session_suggestion: str | None = None,
        evaluate: bool = True,
        llm: bool | None = None,
        at: datetime | None = None,
    ) -> Session:
        """End the session (active or paused → ended) and evaluate its goal: an outcome
        given here wins over the evaluator's, whose reasons are stored either way."""
        return self._close(
            "ended",
            "completed",
            outcome=outcome,
            notes=notes,
            at=at,
            evaluate=evaluate,
            llm=llm,
            summary=summary,
            success_rating=success_rating,
            learnings=learnings,
            needs_followup=needs_followup,
            followup_notes=followup_notes,
            next_session_suggestion=next_session_suggestion,
        )

    def fail(
        self,
        reason: str = "error",
        *,
        notes: str | None = None,
        evaluate: bool = True,
        at: datetime | None = None,
    ) -> Session:
        """End the session as `failed` (active or paused → failed)."""
        return self._close("failed", reason[:50], notes=notes, at=at, evaluate=evaluate, llm=False)

    def cancel(self, at: datetime | None = None) -> Session:
        """Cancel (scheduled, active or paused → cancelled)."""
        lifecycle.check_transition(self.session.row, "cancelled")
        return self.goals.cancel(self.id, at=at)

    def _close(
        self,
        status: str,
        reason: str,
        *,
        outcome: str | None = None,
        notes: str | None = None,
        at: datetime | None,
        evaluate: bool,
        llm: bool | None,
        **fields: Any,
    ) -> Session:
        lifecycle.check_transition(self.session.row, status)
        values = {name: value for name, value in fields.items() if value is not None}
        if values:
            self.sessions.update(self.id, **values)
        self.goals.end(
            self.id,
            at=at,
            notes=notes,
            outcome=outcome,
            status=status,
            reason=reason,
            evaluate=False,  # evaluated below, with the LLM when one is configured
        )
        if evaluate:
            outcomes.evaluate(self.sessions, self.id, llm=llm, keep_outcome=outcome is not None)
        if not fields.get("summary"):
            self.sessions.update(self.id, summary=outcomes.summary(self.sessions, self.id)["text"])
        return self.session

    # ------------------------------------------------------ context manager

    def __enter__(self) -> SessionHandle:
        if self.status == "scheduled":
            self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if not self.session.is_open:
            return  # the block closed it itself
        if exc_type is None:
            self.complete()
        else:
            self.fail(f"exception: {exc_type.__name__}", notes=f"Failed: {exc!r}"[:500])


def library_options(options: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """Options for a session an app starts: recorded as source `library`, and with an
    agent session id of its own unless the app gives one (its conversation id, say), so
    an app can hold many sessions open in one project at once."""
    options = dict(options)
    capture = options.pop("capture", "full")
    options.setdefault("source", "library")
    if not options.get("agent_session_id"):
        options["agent_session_id"] = f"lib-{uuid.uuid4().hex[:16]}"
    return options, capture
