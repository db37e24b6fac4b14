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
from typing import IO, TYPE_CHECKING, Any

from stint.analytics.calls import AnalyticsCalls
from stint.capture import ingest as spool_ingest
from stint.goals import kinds
from stint.goals.handle import SessionHandle, library_options
from stint.goals.service import Goals
from stint.model.config import Settings, load_settings
from stint.model.types import Session
from stint.sessions.service import Sessions
from stint.store import Store
from stint.store.sessions import SessionFilter
from stint.team import Team

if TYPE_CHECKING:
    from stint.capture.otlp.decode import Signal
    from stint.capture.otlp_receiver import Memory, Received

__all__ = ["SessionFilter", "Tracker"]

DEFAULT_MAX_BYTES = 8 * 1024 * 1024  # an OTLP request body (stint.capture.otlp's default)

# The analytics, the transcript importers and the AI digest are imported by the methods
# that use them: a read command such as `stint status` loads none of them (start-up
# imports were most of its time).


class Tracker(Sessions, AnalyticsCalls):
    """Sessions of one org in one store, with the goal, analytics and capture services."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        org_id: str | None = None,
        *,
        user_id: int | None = None,
        only_user: int | None = None,
    ) -> None:
        """`user_id`: who acts (sessions started are recorded as theirs); `only_user`: the
        one person whose sessions this Tracker reads and writes (team mode's members and
        viewers; aggregates such as stats stay the org's)."""
        super().__init__(store, settings, org_id, user_id=user_id, only_user=only_user)
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
        """Start a session now (or `at`); see `Goals.start` for the options. A kind stint
        does not know may be a plugin's: the plugins' kinds are registered first."""
        kind = options.get("kind")
        if kind and kind not in {k.name for k in kinds.kinds()}:
            from stint.capture import agents  # deferred: plugins only for an unknown kind

            agents.add_session_kinds()
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
        person's rating, summary, learnings and completion are kept (see `Goals.end`).
        With a remote set, a debounced push starts in the background."""
        ended = self.goals.end(
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
        self._request_push()
        return ended

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
        drained = spool_ingest.drain(self.goals)
        if drained.get("applied"):
            self._request_push()
        return drained

    # --------------------------------------------------------------- team sync

    def _request_push(self) -> None:
        if not (self.settings.home / "remotes.json").exists():
            return  # no remote: nothing to import, nothing to start (the common case)
        from stint.capture import sync_out  # deferred: only with a remote set

        sync_out.request_push(self.settings.home, self.settings.database_url)

    def sync(
        self, remote: str | None = None, *, dry_run: bool = False, options: Any = None
    ) -> dict[str, Any]:
        """Push this store's sessions to the remote (`stint sync`, see capture.sync_out);
        one push per home at a time."""
        from stint.capture import sync_out

        with sync_out.exclusive(self.settings.home):
            return sync_out.push(
                self.store, self.org, self.settings.home, remote, dry_run=dry_run, options=options
            )

    def sync_status(self, remote: str | None = None) -> dict[str, Any]:
        from stint.capture import sync_out

        return sync_out.status(self.store, self.org, self.settings.home, remote)

    def receive_sync(
        self, user_id: int | None, machine: dict[str, str], sessions: list[dict[str, Any]]
    ) -> dict[str, Any]:
        """Store a batch a laptop pushed, in this tracker's org (see team.sync_in)."""
        from stint.team import sync_in

        return sync_in.receive(self.store, self.org, user_id, machine, sessions)

    def receive_otlp(
        self,
        signal: Signal,
        body: bytes,
        content_type: str | None,
        content_encoding: str | None = None,
        *,
        user_id: int | None = None,
        memory: Memory | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> Received:
        """Store one OTLP/HTTP request (`logs`, `metrics` or `traces`) in this org's
        sessions; raises `OtlpError` (its `.status` 400, 413 or 415) with nothing stored
        for a body the sender must fix (see `stint.capture.otlp_receiver`)."""
        from stint.capture import otlp_receiver  # deferred: protobuf only for telemetry

        return otlp_receiver.receive_request(
            self,
            signal,
            body,
            content_type,
            content_encoding,
            user_id=user_id,
            memory=memory,
            max_bytes=max_bytes,
        )

    def metric_totals(self, ref: str | int = "current") -> dict[str, float]:
        """The telemetry metric totals of a session (see docs/otlp.md)."""
        from stint.capture import otlp_receiver  # deferred: protobuf only for telemetry

        return otlp_receiver.metric_totals(self, self.resolve(ref))

    def import_transcripts(
        self, agent: str, paths: Sequence[Path] | None = None, progress: Any = None
    ) -> dict[str, Any]:
        """Import an agent's transcripts (`claude-code`, `codex`, `gemini-cli` or a plugin
        agent's) from `paths` (files or directories; default: the agent's own data
        directories), incrementally. Returns the summary (files, bytes, sessions, events,
        tokens, cost, warnings)."""
        from stint.capture import agents  # deferred: the plugins only to import transcripts

        importer = agents.importer(agent)
        return importer.import_paths(self, paths, progress).to_dict()  # type: ignore[no-any-return]

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
