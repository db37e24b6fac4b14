"""The `Tracker` service: the one API the CLI, MCP server, HTTP API and dashboard use.

It owns the session lifecycle (start, pause, resume, end, cancel, timeout sweep),
recording (events, tasks, decisions, context, files) and reading sessions back.
SQL stays in `stint.store`; git in `stint.sessions.gitstats`; figures in `stint.model.scoring`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from sqlalchemy import case
from sqlalchemy.engine import Connection

from stint.model.config import Settings, load_settings
from stint.model.projection import active_seconds
from stint.model.scoring import quality_indicators, score_session
from stint.model.timeparse import utcnow
from stint.model.types import (
    OPEN_STATUSES,
    OUTCOMES,
    TASK_STATUSES,
    Activity,
    Conflict,
    EventIn,
    FileTouch,
    Project,
    Record,
    Session,
    StintError,
    Task,
)
from stint.store import Store, schema
from stint.store import events as ev
from stint.store import records as rec
from stint.store import sessions as ss

if TYPE_CHECKING:
    from stint.goals.handle import SessionHandle

_MENTION = re.compile(r"(?<![\w@])@([\w./\\~-][\w./\\~+-]*)")
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


def mentions_in(text: str) -> list[str]:
    """`@path` mentions in free text (not e-mail addresses), in order, without repeats."""
    found = [m.rstrip(".,;:)") for m in _MENTION.findall(text)]
    return list(dict.fromkeys(m for m in found if m))


def _validate(fields: dict[str, Any]) -> None:
    outcome = fields.get("outcome")
    if outcome is not None and outcome not in OUTCOMES:
        raise StintError(f"outcome must be one of {', '.join(OUTCOMES)}, not {outcome!r}")
    rating = fields.get("success_rating")
    if rating is not None and not (isinstance(rating, int) and 1 <= rating <= 5):
        raise StintError("success rating must be a whole number from 1 to 5")
    percentage = fields.get("completion_percentage")
    if percentage is not None and not (isinstance(percentage, int) and 0 <= percentage <= 100):
        raise StintError("completion percentage must be a whole number from 0 to 100")


class Tracker:
    """Sessions of one org in one store."""

    def __init__(self, store: Store, settings: Settings, org_id: str | None = None) -> None:
        self.store = store
        self.settings = settings
        self.org = org_id or settings.org_id

    @classmethod
    def open(cls, url: str | None = None, *, home: Path | None = None, **overrides: Any) -> Tracker:
        settings = load_settings(home, database_url=url, **overrides)
        return cls(Store.open(settings.database_url, settings.org_id), settings)

    def close(self) -> None:
        self.store.dispose()

    # ----------------------------------------------------------------- reading

    def _session(self, conn: Connection, session_id: int, now: datetime | None = None) -> Session:
        row = ss.session_row(conn, self.org, session_id)
        tags = ss.tags_of(conn, [session_id])[session_id]
        return self._build(conn, row, tags, now or utcnow())

    def _build(
        self, conn: Connection, row: dict[str, Any], tags: list[str], now: datetime
    ) -> Session:
        project = row.pop("project_name", None)
        duration = self._duration(row, now)
        if row["status"] in OPEN_STATUSES:
            until = row["paused_at"] if row["status"] == "paused" else now
            active = active_seconds(ev.moments(conn, row["id"]), self.settings.pulse_seconds, until)
        else:
            active = float(row["active_seconds"] or 0.0)
        if row["productivity_score"] is not None and row["status"] not in OPEN_STATUSES:
            score, breakdown = row["productivity_score"], row["score_breakdown"]
        elif row["started_at"] is not None:
            figures = {**row, "duration_minutes": duration / 60}
            computed = score_session(figures, self.settings.score_weights)
            score, breakdown = computed.value, computed.breakdown
        else:
            score, breakdown = None, None
        return Session(row, project, tags, duration, active, score, breakdown)

    @staticmethod
    def _duration(row: dict[str, Any], now: datetime) -> float:
        """Wall time from start to end (or now), less paused time."""
        started = row["started_at"]
        if started is None:
            return 0.0
        end = row["ended_at"] or now
        paused = float(row["paused_seconds"] or 0.0)
        if row["status"] == "paused" and row["paused_at"] is not None:
            paused += max(0.0, (now - row["paused_at"]).total_seconds())
        return float(max(0.0, (end - started).total_seconds() - paused))

    def _current_id(self, conn: Connection, cwd: str | None = None) -> int | None:
        """The open session to act on: the one whose directory holds `cwd`, else the one
        with the most recent activity."""
        candidates = ss.open_sessions(conn, self.org)
        if not candidates:
            return None
        if cwd and len(candidates) > 1:
            found = self._holding(conn, candidates, cwd)
            if found is not None:
                return found
        return int(candidates[0]["id"])

    def _holding(self, conn: Connection, candidates: list[dict[str, Any]], cwd: str) -> int | None:
        """The most recently active of `candidates` whose repository or directory holds
        `cwd`."""
        where = os.path.realpath(cwd)
        for candidate in candidates:
            row = ss.session_row(conn, self.org, candidate["id"])
            for root in (row["repo_root"], row["cwd"]):
                if root and (where == root or where.startswith(root.rstrip("/") + "/")):
                    return int(candidate["id"])
        return None

    def open_session_in(self, cwd: str) -> Session | None:
        """The open session whose repository or directory holds `cwd` (no fallback to
        sessions elsewhere, unlike `current`)."""
        with self.store.read() as conn:
            found = self._holding(conn, ss.open_sessions(conn, self.org), cwd)
            return None if found is None else self._session(conn, found)

    def _resolve_in(self, conn: Connection, ref: str | int, cwd: str | None = None) -> int:
        return ss.resolve(conn, self.org, ref, lambda: self._current_id(conn, cwd))

    def resolve(self, ref: str | int = "current", cwd: str | None = None) -> int:
        with self.store.read() as conn:
            return self._resolve_in(conn, ref, cwd)

    def current(self, cwd: str | None = None) -> Session | None:
        with self.store.read() as conn:
            session_id = self._current_id(conn, cwd)
            return None if session_id is None else self._session(conn, session_id)

    def get(self, ref: str | int = "current", cwd: str | None = None) -> Session:
        with self.store.read() as conn:
            session_id = self._resolve_in(conn, ref, cwd)
            return self._session(conn, session_id)

    def sessions(
        self,
        where: ss.SessionFilter | None = None,
        limit: int = 20,
        before_id: int | None = None,
    ) -> list[Session]:
        if limit < 1:
            raise StintError("limit must be at least 1")
        now = utcnow()
        with self.store.read() as conn:
            rows = ss.list_rows(conn, self.org, where or ss.SessionFilter(), limit, before_id)
            tags = ss.tags_of(conn, [row["id"] for row in rows])
            return [self._build(conn, row, tags[row["id"]], now) for row in rows]

    def timeline(self, ref: str | int = "current", limit: int | None = None) -> list[Activity]:
        with self.store.read() as conn:
            session_id = self._resolve_in(conn, ref)
            return ev.activities_of(conn, session_id, limit)

    def recent_activities(self, ref: str | int, limit: int = 5) -> list[Activity]:
        with self.store.read() as conn:
            session_id = self._resolve_in(conn, ref)
            return ev.activities_of(conn, session_id, limit, newest_first=True)

    def files(self, ref: str | int = "current", limit: int | None = None) -> list[FileTouch]:
        with self.store.read() as conn:
            session_id = self._resolve_in(conn, ref)
            return ev.files_of(conn, session_id, limit)

    def tasks(self, ref: str | int = "current") -> list[Task]:
        with self.store.read() as conn:
            session_id = self._resolve_in(conn, ref)
            return rec.tasks_of(conn, session_id)

    def decisions(self, ref: str | int = "current") -> list[Record]:
        return self._records(schema.decisions, ref)

    def context_items(self, ref: str | int = "current") -> list[Record]:
        return self._records(schema.context_items, ref)

    def _records(self, table: Any, ref: str | int) -> list[Record]:
        with self.store.read() as conn:
            session_id = self._resolve_in(conn, ref)
            return rec.records_of(conn, table, session_id)

    def commits(self, ref: str | int = "current") -> list[dict[str, Any]]:
        with self.store.read() as conn:
            session_id = self._resolve_in(conn, ref)
            return rec.commits_of(conn, session_id)

    def file_edits(self, session_id: int) -> int:
        with self.store.read() as conn:
            return ev.file_edit_count(conn, session_id)

    def indicators(self, session: Session) -> dict[str, dict[str, Any]]:
        """The quality indicators of a session (completion, focus, churn, decisions/hour)."""
        figures = {
            **session.row,
            "duration_minutes": session.duration_seconds / 60,
            "file_edits": self.file_edits(session.id),
        }
        return quality_indicators(figures)

    def projects(self) -> list[Project]:
        with self.store.read() as conn:
            return rec.list_projects(conn, self.org)

    # --------------------------------------------------------------- lifecycle

    def sweep(self, now: datetime | None = None) -> list[int]:
        """End sessions idle longer than the timeout, as `timeout`, at their last activity."""
        now = now or utcnow()
        idle_before = now - timedelta(seconds=self.settings.timeout_seconds)
        with self.store.read() as conn:
            stale = ss.stale_open_sessions(conn, self.org, idle_before)
        ended = []
        for session_id in stale:
            from stint.sessions.lifecycle import finish

            if finish(self, session_id, status="timeout", reason="inactivity", at=None):
                ended.append(session_id)
        return ended

    def start(self, **options: Any) -> Session:
        """Start a session now (or `at`). See `stint.sessions.lifecycle.start` for the options; the
        goal keywords (intention, success_indicators, completion_indicators, constraints,
        procedure_notes, scheduled_at, scheduled_duration_minutes, template, subjects,
        state, previous_session) are `stint.goals.planning.start`'s."""
        from stint.goals.planning import start

        return start(self, options)

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
        from stint.sessions.lifecycle import attach

        return attach(self, agent, agent_session_id, cwd=cwd, model=model, at=at, source=source)

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
    ) -> Session:
        """End a session. One with success or completion indicators gets its goal
        evaluated (deterministically, offline) unless `evaluate` is False; an outcome
        given here wins over the evaluator's."""
        from stint.sessions.lifecycle import finish

        _validate({"outcome": outcome})
        session_id = self.resolve(ref, cwd)
        if notes:
            self.add_note(session_id, notes, record_event=False)
        if outcome:
            self.update(session_id, outcome=outcome)
        if not finish(self, session_id, status=status, reason=reason or "manual", at=at):
            session = self.get(session_id)
            raise Conflict(f"session {session.ref} is already {session.status}")
        ended = self.get(session_id)
        if evaluate and (ended.success_indicators or ended.completion_indicators):
            from stint.goals.outcomes import evaluate as evaluate_goal

            evaluate_goal(self, session_id, llm=False, keep_outcome=outcome is not None)
            ended = self.get(session_id)
        return ended

    def cancel(self, ref: str | int = "current", at: datetime | None = None) -> Session:
        return self.end(ref, at=at, status="cancelled", reason="cancelled")

    def pause(self, ref: str | int = "current", at: datetime | None = None) -> Session:
        from stint.sessions.lifecycle import pause

        return pause(self, self.resolve(ref), at or utcnow())

    def resume(self, ref: str | int = "current", at: datetime | None = None) -> Session:
        from stint.sessions.lifecycle import resume

        return resume(self, self.resolve(ref), at or utcnow())

    # -------------------------------------------------------------- annotating

    def update(self, ref: str | int = "current", **fields: Any) -> Session:
        unknown = set(fields) - _SETTABLE
        if unknown:
            raise StintError(f"cannot set {', '.join(sorted(unknown))}")
        _validate(fields)
        if "outcome" in fields and "successfully_completed" not in fields:
            fields["successfully_completed"] = fields["outcome"] == "achieved"
        session_id = self.resolve(ref)
        with self.store.write() as conn:
            ss.update_session(conn, self.org, session_id, {**fields, "updated_at": utcnow()})
        return self.get(session_id)

    def set_goal(self, ref: str | int, goal: str) -> Session:
        if not goal.strip():
            raise StintError("the goal is empty")
        session = self.update(ref, goal=goal.strip())
        self.record(session.id, EventIn("goal_set", description=f"Goal: {goal.strip()}"))
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

    def add_note(self, ref: str | int, text: str, *, record_event: bool = True, **note: Any) -> int:
        """Append to the session's notes and keep the note as a record of its own."""
        if not text.strip():
            raise StintError("the note is empty")
        session_id = self.resolve(ref)
        now = utcnow()
        S = schema.sessions
        with self.store.write() as conn:
            ss.update_session(
                conn,
                self.org,
                session_id,
                {"notes": case((S.c.notes.is_(None), text), else_=S.c.notes + "\n" + text)},
            )
            note_id = rec.insert_note(conn, self.org, session_id, text, now, **note)
            if record_event:
                ev.append(
                    self.store,
                    conn,
                    self.org,
                    session_id,
                    EventIn("note_added", description=f"Note: {text[:200]}"),
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
                values["open_key"] = ss.open_key(project.id, row["agent"], row["agent_session_id"])
            ss.update_session(conn, self.org, session_id, values)
        return self.get(session_id)

    # --------------------------------------------------------------- recording

    def record(self, ref: str | int, event: EventIn) -> int | None:
        """Append one event; returns its id, or None when its key was seen before."""
        session_id = self.resolve(ref)
        with self.store.write() as conn:
            at = event.occurred_at or utcnow()
            return ev.append(self.store, conn, self.org, session_id, event, at)

    def record_many(self, session_id: int, events: Iterable[EventIn]) -> int:
        """Append events in one transaction; returns how many were new."""
        stored = 0
        with self.store.write() as conn:
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
                    ai_involved=source in ("hook", "mcp", "import"),
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
    ) -> Task:
        if status not in TASK_STATUSES:
            raise StintError(f"task status must be one of {', '.join(TASK_STATUSES)}")
        session_id = self.resolve(ref)
        at = at or utcnow()
        with self.store.write() as conn:
            task = rec.task_by_ref(conn, self.org, session_id, task_ref)
            if task.status != status and rec.move_task(conn, task.id, task.status, status, at):
                event = EventIn(
                    f"task_{status}",
                    description=f"Task {status.replace('_', ' ')}: {task.title}",
                    source=source,
                    task_id=task.id,
                    payload={"from_status": task.status},
                    ai_involved=source in ("hook", "mcp", "import"),
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
                ai_involved=source in ("hook", "mcp", "import"),
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
            file_path=path,
            payload=payload,
            key=key,
        )
        return self.record(ref, event)

    def forget(self, ref: str | int) -> None:
        """Delete a session and everything it owns."""
        session_id = self.resolve(ref)
        with self.store.write() as conn:
            ss.delete_session(conn, self.org, session_id)

    # ------------------------------------------------------------------ capture
    # (automatic capture: hooks, transcript import — thin calls into stint.capture)

    def record_bulk(self, session_id: int, events: Iterable[EventIn]) -> int:
        """`record_many` in fewer statements (a drain, an ingest batch): one transaction,
        one INSERT, one counter UPDATE. Returns how many were new."""
        now = utcnow()
        batch = [(event, event.occurred_at or now) for event in events]
        with self.store.write() as conn:
            return ev.append_many(self.store, conn, self.org, session_id, batch)

    def event_time(self, key: str) -> datetime | None:
        """When the event stored under idempotency `key` happened (None: never stored)."""
        with self.store.read() as conn:
            return ev.time_of(conn, self.org, key)

    def import_transcripts(
        self, agent: str, paths: Sequence[Path] | None = None, progress: Any = None
    ) -> dict[str, Any]:
        """Import an agent's transcripts (`claude-code` or `codex`) from `paths` (files or
        directories; default: the agent's own data directories), incrementally. Returns
        the summary (files, bytes, sessions, events, tokens, cost, warnings)."""
        from stint.capture import claude_code, codex

        importers = {
            "claude-code": claude_code.import_paths,
            "claude_code": claude_code.import_paths,
            "codex": codex.import_paths,
        }
        if agent not in importers:
            raise StintError(f"cannot import {agent!r}: use claude-code or codex")
        return importers[agent](self, paths, progress).to_dict()

    # ---------------------------------------------------------------- analytics
    # (stats, grouping, compare, cohorts, export — thin calls into stint.analytics)

    def stats(
        self,
        period: str = "all",
        *,
        project: str | None = None,
        tag: str | None = None,
        kind: str | None = None,
        tz: str | None = None,
    ) -> dict[str, Any]:
        """The statistics panel for a period (see `stint.analytics.periods` for names)."""
        from stint import analytics

        return analytics.stats(self, period, project=project, tag=tag, kind=kind, tz=tz)

    def stats_by(
        self,
        by: str,
        period: str = "all",
        *,
        project: str | None = None,
        tag: str | None = None,
        kind: str | None = None,
        tz: str | None = None,
    ) -> list[dict[str, Any]]:
        """One dict of figures per group (day, week, weekday, hour, weekday-hour, tag, …)."""
        from stint import analytics

        return analytics.stats_by(self, by, period, project=project, tag=tag, kind=kind, tz=tz)

    def heatmap(
        self,
        period: str = "all",
        *,
        project: str | None = None,
        tag: str | None = None,
        tz: str | None = None,
    ) -> dict[str, Any]:
        """Weekday × hour cells and the plain-words pattern with its sample size."""
        from stint import analytics

        return analytics.heatmap(self, period, project=project, tag=tag, tz=tz)

    def compare(self, a_ref: str | int, b_ref: str | int) -> dict[str, Any]:
        """Two sessions side by side: each figure, B − A, which is better, what differed."""
        from stint import analytics

        return analytics.compare(self, a_ref, b_ref)

    def compare_cohorts(self, specs: list[str], period: str = "all") -> dict[str, Any]:
        """Distributions per cohort ("model=…", "tag=…") and Mann–Whitney tests."""
        from stint import analytics

        return analytics.compare_cohorts(self, specs, period)

    def export(
        self, table: str, fmt: str, since: datetime | None = None, out: IO[str] | None = None
    ) -> int:
        """Stream a table ("all" for every one) as json, jsonl or csv; returns rows written."""
        from stint import analytics

        return analytics.export(self, table, fmt, since, out)

    def import_data(self, stream: IO[str]) -> dict[str, Any]:
        """Load a json/jsonl export, ids preserved; idempotent."""
        from stint import analytics

        return analytics.import_data(self, stream)

    def accomplishments(
        self, limit: int = 5, *, where: ss.SessionFilter | None = None
    ) -> list[dict[str, Any]]:
        """What the last `limit` sessions achieved (goal, outcome, tasks done, files…)."""
        from stint import analytics

        return analytics.accomplishments(self, limit, where)

    # ------------------------------------------------------ goals and library API
    # (kinds, interactions, artifacts, subjects, templates, indicators — stint.goals.indicators)

    def begin(self, **options: Any) -> SessionHandle:
        """Start a session for an app and return its handle (see `stint.goals.handle`). Takes
        `start`'s options plus `capture` ("full", the default, or "metadata")."""
        from stint.goals.handle import SessionHandle, library_options

        options, capture = library_options(options)
        return SessionHandle(self, self.start(**options).id, capture=capture)

    def schedule(self, *, scheduled_at: datetime, **options: Any) -> SessionHandle:
        """Plan a session (status `scheduled`); `handle.start()` starts it."""
        from stint.goals.handle import SessionHandle, library_options

        options, capture = library_options(options)
        options["status"] = "scheduled"
        session = self.start(scheduled_at=scheduled_at, **options)
        return SessionHandle(self, session.id, capture=capture)

    def session(self, **options: Any) -> SessionHandle:
        """`begin` for a `with` block: completed at the end, `failed` on an exception."""
        return self.begin(**options)

    def handle(self, ref: str | int = "current", capture: str = "full") -> SessionHandle:
        """A handle on any existing session."""
        from stint.goals.handle import SessionHandle

        return SessionHandle(self, self.resolve(ref), capture=capture)

    def start_scheduled(self, ref: str | int, at: datetime | None = None) -> Session:
        """Start a scheduled session (scheduled → active)."""
        from stint.goals import planning

        return planning.begin(self, ref, at)

    def add_interaction(
        self,
        ref: str | int,
        type: str,
        content: str | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        """Record an interaction under the configured capture policy (unless `capture=`)."""
        from stint.goals import records as goalops

        fields.setdefault("capture", self.settings.capture_policy)
        return goalops.add_interaction(self, self.resolve(ref), type, content, **fields)

    def add_artifact(
        self,
        ref: str | int,
        type: str,
        content: str | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        from stint.goals import records as goalops

        fields.setdefault("capture", self.settings.capture_policy)
        return goalops.add_artifact(self, self.resolve(ref), type, content, **fields)

    def approve_artifact(self, ref: str | int, artifact_id: int) -> dict[str, Any]:
        from stint.goals import records as goalops

        return goalops.set_artifact(self, self.resolve(ref), artifact_id, approved=True)

    def link_subject(self, ref: str | int, key: str, **fields: Any) -> dict[str, Any]:
        from stint.goals import records as goalops

        return goalops.link_subject(self, self.resolve(ref), key, **fields)

    def memory_used(self, ref: str | int, memory_id: str, source: str = "library") -> bool:
        from stint.goals import records as goalops

        return goalops.memory_used(self, self.resolve(ref), memory_id, source)

    def interactions(self, ref: str | int = "current") -> list[dict[str, Any]]:
        from stint.goals import records as goalops

        return goalops.interactions(self, self.resolve(ref))

    def artifacts(self, ref: str | int = "current") -> list[dict[str, Any]]:
        from stint.goals import records as goalops

        return goalops.artifacts(self, self.resolve(ref))

    def session_notes(self, ref: str | int = "current") -> list[dict[str, Any]]:
        from stint.goals import records as goalops

        return goalops.notes(self, self.resolve(ref))

    def subjects(self, ref: str | int = "current") -> list[dict[str, Any]]:
        from stint.goals import records as goalops

        return goalops.subjects(self, self.resolve(ref))

    def progress(self, ref: str | int = "current") -> dict[str, Any]:
        from stint.goals import outcomes

        return outcomes.progress(self, ref)

    def evaluate(self, ref: str | int = "current", *, llm: bool | None = None) -> dict[str, Any]:
        """Evaluate the goal now and store it (`evaluation`, `outcome`)."""
        from stint.goals import outcomes

        return outcomes.evaluate(self, ref, llm=llm)

    def summarize(self, ref: str | int = "current") -> dict[str, Any]:
        from stint.goals import outcomes

        return outcomes.summary(self, ref)

    def goal_view(self, ref: str | int = "current") -> dict[str, Any] | None:
        """Intention, constraints, schedule, indicator progress, artifacts, subjects and
        evaluation of a session (for `stint show` and the dashboard); None without goal data."""
        from stint.goals import outcomes

        return outcomes.goal_view(self, ref)

    def add_template(self, name: str, **fields: Any) -> dict[str, Any]:
        from stint.goals import planning

        return planning.add_template(self, name, **fields)

    def template(self, name: str) -> dict[str, Any]:
        from stint.goals import planning

        return planning.get_template(self, name)

    def templates(self) -> list[dict[str, Any]]:
        from stint.goals import planning

        return planning.templates(self)

    def plan(self, template: str, **options: Any) -> list[Session]:
        """A chain of scheduled sessions from a template (see `stint.goals.planning.plan`)."""
        from stint.goals import planning

        return planning.plan(self, template, **options)

    # ---------------------------------------------------------------------- MCP
    # (anything the MCP server needs beyond the above)

    def find_agent_session(self, agent: str, agent_session_id: str) -> Session | None:
        """The newest stint session of an agent's session (open or not), or None."""
        with self.store.read() as conn:
            found = ss.find_by_agent_session(conn, self.org, agent, agent_session_id)
            return None if found is None else self._session(conn, int(found["id"]))

    def session_context(self, ref: str | int = "current") -> dict[str, Any]:
        """The "session context for AI" digest: goal, elapsed, tasks, decisions, files,
        recent activity, tags and hints (see `stint.sessions.context`)."""
        from stint.sessions.context import session_context

        return session_context(self, ref)
