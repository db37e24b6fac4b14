"""Claude Code hook records → what they mean for a stint session. Pure: no store access;
`stint.capture.ingest.Applier` carries the result out.

Every event gets a key from `stint.capture.keys`, so a replayed record is stored once and
a transcript import of the same session merges with what the hooks saw; a tool call's
events come from `stint.capture.tools.tool_events`, the importer's mapping too. Text
follows the capture policy: commands and paths are kept in every policy, prompt and tool
text only under `full`; credentials are redacted in both.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from stint.capture import keys
from stint.capture.redact import redact, storable, text_under_policy
from stint.capture.tools import duration_of, file_of, fit_key, tool_events
from stint.model.types import EventIn
from stint.sessions.recording import mentions_in

AGENT = "claude_code"  # stint's agent name: sessions, keys, spool rows
TOOL_EVENTS = ("PreToolUse", "PostToolUse", "PostToolUseFailure")
# A new prompt or a new start after the session ended means the agent session resumed.
REOPENING_EVENTS = ("SessionStart", "UserPromptSubmit")
TRANSCRIPT_EVENTS = ("Stop", "SessionEnd")
_TODO_STATUS = {"pending": "todo", "in_progress": "in_progress", "completed": "completed"}


class BadRecord(ValueError):
    """A spooled record that is not a usable hook record (moved to the dead table)."""


@dataclass
class TaskOp:
    external_id: str
    title: str
    status: str


@dataclass
class Mapped:
    """One hook record, mapped."""

    agent_session_id: str
    hook_event: str
    at: datetime
    cwd: str | None = None
    model: str | None = None
    events: list[EventIn] = field(default_factory=list)
    prompt: str | None = None
    prompt_key: str | None = None
    tasks: list[TaskOp] = field(default_factory=list)
    end_reason: str | None = None
    transcript_path: str | None = None
    # PreToolUse: remember when it started; PostToolUse without duration_ms: look it up.
    started_tool: str | None = None
    needs_duration: str | None = None
    agent: str = AGENT
    # Set by agents whose events that re-open a session have other names (Gemini CLI).
    reopening: bool | None = None
    # A tool call without an id (Gemini CLI): what identifies it bar its occurrence, and
    # its events built once the applier knows which occurrence it is.
    tool_base: str | None = None
    build_tool: Callable[[str], list[EventIn]] | None = None

    @property
    def reopens(self) -> bool:
        if self.reopening is not None:
            return self.reopening
        return self.hook_event in REOPENING_EVENTS


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def parse(payload: str) -> dict[str, Any]:
    try:
        data = json.loads(payload)
    except (ValueError, RecursionError) as exc:
        raise BadRecord(f"not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise BadRecord("not a JSON object")
    if "\\ud" in payload.lower():
        return dict(storable(data))
    return data


def map_record(hook: dict[str, Any], received_at: float, policy: str) -> Mapped:
    """What one hook record means. `received_at` (Unix time) dates it and tells apart two
    records of the same kind (two Stops in one session)."""
    session = _text(hook.get("session_id"))
    if session is None:
        raise BadRecord("no session_id")
    name = _text(hook.get("hook_event_name")) or "unknown"
    try:
        at = datetime.fromtimestamp(received_at, UTC)
    except (OverflowError, OSError, ValueError):
        raise BadRecord(f"bad time {received_at!r}") from None
    mapped = Mapped(session, name, at, cwd=_text(hook.get("cwd")))
    stamp = f"{received_at:.6f}"
    if name in TRANSCRIPT_EVENTS:
        mapped.transcript_path = _text(hook.get("transcript_path"))
    if name in TOOL_EVENTS:
        _tool(mapped, hook, policy)
    elif name == "UserPromptSubmit":
        _prompt(mapped, hook, policy)
    elif name == "SessionStart":
        source = _text(hook.get("source")) or "startup"
        mapped.model = _text(hook.get("model"))
        payload = {"source": source, "model": mapped.model, "agent_type": hook.get("agent_type")}
        mapped.events.append(
            _event(mapped, "agent_session_start", stamp, f"Claude Code session {source}", payload)
        )
    elif name == "SessionEnd":
        mapped.end_reason = (_text(hook.get("reason")) or "other")[:50]
    elif name in ("SubagentStart", "SubagentStop"):
        _subagent(mapped, hook, stamp)
    elif name in ("TaskCreated", "TaskCompleted"):
        _task_hook(mapped, hook)
    else:
        mapped.events.append(_other(mapped, hook, stamp, policy))
    return mapped


def _event(
    mapped: Mapped, kind: str, discriminator: str, description: str, payload: dict[str, Any]
) -> EventIn:
    key = keys.event_key(AGENT, mapped.agent_session_id, mapped.hook_event, discriminator)
    return EventIn(
        kind,
        occurred_at=mapped.at,
        description=description,
        source="hook",
        ai_involved=True,
        payload={k: v for k, v in payload.items() if v is not None},
        key=fit_key(key),
    )


def _other(mapped: Mapped, hook: dict[str, Any], stamp: str, policy: str) -> EventIn:
    name = mapped.hook_event
    if name == "Stop":
        return _event(mapped, "agent_stopped", stamp, "Claude finished responding", {})
    if name == "StopFailure":
        error = _text(hook.get("error")) or "unknown"
        return _event(mapped, "agent_error", stamp, f"Turn failed: {error}", {"error": error})
    if name in ("PreCompact", "PostCompact"):
        trigger = _text(hook.get("trigger")) or "auto"
        kind = "compaction_started" if name == "PreCompact" else "context_compacted"
        return _event(mapped, kind, stamp, f"Context compaction ({trigger})", {"trigger": trigger})
    if name == "Notification":
        what = _text(hook.get("notification_type"))
        message = text_under_policy(_text(hook.get("message")), policy)
        payload = {"notification_type": what, "message": message}
        return _event(mapped, "notification", stamp, f"Notification: {what or 'message'}", payload)
    return _event(mapped, "hook_event", stamp, f"Claude Code {name}", {"event": name})


def _prompt(mapped: Mapped, hook: dict[str, Any], policy: str) -> None:
    prompt = hook.get("prompt")
    if not isinstance(prompt, str):
        raise BadRecord("UserPromptSubmit without a prompt")
    sid = mapped.agent_session_id
    key = fit_key(keys.prompt_key(AGENT, sid, prompt))
    kept = text_under_policy(prompt, policy)
    description = f"Prompt: {kept[:200]}" if kept else f"Prompt ({len(prompt)} characters)"
    payload: dict[str, Any] = {"role": "user", "chars": len(prompt)}
    if _text(hook.get("prompt_id")):
        payload["prompt_id"] = hook["prompt_id"]
    mapped.events.append(
        EventIn("message", mapped.at, description, "hook", False, payload=payload, key=key)
    )
    mapped.prompt, mapped.prompt_key = redact(prompt), key
    for path in mentions_in(prompt):
        mapped.events.append(
            EventIn(
                "file_mentioned",
                mapped.at,
                f"Mentioned {path}",
                "hook",
                file_path=redact(path),
                key=fit_key(keys.mention_key(key, path)),
            )
        )


def _tool(mapped: Mapped, hook: dict[str, Any], policy: str) -> None:
    tool = _text(hook.get("tool_name"))
    use_id = _text(hook.get("tool_use_id"))
    if tool is None or use_id is None:
        raise BadRecord(f"{mapped.hook_event} without tool_name or tool_use_id")
    sid = mapped.agent_session_id
    raw_input = hook.get("tool_input")
    tool_input: dict[str, Any] = raw_input if isinstance(raw_input, dict) else {}
    if mapped.hook_event == "PreToolUse":
        path = file_of(tool_input, mapped.cwd)
        label = f"{tool} {path}" if path else tool
        mapped.started_tool = use_id
        key = tool_start_key(sid, use_id)
        mapped.events.append(
            EventIn("tool_started", mapped.at, f"Started {label}", "hook", True, key=key)
        )
        return
    success = mapped.hook_event == "PostToolUse"
    duration = duration_of(hook.get("duration_ms"))
    if duration is None:
        mapped.needs_duration = use_id
    mapped.events.extend(
        tool_events(
            AGENT,
            sid,
            use_id,
            tool,
            tool_input,
            mapped.at,
            success,
            duration,
            policy,
            response=hook.get("tool_response"),
            cwd=mapped.cwd,
            source="hook",
            agent_id=_text(hook.get("agent_id")),
            error=_text(hook.get("error")),
            interrupted=None if success else bool(hook.get("is_interrupt")),
        )
    )
    if tool == "TodoWrite" and success:
        _todos(mapped, tool_input)


def tool_start_key(agent_session_id: str, tool_use_id: str) -> str:
    """The key of a tool call's `tool_started` event (its time gives a duration later)."""
    return fit_key(keys.tool_key(AGENT, agent_session_id, tool_use_id, "pre"))


def _todos(mapped: Mapped, tool_input: dict[str, Any]) -> None:
    """A TodoWrite call's list: one task per todo, by its id or a digest of its text."""
    for todo in tool_input.get("todos") or []:
        if isinstance(todo, dict) and _text(todo.get("content")):
            content = todo["content"]
            ident = _text(todo.get("id")) or _digest(content)
            status = _TODO_STATUS.get(str(todo.get("status")), "todo")
            mapped.tasks.append(TaskOp(f"todo:{ident}", content, status))


def _subagent(mapped: Mapped, hook: dict[str, Any], stamp: str) -> None:
    agent_id = _text(hook.get("agent_id")) or stamp
    agent_type = _text(hook.get("agent_type")) or "subagent"
    started = mapped.hook_event == "SubagentStart"
    kind = "subagent_started" if started else "subagent_stopped"
    verb = "started" if started else "finished"
    payload = {"agent_id": agent_id, "agent_type": agent_type}
    mapped.events.append(_event(mapped, kind, agent_id, f"Subagent {agent_type} {verb}", payload))


def _task_hook(mapped: Mapped, hook: dict[str, Any]) -> None:
    task_id = _text(hook.get("task_id")) or _text(hook.get("task_subject"))
    if task_id is None:
        raise BadRecord(f"{mapped.hook_event} without task_id")
    subject = _text(hook.get("task_subject")) or f"Task {task_id}"
    status = "completed" if mapped.hook_event == "TaskCompleted" else "todo"
    mapped.tasks.append(TaskOp(f"task:{task_id}", subject, status))


def task_title(op: TaskOp, policy: str) -> str:
    """Task titles are tool text: kept (redacted) under `full`, a neutral label otherwise."""
    kept = text_under_policy(op.title, policy)
    return kept[:500] if kept else f"Task {op.external_id.split(':', 1)[1][:12]}"
