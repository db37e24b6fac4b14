"""One tool call → the events it yields: the single mapping shared by the hook ingest
(`claude_hooks`) and the transcript importers (`claude_code`), so the same Claude Code
tool call produces the same events with the same keys from either source and the store
keeps one copy.

Paths are relative to the session's directory and redacted, commands redacted, tool input
text kept only under the `full` policy, and edit lines come from Claude Code's
`structuredPatch` when the result carries one, else from the edit's own old and new text
(not from git), the way `git diff --numstat` counts them.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
from datetime import datetime
from typing import Any

from stint.capture.keys import tool_key
from stint.capture.redact import redact, redact_value, text_under_policy
from stint.model.types import EventIn

EDIT_TOOLS = frozenset({"Edit", "Write", "MultiEdit", "NotebookEdit"})
READ_TOOLS = frozenset({"Read"})
SHELL_TOOLS = frozenset({"Bash", "PowerShell"})
MAX_TEXT = 2000
MAX_KEY = 300  # the activities.idem_key column


def fit_key(key: str) -> str:
    """Keys longer than the column keep their start and a digest of the whole (the same
    rule as the hook ingest, so long keys still match)."""
    if len(key) <= MAX_KEY:
        return key
    return key[:250] + ":" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _lines(text: Any) -> list[str]:
    return text.splitlines() if isinstance(text, str) else []


def diff_counts(old: Any, new: Any) -> tuple[int, int]:
    """(added, removed) lines between two texts; unchanged lines count for neither."""
    before, after = _lines(old), _lines(new)
    added = removed = 0
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            removed += i2 - i1
            added += j2 - j1
    return added, removed


def patch_counts(patch: Any) -> tuple[int, int] | None:
    """(added, removed) from a `structuredPatch` (hunks of "+", "-", " " lines); None
    when there is none."""
    if not isinstance(patch, list) or not patch:
        return None
    added = removed = 0
    for hunk in patch:
        lines = hunk.get("lines") if isinstance(hunk, dict) else None
        if not isinstance(lines, list):
            return None
        for line in lines:
            if isinstance(line, str) and line.startswith("+"):
                added += 1
            elif isinstance(line, str) and line.startswith("-"):
                removed += 1
    return added, removed


def edit_counts(name: str, tool_input: dict[str, Any], response: Any = None) -> tuple[int, int]:
    """(added, removed) lines of one Edit / MultiEdit / Write / NotebookEdit call. A Write
    without a patch counts its whole content as added: the replaced file is unknown."""
    if isinstance(response, dict):
        from_patch = patch_counts(response.get("structuredPatch"))
        if from_patch is not None:
            return from_patch
    if name == "Edit":
        return diff_counts(tool_input.get("old_string"), tool_input.get("new_string"))
    if name == "MultiEdit":
        added = removed = 0
        for edit in tool_input.get("edits") or []:
            if isinstance(edit, dict):
                a, r = diff_counts(edit.get("old_string"), edit.get("new_string"))
                added, removed = added + a, removed + r
        return added, removed
    if name == "Write":
        return len(_lines(tool_input.get("content"))), 0
    if name == "NotebookEdit":
        if tool_input.get("edit_mode") == "delete":
            return 0, 0
        return len(_lines(tool_input.get("new_source"))), 0
    return 0, 0


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def file_of(tool_input: dict[str, Any], cwd: str | None) -> str | None:
    """The file a tool works on, relative to the session's directory when inside it."""
    path = _text(tool_input.get("file_path")) or _text(tool_input.get("notebook_path"))
    if path is None:
        return None
    if cwd and os.path.isabs(path):
        root = cwd.rstrip("/\\")
        if path.startswith(root + os.sep) or path.startswith(root + "/"):
            path = path[len(root) + 1 :]
    return redact(path)[:1000]


def duration_of(value: Any) -> float | None:
    """A reported duration in milliseconds, None when it is missing or not a duration."""
    if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
        return float(value)
    return None


def tool_events(
    agent: str,
    agent_session_id: str,
    tool_use_id: str,
    name: str,
    tool_input: dict[str, Any],
    at: datetime | None,
    success: bool | None,
    duration_ms: float | None,
    policy: str,
    *,
    response: Any = None,
    cwd: str | None = None,
    source: str = "hook",
    agent_id: str | None = None,
    error: str | None = None,
    interrupted: bool | None = None,
    kind: str | None = None,
) -> list[EventIn]:
    """The events of one finished tool call (success None: its result never came): a
    `tool_call`; a `command_executed` for Bash / PowerShell; a `file_modified` for a
    successful edit (lines from `response`'s patch or the input); a `file_mentioned` for
    a successful Read. `agent_id` marks a subagent's call; a failed call keeps whether it
    was `interrupted` and its `error` (tool text: only under the `full` policy). `kind`
    is the Claude Code tool another agent's tool works like (Gemini CLI's
    `run_shell_command` is a `Bash`), `name` stays the agent's own."""
    kind = kind or name

    def key(what: str) -> str:
        return fit_key(tool_key(agent, agent_session_id, tool_use_id, what))

    path = file_of(tool_input, cwd)
    payload: dict[str, Any] = {
        "tool": name,
        "success": success,
        "duration_ms": duration_of(duration_ms),
    }
    if success is False:
        payload["interrupted"] = interrupted
        payload["error"] = text_under_policy(error, policy)
    payload["agent_id"] = agent_id or None
    if policy == "full":
        # Redacted again as JSON text: `"api_key": "…"` is only recognisable with its key;
        # cut after redacting, so a credential at the cut is still recognised.
        text = json.dumps(redact_value(tool_input), ensure_ascii=False)
        payload["input"] = redact(text)[:MAX_TEXT]
    label = f"{name} {path}" if path else name
    events = [
        EventIn(
            "tool_call",
            occurred_at=at,
            description=f"{'Failed' if success is False else 'Used'} {label}",
            source=source,
            ai_involved=True,
            file_path=path,
            payload={k: v for k, v in payload.items() if v is not None},
            key=key("tool"),
        )
    ]
    command = _text(tool_input.get("command"))
    if kind in SHELL_TOOLS and command:
        command = redact(command)
        events.append(
            EventIn(
                "command_executed",
                occurred_at=at,
                description=f"Ran: {command[:200]}",
                source=source,
                ai_involved=True,
                payload={"command": command[:MAX_TEXT], "success": success},
                key=key("command"),
            )
        )
    elif kind in EDIT_TOOLS and path and success:
        added, removed = edit_counts(kind, tool_input, response)
        events.append(
            EventIn(
                "file_modified",
                occurred_at=at,
                description=f"Modified {path}",
                source=source,
                ai_involved=True,
                file_path=path,
                payload={"added": added, "removed": removed, "tool": name},
                key=key("file"),
            )
        )
    elif kind in READ_TOOLS and path and success:
        events.append(
            EventIn(
                "file_mentioned",
                occurred_at=at,
                description=f"Read {path}",
                source=source,
                ai_involved=True,
                file_path=path,
                key=key("file"),
            )
        )
    return events
