"""The pure part of hook mapping: paths, policy and redaction (line counts: test_capture_tools)."""

from __future__ import annotations

import pytest

from stint.capture.claude_hooks import BadRecord, map_record


def test_tool_text_follows_the_policy_and_is_redacted() -> None:
    hook = {
        "session_id": "s",
        "cwd": "/home/u/app",
        "hook_event_name": "PostToolUseFailure",
        "tool_name": "WebFetch",
        "tool_use_id": "t",
        "tool_input": {"url": "https://u:pw12345@x.test", "headers": {"api_key": "abc12345"}},
        "error": "denied for token=abcdef123456",
    }
    full = map_record(hook, 1.0, "full").events[0].payload
    assert "pw12345" not in full["input"] and "abc12345" not in full["input"]
    assert full["error"] == "denied for token=[REDACTED]" and full["success"] is False
    metadata = map_record(hook, 1.0, "metadata").events[0].payload
    assert "input" not in metadata and "error" not in metadata


def test_paths_inside_the_session_directory_are_relative() -> None:
    hook = {
        "session_id": "s",
        "cwd": "/home/u/app",
        "hook_event_name": "PostToolUse",
        "tool_name": "Read",
        "tool_use_id": "t",
        "tool_input": {"file_path": "/home/u/app/src/main.py"},
    }
    events = map_record(hook, 1.0, "metadata").events
    assert [e.file_path for e in events] == ["src/main.py", "src/main.py"]
    hook["tool_input"] = {"file_path": "/home/u/application/x.py"}
    assert map_record(hook, 1.0, "metadata").events[1].file_path == "/home/u/application/x.py"


@pytest.mark.parametrize(
    "hook",
    [
        {"hook_event_name": "Stop"},
        {"session_id": 3, "hook_event_name": "Stop"},
        {"session_id": "s", "hook_event_name": "PostToolUse", "tool_name": "Bash"},
        {"session_id": "s", "hook_event_name": "UserPromptSubmit", "prompt": ["x"]},
    ],
)
def test_records_that_cannot_be_mapped(hook: dict[str, object]) -> None:
    with pytest.raises(BadRecord):
        map_record(hook, 1.0, "metadata")
