"""Drain the spool into the store. `Applier` maps raw hook records onto the goal service and
its session core (the web ingest endpoint uses it too); `drain` feeds it the local spool in
order and deletes what was applied only after the store committed, so a crash replays
records — harmlessly, since every event has a key.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.exc import OperationalError, SQLAlchemyError

from stint.capture import spool
from stint.capture.claude_hooks import (
    BadRecord,
    Mapped,
    parse,
    task_title,
    tool_start_key,
)
from stint.capture.fastpath import DRAIN_MARKER, log
from stint.capture.gemini_hooks import tool_key as occurrence_key
from stint.capture.statusline import CACHE_FILE
from stint.goals.service import Goals
from stint.model.types import Conflict, EventIn

BATCH = 5000
_TASK_ORDER = {"todo": 0, "in_progress": 1, "completed": 2}
_CACHE_LIMIT = 50


@dataclass
class _Known:
    """What the applier knows of an agent session's stint session during one batch."""

    id: int
    open: bool
    ended_at: datetime | None
    model: str | None


class Applier:
    """Applies hook records `(number, received_at, agent, hook_json)` in order."""

    def __init__(self, goals: Goals) -> None:
        self.goals = goals
        self.core = goals.sessions
        self.policy = self.core.settings.capture_policy
        # (stored agent name, agent session id) → its stint session
        self._sessions: dict[tuple[str, str], _Known] = {}
        self._pending: list[tuple[int, EventIn]] = []
        self._tool_starts: dict[str, datetime] = {}
        self._transcripts: dict[tuple[str, str], None] = {}  # (agent, path)
        self._mappers: dict[str, Any] = {}

    def _mapper(self, agent: str) -> Any:
        """The agent's hook mapper, through the plugin manager (Claude Code's without
        scanning the installed plugins; see `agents.hook_mapper`)."""
        mapper = self._mappers.get(agent)
        if mapper is None:
            from stint.capture import agents  # deferred: only when records wait

            mapper = agents.hook_mapper(agent)
            if mapper is None:
                raise BadRecord(f"unknown agent {agent!r}")
            self._mappers[agent] = mapper
        return mapper

    def apply(self, rows: Sequence[tuple[Any, float, str, str]]) -> list[tuple[Any, str]]:
        """Apply the records; returns those that could not be mapped, with the reason."""
        failures: list[tuple[Any, str]] = []
        for row in rows:
            try:
                self._apply_one(row)
            except SQLAlchemyError:
                raise  # the store failed, not the record: keep it for the next drain
            except Exception as exc:  # one bad record must not block the ones after it
                failures.append((row, f"{exc.__class__.__name__}: {exc}"))
        self._flush()
        self._import_transcripts()
        self._write_statusline_cache()
        return failures

    def _apply_one(self, row: tuple[Any, float, str, str]) -> None:
        _, received_at, agent, payload = row
        mapper = self._mapper(agent)
        mapped: Mapped = mapper.map_record(parse(payload), float(received_at), self.policy)
        session_id = self._session_for(agent, mapped)
        sid = mapped.agent_session_id
        if mapped.started_tool:
            self._tool_starts[mapped.started_tool] = mapped.at
        if mapped.needs_duration:
            self._set_duration(mapped, mapped.needs_duration)
        if mapped.tool_base is not None and mapped.build_tool is not None:
            use_id = self._occurrence(mapped, mapped.tool_base)
            mapped.events.extend(mapped.build_tool(use_id))
        self._pending.extend((session_id, event) for event in mapped.events)
        if mapped.prompt is not None:
            self._flush()
            self._interaction(session_id, mapped)
        if mapped.tasks:
            self._flush()
            self._tasks(session_id, mapped)
        if mapped.end_reason:
            self._flush()
            self._end(self._sessions[(agent, sid)], mapped)
        if mapped.transcript_path:
            self._transcripts[(agent, mapped.transcript_path)] = None

    def _session_for(self, agent: str, mapped: Mapped) -> int:
        """The stint session of the record's agent session: found, created, or re-opened
        when the agent resumed it after it ended (a replayed old record does not
        re-open: it is older than the end)."""
        sid = mapped.agent_session_id
        known = self._sessions.get((agent, sid))
        if known is None:
            found = self.core.find_agent_session(agent, sid)
            if found is not None:
                known = _Known(found.id, found.is_open, found.ended_at, found.ai_model)
        resumed = (
            known is not None
            and not known.open
            and mapped.reopens
            and (known.ended_at is None or mapped.at > known.ended_at)
        )
        if known is None or resumed:
            self._flush()
            session = self.core.attach(
                agent=agent,
                agent_session_id=sid,
                cwd=mapped.cwd,
                model=mapped.model,
                at=mapped.at,
                source="hook",
            )
            known = _Known(session.id, True, None, session.ai_model)
        elif mapped.model and mapped.model != known.model:
            self._flush()
            self.core.update(known.id, ai_model=mapped.model)
            known.model = mapped.model
        self._sessions[(agent, sid)] = known
        return known.id

    def _occurrence(self, mapped: Mapped, base: str) -> str:
        """`base:n` for a tool call that has no id (Gemini CLI): the first n not yet
        stored, or the one stored at this record's own time (a replayed record). The
        importer numbers the recording's calls alike, so both land on one key."""
        self._flush()
        sid, n = mapped.agent_session_id, 0
        while True:
            stored = self.core.event_time(occurrence_key(sid, f"{base}:{n}"))
            if stored is None or stored == mapped.at:
                return f"{base}:{n}"
            n += 1

    def _set_duration(self, mapped: Mapped, use_id: str) -> None:
        """PostToolUse without `duration_ms` (older Claude Code): Post time − Pre time."""
        started = self._tool_starts.get(use_id)
        if started is None:
            started = self.core.event_time(tool_start_key(mapped.agent_session_id, use_id))
        if started is not None:
            for event in mapped.events:
                if event.type == "tool_call":
                    event.payload["duration_ms"] = max(
                        0.0, (mapped.at - started).total_seconds() * 1000
                    )

    def _flush(self) -> None:
        """Store the buffered events: one transaction per session."""
        by_session: dict[int, list[EventIn]] = {}
        for session_id, event in self._pending:
            by_session.setdefault(session_id, []).append(event)
        self._pending.clear()
        for session_id, events in by_session.items():
            self.core.record_bulk(session_id, events)

    def _interaction(self, session_id: int, mapped: Mapped) -> None:
        """The prompt as an interaction row; its `message` event already counted it."""
        with contextlib.suppress(Conflict):  # a late prompt of an ended session
            self.goals.add_interaction(
                session_id,
                "prompt",
                mapped.prompt,
                role="user",
                key=mapped.prompt_key,
                at=mapped.at,
                source="hook",
                record_event=False,
            )

    def _tasks(self, session_id: int, mapped: Mapped) -> None:
        """Tasks move forward only (todo → in progress → completed), so replaying an old
        todo list never moves a finished task back."""
        for op in mapped.tasks:
            task = self.core.add_task(
                session_id,
                task_title(op, self.policy),
                status=op.status,
                external_id=op.external_id,
                source="hook",
                at=mapped.at,
            )
            if _TASK_ORDER[op.status] > _TASK_ORDER.get(task.status, 0):
                self.core.set_task_status(
                    session_id, task.id, op.status, source="hook", at=mapped.at
                )

    def _end(self, known: _Known, mapped: Mapped) -> None:
        if not known.open:
            return
        with contextlib.suppress(Conflict):  # another process ended it first
            self.goals.end(known.id, at=mapped.at, reason=mapped.end_reason)
        known.open, known.ended_at = False, mapped.at

    def _import_transcripts(self) -> None:
        """After a turn or the session ended, its transcript brings tokens and cost."""
        if not self._transcripts:
            return
        for agent, path in self._transcripts:
            importer = getattr(self._mapper(agent), "import_transcript", None)
            if importer is None:
                continue
            try:
                importer(self.core, Path(path))
            except Exception as exc:  # a transcript is best effort; the hooks are stored
                log(f"drain: transcript import of {path} failed: {exc.__class__.__name__}: {exc}")

    def _write_statusline_cache(self) -> None:
        if not self._sessions:
            return
        home = str(self.core.settings.home)
        cache_path = os.path.join(home, CACHE_FILE)
        try:
            with open(cache_path, encoding="utf-8") as cached:
                entries = dict(json.load(cached).get("sessions") or {})
        except (OSError, ValueError, AttributeError, TypeError):
            entries = {}
        now = time.time()
        for (_, sid), known in self._sessions.items():
            session = self.core.get(known.id)
            entries[sid] = {
                "number": session.number,
                "started_at": session.started_at.isoformat() if session.started_at else None,
                "active_seconds": round(session.active_seconds, 1),
                # The person's and the agent's time alone (stint.model.channels), as of now.
                **(
                    {
                        "person_seconds": round(session.channels.person, 1),
                        "agent_seconds": round(session.channels.agent, 1),
                    }
                    if session.channels is not None
                    else {}
                ),
                "status": session.status,
                "as_of": now,
                # The status line measures the code change itself (stint.sessions.livegit).
                "repo_root": session.repo_root,
                "start_commit": session.start_commit,
            }
        newest = sorted(entries.items(), key=lambda item: -float(item[1].get("as_of") or 0))
        cache = {
            "pulse_seconds": self.core.settings.pulse_seconds,
            "sessions": dict(newest[:_CACHE_LIMIT]),
        }
        os.makedirs(home, exist_ok=True)
        temporary = f"{cache_path}.{os.getpid()}.tmp"
        with open(temporary, "w", encoding="utf-8") as out:
            json.dump(cache, out)
        os.replace(temporary, cache_path)


def _apply_batch(goals: Goals, rows: list[spool.Row]) -> list[tuple[Any, str]]:
    """Apply a batch; when the store refuses it for something other than being unavailable
    (a value it cannot hold, say), apply the records one by one so the one at fault is
    moved aside instead of blocking every drain after it."""
    try:
        return Applier(goals).apply(rows)
    except OperationalError:
        raise  # locked or unreachable: keep everything for the next drain
    except Exception:
        failures: list[tuple[Any, str]] = []
        for row in rows:
            try:
                failures += Applier(goals).apply([row])
            except OperationalError:
                raise
            except Exception as exc:
                failures.append((row, f"{exc.__class__.__name__}: {exc}"[:2000]))
        return failures


@contextlib.contextmanager
def _drain_lock(home: str) -> Iterator[None]:
    """One drain at a time (a command's and a background one): the second waits."""
    try:
        import fcntl  # POSIX only
    except ImportError:  # Windows: concurrent drains stay correct through the keys
        yield
        return
    with open(os.path.join(home, "drain.lock"), "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def drain(goals: Goals) -> dict[str, int]:
    """Apply every spooled record; returns how many were applied and how many moved to
    the dead table."""
    home = str(goals.sessions.settings.home)
    with contextlib.suppress(OSError):  # records spooled from now on may request a drain
        os.unlink(os.path.join(home, DRAIN_MARKER))
    conn = spool.open_existing(home)
    if conn is None:
        return {"applied": 0, "dead": 0}
    applied = dead = 0
    try:
        with _drain_lock(home):
            while rows := spool.pending(conn, BATCH):
                failures = _apply_batch(goals, rows)
                failed = {row[0] for row, _ in failures}
                for row, error in failures:
                    log(f"drain: spool record {row[0]} moved to dead: {error}")
                    spool.bury(conn, row, error)
                spool.remove(conn, [row[0] for row in rows if row[0] not in failed])
                applied += len(rows) - len(failed)
                dead += len(failed)
    finally:
        conn.close()
    return {"applied": applied, "dead": dead}
