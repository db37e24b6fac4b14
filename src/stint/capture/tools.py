"""One tool call → the events it yields. Shared by the hook ingest and the transcript
importers, so the same Claude Code tool call produces the same events with the same
keys from either source and the store keeps one copy.

Edit lines come from the edit itself (old and new text), not from git.
"""

from __future__ import annotations

import difflib
from datetime import datetime
from typing import Any

from stint.capture.keys import tool_key
from stint.capture.redact import redact, text_under_policy
from stint.models import EventIn

EDIT_TOOLS = frozenset({"Edit", "Write", "MultiEdit", "NotebookEdit"})
READ_TOOLS = frozenset({"Read"})
SHELL_TOOLS = frozenset({"Bash"})


def _lines(text: Any) -> list[str]:
    return text.splitlines() if isinstance(text, str) else []


def diff_counts(old: Any, new: Any) -> tuple[int, int]:
    """(added, removed) lines between two texts; unchanged lines count for neither."""
    before, after = _lines(old), _lines(new)
    if not before or not after:
        return len(after), len(before)
    added = removed = 0
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            removed += i2 - i1
            added += j2 - j1
    return added, removed


def edit_counts(name: str, tool_input: dict[str, Any]) -> tuple[int, int]:
    """(added, removed) lines of one Edit / MultiEdit / Write / NotebookEdit call. A Write
    counts its whole content as added: the replaced file is not in the input."""
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


def file_of(tool_input: dict[str, Any]) -> str | None:
    for field in ("file_path", "notebook_path", "path"):
        value = tool_input.get(field)
        if isinstance(value, str) and value:
            return value
    return None


def tool_events(
    agent: str,
    agent_session_id: str,
    tool_use_id: str,
    name: str,
    tool_input: dict[str, Any],
    at: datetime | None,
    success: bool | None,
    duration_ms: int | None,
    policy: str,
    *,
    source: str = "hook",
    subagent: str | None = None,
) -> list[EventIn]:
    """The events of one finished (or unanswered: success None) tool call: always a
    `tool_call`; a `command_executed` for Bash; a `file_modified` for a successful edit;
    a `file_mentioned` for Read. Commands are kept (redacted) in every policy; tool input
    text only under `full`."""

    def key(what: str) -> str:
        return tool_key(agent, agent_session_id, tool_use_id, what)

    path = file_of(tool_input)
    payload: dict[str, Any] = {"tool": name, "success": success, "tool_use_id": tool_use_id}
    if duration_ms is not None:
        payload["duration_ms"] = duration_ms
    if subagent:
        payload["subagent"] = subagent
    text = text_under_policy(_input_text(tool_input), policy)
    if text is not None:
        payload["input"] = text[:4000]
    description = f"{name} {path}" if path else name
    events = [
        EventIn(
            "tool_call",
            occurred_at=at,
            description=description,
            source=source,
            ai_involved=True,
            file_path=path,
            payload=payload,
            key=key("tool"),
        )
    ]
    if name in SHELL_TOOLS and isinstance(tool_input.get("command"), str):
        command = redact(tool_input["command"])
        events.append(
            EventIn(
                "command_executed",
                occurred_at=at,
                description=f"Ran: {command[:200]}",
                source=source,
                ai_involved=True,
                payload={"command": command, "success": success},
                key=key("command"),
            )
        )
    elif name in EDIT_TOOLS and path and success is not False:
        added, removed = edit_counts(name, tool_input)
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
    elif name in READ_TOOLS and path:
        events.append(
            EventIn(
                "file_mentioned",
                occurred_at=at,
                description=f"Read {path}",
                source=source,
                ai_involved=True,
                file_path=path,
                payload={"tool": name},
                key=key("file"),
            )
        )
    return events


def _input_text(tool_input: dict[str, Any]) -> str | None:
    """The human-meaningful text of a tool input (kept only under the `full` policy)."""
    for field in ("prompt", "description", "pattern", "query", "url"):
        value = tool_input.get(field)
        if isinstance(value, str) and value:
            return value
    return None
