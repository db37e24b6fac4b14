"""Claude Code hook records → what they mean for a stint session. Pure: no store access;
`stint.capture.ingest.Applier` carries the result out.

Every event gets a key from `stint.capture.keys`, so a replayed record is stored once and
a transcript import of the same session merges with what the hooks saw. Text follows the
capture policy: commands and paths are kept in every policy, prompt and tool text only
under `full`; credentials are redacted in both.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from stint.capture import keys
from stint.capture.edits import edit_counts
from stint.capture.redact import redact, redact_value, text_under_policy
from stint.models import EventIn
from stint.tracker import mentions_in

AGENT = "claude_code"  # stint's agent name: sessions, keys, spool rows
EDIT_TOOLS = ("Edit", "MultiEdit", "Write", "NotebookEdit")
TOOL_EVENTS = ("PreToolUse", "PostToolUse", "PostToolUseFailure")
# A new prompt or a new start after the session ended means the agent session resumed.
REOPENING_EVENTS = ("SessionStart", "UserPromptSubmit")
TRANSCRIPT_EVENTS = ("Stop", "SessionEnd")
_TODO_STATUS = {"pending": "todo", "in_progress": "in_progress", "completed": "completed"}
_MAX_TEXT = 2000


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

    @property
    def reopens(self) -> bool:
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
        # An escaped lone surrogate decodes to a string no database can store.
        text = json.dumps(data, ensure_ascii=False).encode("utf-8", "replace").decode()
        return dict(json.loads(text))
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
        key=_fit(key),
    )


def _fit(key: str) -> str:
    """Keys are stored in a 300-character column; long ones keep a digest of the rest."""
    return key if len(key) <= 300 else key[:250] + ":" + _digest(key)


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
    key = _fit(keys.prompt_key(AGENT, sid, prompt))
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
                key=_fit(f"{key}:mention:{_digest(path)}"),
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
    path = _path(tool_input, mapped.cwd)
    label = f"{tool} {path}" if path else tool
    if mapped.hook_event == "PreToolUse":
        mapped.started_tool = use_id
        key = tool_start_key(sid, use_id)
        mapped.events.append(
            EventIn("tool_started", mapped.at, f"Started {label}", "hook", True, key=key)
        )
        return
    success = mapped.hook_event == "PostToolUse"
    duration = hook.get("duration_ms")
    payload: dict[str, Any] = {"tool": tool, "success": success}
    if isinstance(duration, int | float) and not isinstance(duration, bool) and duration >= 0:
        payload["duration_ms"] = float(duration)
    else:
        mapped.needs_duration = use_id
    if not success:
        payload["interrupted"] = bool(hook.get("is_interrupt"))
        payload["error"] = text_under_policy(_text(hook.get("error")), policy)
    if _text(hook.get("agent_id")):
        payload["agent_id"] = hook["agent_id"]
    if policy == "full":
        # Redacted again as JSON text: `"api_key": "…"` is only recognisable with its key.
        text = json.dumps(redact_value(tool_input), ensure_ascii=False)
        payload["input"] = redact(text)[:_MAX_TEXT]
    verb = "Used" if success else "Failed"
    mapped.events.append(
        EventIn(
            "tool_call",
            mapped.at,
            f"{verb} {label}",
            "hook",
            True,
            file_path=path,
            payload={k: v for k, v in payload.items() if v is not None},
            key=_fit(keys.tool_key(AGENT, sid, use_id, "tool")),
        )
    )
    _tool_effects(mapped, tool, use_id, tool_input, hook.get("tool_response"), path, success)


def tool_start_key(agent_session_id: str, tool_use_id: str) -> str:
    """The key of a tool call's `tool_started` event (its time gives a duration later)."""
    return _fit(keys.tool_key(AGENT, agent_session_id, tool_use_id, "pre"))


def _tool_effects(
    mapped: Mapped,
    tool: str,
    use_id: str,
    tool_input: dict[str, Any],
    response: Any,
    path: str | None,
    success: bool,
) -> None:
    """What a tool call did besides being one: a command, an edit, a read, todos."""
    sid = mapped.agent_session_id
    if tool in ("Bash", "PowerShell") and _text(tool_input.get("command")):
        command = redact(tool_input["command"])
        mapped.events.append(
            EventIn(
                "command_executed",
                mapped.at,
                f"Ran: {command[:200]}",
                "hook",
                True,
                payload={"command": command[:_MAX_TEXT], "success": success},
                key=_fit(keys.tool_key(AGENT, sid, use_id, "command")),
            )
        )
    elif tool in EDIT_TOOLS and path and success:
        added, removed = edit_counts(tool, tool_input, response)
        mapped.events.append(
            EventIn(
                "file_modified",
                mapped.at,
                f"Modified {path}",
                "hook",
                True,
                file_path=path,
                payload={"added": added, "removed": removed, "tool": tool},
                key=_fit(keys.tool_key(AGENT, sid, use_id, "file")),
            )
        )
    elif tool == "Read" and path and success:
        mapped.events.append(
            EventIn(
                "file_mentioned",
                mapped.at,
                f"Read {path}",
                "hook",
                True,
                file_path=path,
                key=_fit(keys.tool_key(AGENT, sid, use_id, "file")),
            )
        )
    elif tool == "TodoWrite" and success:
        for todo in tool_input.get("todos") or []:
            if isinstance(todo, dict) and _text(todo.get("content")):
                content = todo["content"]
                ident = _text(todo.get("id")) or _digest(content)
                status = _TODO_STATUS.get(str(todo.get("status")), "todo")
                mapped.tasks.append(TaskOp(f"todo:{ident}", content, status))


def _path(tool_input: dict[str, Any], cwd: str | None) -> str | None:
    """The file a tool works on, relative to the session's directory when inside it."""
    path = _text(tool_input.get("file_path")) or _text(tool_input.get("notebook_path"))
    if path is None:
        return None
    if cwd and os.path.isabs(path):
        root = cwd.rstrip("/\\")
        if path.startswith(root + os.sep) or path.startswith(root + "/"):
            path = path[len(root) + 1 :]
    return redact(path)[:1000]


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
