"""Opening sessions: starting one (project from the repository, the agent's provider,
one open session per agent session) and attaching an agent's session to its one stint
session (found, re-opened or created). Moves between statuses are `stint.sessions.lifecycle`'s."""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Connection

from stint.model.timeparse import utcnow
from stint.model.types import (
    AGENT_SOURCES,
    OPEN_STATUSES,
    Conflict,
    EventIn,
    Project,
    Session,
    StintError,
)
from stint.sessions import gitstats
from stint.sessions.gitstats import RepoState
from stint.sessions.reading import SessionReader
from stint.store import events as ev
from stint.store import records as rec
from stint.store import sessions as ss
from stint.store.pulse_state import locked_agent_session, no_events_state

# Where a session runs (seeds 000 and 002); anything else is refused with one line.
ENVIRONMENTS = ("local", "vscode", "ci", "development", "staging", "production")
# A start (or end) this far before now is back-dated: its git start is the commit HEAD
# was at then.
BACKDATED = timedelta(minutes=1)


def check_environment(environment: str | None) -> str | None:
    """The environment, lower-cased, or a one-line error naming the known ones."""
    if environment is None:
        return None
    cleaned = environment.strip().lower()
    if cleaned not in ENVIRONMENTS:
        raise StintError(
            f"unknown environment {environment!r}: use one of {', '.join(ENVIRONMENTS)}"
        )
    return cleaned


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


def start(tracker: SessionReader, **options: Any) -> Session:
    """Start a session (`start_id`'s options) and read it back."""
    return tracker.get(start_id(tracker, **options))


def start_id(
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
    component: str | None = None,
    name: str | None = None,
    at: datetime | None = None,
    cwd: str | None = None,
    source: str = "cli",
    status: str = "active",
    fields: dict[str, Any] | None = None,
    process_cwd: bool = True,
) -> int:
    """Start a session; its id. `cwd` (default: the process's, unless `process_cwd` is False: a
    server receiving a session that names no directory) decides the project and git state.
    `component`: the part of the project worked on (created on first use). A start
    back-dated with `at` keeps its times as given, records the commit HEAD was at then,
    and counts as presence now for the inactivity sweep (the person is here)."""
    now = utcnow()
    at = at or now
    if at > now + timedelta(minutes=1):
        raise StintError("a session cannot start in the future")
    if not kind or not kind.replace("_", "").isalnum():
        raise StintError(f"bad session kind {kind!r}")
    environment = check_environment(environment)
    cwd = os.path.realpath(cwd) if cwd else (os.path.realpath(os.getcwd()) if process_cwd else None)
    repo = _repo(cwd)
    start_commit = repo.head if repo else None
    if repo is not None and at < now - BACKDATED:
        start_commit = gitstats.head_before(repo.root, at)
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
            "component_id": rec.ensure_component(
                tracker.store, conn, tracker.org, chosen.id, component.strip(), now
            )
            if component and component.strip()
            else None,
            "kind": kind,
            "name": name,
            "goal": goal.strip() if goal else None,
            "status": status,
            "open_key": ss.open_key(chosen.id, agent, agent_session_id, tracker.user_id)
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
            "seen_at": now,
            "repo_root": repo.root if repo else None,
            "branch": repo.branch if repo else None,
            "start_commit": start_commit,
            "created_at": now,
            "updated_at": now,
            "user_id": tracker.user_id,
            **(no_events_state(tracker.store.pulse_seconds) if status in OPEN_STATUSES else {}),
            **(fields or {}),
        }
        try:
            session_id = ss.insert_session(conn, tracker.org, values)
        except ss.OpenSessionExists as exc:
            raise _open_conflict(conn, tracker.org, chosen, exc.key) from None
        ss.add_tags(conn, tracker.store, tracker.org, session_id, [t for t in tags if t])
        if status in OPEN_STATUSES:
            description = f"Session started in {chosen.name}" + (f": {goal}" if goal else "")
            ev.append(
                tracker.store,
                conn,
                tracker.org,
                session_id,
                EventIn(
                    "session_started",
                    description=description,
                    source=source,
                    ai_involved=source in AGENT_SOURCES,
                ),
                at,
            )
    return session_id


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


def _open_conflict(conn: Connection, org_id: str, project: Project, key: str) -> Conflict:
    """The one-line error of a genuine conflict: the open session holding the same
    project and agent session, named (read in the start's own transaction, so it is the
    row the insert met)."""
    holder = ss.session_by_open_key(conn, org_id, key)
    if holder is not None:
        return Conflict(
            f"session #{holder['number']} is already {holder['status']} in project "
            f"{project.name!r}; end it first (stint end) or name another --project"
        )
    return Conflict(
        f"an open session for this agent session already exists in project {project.name!r}"
    )


def attach(
    tracker: SessionReader,
    agent: str,
    agent_session_id: str,
    *,
    cwd: str | None,
    model: str | None,
    at: datetime | None,
    source: str,
    user_id: int | None = None,
    process_cwd: bool = True,
) -> Session:
    """`user_id`: the person a new session is theirs (a team key's user); an existing
    session keeps its own. `process_cwd`: see `start`."""
    found = attach_id(
        tracker,
        agent,
        agent_session_id,
        cwd=cwd,
        model=model,
        at=at,
        source=source,
        user_id=user_id,
        process_cwd=process_cwd,
    )
    return tracker.get(found)


def attach_id(
    tracker: SessionReader,
    agent: str,
    agent_session_id: str,
    *,
    cwd: str | None,
    model: str | None,
    at: datetime | None,
    source: str,
    user_id: int | None = None,
    process_cwd: bool = True,
) -> int:
    """`attach` without reading the session back: its id (an ingest batch needs no more)."""
    at = at or utcnow()
    with tracker.store.read() as conn:
        found = ss.find_by_agent_session(conn, tracker.org, agent, agent_session_id)
    if found is None:
        try:
            return start_id(
                tracker,
                agent=agent,
                agent_session_id=agent_session_id,
                model=model,
                at=min(at, utcnow()),
                # A directory that no longer exists (an old imported transcript) is
                # still where the session ran: never fall back to this process's cwd.
                cwd=cwd or None,
                source=source,
                fields={"user_id": user_id} if user_id is not None else None,
                process_cwd=process_cwd,
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
    return session_id


def record_for_agent(
    tracker: SessionReader,
    agent: str,
    agent_session_id: str,
    events: Sequence[EventIn],
    *,
    cwd: str | None,
    model: str | None,
    source: str,
) -> tuple[int, int]:
    """`attach_id` then the events appended by key (an ingest group): the session's id and
    how many events were new. When the agent session's stint session is open already and
    its model unchanged (every batch after a session's first), both happen in one
    transaction: one locked read finds the session and gives the projection its state, so
    a batch costs one transaction instead of three. Otherwise the session is attached
    first (created, re-opened or its model set) as a hook would, then the events go in."""
    now = utcnow()
    batch = [(event, event.occurred_at or now) for event in events]
    with tracker.store.write() as conn:
        found = locked_agent_session(conn, tracker.org, agent, agent_session_id)
        if (
            found is not None
            and found.status in OPEN_STATUSES
            and (not model or model == found.ai_model)
        ):
            session_id = int(found.id)
            return session_id, ev.append_many(
                tracker.store, conn, tracker.org, session_id, batch, found
            )
    first = min((event.occurred_at for event in events if event.occurred_at), default=None)
    session_id = attach_id(
        tracker, agent, agent_session_id, cwd=cwd, model=model, at=first, source=source
    )
    with tracker.store.write() as conn:
        return session_id, ev.append_many(tracker.store, conn, tracker.org, session_id, batch)


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
                "open_key": ss.open_key(
                    row["project_id"], row["agent"], row["agent_session_id"], row["user_id"]
                ),
                "productivity_score": None,
                "updated_at": utcnow(),
            },
        )
        ev.append(
            tracker.store,
            conn,
            tracker.org,
            session_id,
            EventIn(
                "session_resumed",
                description="Session re-attached",
                source=source,
                ai_involved=source in AGENT_SOURCES,
            ),
            at,
        )
