"""Hook records through the real `stint hook claude-code` process, drained into the store:
the mapping, idempotent replay, redaction under each policy, and PostgreSQL."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from capture_records import SID, TOKEN, first_part, respool, resumed_part, send, spooled
from conftest import run_stint
from stint.capture.ingest import Applier
from stint.tracker import Tracker


def _drained(home: Path, **settings: str) -> Tracker:
    tracker = Tracker.open(**settings)
    tracker.drain()
    return tracker


def _figures(tracker: Tracker) -> dict[str, object]:
    session = tracker.get("last")
    files = {
        f.path: (f.times_modified, f.lines_added, f.lines_removed, f.times_mentioned)
        for f in tracker.files(session.id)
    }
    return {
        "counters": {
            name: session.row[name]
            for name in (
                "message_count",
                "tool_call_count",
                "tool_failures",
                "commands_executed",
                "files_mentioned",
                "edit_lines_added",
                "edit_lines_removed",
                "tasks_created",
                "tasks_completed",
                "tasks_in_progress",
                "tasks_todo",
                "subagents_started",
            )
        },
        "files": files,
        "events": len(tracker.timeline(session.id)),
        "tasks": sorted((t.title, t.status) for t in tracker.tasks(session.id)),
    }


def test_a_whole_session_maps_and_replays_once(repo: Path, stint_home: Path) -> None:
    send(first_part(repo), repo)
    (repo / "README.md").write_text("hello\nworld\nmore\n")  # git sees this at the end
    records = spooled(stint_home)
    tracker = _drained(stint_home)
    sessions = tracker.sessions()
    assert len(sessions) == 1
    session = sessions[0]
    assert session.agent == "claude_code" and session.agent_session_id == SID
    assert session.status == "ended" and session.end_reason == "prompt_input_exit"
    assert session.ai_model == "claude-opus-4-6" and session.project == "myrepo"
    assert session.start_commit and session.git_lines_added == 1  # git end metrics
    figures = _figures(tracker)
    assert figures["counters"] == {
        "message_count": 1,
        "tool_call_count": 8,
        "tool_failures": 1,
        "commands_executed": 1,
        "files_mentioned": 2,
        "edit_lines_added": 2 + 3 + 2 + 2,
        "edit_lines_removed": 1 + 3,
        "tasks_created": 4,
        "tasks_completed": 2,
        "tasks_in_progress": 1,
        "tasks_todo": 1,
        "subagents_started": 1,
    }
    assert figures["files"] == {
        "README.md": (1, 2, 1, 2),
        "notes.md": (2, 5, 3, 0),
        "nb.ipynb": (1, 2, 0, 0),
    }
    # metadata policy: task titles are tool text, so neutral labels
    assert figures["tasks"] == sorted(
        [
            ("Task 1", "completed"),
            (f"Task {_todo_id('Docs')}", "todo"),
            (f"Task {_todo_id('Ship it')}", "in_progress"),
            (f"Task {_todo_id('Write tests')}", "completed"),
        ]
    )
    timeline = tracker.timeline(session.id)
    calls = {e.payload.get("tool"): e.payload for e in timeline if e.type == "tool_call"}
    assert calls["Read"]["duration_ms"] == 3 and calls["Read"]["success"] is True
    assert calls["Bash"]["success"] is False and calls["Bash"]["duration_ms"] >= 0
    assert calls["Grep"]["agent_id"] == "agent-1"
    command = next(e for e in timeline if e.type == "command_executed")
    assert TOKEN not in json.dumps(command.payload) and "[REDACTED]" in command.payload["command"]
    assert "make test" in command.payload["command"]
    # metadata policy: no prompt text anywhere, only its size
    prompt = next(e for e in timeline if e.type == "message")
    assert "Please fix" not in (prompt.description or "") and prompt.payload["chars"] > 10
    assert tracker.goals.interactions(session.id)[0]["content"] is None
    # Replaying every record stores nothing twice.
    respool(stint_home, records)
    tracker.drain()
    assert _figures(tracker) == figures
    assert len(tracker.sessions()) == 1 and tracker.get("last").status == "ended"


def _todo_id(content: str) -> str:
    import hashlib

    return hashlib.sha256(content.encode()).hexdigest()[:12]


def test_a_resumed_session_reopens_the_same_stint_session(repo: Path, stint_home: Path) -> None:
    send(first_part(repo)[:3], repo)
    send([first_part(repo)[-1]], repo)
    tracker = _drained(stint_home)
    assert tracker.get("last").status == "ended"
    time.sleep(0.05)
    send(resumed_part(repo), repo)
    tracker.drain()
    sessions = tracker.sessions()
    assert len(sessions) == 1
    session = sessions[0]
    assert session.status == "ended" and session.end_reason == "other"
    assert session.message_count == 2 and session.ai_model == "claude-sonnet-4-5"
    types = [e.type for e in tracker.timeline(session.id)]
    assert types.count("session_resumed") == 1 and types.count("session_ended") == 2


def test_full_policy_keeps_prompt_text_redacted(repo: Path, stint_home: Path) -> None:
    send(first_part(repo)[:2], repo)
    tracker = _drained(stint_home, capture_policy="full")
    session = tracker.get("last")
    interaction = tracker.goals.interactions(session.id)[0]
    assert "Please fix @README.md" in interaction["content"]
    assert TOKEN not in interaction["content"] and "[REDACTED]" in interaction["content"]
    message = next(e for e in tracker.timeline(session.id) if e.type == "message")
    assert "Please fix" in (message.description or "") and TOKEN not in message.description


def test_unmappable_records_move_to_dead_with_a_log_line(stint_home: Path) -> None:
    from stint.capture import spool

    home = str(stint_home)
    spool.append(home, "claude_code", '{"hook_event_name": "Stop"}')  # no session_id
    spool.append(home, "claude_code", "{not json}")
    spool.append(home, "claude_code", '{"session_id": "s", "hook_event_name": "Stop"}')
    tracker = Tracker.open()
    assert tracker.drain() == {"applied": 1, "dead": 2}
    assert spool.status(home)["dead"] == 2 and spool.status(home)["pending"] == 0
    log = (stint_home / "stint.log").read_text()
    assert log.count("moved to dead") == 2
    assert len(tracker.sessions()) == 1


def test_the_mapping_on_each_backend(tracker: Tracker, tmp_path: Path) -> None:
    rows = [
        (n, 1_790_000_000.0 + n, "claude_code", json.dumps(record))
        for n, record in enumerate(first_part(tmp_path))
    ]
    assert Applier(tracker.goals).apply(rows) == []
    assert Applier(tracker.goals).apply(rows) == []  # replayed: stored once
    session = tracker.sessions()[0]
    assert session.status == "ended" and session.end_reason == "prompt_input_exit"
    assert (session.tool_call_count, session.tool_failures, session.message_count) == (8, 1, 1)
    assert (session.edit_lines_added, session.edit_lines_removed) == (9, 4)
    assert (session.tasks_created, session.tasks_completed, session.subagents_started) == (4, 2, 1)


def test_session_end_drains_in_the_background(
    repo: Path, stint_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("STINT_NO_BACKGROUND_DRAIN")
    for record in [*first_part(repo)[:2], first_part(repo)[-1]]:
        done = run_stint("hook", "claude-code", cwd=repo, input=json.dumps(record))
        assert done.returncode == 0
    deadline = time.time() + 30
    while time.time() < deadline:
        if (stint_home / "statusline.json").exists() and not spooled(stint_home):
            break
        time.sleep(0.2)
    cache = json.loads((stint_home / "statusline.json").read_text())
    assert cache["sessions"][SID]["number"] == 1 and cache["sessions"][SID]["status"] == "ended"
    assert not (stint_home / "drain.requested").exists()


@pytest.mark.parametrize("policy", ["metadata", "full"])
def test_drain_cli_reports(stint_home: Path, repo: Path, policy: str) -> None:
    send(first_part(repo)[:2], repo)
    done = run_stint("drain", "--json", env={"STINT_CAPTURE_POLICY": policy})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"applied": 2, "dead": 0}


def test_forget_asks_and_deletes(repo: Path, stint_home: Path) -> None:
    send(first_part(repo)[:4], repo)
    kept = run_stint("forget", "1", input="n\n")
    assert kept.returncode == 1 and "Aborted" in kept.stderr
    assert run_stint("show", "1").returncode == 0
    gone = run_stint("forget", "1", "--yes")
    assert gone.returncode == 0 and "Forgot session #1" in gone.stdout
    assert run_stint("show", "1").returncode == 1
    unknown = run_stint("forget", "99", "--yes")
    assert unknown.returncode == 1 and unknown.stderr.strip() == "Error: no session #99"


def test_duration_from_a_pre_tool_use_drained_earlier(tracker: Tracker) -> None:
    base = {"session_id": "d", "tool_name": "Bash", "tool_use_id": "toolu_1"}
    pre = {**base, "hook_event_name": "PreToolUse", "tool_input": {"command": "sleep 2"}}
    post = {**pre, "hook_event_name": "PostToolUse", "tool_response": {"stdout": ""}}
    assert (
        Applier(tracker.goals).apply([(1, 1_790_000_000.0, "claude_code", json.dumps(pre))]) == []
    )
    assert (
        Applier(tracker.goals).apply([(2, 1_790_000_002.5, "claude_code", json.dumps(post))]) == []
    )
    call = next(e for e in tracker.timeline("last") if e.type == "tool_call")
    assert call.payload["duration_ms"] == 2500 and call.payload["success"] is True
