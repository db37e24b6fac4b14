"""The `Tracker`: the one public entry the CLI, MCP server, HTTP API, dashboard and
library use. It composes the services and adds nothing of its own:

* the session core it *is* (`stint.sessions.service.Sessions`: reading, recording,
  annotating, sweep / attach / pause / resume),
* `tracker.goals` (`stint.goals.service.Goals`: goal keywords, templates, evaluation,
  interactions, artifacts, subjects), with `start`, `end`, `cancel`, the library handles
  and `add_template` kept at the top as documented,
* the analytics (`stint.analytics`) and capture (`stint.capture`) calls,
* `tracker.team` (`stint.team.service.Team`: orgs, users, API keys, `authenticate`).

Dependencies point one way: faces → Tracker → services → sessions → store → model
(docs/architecture.md; the import-linter contract in pyproject.toml keeps it so).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from stint.analytics.calls import AnalyticsCalls
from stint.capture import ingest as spool_ingest
from stint.goals.handle import SessionHandle, library_options
from stint.goals.service import Goals
from stint.model.config import Settings, load_settings
from stint.model.types import Session, StintError
from stint.sessions.service import Sessions
from stint.store import Store
from stint.store.sessions import SessionFilter
from stint.team import Team

__all__ = ["SessionFilter", "Tracker"]

# The analytics, the transcript importers and the AI digest are imported by the methods
# that use them: a read command such as `stint status` loads none of them (start-up
# imports were most of its time).


class Tracker(Sessions, AnalyticsCalls):
    """Sessions of one org in one store, with the goal, analytics and capture services."""

    def __init__(self, store: Store, settings: Settings, org_id: str | None = None) -> None:
        super().__init__(store, settings, org_id)
        self.goals = Goals(self)
        # Orgs, users and keys of the whole store (not only this org): admin and auth.
        self.team = Team(store)

    @classmethod
    def open(cls, url: str | None = None, *, home: Path | None = None, **overrides: Any) -> Tracker:
        settings = load_settings(home, database_url=url, **overrides)
        return cls(Store.open(settings.database_url, settings.org_id), settings)

    def close(self) -> None:
        self.store.dispose()

    # --------------------------------------------------------------- lifecycle

    def start(self, **options: Any) -> Session:
        """Start a session now (or `at`); see `Goals.start` for the options."""
        return self.goals.start(**options)

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
        """End a session; one with a goal or indicators gets it evaluated, and the
        person's rating, summary, learnings and completion are kept (see `Goals.end`)."""
        return self.goals.end(
            ref,
            at=at,
            notes=notes,
            outcome=outcome,
            reason=reason,
            status=status,
            cwd=cwd,
            evaluate=evaluate,
            source=source,
            rating=rating,
            summary=summary,
            learnings=learnings,
            completion=completion,
        )

    def cancel(self, ref: str | int = "current", at: datetime | None = None) -> Session:
        return self.goals.cancel(ref, at)

    # ------------------------------------------------------ goals and library API
    # (kinds, interactions, artifacts, subjects, templates, indicators — stint.goals.indicators)

    def begin(self, **options: Any) -> SessionHandle:
        """Start a session for an app and return its handle (see `stint.goals.handle`). Takes
        `start`'s options plus `capture` ("full", the default, or "metadata")."""
        options, capture = library_options(options)
        return SessionHandle(self.goals, self.start(**options).id, capture=capture)

    def schedule(self, *, scheduled_at: datetime, **options: Any) -> SessionHandle:
        """Plan a session (status `scheduled`); `handle.start()` starts it."""
        options, capture = library_options(options)
        options["status"] = "scheduled"
        session = self.start(scheduled_at=scheduled_at, **options)
        return SessionHandle(self.goals, session.id, capture=capture)

    def session(self, **options: Any) -> SessionHandle:
        """`begin` for a `with` block: completed at the end, `failed` on an exception."""
        return self.begin(**options)

    def handle(self, ref: str | int = "current", capture: str = "full") -> SessionHandle:
        """A handle on any existing session."""
        return SessionHandle(self.goals, self.resolve(ref), capture=capture)

    def add_template(self, name: str, **fields: Any) -> dict[str, Any]:
        """A template: defaults for new sessions (see `Goals.add_template`)."""
        return self.goals.add_template(name, **fields)

    # ------------------------------------------------------------------ capture

    def drain(self) -> dict[str, int]:
        """Ingest what the hooks spooled (every read command does this first)."""
        return spool_ingest.drain(self.goals)

    def import_transcripts(
        self, agent: str, paths: Sequence[Path] | None = None, progress: Any = None
    ) -> dict[str, Any]:
        """Import an agent's transcripts (`claude-code` or `codex`) from `paths` (files or
        directories; default: the agent's own data directories), incrementally. Returns
        the summary (files, bytes, sessions, events, tokens, cost, warnings)."""
        from stint.capture import claude_code, codex  # deferred: only to import transcripts

        importers = {
            "claude-code": claude_code.import_paths,
            "claude_code": claude_code.import_paths,
            "codex": codex.import_paths,
        }
        if agent not in importers:
            raise StintError(f"cannot import {agent!r}: use claude-code or codex")
        return importers[agent](self, paths, progress).to_dict()

    def import_data(self, stream: IO[str]) -> dict[str, Any]:
        """Load a json/jsonl export, ids preserved; idempotent."""
        from stint.analytics import service as analytics  # deferred: see the note at the top

        return analytics.import_data(self, stream)

    # -------------------------------------------------------------------- digest

    def session_context(self, ref: str | int = "current") -> dict[str, Any]:
        """The "session context for AI" digest: goal, elapsed, tasks, decisions, files,
        recent activity, tags and hints (see `stint.sessions.context`)."""
        from stint.sessions.context import session_context  # deferred: see the note at the top

        return session_context(self, ref)
