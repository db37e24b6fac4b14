"""`stint hook gemini-cli` through the real console script, drained: Gemini CLI's events
mapped, merged with the import of the same recording without double counting (tool
calls have no id in Gemini's hook input: keyed by name, arguments and occurrence),
replayed once; garbage exits 0 and spools nothing; `stint hooks install|uninstall|status
gemini-cli` round-trips a settings file."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from capture_records import respool, spooled
from conftest import run_stint
from stint.capture import builtin, fastpath
from stint.tracker import Tracker

CONSTRUCTED = Path(__file__).parent / "fixtures" / "gemini" / "constructed" / "tmp"
SID = "5e7c0a1e-1111-4222-8333-444455556666"
SHELL = {"command": "pytest -q", "description": "Run the tests"}
EDIT = {
    "file_path": "src/app.py",
    "old_string": "    return a - b",
    "new_string": "    return a + b",
}


def _base(event: str, cwd: Path, transcript: Path) -> dict[str, Any]:
    return {
        "session_id": SID,
        "transcript_path": str(transcript),
        "cwd": str(cwd),
        "hook_event_name": event,
        "timestamp": "2026-09-10T09:00:00.000Z",
    }


def _tool(cwd: Path, transcript: Path, name: str, args: dict[str, Any], error: str | None = None):  # type: ignore[no-untyped-def]
    before = {**_base("BeforeTool", cwd, transcript), "tool_name": name, "tool_input": args}
    response: dict[str, Any] = {"llmContent": "ok", "returnDisplay": "ok"}
    if error:
        response["error"] = error
    after = {**before, "hook_event_name": "AfterTool", "tool_response": response}
    return [before, after]


def _session_records(cwd: Path, transcript: Path) -> list[dict[str, Any]]:
    """What Gemini CLI's hooks send for the constructed recording's main session."""

    def prompt(text: str) -> dict[str, Any]:
        return {**_base("BeforeAgent", cwd, transcript), "prompt": text}

    return [
        {**_base("SessionStart", cwd, transcript), "source": "startup"},
        prompt("Fix the failing test in @src/app.py"),
        *_tool(cwd, transcript, "read_file", {"file_path": "src/app.py"}),
        *_tool(cwd, transcript, "replace", EDIT),
        *_tool(cwd, transcript, "run_shell_command", SHELL, error="Exit code: 1"),
        prompt("Actually, revert that"),
        prompt("Run the tests again"),
        *_tool(cwd, transcript, "run_shell_command", SHELL),
        {**_base("Notification", cwd, transcript), "notification_type": "ToolPermission"},
        {**_base("PreCompress", cwd, transcript), "trigger": "auto"},
        {
            **_base("AfterAgent", cwd, transcript),
            "prompt": "Run the tests again",
            "prompt_response": "All tests pass.",
            "stop_hook_active": False,
        },
        {**_base("SessionEnd", cwd, transcript), "reason": "exit"},
    ]


def _send(records: list[dict[str, Any]], cwd: Path) -> None:
    for record in records:
        done = run_stint("hook", "gemini-cli", cwd=cwd, input=json.dumps(record))
        # exit 0 with an empty stdout: Gemini CLI goes on (no decision, no output)
        assert (done.returncode, done.stdout, done.stderr) == (0, "", ""), record


def _counters(tracker: Tracker) -> dict[str, Any]:
    row = tracker.get("last").row
    names = ("message_count", "tool_call_count", "tool_failures", "commands_executed")
    return {name: row[name] for name in (*names, "input_tokens", "cache_read_tokens")}


@pytest.fixture
def transcript(tmp_path: Path) -> Path:
    tree = tmp_path / "gemini-tmp"
    shutil.copytree(CONSTRUCTED, tree)
    return next(tree.rglob("session-*.jsonl"))


def test_hooks_and_the_recording_merge_without_double_counting(
    repo: Path, stint_home: Path, transcript: Path
) -> None:
    _send(_session_records(repo, transcript), repo)
    tracker = Tracker.open()
    tracker.drain()  # the AfterAgent / SessionEnd hooks name the recording: imported too
    session = tracker.get("last")
    assert session.agent == "gemini_cli" and session.agent_session_id == SID
    assert session.status == "ended" and session.end_reason == "exit"
    assert session.project == "myrepo"
    # the recording's main file alone (the hook names it, not its subagent's)
    assert _counters(tracker) == {
        "message_count": 3,
        "tool_call_count": 4,
        "tool_failures": 1,
        "commands_executed": 2,
        "input_tokens": 18000,
        "cache_read_tokens": 49000,
    }
    files = {f.path: f for f in tracker.files(session.id)}
    assert (files["src/app.py"].times_modified, files["src/app.py"].lines_added) == (1, 1)
    kinds = {a.type for a in tracker.timeline(session.id, limit=None)}
    assert {"agent_session_start", "notification", "compaction_started", "agent_stopped"} <= kinds
    # the whole tree imported afterwards adds only the subagent's work
    tracker.import_transcripts("gemini-cli", [transcript.parent.parent.parent])
    after = _counters(tracker)
    assert (after["tool_call_count"], after["message_count"]) == (5, 3)
    tracker.close()


def test_a_replayed_spool_is_stored_once(
    repo: Path, stint_home: Path, transcript: Path, database_url: str
) -> None:
    _send(_session_records(repo, transcript)[:-2], repo)  # no AfterAgent: hooks only
    rows = spooled(stint_home)
    tracker = Tracker.open(database_url)  # SQLite and PostgreSQL
    tracker.drain()
    before = _counters(tracker)
    assert (before["tool_call_count"], before["message_count"]) == (4, 3)
    respool(stint_home, rows)  # a drain that crashed before deleting what it applied
    tracker.drain()
    assert _counters(tracker) == before
    # the recording imported after the hooks: its calls land on the hooks' keys
    tracker.import_transcripts("gemini-cli", [transcript])
    after = _counters(tracker)
    assert (after["tool_call_count"], after["message_count"], after["tool_failures"]) == (4, 3, 1)
    assert after["input_tokens"] == 18000
    tracker.close()


@pytest.mark.parametrize(
    "payload",
    ["garbage", "", "[1, 2]", '{"hook_event_name": "BeforeTool"', "\x00{}"],
    ids=["text", "empty", "array", "truncated", "nul"],
)
def test_garbage_exits_zero_and_spools_nothing(stint_home: Path, payload: str) -> None:
    done = run_stint("hook", "gemini-cli", input=payload)
    assert (done.returncode, done.stdout) == (0, "")
    spool = stint_home / "spool.db"
    if spool.exists():
        with sqlite3.connect(spool) as conn:
            assert conn.execute("SELECT COUNT(*) FROM spool").fetchone() == (0,)


def test_records_it_cannot_map_are_set_aside(stint_home: Path, tmp_path: Path) -> None:
    for record in (
        {"hook_event_name": "AfterTool"},
        {"session_id": "x", "hook_event_name": "AfterTool"},
    ):
        assert run_stint("hook", "gemini-cli", input=json.dumps(record)).returncode == 0
    tracker = Tracker.open()
    assert tracker.drain() == {"applied": 0, "dead": 2}
    tracker.close()


def test_the_fast_path_knows_every_builtin_hook_agent() -> None:
    mappers = builtin.register_hook_mappers()
    assert {m.name: m.agent for m in mappers} == fastpath.AGENTS


SETTINGS = """{
  "theme": "Dracula",
  "general": {"checkpointing": {"enabled": true}},
  "hooks": {
    "BeforeTool": [{"matcher": "write_file", "hooks": [{"type": "command", "command": "audit.sh"}]}]
  }
}
"""


def test_install_uninstall_round_trip(tmp_path: Path, stint_home: Path) -> None:
    home = tmp_path / "home"
    settings = home / ".gemini" / "settings.json"
    settings.parent.mkdir(parents=True)
    settings.write_text(SETTINGS)
    env = {"HOME": str(home)}
    done = run_stint("hooks", "install", "gemini-cli", "--json", env=env)
    assert done.returncode == 0, done.stderr
    change = json.loads(done.stdout)
    assert change["changed"] and change["backup"] and Path(change["backup"]).read_text() == SETTINGS
    data = json.loads(settings.read_text())
    assert data["theme"] == "Dracula" and data["general"] == {"checkpointing": {"enabled": True}}
    events = set(data["hooks"])
    assert {"SessionStart", "BeforeAgent", "AfterTool", "SessionEnd"} <= events
    assert "AfterModel" not in events  # per streamed chunk, synchronous: not installed
    before_tool = data["hooks"]["BeforeTool"]
    assert before_tool[0]["hooks"][0]["command"] == "audit.sh"  # the user's hook kept
    ours = before_tool[1]["hooks"][0]
    assert ours["timeout"] == 10_000 and "async" not in ours and "gemini-cli" in ours["command"]
    again = json.loads(run_stint("hooks", "install", "gemini-cli", "--json", env=env).stdout)
    assert not again["changed"]
    status = run_stint("hooks", "status", "gemini-cli", env=env)
    assert status.returncode == 0 and "installed (8 events)" in status.stdout
    assert "local" not in status.stdout
    removed = json.loads(run_stint("hooks", "uninstall", "gemini-cli", "--json", env=env).stdout)
    assert removed["changed"]
    assert json.loads(settings.read_text()) == json.loads(SETTINGS)
    refused = run_stint("hooks", "install", "gemini-cli", "--scope", "local", env=env)
    assert refused.returncode != 0 and "Traceback" not in refused.stderr
    assert "local scope" in refused.stderr


def test_the_installed_command_runs_the_hook(tmp_path: Path, stint_home: Path) -> None:
    import subprocess

    from stint.capture import install as inst

    record = {"session_id": "s", "hook_event_name": "SessionEnd", "reason": "exit"}
    done = subprocess.run(
        ["sh", "-c", inst.hook_command("gemini-cli")],
        input=json.dumps(record),
        capture_output=True,
        text=True,
        env={"STINT_HOME": str(stint_home), "STINT_NO_BACKGROUND_DRAIN": "1", "PATH": "/usr/bin"},
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert [row[1] for row in spooled(stint_home)] == ["gemini_cli"]
