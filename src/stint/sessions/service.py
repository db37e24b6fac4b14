"""`Sessions`: the session-services core every service above is handed (never the Tracker).

One org's sessions in one store, with the settings: reading (`stint.sessions.reading`),
annotating and recording (`stint.sessions.recording`) and the lifecycle moves that need no
goal (sweep, attach, pause, resume; `stint.sessions.lifecycle`). Starting and ending with
goals, templates and evaluation are `stint.goals.service.Goals`'.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from stint.model.timeparse import utcnow
from stint.model.types import EventIn, Session
from stint.sessions import health, lifecycle, opening
from stint.sessions.recording import SessionRecorder
from stint.store import dashboard, session_delete, session_sweep
from stint.store import health as store_health
from stint.store import sessions as ss


class Sessions(SessionRecorder):
    """Sessions of one org in one store: read, recorded on, swept, attached, paused."""

    def sweep(self, now: datetime | None = None) -> list[int]:
        """End sessions idle longer than the timeout, as `timeout`, at their last activity:
        no event for the timeout, or only events that are neither the person's nor the
        agent's (stint.model.channels); an agent still working keeps its session open. A
        session an MCP connection started in which nothing at all was recorded (see
        `stint.store.session_delete.is_empty_mcp_start`) is deleted instead: an idle
        connection leaves no litter. Returns the ids ended or deleted."""
        ended = []
        for session_id in self.stale_ids(now or utcnow()):
            if self.discard_if_empty(session_id):
                ended.append(session_id)
                continue
            if lifecycle.finish(self, session_id, status="timeout", reason="inactivity", at=None):
                ended.append(session_id)
        return ended

    def sweep_every_org(self, now: datetime | None = None) -> dict[str, list[int]]:
        """`sweep` for every org of the store (a team server's housekeeping): the ids
        ended or deleted, per org. One query finds the idle sessions of all of them."""
        now = now or utcnow()
        idle_before = now - timedelta(seconds=self.settings.timeout_seconds)
        bound: dict[str, Sessions] = {}
        with self.store.read() as conn:
            stale = session_sweep.stale_sessions_of_every_org(conn, idle_before)
            # Sessions whose only recent events are nobody's (a permission prompt's
            # notifications) are stale too; that check is per org (`stale_ids`).
            for org_id in session_sweep.orgs_with_open_sessions(conn):
                org = bound.setdefault(org_id, Sessions(self.store, self.settings, org_id))
                stale += [(org_id, found) for found in org._waiting(conn, idle_before)]
        ended: dict[str, list[int]] = {}
        for org_id, session_id in stale:
            # Bound to the session's org, so the end is written as that org's.
            org = bound.setdefault(org_id, Sessions(self.store, self.settings, org_id))
            if org.discard_if_empty(session_id) or lifecycle.finish(
                org, session_id, status="timeout", reason="inactivity", at=None
            ):
                ended.setdefault(org_id, []).append(session_id)
        return ended

    def discard_if_empty(self, session_id: int) -> bool:
        """Delete a session an MCP connection started in which nothing was recorded;
        True when deleted. Checked and deleted in one write transaction: a call recording
        in between either lands first (and the session is kept) or finds it gone."""
        with self.store.write() as conn:
            if not session_delete.is_empty_mcp_start(conn, self.org, session_id):
                return False
            session_delete.delete_session(conn, self.org, session_id)
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
        user_id: int | None = None,
        process_cwd: bool = True,
    ) -> Session:
        """The one stint session of an agent's session: found, re-opened or created (as
        `user_id`'s when created; without `cwd` in this process's directory unless
        `process_cwd` is False)."""
        return opening.attach(
            self,
            agent,
            agent_session_id,
            cwd=cwd,
            model=model,
            at=at,
            source=source,
            user_id=user_id,
            process_cwd=process_cwd,
        )

    def attach_id(
        self,
        *,
        agent: str,
        agent_session_id: str,
        cwd: str | None = None,
        model: str | None = None,
        at: datetime | None = None,
        source: str = "hook",
        user_id: int | None = None,
    ) -> int:
        """`attach`, returning the session's id only (no read back: an ingest batch)."""
        return opening.attach_id(
            self,
            agent,
            agent_session_id,
            cwd=cwd,
            model=model,
            at=at,
            source=source,
            user_id=user_id,
        )

    def record_for_agent(
        self,
        *,
        agent: str,
        agent_session_id: str,
        events: Sequence[EventIn],
        cwd: str | None = None,
        model: str | None = None,
        source: str = "api",
    ) -> tuple[int, int]:
        """`attach_id` and `record_bulk` of one agent session's events (an ingest group),
        in one transaction when its session is open already: (session id, events new)."""
        return opening.record_for_agent(
            self, agent, agent_session_id, events, cwd=cwd, model=model, source=source
        )

    def health(self, ref: str | int = "current", *, measure: bool = False) -> dict[str, Any]:
        """The session's code health: what its end stored, or measured now when `measure`
        is set, nothing was stored, or it is still open (then nothing is stored: its end
        measures again). {"summary", "files", "line", "stored"}."""
        session_id = self.resolve(ref)
        with self.store.read() as conn:
            row = ss.session_row(conn, self.org, session_id)
            summary = store_health.summary(conn, self.org, session_id)
            files = store_health.files(conn, self.org, session_id) if summary else []
        stored = summary is not None and not measure
        if not stored:
            measured = health.now(self.settings, row)
            summary = measured.summary()
            files = [f.row() for f in measured.files]
            if row["ended_at"] is not None:
                with self.store.write() as conn:
                    health.store(conn, self.org, session_id, measured, utcnow())
        return {
            "summary": summary,
            "files": files,
            "line": health.summary_line(summary),
            "stored": stored,
        }

    def stored_health(self, session_id: int) -> dict[str, Any] | None:
        """What the end stored ({"summary", "files", "line"}), or None: never measures."""
        with self.store.read() as conn:
            summary = store_health.summary(conn, self.org, session_id)
            if summary is None:
                return None
            files = store_health.files(conn, self.org, session_id)
        return {"summary": summary, "files": files, "line": health.summary_line(summary)}

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
