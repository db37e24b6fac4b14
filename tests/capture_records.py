"""Realistic Claude Code hook records (shapes from the reference, values invented) and
helpers to push them through the real `stint hook claude-code` process."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Any

from conftest import run_stint

SID = "7f0c2d9e-1111-4c2a-9d55-0b6a1d2e3f40"
TOKEN = "sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123"


def _base(cwd: Path, event: str, **fields: Any) -> dict[str, Any]:
    return {
        "session_id": SID,
        "transcript_path": f"/nonexistent/.claude/projects/x/{SID}.jsonl",
        "cwd": str(cwd),
        "permission_mode": "acceptEdits",
        "hook_event_name": event,
        **fields,
    }


def _tool(
    cwd: Path, event: str, tool: str, use_id: str, tool_input: dict[str, Any], **more: Any
) -> dict[str, Any]:
    return _base(cwd, event, tool_name=tool, tool_use_id=use_id, tool_input=tool_input, **more)


def first_part(cwd: Path) -> list[dict[str, Any]]:
    """A session from start to end: every event type, every edit tool, a failure, todos,
    tasks, a subagent, compaction."""
    readme = str(cwd / "README.md")
    notes = str(cwd / "notes.md")
    edit = {"file_path": readme, "old_string": "hello\nworld", "new_string": "hello\nthere\nplanet"}
    bash = {"command": f"curl -H 'Authorization: Bearer {TOKEN}' https://x.test && make test"}
    todos = [
        {"content": "Write tests", "status": "completed", "activeForm": "Writing tests"},
        {"content": "Ship it", "status": "in_progress", "activeForm": "Shipping"},
        {"content": "Docs", "status": "pending", "activeForm": "Writing docs"},
    ]
    return [
        _base(cwd, "SessionStart", source="startup", model="claude-opus-4-6"),
        _base(
            cwd,
            "UserPromptSubmit",
            prompt=f"Please fix @README.md, my key is {TOKEN}",
            prompt_id="p-1",
        ),
        _tool(cwd, "PreToolUse", "Read", "toolu_read", {"file_path": readme}),
        _tool(cwd, "PostToolUse", "Read", "toolu_read", {"file_path": readme}, duration_ms=3),
        _tool(cwd, "PreToolUse", "Edit", "toolu_edit", edit),
        _tool(cwd, "PostToolUse", "Edit", "toolu_edit", edit, tool_response={"success": True}),
        _tool(
            cwd,
            "PostToolUse",
            "Write",
            "toolu_write",
            {"file_path": notes, "content": "a\nb\nc\n"},
            duration_ms=5,
        ),
        _tool(
            cwd,
            "PostToolUse",
            "MultiEdit",
            "toolu_multi",
            {
                "file_path": notes,
                "edits": [
                    {"old_string": "a", "new_string": "A"},
                    {"old_string": "b\nc", "new_string": "B"},
                ],
            },
            duration_ms=4,
        ),
        _tool(
            cwd,
            "PostToolUse",
            "NotebookEdit",
            "toolu_nb",
            {"notebook_path": str(cwd / "nb.ipynb"), "new_source": "x = 1\ny = 2"},
            duration_ms=2,
        ),
        _tool(cwd, "PreToolUse", "Bash", "toolu_bash", bash),
        _tool(cwd, "PostToolUseFailure", "Bash", "toolu_bash", bash, error="exit status 2"),
        _tool(cwd, "PostToolUse", "TodoWrite", "toolu_todo", {"todos": todos}, duration_ms=1),
        _base(cwd, "TaskCreated", task_id="1", task_subject="Refactor the parser"),
        _base(cwd, "TaskCompleted", task_id="1", task_subject="Refactor the parser"),
        _base(cwd, "SubagentStart", agent_id="agent-1", agent_type="Explore"),
        _tool(
            cwd,
            "PostToolUse",
            "Grep",
            "toolu_grep",
            {"pattern": "TODO", "path": str(cwd)},
            duration_ms=7,
            agent_id="agent-1",
            agent_type="Explore",
        ),
        _base(cwd, "SubagentStop", agent_id="agent-1", agent_type="Explore"),
        _base(cwd, "PreCompact", trigger="auto", custom_instructions=""),
        _base(cwd, "SessionStart", source="compact", model="claude-opus-4-6"),
        _base(cwd, "Notification", notification_type="idle_prompt", message="waiting"),
        _base(cwd, "Stop", stop_hook_active=False, last_assistant_message="Done."),
        _base(cwd, "SessionEnd", reason="prompt_input_exit"),
    ]


def resumed_part(cwd: Path) -> list[dict[str, Any]]:
    """The same Claude session resumed later and ended again."""
    return [
        _base(cwd, "SessionStart", source="resume", model="claude-sonnet-4-5"),
        _base(cwd, "UserPromptSubmit", prompt="continue"),
        _base(cwd, "SessionEnd", reason="other"),
    ]


def send(records: list[dict[str, Any]], cwd: Path) -> None:
    """Each record through the real console script, as Claude Code runs it."""
    for record in records:
        done = run_stint(
            "hook",
            "claude-code",
            cwd=cwd,
            input=json.dumps(record),
            env={"STINT_NO_BACKGROUND_DRAIN": "1"},
        )
        assert done.returncode == 0 and done.stdout == "", done.stderr


def spooled(home: Path) -> list[tuple[float, str, str]]:
    """The spooled records (received_at, agent, payload), for replaying."""
    conn = sqlite3.connect(home / "spool.db")
    try:
        rows = conn.execute("SELECT received_at, agent, payload FROM spool ORDER BY id")
        return [(float(r[0]), str(r[1]), str(r[2])) for r in rows]
    finally:
        conn.close()


def respool(home: Path, rows: list[tuple[float, str, str]]) -> None:
    from stint.capture import spool

    for received_at, agent, payload in rows:
        spool.append(os.fspath(home), agent, payload, received_at)
