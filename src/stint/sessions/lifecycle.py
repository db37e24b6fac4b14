"""Session lifecycle: which status may follow which, pause/resume, activating a scheduled
session, and finish (ended, cancelled, timeout) with git end metrics and the stored score.
Starting and attaching are `stint.sessions.opening`'s."""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from stint.model.projection import active_seconds
from stint.model.scoring import score_session
from stint.model.timeparse import utcnow
from stint.model.types import (
    AGENT_SOURCES,
    OPEN_STATUSES,
    Conflict,
    EventIn,
    Session,
    StintError,
)
from stint.sessions import channels, gitstats, health
from stint.sessions.opening import BACKDATED
from stint.sessions.reading import SessionReader
from stint.store import events as ev
from stint.store import records as rec
from stint.store import sessions as ss
from stint.store.projection_writes import recount_files_modified

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
    tracker: SessionReader,
    session_id: int,
    *,
    status: str,
    reason: str,
    at: datetime | None,
    source: str = "cli",
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
        # At the last thing the person or the agent did: an agent's notifications while
        # it waits on a permission prompt are not activity.
        with tracker.store.read() as conn:
            moved = channels.last_activity(conn, session_id)
        end_at = moved or row["started_at"] or row["last_activity_at"]
        if row["started_at"] and end_at < row["started_at"]:
            end_at = row["started_at"]
    else:
        end_at = at or utcnow()
    if row["started_at"] and end_at < row["started_at"]:
        raise StintError("a session cannot end before it started")
    # An end given in the past (`stint end --at -3h`): commits after it and the work
    # tree's changes (being made now) are not the session's.
    until = end_at if end_at < utcnow() - BACKDATED else None
    git = _measure_git(row, until) if status == "ended" else None
    code_health = health.at_end(tracker.settings, row, git, until) if status == "ended" else None
    with tracker.store.write() as conn:
        # Locked: a sweep in another server process (or an end through the API) may be
        # ending it at this moment; one of them ends it, the other sees it closed.
        fresh = ss.session_row(conn, tracker.org, session_id, for_update=True)
        if fresh["status"] not in OPEN_STATUSES:
            return False
        _close(tracker, conn, fresh, status, reason, end_at, source, git, code_health)
    return True


def time_out_many(
    tracker: SessionReader, session_ids: Iterable[int], reason: str = "inactivity"
) -> int:
    """`finish(status="timeout")` for many sessions (an import's stale ones) in one write
    transaction: each ends at its last activity, as `finish` ends it; one already closed
    is left as it is. How many were ended."""
    ended = 0
    with tracker.store.write() as conn:
        for session_id in session_ids:
            fresh = ss.session_row(conn, tracker.org, session_id)
            if fresh["status"] not in OPEN_STATUSES:
                continue
            # As `finish` ends a timeout: at the last thing the person or the agent did.
            moved = channels.last_activity(conn, session_id)
            end_at = moved or fresh["started_at"] or fresh["last_activity_at"]
            if fresh["started_at"] and end_at < fresh["started_at"]:
                end_at = fresh["started_at"]
            _close(tracker, conn, fresh, "timeout", reason, end_at, "cli", None, None)
            ended += 1
    return ended


def _close(
    tracker: SessionReader,
    conn: Connection,
    fresh: dict[str, Any],
    status: str,
    reason: str,
    end_at: datetime,
    source: str,
    git: Any,
    code_health: Any,
) -> None:
    """The end's writes, in the caller's write transaction: git's and code health's
    figures, the `session_ended` event, and the row's status, times and score."""
    session_id = int(fresh["id"])
    paused = float(fresh["paused_seconds"] or 0.0)
    if fresh["status"] == "paused" and fresh["paused_at"] is not None:
        paused += max(0.0, (end_at - fresh["paused_at"]).total_seconds())
    if git is not None:
        _store_git(tracker, conn, session_id, git, end_at)
    if code_health is not None:
        health.store(conn, tracker.org, session_id, code_health, end_at)
    label = {"timeout": "Session timed out (inactive)", "cancelled": "Session cancelled"}
    ev.append(
        tracker.store,
        conn,
        tracker.org,
        session_id,
        EventIn(
            "session_ended",
            description=label.get(status, "Session ended"),
            source=source,
            ai_involved=source in AGENT_SOURCES,
            payload={"status": status, "reason": reason},
        ),
        end_at,
    )
    pulse_seconds = tracker.settings.pulse_seconds
    measured = ss.session_row(conn, tracker.org, session_id)
    duration = max(0.0, (end_at - fresh["started_at"]).total_seconds() - paused)
    score = score_session(
        {**measured, "duration_minutes": duration / 60}, tracker.settings.score_weights
    )
    kept = channels.kept_state(measured, pulse_seconds, end_at)
    if kept is not None:
        # No event after the end: the states the projection keeps (the `session_ended`
        # just appended folded in) are those of every event, closed at the end — what
        # reading them all back would compute, without reading them.
        pulse, channel_state = kept
        active = pulse.until(end_at, pulse_seconds)
        split = channels.at_end(
            conn, tracker.org, session_id, pulse_seconds, end_at, duration, channel_state
        )
    else:
        # Events recorded after the given end do not count into it.
        within = [m for m in ev.moments(conn, session_id) if m[0] <= end_at]
        active = active_seconds(within, pulse_seconds, end_at)
        split = channels.at_end(conn, tracker.org, session_id, pulse_seconds, end_at, duration)
    ss.update_session(
        conn,
        tracker.org,
        session_id,
        {
            "status": status,
            "open_key": None,
            "ended_at": end_at,
            # The end is the session's last moment; nothing later is its activity.
            "last_activity_at": end_at if status != "timeout" else fresh["last_activity_at"],
            "end_reason": reason,
            # Seed 000: false until achieved (the evaluator or an outcome sets true).
            "successfully_completed": bool(fresh["successfully_completed"]),
            "paused_at": None,
            "paused_seconds": paused,
            "active_seconds": active,
            **channels.columns(split),
            "productivity_score": score.value,
            "score_breakdown": score.breakdown,
            "updated_at": utcnow(),
        },
    )


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
        key = ss.open_key(row["project_id"], row["agent"], row["agent_session_id"], row["user_id"])
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


def _measure_git(row: dict[str, Any], until: datetime | None = None) -> Any:
    root = row["repo_root"]
    if not root or not os.path.isdir(root):
        return None
    return gitstats.diff_since(root, row["start_commit"], until)


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
    recount_files_modified(conn, session_id)
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
