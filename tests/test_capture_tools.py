"""One tool call → events (`stint.capture.tools`): line counts, and the same events with
the same keys whether a call arrives by hook or from a transcript."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from stint.capture.claude_code import ClaudeParser
from stint.capture.claude_hooks import map_record
from stint.capture.tools import diff_counts, edit_counts
from stint.model.types import EventIn
from stint.pricing.table import PriceTable
from transcripts import Transcript

SID = "0b5f7a52-2222-4c2e-9d1a-5a0c2a4a7e01"
CWD = "/home/u/app"
PATCH = {"structuredPatch": [{"lines": [" ctx", "-old", "+new", "+more"]}]}
CALLS: list[tuple[str, dict[str, Any], dict[str, Any] | None]] = [
    (
        "Edit",
        {"file_path": f"{CWD}/m.py", "old_string": "a\nb\nc", "new_string": "a\nB\nc\nd"},
        None,
    ),
    ("Edit", {"file_path": f"{CWD}/p.py", "old_string": "x", "new_string": "y"}, PATCH),
    (
        "MultiEdit",
        {
            "file_path": f"{CWD}/src/util.py",
            "edits": [
                {"old_string": "x", "new_string": "y"},
                {"old_string": "", "new_string": "z"},
            ],
        },
        None,
    ),
    ("Write", {"file_path": f"{CWD}/new.py", "content": "1\n2\n3\n"}, None),
    ("NotebookEdit", {"notebook_path": f"{CWD}/n.ipynb", "new_source": "a\nb"}, None),
    ("Bash", {"command": "make test TOKEN=sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123"}, None),
    ("Read", {"file_path": "/etc/hosts"}, None),
    ("Grep", {"pattern": "TODO", "path": CWD}, None),
]


def test_line_counts_like_git() -> None:
    assert diff_counts("x = 1", "x = 2") == (1, 1)
    assert diff_counts("a\nb\nc", "a\nB\nc\nd") == (2, 1)
    assert diff_counts("", "one\ntwo\n") == (2, 0)
    assert diff_counts("x", "") == (0, 1)
    patch = PATCH["structuredPatch"]
    assert edit_counts("Edit", {}, {"structuredPatch": patch}) == (2, 1)
    assert edit_counts("Write", {"content": "a\nb"}, {"structuredPatch": []}) == (2, 0)
    multi = {
        "edits": [{"old_string": "x", "new_string": "y"}, {"old_string": "", "new_string": "z"}]
    }
    assert edit_counts("MultiEdit", multi) == (2, 1)
    assert edit_counts("Write", {"content": "1\n2\n"}) == (2, 0)
    assert edit_counts("NotebookEdit", {"new_source": "a\nb", "edit_mode": "replace"}) == (2, 0)
    assert edit_counts("NotebookEdit", {"new_source": "a", "edit_mode": "delete"}) == (0, 0)


def _hooked(policy: str, *, failed: bool = False) -> list[EventIn]:
    events: list[EventIn] = []
    for n, (name, tool_input, response) in enumerate(CALLS):
        hook = {
            "session_id": SID,
            "cwd": CWD,
            "hook_event_name": "PostToolUseFailure" if failed else "PostToolUse",
            "tool_name": name,
            "tool_use_id": f"toolu_{n}",
            "tool_input": tool_input,
            "tool_response": response or {"stdout": "ok"},
            "duration_ms": 2000,
        }
        events += map_record(hook, 1_790_000_000.0 + n, policy).events
    return events


def _imported(policy: str, *, failed: bool = False) -> list[EventIn]:
    transcript = Transcript(SID, CWD)
    for n, (name, tool_input, response) in enumerate(CALLS):
        transcript.tool(f"toolu_{n}", name, tool_input, result=response, error=failed)
    parser = ClaudeParser(Path("/x/s.jsonl"), {}, policy, PriceTable.load())
    for line in transcript.lines:
        parser.feed(line)
    return [e for batch in parser.take(False) for e in batch.events if e.type != "tokens"]


def _shape(event: EventIn) -> tuple[Any, ...]:
    """Everything but where the event came from and when."""
    return (event.key, event.type, event.file_path, event.description, event.ai_involved)


@pytest.mark.parametrize("policy", ["metadata", "full"])
def test_hook_and_transcript_give_the_same_events(policy: str) -> None:
    hooked, imported = _hooked(policy), _imported(policy)
    assert [_shape(e) for e in hooked] == [_shape(e) for e in imported]
    assert [e.payload for e in hooked] == [e.payload for e in imported]
    assert {e.source for e in hooked} == {"hook"} and {e.source for e in imported} == {"import"}
    modified = {e.file_path: e.payload for e in hooked if e.type == "file_modified"}
    assert {path: (p["added"], p["removed"]) for path, p in modified.items()} == {
        "m.py": (2, 1),
        "p.py": (2, 1),  # from the patch, not the input
        "src/util.py": (2, 1),
        "new.py": (3, 0),
        "n.ipynb": (2, 0),
    }
    commands = [e.payload["command"] for e in hooked if e.type == "command_executed"]
    assert commands == ["make test TOKEN=[REDACTED]"]
    assert [e.file_path for e in hooked if e.type == "file_mentioned"] == ["/etc/hosts"]
    assert all(
        ("input" in e.payload) == (policy == "full") for e in hooked if e.type == "tool_call"
    )


def test_failed_calls_share_keys_and_the_hook_keeps_its_error() -> None:
    hooked, imported = _hooked("metadata", failed=True), _imported("metadata", failed=True)
    assert [_shape(e) for e in hooked] == [_shape(e) for e in imported]
    assert [e.type for e in hooked] == ["tool_call"] * 5 + ["tool_call", "command_executed"] + [
        "tool_call"
    ] * 2
    assert all(e.payload["success"] is False for e in hooked if e.type != "command_executed")
    assert all(e.payload["interrupted"] is False for e in hooked if e.type == "tool_call")
