"""Annotating and recording on sessions: fields, tags, notes, projects, events, tasks,
decisions, context items and files — each one atomic statement in the store."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, cast

from stint.model.mentions import mentions_in as mentions_in
from stint.model.timeparse import utcnow
from stint.model.types import (
    AGENT_SOURCES,
    OPEN_STATUSES,
    OUTCOMES,
    TASK_STATUSES,
    EventIn,
    Project,
    Record,
    Session,
    StintError,
    Task,
)
from stint.sessions.opening import check_environment
from stint.sessions.reading import SessionReader
from stint.store import events as ev
from stint.store import quick_record, schema, session_delete
from stint.store import records as rec
from stint.store import sessions as ss

_SETTABLE = {
    "name",
    "goal",
    "kind",
    "agent",
    "agent_version",
    "ai_model",
    "ai_provider",
    "environment",
    "mcp_connection_id",
    "summary",
    "learnings",
    "outcome",
    "successfully_completed",
    "success_rating",
    "completion_percentage",
    "needs_followup",
    "followup_notes",
    "next_session_suggestion",
    "branch",
    "state",
    "success_indicators",
    "completion_indicators",
    "constraints",
    "procedure_notes",
    "scheduled_at",
    "scheduled_duration_minutes",
    "evaluation",
    "previous_session_id",
    "template_id",
    "component_id",
    "cwd",
}


def validate_fields(fields: dict[str, Any]) -> None:
    if fields.get("environment") is not None:
        fields["environment"] = check_environment(fields["environment"])
    outcome = fields.get("outcome")
    if outcome is not None and outcome not in OUTCOMES:
        raise StintError(f"outcome must be one of {', '.join(OUTCOMES)}, not {outcome!r}")
    rating = fields.get("success_rating")
    if rating is not None and not (isinstance(rating, int) and 1 <= rating <= 5):
        raise StintError("success rating must be a whole number from 1 to 5")
    percentage = fields.get("completion_percentage")
    if percentage is not None and not (isinstance(percentage, int) and 0 <= percentage <= 100):
        raise StintError("completion percentage must be a whole number from 0 to 100")


class SessionRecorder(SessionReader):
    """Sessions of one org in one store, annotated and recorded on."""

    def update(self, ref: str | int = "current", **fields: Any) -> Session:
        unknown = set(fields) - _SETTABLE
        if unknown:
            raise StintError(f"cannot set {', '.join(sorted(unknown))}")
        validate_fields(fields)
        if "outcome" in fields and "successfully_completed" not in fields:
            fields["successfully_completed"] = fields["outcome"] == "achieved"
        session_id = self.resolve(ref)
        with self.store.write() as conn:
            ss.update_session(conn, self.org, session_id, {**fields, "updated_at": utcnow()})
        return self.get(session_id)

    def set_goal(self, ref: str | int, goal: str, *, source: str = "cli") -> Session:
        if not goal.strip():
            raise StintError("the goal is empty")
        session = self.update(ref, goal=goal.strip())
        event = EventIn(
            "goal_set",
            description=f"Goal: {goal.strip()}",
            source=source,
            ai_involved=source in AGENT_SOURCES,
        )
        self.record(session.id, event)
        return session

    def tag(self, ref: str | int, tags: Sequence[str], remove: bool = False) -> Session:
        cleaned = [t.strip().lstrip("#") for t in tags if t.strip().lstrip("#")]
        if not cleaned:
            raise StintError("no tag given")
        session_id = self.resolve(ref)
        with self.store.write() as conn:
            if remove:
                ss.remove_tags(conn, session_id, cleaned)
            else:
                ss.add_tags(conn, self.store, self.org, session_id, cleaned)
        return self.get(session_id)

    def add_note(
        self,
        ref: str | int,
        text: str,
        *,
        record_event: bool = True,
        source: str = "cli",
        **note: Any,
    ) -> int:
        """Append to the session's notes and keep the note as a record of its own."""
        if not text.strip():
            raise StintError("the note is empty")
        session_id = self.resolve(ref)
        now = utcnow()
        with self.store.write() as conn:
            ss.append_notes(conn, self.org, session_id, text)
            note_id = rec.insert_note(conn, self.org, session_id, text, now, **note)
            if record_event:
                ev.append(
                    self.store,
                    conn,
                    self.org,
                    session_id,
                    EventIn(
                        "note_added",
                        description=f"Note: {text[:200]}",
                        source=source,
                        ai_involved=source in AGENT_SOURCES,
                    ),
                    now,
                )
        return note_id

    def set_default_project(self, name: str) -> Project:
        """The project new sessions fall back to when nothing better is known."""
        if not name.strip():
            raise StintError("the project name is empty")
        with self.store.write() as conn:
            project = rec.ensure_project(self.store, conn, self.org, name.strip(), utcnow())
            rec.set_default_project(conn, self.org, project.id)
        return project

    def set_project(self, ref: str | int, name: str) -> Session:
        if not name.strip():
            raise StintError("the project name is empty")
        session_id = self.resolve(ref)
        now = utcnow()
        with self.store.write() as conn:
            project = rec.ensure_project(self.store, conn, self.org, name.strip(), now)
            row = ss.session_row(conn, self.org, session_id)
            values: dict[str, Any] = {"project_id": project.id, "updated_at": now}
            if row["status"] in OPEN_STATUSES:
                values["open_key"] = ss.open_key(
                    project.id, row["agent"], row["agent_session_id"], row["user_id"]
                )
            ss.update_session(conn, self.org, session_id, values)
        return self.get(session_id)

    # --------------------------------------------------------------- recording

    @functools.cached_property
    def _known(self) -> quick_record.Known:
        # The states the quick path last wrote, kept while this recorder is open: the
        # next event of a session skips reading its state while its seal holds.
        return quick_record.Known()

    def record(self, ref: str | int, event: EventIn) -> int | None:
        """Append one event; returns its id, or None when its key was seen before."""
        at = event.occurred_at or utcnow()
        if isinstance(ref, int) and self.store.is_sqlite and quick_record.simple(event):
            found = quick_record.record(self.store, self.org, ref, event, at, self._known)
            if found != quick_record.FALLBACK:
                return cast("int | None", found)
        # Resolved in the write's own transaction: one transaction per event, not two.
        with self.store.write() as conn:
            at = event.occurred_at or utcnow()
            if isinstance(ref, int):
                return ev.append_by_id(self.store, conn, self.org, ref, event, at)
            session_id = self._resolve_in(conn, ref)
            return ev.append(self.store, conn, self.org, session_id, event, at)

    def record_many(self, session_id: int, events: Iterable[EventIn]) -> int:
        """Append events in one transaction; returns how many were new."""
        stored = 0
        with self.store.write() as conn:
            ss.require_in_org(conn, self.org, session_id)
            for event in events:
                at = event.occurred_at or utcnow()
                if ev.append(self.store, conn, self.org, session_id, event, at) is not None:
                    stored += 1
        return stored

    def add_task(
        self,
        ref: str | int,
        title: str,
        *,
        status: str = "todo",
        external_id: str | None = None,
        source: str = "cli",
        at: datetime | None = None,
    ) -> Task:
        if not title.strip():
            raise StintError("the task title is empty")
        if status not in TASK_STATUSES:
            raise StintError(f"task status must be one of {', '.join(TASK_STATUSES)}")
        session_id = self.resolve(ref)
        at = at or utcnow()
        with self.store.write() as conn:
            row = ss.session_row(conn, self.org, session_id)
            task, created = rec.insert_task(
                self.store,
                conn,
                self.org,
                session_id,
                row["project_id"],
                title.strip(),
                status,
                external_id,
                at,
            )
            if created:
                event = EventIn(
                    "task_created",
                    description=f"Created task: {task.title}",
                    source=source,
                    task_id=task.id,
                    payload={"status": status},
                    ai_involved=source in AGENT_SOURCES,
                )
                ev.append(self.store, conn, self.org, session_id, event, at)
        return task

    def set_task_status(
        self,
        ref: str | int,
        task_ref: str | int,
        status: str,
        *,
        source: str = "cli",
        at: datetime | None = None,
        by_number: bool = False,
    ) -> Task:
        """Move a task. `task_ref`: its global id, `#N` (its number in the session), or
        the agent's own id; with `by_number`, digits are the number (what a person types)."""
        if status not in TASK_STATUSES:
            raise StintError(f"task status must be one of {', '.join(TASK_STATUSES)}")
        session_id = self.resolve(ref)
        at = at or utcnow()
        with self.store.write() as conn:
            task = rec.task_by_ref(conn, self.org, session_id, task_ref, by_number=by_number)
            if task.status != status and rec.move_task(conn, task.id, task.status, status, at):
                event = EventIn(
                    f"task_{status}",
                    description=f"Task {status.replace('_', ' ')}: {task.title}",
                    source=source,
                    task_id=task.id,
                    payload={"from_status": task.status},
                    ai_involved=source in AGENT_SOURCES,
                )
                ev.append(self.store, conn, self.org, session_id, event, at)
            return rec.task_by_id(conn, self.org, task.id)

    def add_decision(
        self, ref: str | int, text: str, *, rationale: str | None = None, source: str = "cli"
    ) -> Record:
        return self._add_record(
            schema.decisions, "decision_made", "Decision", ref, text, source, rationale=rationale
        )

    def add_context(self, ref: str | int, text: str, *, source: str = "cli") -> Record:
        """Add a context item; `@path` mentions in it are tracked as file mentions."""
        return self._add_record(
            schema.context_items,
            "context_added",
            "Context",
            ref,
            text,
            source,
            mentions=mentions_in(text),
        )

    def _add_record(
        self,
        table: Any,
        event_type: str,
        label: str,
        ref: str | int,
        text: str,
        source: str,
        **extra: Any,
    ) -> Record:
        if not text.strip():
            raise StintError(f"the {label.lower()} is empty")
        session_id = self.resolve(ref)
        now = utcnow()
        with self.store.write() as conn:
            record_id = rec.insert_record(
                conn, table, self.org, session_id, text.strip(), now, **extra
            )
            mentions = extra.get("mentions") or []
            description = f"{label}: {text.strip()[:200]}"
            if mentions:
                description += f" ({len(mentions)} file mention{'s' * (len(mentions) != 1)})"
            event = EventIn(
                event_type,
                description=description,
                source=source,
                payload={"mentions": mentions} if mentions else {},
                ai_involved=source in AGENT_SOURCES,
                decision_id=record_id if event_type == "decision_made" else None,
                context_id=record_id if event_type == "context_added" else None,
            )
            ev.append(self.store, conn, self.org, session_id, event, now)
        return Record(record_id, session_id, text.strip(), now)

    def touch_file(
        self,
        ref: str | int,
        path: str,
        *,
        modified: bool = True,
        added: int = 0,
        removed: int = 0,
        source: str = "cli",
        key: str | None = None,
    ) -> int | None:
        """A file was modified (with lines from the edit itself) or mentioned."""
        if not path.strip():
            raise StintError("the file path is empty")
        if added < 0 or removed < 0:
            raise StintError("line counts cannot be negative")
        kind = "file_modified" if modified else "file_mentioned"
        verb = "Modified" if modified else "Mentioned"
        payload = {"added": added, "removed": removed} if modified else {}
        event = EventIn(
            kind,
            description=f"{verb} {path}",
            source=source,
            ai_involved=source in AGENT_SOURCES,
            file_path=path,
            payload=payload,
            key=key,
        )
        return self.record(ref, event)

    def forget(self, ref: str | int) -> None:
        """Delete a session and everything it owns."""
        session_id = self.resolve(ref)
        with self.store.write() as conn:
            session_delete.delete_session(conn, self.org, session_id)

    def record_bulk(self, session_id: int, events: Iterable[EventIn]) -> int:
        """`record_many` in fewer statements (a drain, an ingest batch): one transaction,
        one INSERT, one counter UPDATE. Returns how many were new."""
        now = utcnow()
        batch = [(event, event.occurred_at or now) for event in events]
        with self.store.write() as conn:
            ss.require_in_org(conn, self.org, session_id)
            return ev.append_many(self.store, conn, self.org, session_id, batch)
