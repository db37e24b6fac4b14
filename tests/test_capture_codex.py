"""Codex rollout import: session metadata, prompts, shell commands, patches and cumulative
token counts (repeated, advancing, read across two imports)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from stint.tracker import Tracker
from transcripts import OLD, dump, rollout_line, token_count

SID = "019a1b2c-3d4e-7f00-8a9b-0c1d2e3f4a5b"
PATCH = (
    "*** Begin Patch\n*** Update File: src/app.py\n@@ def main():\n-    print('hi')\n"
    "+    print('hello')\n+    return 0\n*** Add File: NOTES.md\n+# Notes\n*** End Patch\n"
)


def rollout(tmp_path: Path) -> list[dict[str, Any]]:
    at = OLD
    tick = timedelta(seconds=3)
    shell_args = json.dumps({"command": ["bash", "-lc", "pytest -q"], "workdir": str(tmp_path)})
    return [
        rollout_line(
            at,
            "session_meta",
            {
                "id": SID,
                "timestamp": "2026-01-05T09:00:00.000Z",
                "cwd": str(tmp_path),
                "originator": "codex_cli_rs",
                "cli_version": "0.77.0",
                "model_provider": "openai",
                "git": {"commit_hash": "abc", "branch": "dev", "repository_url": "x"},
            },
        ),
        rollout_line(at + tick, "turn_context", {"cwd": str(tmp_path), "model": "gpt-5-codex"}),
        rollout_line(
            at + 2 * tick,
            "response_item",
            {
                "type": "message",
                "role": "user",
                "content": [{"type": "input_text", "text": "<env>"}],
            },
        ),
        rollout_line(at + 2 * tick, "event_msg", {"type": "user_message", "message": "Fix tests"}),
        rollout_line(
            at + 3 * tick,
            "response_item",
            {"type": "function_call", "name": "shell", "arguments": shell_args, "call_id": "c1"},
        ),
        rollout_line(
            at + 4 * tick,
            "response_item",
            {
                "type": "function_call_output",
                "call_id": "c1",
                "output": json.dumps({"output": "1 failed", "metadata": {"exit_code": 1}}),
            },
        ),
        token_count(at + 4 * tick, total=(1000, 200, 100), last=(1000, 200, 100)),
        token_count(at + 4 * tick, total=(1000, 200, 100), last=(1000, 200, 100)),  # repeated
        rollout_line(
            at + 5 * tick,
            "response_item",
            {"type": "custom_tool_call", "name": "apply_patch", "input": PATCH, "call_id": "c2"},
        ),
        rollout_line(
            at + 6 * tick,
            "response_item",
            {"type": "custom_tool_call_output", "call_id": "c2", "output": "Success."},
        ),
        token_count(at + 6 * tick, total=(3500, 750, 425), last=(2500, 550, 325)),
        {"timestamp": "2026-01-05T09:01:00.000Z", "type": "event_msg", "payload": None},
    ]


def gpt5_cost(non_cached: int, cached: int, output: int) -> float:
    return (non_cached * 1.25 + cached * 0.125 + output * 10) / 1e6


def test_codex_rollout_import(tracker: Tracker, tmp_path: Path) -> None:
    lines = rollout(tmp_path)
    path = tmp_path / "codex" / "sessions" / "2026" / "01" / "05"
    path.mkdir(parents=True)
    path = path / f"rollout-2026-01-05T09-00-00-{SID}.jsonl"
    path.write_text(dump(lines[:7]))
    first = tracker.import_transcripts("codex", [tmp_path / "codex"])
    assert first["sessions_created"] == 1

    with path.open("a") as handle:
        handle.write(dump(lines[7:]))
    tracker.import_transcripts("codex", [tmp_path / "codex"])
    again = tracker.import_transcripts("codex", [tmp_path / "codex"])
    assert again["events_stored"] == 0 and again["files_read"] == 0

    session = tracker.find_agent_session("codex", SID)
    assert session is not None
    assert session.ai_model == "gpt-5-codex"
    assert session.branch == "dev"
    assert session.agent_version == "0.77.0"
    assert session.message_count == 1
    assert session.tool_call_count == 2
    assert session.tool_failures == 1
    assert session.commands_executed == 1
    assert (session.edit_lines_added, session.edit_lines_removed) == (3, 1)
    assert session.files_modified == 2
    # Cumulative totals 3500 in (750 cached) / 425 out, counted once.
    assert (session.input_tokens, session.cache_read_tokens) == (2750, 750)
    assert session.output_tokens == 425
    assert session.cost_usd == pytest.approx(gpt5_cost(2750, 750, 425))


def test_codex_counter_restart_and_fallback_model(tracker: Tracker, tmp_path: Path) -> None:
    at = OLD
    lines = [
        rollout_line(at, "session_meta", {"id": SID, "cwd": str(tmp_path)}),
        token_count(at, total=(500, 0, 50), last=(500, 0, 50)),
        token_count(at + timedelta(seconds=1), total=(200, 0, 20), last=(200, 0, 20)),
    ]
    path = tmp_path / f"rollout-2026-01-05T09-00-00-{SID}.jsonl"
    path.write_text(dump(lines))
    tracker.import_transcripts("codex", [path])
    session = tracker.find_agent_session("codex", SID)
    assert session is not None
    assert (session.input_tokens, session.output_tokens) == (700, 70)
    assert session.cost_usd == pytest.approx(gpt5_cost(700, 0, 70))


def test_cli_reads_codex_home(tmp_path: Path) -> None:
    from conftest import run_stint

    home = tmp_path / "codex-home"
    folder = home / "sessions" / "2026" / "01" / "05"
    folder.mkdir(parents=True)
    (folder / f"rollout-2026-01-05T09-00-00-{SID}.jsonl").write_text(dump(rollout(tmp_path)))
    done = run_stint("import", "codex", "--json", env={"CODEX_HOME": str(home)})
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert (summary["files_read"], summary["sessions_created"]) == (1, 1)
    assert summary["output_tokens"] == 425 and summary["unknown_models"] == []
