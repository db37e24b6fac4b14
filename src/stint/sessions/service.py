"""`Sessions`: the session-services core every service above is handed (never the Tracker).

One org's sessions in one store, with the settings: reading (`stint.sessions.reading`),
annotating and recording (`stint.sessions.recording`) and the lifecycle moves that need no
goal (sweep, attach, pause, resume; `stint.sessions.lifecycle`). Starting and ending with
goals, templates and evaluation are `stint.goals.service.Goals`'.
"""

from __future__ import annotations

from datetime import datetime

from stint.model.timeparse import utcnow
from stint.model.types import Session
from stint.sessions import lifecycle, opening
from stint.sessions.recording import SessionRecorder
from stint.store import dashboard


class Sessions(SessionRecorder):
    """Sessions of one org in one store: read, recorded on, swept, attached, paused."""

    def sweep(self, now: datetime | None = None) -> list[int]:
        """End sessions idle longer than the timeout, as `timeout`, at their last activity."""
        ended = []
        for session_id in self.stale_ids(now or utcnow()):
            if lifecycle.finish(self, session_id, status="timeout", reason="inactivity", at=None):
                ended.append(session_id)
        return ended

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
