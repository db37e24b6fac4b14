"""`Sessions`: the session-services core every service above is handed (never the Tracker).

One org's sessions in one store, with the settings: reading (`stint.sessions.reading`),
annotating and recording (`stint.sessions.recording`) and the lifecycle moves that need no
goal (sweep, attach, pause, resume; `stint.sessions.lifecycle`). Starting and ending with
goals, templates and evaluation are `stint.goals.service.Goals`'.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from stint.model.scoring import score_session
from stint.model.timeparse import utcnow
from stint.model.types import Session
from stint.sessions import lifecycle, livegit, opening
from stint.sessions.recording import SessionRecorder
from stint.store import dashboard
from stint.store import sessions as ss


class Sessions(SessionRecorder):
    """Sessions of one org in one store: read, recorded on, swept, attached, paused."""

    def sweep(self, now: datetime | None = None) -> list[int]:
        """End sessions idle longer than the timeout, as `timeout`, at their last activity.
        A session an MCP connection started in which nothing at all was recorded (see
        `stint.store.sessions.is_empty_mcp_start`) is deleted instead: an idle
        connection leaves no litter. Returns the ids ended or deleted."""
        now = now or utcnow()
        idle_before = now - timedelta(seconds=self.settings.timeout_seconds)
        with self.store.read() as conn:
            stale = ss.stale_open_sessions(conn, self.org, idle_before)
        ended = []
        for session_id in stale:
            if self.discard_if_empty(session_id):
                ended.append(session_id)
                continue
            if lifecycle.finish(self, session_id, status="timeout", reason="inactivity", at=None):
                ended.append(session_id)
        return ended

    def discard_if_empty(self, session_id: int) -> bool:
        """Delete a session an MCP connection started in which nothing was recorded;
        True when deleted. Checked and deleted in one write transaction: a call recording
        in between either lands first (and the session is kept) or finds it gone."""
        with self.store.write() as conn:
            if not ss.is_empty_mcp_start(conn, self.org, session_id):
                return False
            ss.delete_session(conn, self.org, session_id)
            return True

    def attach(
        self,
        *,
        agent: str,
        agent_session_id: str,
        cwd: str | None = None,
        model: str | None = None,
        at: datetime | None = None,
        source: str = "hook",
    ) -> Session:
        """The one stint session of an agent's session: found, re-opened or created."""
        return opening.attach(
            self, agent, agent_session_id, cwd=cwd, model=model, at=at, source=source
        )

    def live(self, session: Session) -> Session:
        """`session` with its code figures as of now when it is open in a git work tree:
        lines since the start commit (committed, uncommitted and untracked, as `end` counts
        them), files and commits, and the score that follows. Cached by work-tree state."""
        if not session.is_open or not session.repo_root:
            return session
        figures = livegit.measure(str(self.settings.home), session.repo_root, session.start_commit)
        if figures is None:
            return session
        # `end` counts a file once whether the agent edited it, git changed it, or both.
        edited = {f.path for f in self.files(session.id) if f.times_modified > 0}
        row = {
            **session.row,
            "loc_added": figures["lines_added"],
            "loc_removed": figures["lines_removed"],
            "git_lines_added": figures["lines_added"],
            "git_lines_removed": figures["lines_removed"],
            "commits_made": figures["commits"],
            "binary_files_changed": figures["binary_files"],
            "files_modified": len(edited | set(figures["paths"])),
        }
        score = score_session(
            {**row, "duration_minutes": session.duration_seconds / 60}, self.settings.score_weights
        )
        return Session(
            row,
            session.project,
            session.tags,
            session.duration_seconds,
            session.active_seconds,
            score.value,
            score.breakdown,
        )

    def pause(self, ref: str | int = "current", at: datetime | None = None) -> Session:
        return lifecycle.pause(self, self.resolve(ref), at or utcnow())

    def resume(self, ref: str | int = "current", at: datetime | None = None) -> Session:
        return lifecycle.resume(self, self.resolve(ref), at or utcnow())

    def optimize(self) -> None:
        """Refresh the database's planner statistics (SQLite), once per server start; pooled
        connections are dropped so no statement keeps a plan made without them."""
        with self.store.write() as conn:
            dashboard.optimize(conn)
        self.store.engine.dispose()
