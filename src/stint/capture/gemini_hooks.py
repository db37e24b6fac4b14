"""Gemini CLI hook records → what they mean for a stint session. Pure, like
`stint.capture.claude_hooks` (whose `Mapped` it fills, so the same `Applier` carries it
out), and the tool mapping the chat-recording importer (`stint.capture.gemini`) shares.

Gemini CLI's hook input has no tool-call id (`BeforeTool`/`AfterTool` carry only
`tool_name` and `tool_input`), so a tool call is keyed by a digest of its name and
arguments plus its occurrence in the session: the n-th call of `read_file` with these
arguments. The importer counts the recording's calls the same way, so a call seen by a
hook and by an import is stored once. The applier finds the occurrence (`Mapped.tool_base`,
`Mapped.build_tool`). Prompts are keyed by their text, as for Claude Code.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from stint.capture import keys
from stint.capture.claude_hooks import BadRecord, Mapped
from stint.capture.redact import redact, text_under_policy
from stint.capture.tools import fit_key, tool_events
from stint.model.types import EventIn
from stint.sessions.recording import mentions_in

AGENT = "gemini_cli"  # stint's agent name: sessions, keys, spool rows
REOPENING_EVENTS = ("SessionStart", "BeforeAgent")
TRANSCRIPT_EVENTS = ("AfterAgent", "SessionEnd")
# Fired per model request or per streamed chunk, synchronously: not installed (they would
# slow every request) and, if someone routes them here anyway, recorded as nothing.
IGNORED_EVENTS = ("BeforeModel", "AfterModel", "BeforeToolSelection")
# Gemini CLI's built-in tools → the Claude Code tool each works like, and how its
# arguments name what `stint.capture.tools.tool_events` reads.
_KINDS = {
    "run_shell_command": "Bash",
    "write_file": "Write",
    "replace": "Edit",
    "edit": "Edit",
    "read_file": "Read",
}


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def tool_kind(name: str, args: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """(the Claude Code tool `name` works like, its arguments under the names that tool
    uses): `absolute_path` (older Gemini CLI) is read as `file_path`."""
    kind = _KINDS.get(name, name)
    if kind in ("Read", "Write", "Edit") and "file_path" not in args:
        path = _text(args.get("absolute_path")) or _text(args.get("path"))
        if path:
            args = {**args, "file_path": path}
    return kind, args


def tool_base(name: str, args: Any) -> str:
    """What identifies a tool call without an id: its name and a digest of its arguments
    (canonical JSON), to which the occurrence number is added."""
    canonical = json.dumps(args, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digest = hashlib.sha256(f"{name}\0{canonical}".encode("utf-8", "surrogatepass"))
    return f"{name}:{digest.hexdigest()[:16]}"


def tool_key(agent_session_id: str, use_id: str, what: str = "tool") -> str:
    return fit_key(keys.tool_key(AGENT, agent_session_id, use_id, what))


def gemini_tool_events(
    sid: str,
    use_id: str,
    name: str,
    args: dict[str, Any],
    at: datetime,
    success: bool | None,
    policy: str,
    *,
    cwd: str | None,
    source: str,
    error: str | None = None,
    duration_ms: float | None = None,
) -> list[EventIn]:
    kind, tool_input = tool_kind(name, args)
    return tool_events(
        AGENT,
        sid,
        use_id,
        name,
        tool_input,
        at,
        success,
        duration_ms,
        policy,
        cwd=cwd,
        source=source,
        error=error,
        kind=kind,
    )


def prompt_events(
    sid: str, prompt: str, at: datetime, source: str, policy: str
) -> tuple[str, list[EventIn]]:
    """A prompt's key and its events (the `message` and one `file_mentioned` per
    `@path`), the same from a hook and from the recording."""
    key = fit_key(keys.prompt_key(AGENT, sid, prompt))
    kept = text_under_policy(prompt, policy)
    description = f"Prompt: {kept[:200]}" if kept else f"Prompt ({len(prompt)} characters)"
    payload: dict[str, Any] = {"role": "user", "chars": len(prompt)}
    events = [EventIn("message", at, description, source, False, payload=payload, key=key)]
    for path in mentions_in(prompt):
        events.append(
            EventIn(
                "file_mentioned",
                at,
                f"Mentioned {path}",
                source,
                file_path=redact(path),
                key=fit_key(keys.mention_key(key, path)),
            )
        )
    return key, events


def map_record(hook: dict[str, Any], received_at: float, policy: str) -> Mapped:
    session = _text(hook.get("session_id"))
    if session is None:
        raise BadRecord("no session_id")
    name = _text(hook.get("hook_event_name")) or "unknown"
    try:
        at = datetime.fromtimestamp(received_at, UTC)
    except (OverflowError, OSError, ValueError):
        raise BadRecord(f"bad time {received_at!r}") from None
    mapped = Mapped(session, name, at, cwd=_text(hook.get("cwd")), agent=AGENT)
    mapped.reopening = name in REOPENING_EVENTS
    stamp = f"{received_at:.6f}"
    if name in TRANSCRIPT_EVENTS:
        mapped.transcript_path = _text(hook.get("transcript_path"))
    if name in ("BeforeTool", "AfterTool"):
        _tool(mapped, hook, policy)
    elif name == "BeforeAgent":
        prompt = hook.get("prompt")
        if not isinstance(prompt, str):
            raise BadRecord("BeforeAgent without a prompt")
        mapped.prompt_key, events = prompt_events(session, prompt, at, "hook", policy)
        mapped.prompt = redact(prompt)
        mapped.events.extend(events)
    elif name == "SessionStart":
        source = _text(hook.get("source")) or "startup"
        _event(mapped, "agent_session_start", stamp, f"Gemini CLI session {source}", source=source)
    elif name == "SessionEnd":
        mapped.end_reason = (_text(hook.get("reason")) or "other")[:50]
    elif name == "AfterAgent":
        _event(mapped, "agent_stopped", stamp, "Gemini finished responding")
    elif name == "PreCompress":
        trigger = _text(hook.get("trigger")) or "auto"
        description = f"Context compression ({trigger})"
        _event(mapped, "compaction_started", stamp, description, trigger=trigger)
    elif name == "Notification":
        what = _text(hook.get("notification_type"))
        message = text_under_policy(_text(hook.get("message")), policy)
        description = f"Notification: {what or 'message'}"
        _event(mapped, "notification", stamp, description, notification_type=what, message=message)
    elif name not in IGNORED_EVENTS:
        _event(mapped, "hook_event", stamp, f"Gemini CLI {name}", event=name)
    return mapped


def _event(mapped: Mapped, kind: str, discriminator: str, description: str, **payload: Any) -> None:
    key = keys.event_key(AGENT, mapped.agent_session_id, mapped.hook_event, discriminator)
    mapped.events.append(
        EventIn(
            kind,
            occurred_at=mapped.at,
            description=description,
            source="hook",
            ai_involved=True,
            payload={k: v for k, v in payload.items() if v is not None},
            key=fit_key(key),
        )
    )


def _tool(mapped: Mapped, hook: dict[str, Any], policy: str) -> None:
    name = _text(hook.get("tool_name"))
    if name is None:
        raise BadRecord(f"{mapped.hook_event} without tool_name")
    raw = hook.get("tool_input")
    args: dict[str, Any] = raw if isinstance(raw, dict) else {}
    sid = mapped.agent_session_id
    base = tool_base(name, args)
    if mapped.hook_event == "BeforeTool":
        stamp = f"{base}:{mapped.at.timestamp():.6f}"
        key = fit_key(keys.event_key(AGENT, sid, "pre", stamp))
        started = EventIn("tool_started", mapped.at, f"Started {name}", "hook", True, key=key)
        mapped.events.append(started)
        return
    response = hook.get("tool_response")
    error = response.get("error") if isinstance(response, dict) else None
    failure = _text(error) or (_text(error.get("message")) if isinstance(error, dict) else None)
    success = not error
    mapped.tool_base = base

    def build(use_id: str) -> list[EventIn]:
        return gemini_tool_events(
            sid,
            use_id,
            name,
            args,
            mapped.at,
            success,
            policy,
            cwd=mapped.cwd,
            source="hook",
            error=failure,
        )

    mapped.build_tool = build
