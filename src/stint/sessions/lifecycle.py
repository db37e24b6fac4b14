"""Session lifecycle: start (with project assignment and git start state), attach an agent
session, pause/resume, and finish (ended, cancelled, timeout) with git end metrics and the
stored score."""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from stint.model.projection import active_seconds
from stint.model.scoring import score_session
from stint.model.timeparse import utcnow
from stint.model.types import OPEN_STATUSES, Conflict, EventIn, Project, Session, StintError
from stint.sessions import gitstats
from stint.sessions.gitstats import RepoState
from stint.sessions.reading import SessionReader
from stint.store import events as ev
from stint.store import records as rec
from stint.store import sessions as ss

KINDS = ("coding", "conversation", "interview", "workflow")

# Which status may follow which. `attach` re-opening an ended agent session (the agent
# resumed it) is the one deliberate exception: it is a re-attach, not a resume.
TRANSITIONS: dict[str, frozenset[str]] = {
    "scheduled": frozenset({"active", "cancelled"}),
    "active": frozenset({"paused", "ended", "failed", "cancelled", "timeout"}),
    "paused": frozenset({"active", "ended", "failed", "cancelled", "timeout"}),
    "ended": frozenset(),
    "timeout": frozenset(),
    "cancelled": frozenset(),
    "failed": frozenset(),
}
_VERBS = {
    "active": "start or resume",
    "paused": "pause",
    "ended": "complete",
    "failed": "fail",
    "cancelled": "cancel",
    "timeout": "time out",
}


def check_transition(row: dict[str, Any], new_status: str) -> None:
    """Conflict with a clear message when `new_status` may not follow the current one."""
    current = row["status"]
    if new_status not in TRANSITIONS.get(current, frozenset()):
        allowed = ", ".join(sorted(TRANSITIONS.get(current, ()))) or "nothing (it is closed)"
        raise Conflict(
            f"cannot {_VERBS.get(new_status, new_status)} session #{row['number']}: it is "
            f"{current} ({current} → {new_status} is not allowed; allowed: {allowed})"
        )


def _repo(cwd: str | None) -> RepoState | None:
    if not cwd or not os.path.isdir(cwd):
        return None
    return gitstats.repo_state(cwd)


def assign_project(
    tracker: SessionReader, conn: Connection, cwd: str | None, repo: RepoState | None, at: datetime
) -> Project:
    """The project for a new session when none is named: the git repository's; else the
    one worked on in the last 24 h; else the default; else the newest; else a new one
    named after the directory."""
    store, org = tracker.store, tracker.org
    if repo is not None:
        project = rec.project_by_repo(conn, org, repo.root)
        if project is not None:
            return project
        name = repo.name
        existing = rec.project_by_name(conn, org, name)
        if existing is not None and existing.repo_root not in (None, repo.root):
            name = f"{Path(repo.root).parent.name}/{repo.name}"
        return rec.ensure_project(store, conn, org, name, at, repo.root, repo.remote_url)
    for found in (
        rec.recent_session_project(conn, org, at - timedelta(hours=24)),
        rec.default_project(conn, org),
        rec.newest_project(conn, org),
    ):
        if found is not None:
            return found
    name = Path(cwd).name if cwd else "default"
    return rec.ensure_project(store, conn, org, name or "default", at)


def start(
    tracker: SessionReader,
    *,
    project: str | None = None,
    goal: str | None = None,
    tags: Sequence[str] = (),
    kind: str = "coding",
    agent: str | None = None,
    agent_session_id: str | None = None,
    model: str | None = None,
    provider: str | None = None,
    environment: str | None = None,
    name: str | None = None,
    at: datetime | None = None,
    cwd: str | None = None,
    source: str = "cli",
    status: str = "active",
    fields: dict[str, Any] | None = None,
) -> Session:
    """Start a session. `cwd` (default: the process's) decides the project and git state."""
    now = utcnow()
    at = at or now
    if at > now + timedelta(minutes=1):
        raise StintError("a session cannot start in the future")
    if not kind or not kind.replace("_", "").isalnum():
        raise StintError(f"bad session kind {kind!r}")
    cwd = os.path.realpath(cwd or os.getcwd())
    repo = _repo(cwd)
    with tracker.store.write() as conn:
        if project:
            # Naming a project inside a repository maps the repository to it (once).
            chosen = rec.ensure_project(
                tracker.store,
                conn,
                tracker.org,
                project,
                at,
                repo.root if repo else None,
                repo.remote_url if repo else None,
            )
        else:
            chosen = assign_project(tracker, conn, cwd, repo, at)
        values: dict[str, Any] = {
            "project_id": chosen.id,
            "kind": kind,
            "name": name,
            "goal": goal.strip() if goal else None,
            "status": status,
            "open_key": ss.open_key(chosen.id, agent, agent_session_id)
            if status in OPEN_STATUSES
            else None,
            "agent": agent,
            "agent_session_id": agent_session_id,
            "ai_model": model,
            "ai_provider": provider or _provider_of(model),
            "environment": environment or ("ci" if os.environ.get("CI") else "local"),
            "cwd": cwd,
            "started_at": at if status in OPEN_STATUSES else None,
            "last_activity_at": at,
            "repo_root": repo.root if repo else None,
            "branch": repo.branch if repo else None,
            "start_commit": repo.head if repo else None,
            "created_at": now,
            "updated_at": now,
            **(fields or {}),
        }
        try:
            session_id = ss.insert_session(conn, tracker.org, values)
        except Conflict:
            raise _open_conflict(tracker, chosen, agent, agent_session_id) from None
        ss.add_tags(conn, tracker.store, tracker.org, session_id, [t for t in tags if t])
        if status in OPEN_STATUSES:
            description = f"Session started in {chosen.name}" + (f": {goal}" if goal else "")
            ev.append(
                tracker.store,
                conn,
                tracker.org,
                session_id,
                EventIn("session_started", description=description, source=source),
                at,
            )
    return tracker.get(session_id)


def _provider_of(model: str | None) -> str | None:
    if not model:
        return None
    lowered = model.lower()
    for marker, provider in (
        ("claude", "anthropic"),
        ("gpt", "openai"),
        ("o3", "openai"),
        ("o4", "openai"),
        ("codex", "openai"),
        ("gemini", "google"),
    ):
        if marker in lowered:
            return provider
    return None


def _open_conflict(
    tracker: SessionReader, project: Project, agent: str | None, agent_session_id: str | None
) -> Conflict:
    key = ss.open_key(project.id, agent, agent_session_id)
    for session in tracker.sessions(ss.SessionFilter(project=project.name), limit=50):
        if session.open_key == key:
            return Conflict(
                f"session {session.ref} is already {session.status} in project "
                f"{project.name!r}; end it first (stint end) or name another --project"
            )
    return Conflict(f"a session is already open in project {project.name!r}")


def attach(
    tracker: SessionReader,
    agent: str,
    agent_session_id: str,
    *,
    cwd: str | None,
    model: str | None,
    at: datetime | None,
    source: str,
) -> Session:
    at = at or utcnow()
    with tracker.store.read() as conn:
        found = ss.find_by_agent_session(conn, tracker.org, agent, agent_session_id)
    if found is None:
        try:
            return start(
                tracker,
                agent=agent,
                agent_session_id=agent_session_id,
                model=model,
                at=min(at, utcnow()),
                # A directory that no longer exists (an old imported transcript) is
                # still where the session ran: never fall back to this process's cwd.
                cwd=cwd or None,
                source=source,
            )
        except Conflict:
            with tracker.store.read() as conn:
                found = ss.find_by_agent_session(conn, tracker.org, agent, agent_session_id)
            if found is None:
                raise
    session_id = int(found["id"])
    if found["status"] not in OPEN_STATUSES:
        reopen(tracker, session_id, at, source)
    if model:
        with tracker.store.write() as conn:
            ss.update_session(conn, tracker.org, session_id, {"ai_model": model})
    return tracker.get(session_id)


def reopen(tracker: SessionReader, session_id: int, at: datetime, source: str) -> None:
    """An agent session resumed after it was ended or timed out: the same stint session
    goes on (the time it was closed is an idle gap, not active time)."""
    with tracker.store.write() as conn:
        row = ss.session_row(conn, tracker.org, session_id)
        if row["status"] in OPEN_STATUSES:
            return
        ss.update_session(
            conn,
            tracker.org,
            session_id,
            {
                "status": "active",
                "ended_at": None,
                "end_reason": None,
                "open_key": ss.open_key(row["project_id"], row["agent"], row["agent_session_id"]),
                "productivity_score": None,
                "updated_at": utcnow(),
            },
        )
        ev.append(
            tracker.store,
            conn,
            tracker.org,
            session_id,
            EventIn("session_resumed", description="Session re-attached", source=source),
            at,
        )


def pause(tracker: SessionReader, session_id: int, at: datetime) -> Session:
    with tracker.store.write() as conn:
        row = ss.session_row(conn, tracker.org, session_id)
        if row["status"] != "active":
            check_transition(row, "paused")
            raise Conflict(f"session #{row['number']} is {row['status']}, not active")
        ss.update_session(conn, tracker.org, session_id, {"status": "paused", "paused_at": at})
        ev.append(
            tracker.store,
            conn,
            tracker.org,
            session_id,
            EventIn("session_paused", description="Session paused"),
            at,
        )
    return tracker.get(session_id)


def resume(tracker: SessionReader, session_id: int, at: datetime) -> Session:
    with tracker.store.write() as conn:
        row = ss.session_row(conn, tracker.org, session_id)
        if row["status"] != "paused":
            if row["status"] != "active":
                check_transition(row, "active")
            raise Conflict(f"session #{row['number']} is {row['status']}, not paused")
        paused_for = max(0.0, (at - row["paused_at"]).total_seconds())
        ss.update_session(
            conn,
            tracker.org,
            session_id,
            {
                "status": "active",
                "paused_at": None,
                "paused_seconds": float(row["paused_seconds"] or 0.0) + paused_for,
            },
        )
        ev.append(
            tracker.store,
            conn,
            tracker.org,
            session_id,
            EventIn("session_resumed", description="Session resumed"),
            at,
        )
    return tracker.get(session_id)


def finish(
    tracker: SessionReader, session_id: int, *, status: str, reason: str, at: datetime | None
) -> bool:
    """Close an open session. A timeout ends it at its last activity, so idle time never
    inflates its duration. False when it was already closed (by another process, say)."""
    with tracker.store.read() as conn:
        row = ss.session_row(conn, tracker.org, session_id)
    if row["status"] == "scheduled":
        check_transition(row, status)
        return _cancel_scheduled(tracker, session_id, at or utcnow())
    if row["status"] not in OPEN_STATUSES:
        return False
    if status == "timeout":
        end_at = row["last_activity_at"] or row["started_at"]
    else:
        end_at = at or utcnow()
    if row["started_at"] and end_at < row["started_at"]:
        raise StintError("a session cannot end before it started")
    git = _measure_git(row) if status == "ended" else None
    with tracker.store.write() as conn:
        fresh = ss.session_row(conn, tracker.org, session_id)
        if fresh["status"] not in OPEN_STATUSES:
            return False
        paused = float(fresh["paused_seconds"] or 0.0)
        if fresh["status"] == "paused" and fresh["paused_at"] is not None:
            paused += max(0.0, (end_at - fresh["paused_at"]).total_seconds())
        if git is not None:
            _store_git(tracker, conn, session_id, git, end_at)
        label = {"timeout": "Session timed out (inactive)", "cancelled": "Session cancelled"}
        ev.append(
            tracker.store,
            conn,
            tracker.org,
            session_id,
            EventIn(
                "session_ended",
                description=label.get(status, "Session ended"),
                payload={"status": status, "reason": reason},
            ),
            end_at,
        )
        active = active_seconds(
            ev.moments(conn, session_id), tracker.settings.pulse_seconds, end_at
        )
        measured = ss.session_row(conn, tracker.org, session_id)
        duration = max(0.0, (end_at - fresh["started_at"]).total_seconds() - paused)
        score = score_session(
            {**measured, "duration_minutes": duration / 60}, tracker.settings.score_weights
        )
        ss.update_session(
            conn,
            tracker.org,
            session_id,
            {
                "status": status,
                "open_key": None,
                "ended_at": end_at,
                "last_activity_at": max(end_at, fresh["last_activity_at"] or end_at)
                if status != "timeout"
                else fresh["last_activity_at"],
                "end_reason": reason,
                "paused_at": None,
                "paused_seconds": paused,
                "active_seconds": active,
                "productivity_score": score.value,
                "score_breakdown": score.breakdown,
                "updated_at": utcnow(),
            },
        )
    return True


def _cancel_scheduled(tracker: SessionReader, session_id: int, at: datetime) -> bool:
    """A scheduled session that never started: cancelled, with no duration."""
    with tracker.store.write() as conn:
        fresh = ss.session_row(conn, tracker.org, session_id)
        if fresh["status"] != "scheduled":
            return False
        ss.update_session(
            conn,
            tracker.org,
            session_id,
            {"status": "cancelled", "ended_at": at, "end_reason": "cancelled", "updated_at": at},
        )
    return True


def activate(
    tracker: SessionReader, session_id: int, at: datetime, source: str = "library"
) -> Session:
    """Start a scheduled session: it becomes active, and its start time is now (or `at`)."""
    with tracker.store.write() as conn:
        row = ss.session_row(conn, tracker.org, session_id)
        check_transition(row, "active")
        if row["status"] != "scheduled":
            raise Conflict(f"session #{row['number']} is {row['status']}, not scheduled")
        key = ss.open_key(row["project_id"], row["agent"], row["agent_session_id"])
        savepoint = conn.begin_nested()
        try:
            ss.update_session(
                conn,
                tracker.org,
                session_id,
                {
                    "status": "active",
                    "open_key": key,
                    "started_at": at,
                    "last_activity_at": at,
                    "updated_at": utcnow(),
                },
            )
        except IntegrityError:
            savepoint.rollback()
            raise Conflict(
                f"cannot start session #{row['number']}: another session is open in its "
                "project; end it first"
            ) from None
        savepoint.commit()
        goal = row["goal"]
        ev.append(
            tracker.store,
            conn,
            tracker.org,
            session_id,
            EventIn(
                "session_started",
                description="Scheduled session started" + (f": {goal}" if goal else ""),
                source=source,
            ),
            at,
        )
    return tracker.get(session_id)


def _measure_git(row: dict[str, Any]) -> Any:
    root = row["repo_root"]
    if not root or not os.path.isdir(root):
        return None
    return gitstats.diff_since(root, row["start_commit"])


def _store_git(
    tracker: SessionReader, conn: Connection, session_id: int, git: Any, at: datetime
) -> None:
    ev.clear_git_files(conn, session_id)
    for change in git.files:
        ev.set_git_file(
            tracker.store,
            conn,
            tracker.org,
            session_id,
            change.path,
            {
                "git_lines_added": change.added,
                "git_lines_removed": change.removed,
                "git_change": change.change,
                "renamed_from": change.renamed_from,
                "is_binary": change.is_binary,
            },
            at,
        )
    ev.recount_files_modified(conn, session_id)
    rec.replace_commits(
        conn,
        tracker.org,
        session_id,
        [
            {
                "sha": c.sha,
                "subject": c.subject,
                "author": c.author,
                "committed_at": c.committed_at,
                "lines_added": c.added,
                "lines_removed": c.removed,
            }
            for c in git.commits
        ],
    )
    ss.update_session(
        conn,
        tracker.org,
        session_id,
        {
            "end_commit": git.end_commit,
            "commits_made": len(git.commits),
            "git_lines_added": git.lines_added,
            "git_lines_removed": git.lines_removed,
            "loc_added": git.lines_added,
            "loc_removed": git.lines_removed,
            "binary_files_changed": git.binary_files,
        },
    )
    ev.append(
        tracker.store,
        conn,
        tracker.org,
        session_id,
        EventIn(
            "git_measured",
            description=f"Git: +{git.lines_added} -{git.lines_removed} in {len(git.files)} "
            f"files, {len(git.commits)} commits",
            payload={
                "lines_added": git.lines_added,
                "lines_removed": git.lines_removed,
                "files": len(git.files),
                "commits": len(git.commits),
                "end_commit": git.end_commit,
            },
        ),
        at,
    )
