"""The "session context for AI": a digest of one session an agent can act on.

Goal, elapsed time, task progress, decisions, most-touched files, recent activity and tags,
plus short hints in the seed's voice ("You've modified auth.js 5 times — need help with
it?", "3 of 5 tasks done — tackle the rest?"). `session_context` builds the data (JSON for
the `session_status` tool); `render_context` turns it into the Markdown the
`stint://session/current` resource serves.
"""

from __future__ import annotations

from typing import Any

from stint.model.timeparse import human_duration
from stint.model.types import FileTouch, Session, Task
from stint.sessions.service import Sessions

# A file edited this many times in one session is worth a remark: it is where the
# session is struggling (the seed's "modified auth-middleware.js 5 times" example).
CHURN_EDITS = 3
LONG_SESSION_SECONDS = 2 * 3600


def session_context(
    tracker: Sessions, ref: str | int, recent: int = 8, cwd: str | None = None
) -> dict[str, Any]:
    """Everything an agent needs to know about one session, as JSON-ready data."""
    session = tracker.get(ref, cwd=cwd)
    tasks = tracker.tasks(session.id)
    files = tracker.files(session.id)
    decisions = tracker.decisions(session.id)
    activities = tracker.recent_activities(session.id, recent)
    done = sum(1 for task in tasks if task.status == "completed")
    touched = sorted(files, key=lambda f: (-f.times_modified, -f.times_mentioned, f.path))[:5]
    return {
        "session": {
            "id": session.id,
            "ref": session.ref,
            "uuid": session.uuid,
            "status": session.status,
            "project": session.project,
            "goal": session.goal,
            "kind": session.kind,
            "agent": session.agent,
            "agent_version": session.agent_version,
            "started_at": session.started_at.isoformat() if session.started_at else None,
            "elapsed": human_duration(session.duration_seconds),
            "elapsed_seconds": int(session.duration_seconds),
            "active": human_duration(session.active_seconds),
            "tags": session.tags,
        },
        "tasks": {
            "total": len(tasks),
            "completed": done,
            "in_progress": [t.title for t in tasks if t.status == "in_progress"],
            "todo": [t.title for t in tasks if t.status == "todo"],
            "items": [
                {"id": task.id, "title": task.title, "status": task.status} for task in tasks
            ],
        },
        "decisions": [record.text for record in decisions[-5:]],
        "files": [
            {
                "path": f.path,
                "times_modified": f.times_modified,
                "times_mentioned": f.times_mentioned,
                "lines_added": f.lines_added,
                "lines_removed": f.lines_removed,
            }
            for f in touched
        ],
        "recent_activity": [
            {
                "at": activity.occurred_at.isoformat(),
                "type": activity.type,
                "description": activity.description,
            }
            for activity in activities
        ],
        "hints": hints(session, tasks, files),
    }


def hints(session: Session, tasks: list[Task], files: list[FileTouch]) -> list[str]:
    """Short, actionable remarks about the session's state, most useful first."""
    found: list[str] = []
    for touch in sorted(files, key=lambda f: -f.times_modified):
        if touch.times_modified < CHURN_EDITS:
            break
        found.append(
            f"You've modified {touch.path} {touch.times_modified} times — need help with it?"
        )
        if len(found) == 2:
            break
    if tasks:
        done = sum(1 for task in tasks if task.status == "completed")
        left = [task.title for task in tasks if task.status != "completed"]
        if left:
            found.append(f"{done} of {len(tasks)} tasks done — tackle the rest? Next: {left[0]}")
        else:
            found.append(f"All {len(tasks)} tasks done — time to end the session?")
    if not session.goal:
        found.append("No goal set yet — set one with session_goal so progress can be judged.")
    if session.is_open and session.duration_seconds > LONG_SESSION_SECONDS:
        found.append(
            f"This session has run {human_duration(session.duration_seconds)} — "
            "wrap up, or split the rest into a new session?"
        )
    return found


def render_context(context: dict[str, Any]) -> str:
    """The digest as Markdown for an agent to read."""
    session = context["session"]
    tasks = context["tasks"]
    lines = [
        f"# Session {session['ref']} ({session['status']}) — project {session['project']}",
        f"Goal: {session['goal'] or '(none set)'}",
        f"Elapsed: {session['elapsed']} (active {session['active']})",
    ]
    if session["tags"]:
        lines.append("Tags: " + ", ".join(f"#{tag}" for tag in session["tags"]))
    lines.append("")
    lines.append(f"## Tasks: {tasks['completed']} of {tasks['total']} done")
    marks = {"completed": "[x]", "in_progress": "[~]", "todo": "[ ]"}
    lines += [f"- {marks[t['status']]} {t['title']} (id {t['id']})" for t in tasks["items"]]
    if context["decisions"]:
        lines += ["", "## Decisions"] + [f"- {text}" for text in context["decisions"]]
    if context["files"]:
        lines += ["", "## Most-touched files"]
        lines += [
            f"- {f['path']}: modified {f['times_modified']}×, mentioned {f['times_mentioned']}×"
            for f in context["files"]
        ]
    if context["recent_activity"]:
        lines += ["", "## Recent activity"]
        for activity in context["recent_activity"]:
            lines.append(f"- {activity['at'][11:19]} {activity['description'] or activity['type']}")
    if context["hints"]:
        lines += ["", "## Hints"] + [f"- {hint}" for hint in context["hints"]]
    return "\n".join(lines) + "\n"
