"""`Goals`: goal-oriented sessions over the session core — starting with the goal keywords
and templates, ending with the goal evaluated, interactions, artifacts, subjects and
memories, progress, evaluation, summaries, templates and plans.

The Tracker composes one as `tracker.goals`; the library handle (`stint.goals.handle`)
works through one. Each method is a thin call into the modules of this package.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from stint.goals import outcomes, planning
from stint.goals import records as goalops
from stint.model.types import Conflict, Session, session_status
from stint.sessions import lifecycle
from stint.sessions.recording import validate_fields
from stint.sessions.service import Sessions


class Goals:
    """Goal-oriented sessions of one session core."""

    def __init__(self, sessions: Sessions) -> None:
        self.sessions = sessions

    def start(self, **options: Any) -> Session:
        """Start a session now (or `at`). See `stint.sessions.opening.start` for the options; the
        goal keywords (intention, success_indicators, completion_indicators, constraints,
        procedure_notes, scheduled_at, scheduled_duration_minutes, template, subjects,
        state, previous_session) are `stint.goals.planning.start`'s."""
        return planning.start(self.sessions, options)

    def end(
        self,
        ref: str | int = "current",
        *,
        at: datetime | None = None,
        notes: str | None = None,
        outcome: str | None = None,
        reason: str | None = None,
        status: str = "ended",
        cwd: str | None = None,
        evaluate: bool = True,
        source: str = "cli",
        rating: int | None = None,
        summary: str | None = None,
        learnings: str | None = None,
        completion: int | None = None,
    ) -> Session:
        """End a session. One with a goal or with success or completion indicators gets
        it evaluated (deterministically, offline, from indicators and evidence: commits,
        tests, tasks) unless `evaluate` is False; an outcome given here wins over the
        evaluator's. `rating` (1–5), `summary`, `learnings` and `completion` (0–100 %)
        are the person's own account and win over the evaluator's figures too."""
        status = session_status(status)
        told = {
            name: value
            for name, value in (
                ("success_rating", rating),
                ("summary", summary.strip() if summary else None),
                ("learnings", learnings.strip() if learnings else None),
                ("completion_percentage", completion),
            )
            if value is not None and value != ""
        }
        validate_fields({"outcome": outcome, **told})
        session_id = self.sessions.resolve(ref, cwd)
        if notes:
            self.sessions.add_note(session_id, notes, record_event=False)
        if outcome:
            self.sessions.update(session_id, outcome=outcome)
        done = lifecycle.finish(
            self.sessions,
            session_id,
            status=status,
            reason=reason or "manual",
            at=at,
            source=source,
        )
        if not done:
            session = self.sessions.get(session_id)
            raise Conflict(f"session {session.ref} is already {session.status}")
        ended = self.sessions.get(session_id)
        if evaluate and (ended.goal or ended.success_indicators or ended.completion_indicators):
            outcomes.evaluate(
                self.sessions, session_id, llm=False, keep_outcome=outcome is not None
            )
            ended = self.sessions.get(session_id)
        if told:
            ended = self.sessions.update(session_id, **told)
        return ended

    def cancel(self, ref: str | int = "current", at: datetime | None = None) -> Session:
        return self.end(ref, at=at, status="cancelled", reason="cancelled")

    def start_scheduled(self, ref: str | int, at: datetime | None = None) -> Session:
        """Start a scheduled session (scheduled → active)."""
        return planning.begin(self.sessions, ref, at)

    def add_interaction(
        self,
        ref: str | int,
        type: str,
        content: str | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        """Record an interaction under the configured capture policy (unless `capture=`)."""
        fields.setdefault("capture", self.sessions.settings.capture_policy)
        return goalops.add_interaction(
            self.sessions, self.sessions.resolve(ref), type, content, **fields
        )

    def add_artifact(
        self,
        ref: str | int,
        type: str,
        content: str | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        fields.setdefault("capture", self.sessions.settings.capture_policy)
        return goalops.add_artifact(
            self.sessions, self.sessions.resolve(ref), type, content, **fields
        )

    def approve_artifact(
        self, ref: str | int, artifact_id: int, *, source: str = "library"
    ) -> dict[str, Any]:
        return goalops.set_artifact(
            self.sessions, self.sessions.resolve(ref), artifact_id, approved=True, source=source
        )

    def add_note(self, ref: str | int, content: str, **fields: Any) -> int:
        """A typed note (observation, concern, insight…), important or needing follow-up;
        see `stint.goals.records.add_note`."""
        return goalops.add_note(self.sessions, self.sessions.resolve(ref), content, **fields)

    def link_subject(self, ref: str | int, key: str, **fields: Any) -> dict[str, Any]:
        return goalops.link_subject(self.sessions, self.sessions.resolve(ref), key, **fields)

    def memory_used(self, ref: str | int, memory_id: str, source: str = "library") -> bool:
        return goalops.memory_used(self.sessions, self.sessions.resolve(ref), memory_id, source)

    def interactions(self, ref: str | int = "current") -> list[dict[str, Any]]:
        return goalops.interactions(self.sessions, self.sessions.resolve(ref))

    def artifacts(self, ref: str | int = "current") -> list[dict[str, Any]]:
        return goalops.artifacts(self.sessions, self.sessions.resolve(ref))

    def session_notes(self, ref: str | int = "current") -> list[dict[str, Any]]:
        return goalops.notes(self.sessions, self.sessions.resolve(ref))

    def subjects(self, ref: str | int = "current") -> list[dict[str, Any]]:
        return goalops.subjects(self.sessions, self.sessions.resolve(ref))

    def progress(self, ref: str | int = "current") -> dict[str, Any]:
        return outcomes.progress(self.sessions, ref)

    def evaluate(self, ref: str | int = "current", *, llm: bool | None = None) -> dict[str, Any]:
        """Evaluate the goal now and store it (`evaluation`, `outcome`)."""
        return outcomes.evaluate(self.sessions, ref, llm=llm)

    def summarize(self, ref: str | int = "current") -> dict[str, Any]:
        return outcomes.summary(self.sessions, ref)

    def goal_view(self, ref: str | int = "current") -> dict[str, Any] | None:
        """Intention, constraints, schedule, indicator progress, artifacts, subjects and
        evaluation of a session (for `stint show` and the dashboard); None without goal data."""
        return outcomes.goal_view(self.sessions, ref)

    def add_template(self, name: str, **fields: Any) -> dict[str, Any]:
        return planning.add_template(self.sessions, name, **fields)

    def template(self, name: str) -> dict[str, Any]:
        return planning.get_template(self.sessions, name)

    def templates(self) -> list[dict[str, Any]]:
        return planning.templates(self.sessions)

    def plan(self, template: str, **options: Any) -> list[Session]:
        """A chain of scheduled sessions from a template (see `stint.goals.planning.plan`)."""
        return planning.plan(self.sessions, template, **options)
