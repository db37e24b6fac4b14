"""Claude Code transcript import on transcripts composed line by line: streaming
duplicates, tools, subagents, compaction, resumed sessions, incremental reads, merging
with hook-captured events."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from stint.capture.keys import prompt_key
from stint.capture.tools import tool_events
from stint.model.timeparse import utcnow
from stint.store import schema
from stint.tracker import Tracker
from transcripts import OLD, Transcript, dump

SONNET = "claude-sonnet-4-5-20250929"
SID = "0b5f7a52-1111-4c2e-9d1a-5a0c2a4a7e01"


def usage_rows(tracker: Tracker, session_id: int) -> dict[str, dict[str, Any]]:
    T = schema.token_usage
    with tracker.store.read() as conn:
        rows = conn.execute(select(T).where(T.c.session_id == session_id)).mappings()
        return {row["model"]: dict(row) for row in rows}


def run(tracker: Tracker, *paths: Path) -> dict[str, Any]:
    return tracker.import_transcripts("claude-code", list(paths))


def sonnet_cost(inp: int, out: int, cc: int, cr: int) -> float:
    return (inp * 3 + out * 15 + cc * 3.75 + cr * 0.3) / 1e6


@pytest.fixture
def projects(tmp_path: Path) -> Path:
    return tmp_path / "claude" / "projects" / "-home-u-app"


def test_streaming_duplicates_count_once_at_the_largest_line(
    tracker: Tracker, projects: Path, tmp_path: Path
) -> None:
    t = Transcript(SID, str(tmp_path))
    t.prompt("Add a --verbose flag")
    t.response("msg_1", usage=(3, 299, 1500, 11442), partial_outputs=(10, 10, 10))
    t.response("msg_2", usage=(5, 40, 0, 12942), partial_outputs=(1,))
    t.noise()
    summary = run(tracker, t.write(projects / f"{SID}.jsonl"))

    session = tracker.find_agent_session("claude_code", SID)
    assert session is not None
    assert summary["sessions_created"] == 1
    assert (session.input_tokens, session.output_tokens) == (8, 339)
    assert (session.cache_creation_tokens, session.cache_read_tokens) == (1500, 24384)
    expected = sonnet_cost(3, 299, 1500, 11442) + sonnet_cost(5, 40, 0, 12942)
    assert session.cost_usd == pytest.approx(expected)
    assert usage_rows(tracker, session.id)[SONNET]["output_tokens"] == 339
    assert session.message_count == 1
    assert session.ai_model == SONNET
    assert session.branch == "main"
    assert session.started_at == OLD + timedelta(seconds=2)
    # An old transcript: ended, as the sweep would, at its last activity (the progress
    # line after it is bookkeeping).
    assert session.status == "timeout"
    assert session.ended_at == t.at - timedelta(seconds=2)


def test_tools_edits_commands_reads_and_a_failure(
    tracker: Tracker, projects: Path, tmp_path: Path
) -> None:
    t = Transcript(SID, str(tmp_path))
    t.prompt("Fix the bug")
    t.tool("toolu_read", "Read", {"file_path": "/app/cli.py"})
    edit = {"file_path": "/app/cli.py", "old_string": "a\nb\nc", "new_string": "a\nB\nc\nd"}
    t.tool("toolu_edit", "Edit", edit)
    multi = {
        "file_path": "/app/util.py",
        "edits": [
            {"old_string": "x = 1", "new_string": "x = 2"},
            {"old_string": "", "new_string": "import os\nimport sys"},
        ],
    }
    t.tool("toolu_multi", "MultiEdit", multi)
    t.tool("toolu_write", "Write", {"file_path": "/app/new.py", "content": "1\n2\n3\n"})
    t.tool(
        "toolu_bad",
        "Edit",
        {"file_path": "/app/x.py", "old_string": "q", "new_string": "r"},
        error=True,
    )
    t.tool("toolu_bash", "Bash", {"command": "curl -H 'Authorization: Bearer abcdefghijklmnop' x"})
    run(tracker, t.write(projects / f"{SID}.jsonl"))

    session = tracker.find_agent_session("claude_code", SID)
    assert session is not None
    assert session.tool_call_count == 6
    assert session.tool_failures == 1
    assert session.commands_executed == 1
    assert session.files_modified == 3
    assert (session.edit_lines_added, session.edit_lines_removed) == (2 + 3 + 3, 1 + 1)
    assert session.files_mentioned == 1
    files = {f.path: f for f in tracker.files(session.id)}
    assert (files["/app/cli.py"].lines_added, files["/app/cli.py"].lines_removed) == (2, 1)
    assert files["/app/cli.py"].times_mentioned == 1
    assert "/app/x.py" not in files
    commands = [a for a in tracker.timeline(session.id) if a.type == "command_executed"]
    assert "abcdefghijklmnop" not in commands[0].payload["command"]
    calls = {
        a.payload["tool"]: a.payload for a in tracker.timeline(session.id) if a.type == "tool_call"
    }
    assert calls["Edit"]["duration_ms"] == 2000


def test_subagent_transcript_belongs_to_its_parent(
    tracker: Tracker, projects: Path, tmp_path: Path
) -> None:
    main = Transcript(SID, str(tmp_path))
    main.prompt("Research this")
    main.tool("toolu_task", "Task", {"subagent_type": "general-purpose", "prompt": "look"})
    side = Transcript(SID, str(tmp_path), start=OLD + timedelta(seconds=3), agent_id="a1b2c3")
    side.prompt("look")  # the task prompt, not a person's message
    side.tool("toolu_sub", "Grep", {"pattern": "TODO"}, model="claude-haiku-4-5-20251001")
    main.write(projects / f"{SID}.jsonl")
    side.write(projects / SID / "subagents" / "agent-a1b2c3.jsonl")
    summary = run(tracker, projects)

    assert summary["sessions_created"] == 1
    session = tracker.find_agent_session("claude_code", SID)
    assert session is not None
    assert session.subagents_started == 1
    assert session.message_count == 1
    assert session.tool_call_count == 2
    assert session.ai_model == SONNET  # the subagent's model is not the session's
    models = usage_rows(tracker, session.id)
    assert set(models) == {SONNET, "claude-haiku-4-5-20251001"}
    sub = [a for a in tracker.timeline(session.id) if a.payload.get("agent_id") == "a1b2c3"]
    assert sorted(a.type for a in sub) == ["subagent_started", "tool_call"]


def test_compaction_is_noted_and_its_summary_is_no_prompt(
    tracker: Tracker, projects: Path, tmp_path: Path
) -> None:
    t = Transcript(SID, str(tmp_path))
    t.prompt("one")
    t.response("msg_1")
    t.compact()
    t.prompt("two")
    run(tracker, t.write(projects / f"{SID}.jsonl"))
    session = tracker.find_agent_session("claude_code", SID)
    assert session is not None
    assert session.message_count == 2
    kinds = [a.type for a in tracker.timeline(session.id)]
    assert kinds.count("context_compacted") == 1


def _totals(session: Any) -> tuple[Any, ...]:
    return (
        session.message_count,
        session.tool_call_count,
        session.input_tokens,
        session.output_tokens,
        session.cache_creation_tokens,
        session.cache_read_tokens,
        round(session.cost_usd, 9),
        session.edit_lines_added,
    )


def test_reimport_is_a_no_op_and_appends_read_only_new_bytes(
    tracker: Tracker, projects: Path, tmp_path: Path
) -> None:
    t = Transcript(SID, str(tmp_path))
    t.prompt("start")
    t.tool("toolu_1", "Write", {"file_path": "/a.py", "content": "x\n"})
    # The file is read while a response is being streamed: two of its lines so far.
    t.response("msg_big", usage=(2, 700, 100, 9000), partial_outputs=(5, 60))
    cut = len(t.lines) - 1
    path = projects / f"{SID}.jsonl"
    path.parent.mkdir(parents=True)
    path.write_text(t.text()[: len(dump(t.lines[:cut]))])
    first = run(tracker, path)
    before = tracker.find_agent_session("claude_code", SID)
    assert before is not None and before.output_tokens == 50 + 60

    again = run(tracker, path)
    assert (again["files_read"], again["events_stored"], again["bytes_read"]) == (0, 0, 0)
    same = tracker.find_agent_session("claude_code", SID)
    assert same is not None and _totals(same) == _totals(before)

    t.prompt("more")
    t.tool("toolu_2", "Bash", {"command": "pytest"})
    tail = dump(t.lines[cut:])
    with path.open("a") as handle:
        handle.write(tail)
    second = run(tracker, path)
    assert second["bytes_read"] == len(tail.encode())
    after = tracker.find_agent_session("claude_code", SID)
    assert after is not None
    assert after.id == before.id
    assert after.output_tokens == 50 + 700 + 50  # the streamed response once, at its max
    assert after.message_count == 2
    assert after.tool_call_count == 2
    expected = sonnet_cost(3, 50, 0, 6000) * 2 + sonnet_cost(2, 700, 100, 9000)
    assert after.cost_usd == pytest.approx(expected)
    imported = [a for a in tracker.timeline(after.id) if not a.type.startswith("session_")]
    assert first["events_stored"] + second["events_stored"] == len(imported)

    # Rewritten shorter (say, by an editor): read from the start; keys keep it exact.
    path.write_text(dump(t.lines[:3]))
    third = run(tracker, path)
    assert third["files_read"] == 1 and third["events_stored"] == 0
    final = tracker.find_agent_session("claude_code", SID)
    assert final is not None and _totals(final) == _totals(after)


def test_partial_last_line_waits_for_its_newline(
    tracker: Tracker, projects: Path, tmp_path: Path
) -> None:
    t = Transcript(SID, str(tmp_path))
    t.prompt("first")
    t.prompt("second")
    text = t.text()
    path = projects / f"{SID}.jsonl"
    path.parent.mkdir(parents=True)
    path.write_text(text[:-20])
    run(tracker, path)
    session = tracker.find_agent_session("claude_code", SID)
    assert session is not None and session.message_count == 1
    path.write_text(text)
    run(tracker, path)
    session = tracker.find_agent_session("claude_code", SID)
    assert session is not None and session.message_count == 2


def test_resumed_session_across_two_files_is_one_session(
    tracker: Tracker, projects: Path, tmp_path: Path
) -> None:
    t = Transcript(SID, str(tmp_path))
    t.prompt("day one")
    t.response("msg_a")
    t.write(projects / f"{SID}.jsonl")
    later = Transcript(SID, str(tmp_path), start=OLD + timedelta(days=1), branch="feature")
    later.prompt("day two")
    later.response("msg_b")
    later.write(projects / "11111111-2222-4333-8444-555555555555.jsonl")
    summary = run(tracker, projects)
    assert summary["sessions_created"] == 1
    session = tracker.find_agent_session("claude_code", SID)
    assert session is not None
    assert session.message_count == 2
    assert session.branch == "feature"
    assert session.ended_at == later.at
    assert len(tracker.sessions()) == 1


def test_a_running_session_stays_open(tracker: Tracker, projects: Path, tmp_path: Path) -> None:
    t = Transcript(SID, str(tmp_path), start=utcnow() - timedelta(minutes=5))
    t.prompt("still working")
    t.response("msg_now")
    run(tracker, t.write(projects / f"{SID}.jsonl"))
    session = tracker.find_agent_session("claude_code", SID)
    assert session is not None and session.status == "active"


def test_hook_events_and_import_merge_without_double_counting(
    tracker: Tracker, projects: Path, tmp_path: Path
) -> None:
    from stint.capture.keys import event_key
    from stint.model.types import EventIn

    prompt = "Refactor it, see @app/m.py"
    edit = {"file_path": f"{tmp_path}/app/m.py", "old_string": "a", "new_string": "b\nc"}
    patch = {"structuredPatch": [{"lines": ["-a", "+b", "+c", "+d", " e"]}]}
    t = Transcript(SID, str(tmp_path), start=utcnow() - timedelta(minutes=10))
    t.prompt(prompt)
    t.tool("toolu_e", "Edit", edit, result=patch)
    t.tool("toolu_b", "Bash", {"command": "make test"})
    side = Transcript(SID, str(tmp_path), start=t.at, agent_id="a7")
    side.tool("toolu_s", "Read", {"file_path": f"{tmp_path}/README.md"})
    t.write(projects / f"{SID}.jsonl")
    side.write(projects / SID / "subagents" / "agent-a7.jsonl")

    # What the hook ingest records for the same session: the shared tool mapping, and
    # the hooks' keys for the prompt, its @mention and SubagentStart.
    hooked = tracker.attach(agent="claude_code", agent_session_id=SID, cwd=str(tmp_path))
    now = utcnow()
    key = prompt_key("claude_code", SID, prompt)
    mention = hashlib.sha256(b"app/m.py").hexdigest()[:16]
    hook_events = [
        EventIn("message", now, key=key),
        EventIn("file_mentioned", now, file_path="app/m.py", key=f"{key}:mention:{mention}"),
        EventIn("subagent_started", now, key=event_key("claude_code", SID, "SubagentStart", "a7")),
        *tool_events(
            "claude_code",
            SID,
            "toolu_e",
            "Edit",
            edit,
            now,
            True,
            5,
            "metadata",
            response=patch,
            cwd=str(tmp_path),
        ),
        *tool_events(
            "claude_code",
            SID,
            "toolu_b",
            "Bash",
            {"command": "make test"},
            now,
            True,
            9,
            "metadata",
            cwd=str(tmp_path),
        ),
    ]
    tracker.record_many(hooked.id, hook_events)
    before = tracker.get(hooked.id)

    run(tracker, projects)
    assert len(tracker.sessions()) == 1
    session = tracker.get(hooked.id)
    assert session.message_count == before.message_count == 1
    assert session.subagents_started == before.subagents_started == 1
    assert session.commands_executed == 1
    assert session.tool_call_count == 3  # the subagent's Read is new
    assert (session.edit_lines_added, session.edit_lines_removed) == (3, 1)
    files = {f.path: f for f in tracker.files(hooked.id)}
    assert set(files) == {"app/m.py", "README.md"}
    assert (files["app/m.py"].times_mentioned, files["app/m.py"].times_modified) == (1, 1)
    assert session.output_tokens == 50 * 3  # tokens only come from the transcript


def test_unknown_model_costs_nothing_and_warns(
    tracker: Tracker, projects: Path, tmp_path: Path
) -> None:
    t = Transcript(SID, str(tmp_path))
    t.response("msg_x", model="claude-mystery-9")
    t.response("msg_y", model="claude-mystery-9")
    summary = run(tracker, t.write(projects / f"{SID}.jsonl"))
    assert summary["unknown_models"] == ["claude-mystery-9"]
    assert len(summary["warnings"]) == 1
    assert "claude-mystery-9" in tracker.settings.log_file.read_text()
    session = tracker.find_agent_session("claude_code", SID)
    assert session is not None and session.cost_usd == 0 and session.output_tokens == 200


def test_prices_toml_overrides_the_shipped_table(
    tracker: Tracker, projects: Path, tmp_path: Path
) -> None:
    tracker.settings.home.mkdir(parents=True, exist_ok=True)
    (tracker.settings.home / "prices.toml").write_text(
        '[models."claude-sonnet-4-5"]\ninput = 100.0\n\n'
        '[models."claude-mystery-9"]\ninput = 1.0\noutput = 2.0\n'
    )
    t = Transcript(SID, str(tmp_path))
    t.response("msg_1", usage=(10, 0, 0, 0))
    t.response("msg_2", model="claude-mystery-9", usage=(1000, 1000, 0, 0))
    summary = run(tracker, t.write(projects / f"{SID}.jsonl"))
    assert summary["unknown_models"] == []
    session = tracker.find_agent_session("claude_code", SID)
    assert session is not None
    assert session.cost_usd == pytest.approx((10 * 100 + 1000 * 1 + 1000 * 2) / 1e6)


def test_cli_import_json_summary_and_show(tmp_path: Path) -> None:
    from conftest import run_stint

    root = tmp_path / "claude"
    t = Transcript(SID, str(tmp_path))
    t.prompt("hello")
    t.response("msg_1", usage=(3, 100, 1000, 5000))
    t.write(root / "projects" / "-p" / f"{SID}.jsonl")
    done = run_stint("import", "claude-code", "--json", env={"CLAUDE_CONFIG_DIR": str(root)})
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["output_tokens"] == 100 and summary["sessions_created"] == 1
    shown = run_stint("show", "last")
    assert "Tokens: 103 (+6,000 cache)" in shown.stdout, shown.stdout
    # Under a cent: two significant digits, not rounded to a cent (units.money).
    assert re.search(r"Cost: \$0\.00[1-9]\d\b", shown.stdout), shown.stdout


def _corpus(tmp_path: Path, projects: Path) -> None:
    for n in range(3):
        sid = f"0b5f7a52-1111-4c2e-9d1a-5a0c2a4a7e0{n}"
        t = Transcript(sid, str(tmp_path), start=OLD + timedelta(hours=n))
        t.prompt(f"task {n}")
        t.response(f"msg_{n}a", usage=(3, 400, 900, 7000), partial_outputs=(2, 9))
        t.tool(f"toolu_{n}e", "Edit", {"file_path": "/f.py", "old_string": "a", "new_string": "b"})
        t.tool(f"toolu_{n}t", "Task", {"prompt": "look"})
        t.compact()
        t.response(f"msg_{n}b", model="claude-opus-4-6", usage=(1, 50, 3000, 100), one_hour=2000)
        t.write(projects / f"{sid}.jsonl")
        side = Transcript(sid, str(tmp_path), start=t.at, agent_id=f"a{n}")
        side.tool(f"toolu_{n}s", "Bash", {"command": "ls"}, model="claude-haiku-4-5-20251001")
        side.write(projects / sid / "subagents" / f"agent-a{n}.jsonl")


def _figures(tracker: Tracker) -> list[tuple[Any, ...]]:
    sessions = sorted(tracker.sessions(limit=100), key=lambda s: s.agent_session_id)
    return [(_totals(s), s.subagents_started, s.files_modified) for s in sessions]


def test_small_flushes_give_the_same_result_and_counters_match_the_event_log(
    tracker: Tracker, projects: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from stint.capture import import_run
    from stint.sessions import doctor

    _corpus(tmp_path, projects)
    run(tracker, projects)
    whole = _figures(tracker)
    assert doctor.check(tracker) == []  # the bulk path moved counters like the event log says

    other = Tracker.open(f"sqlite:///{tmp_path / 'chunked.db'}")
    try:
        monkeypatch.setattr(import_run, "FLUSH_LINES", 3)
        run(other, projects)
        assert _figures(other) == whole
    finally:
        other.close()


def test_a_tool_call_never_answered_is_kept_without_a_verdict(
    tracker: Tracker, projects: Path, tmp_path: Path
) -> None:
    t = Transcript(SID, str(tmp_path))
    t.prompt("go")
    t.response(
        "msg_t",
        blocks=[
            {"type": "tool_use", "id": "toolu_x", "name": "Bash", "input": {"command": "sleep 9"}}
        ],
    )
    run(tracker, t.write(projects / f"{SID}.jsonl"))
    session = tracker.find_agent_session("claude_code", SID)
    assert session is not None
    assert (session.tool_call_count, session.tool_failures, session.commands_executed) == (1, 0, 1)
    calls = [a for a in tracker.timeline(session.id) if a.type == "tool_call"]
    assert "success" not in calls[0].payload


@pytest.mark.parametrize("policy", ["metadata", "full"])
def test_prompt_text_is_kept_only_under_full_and_redacted(
    policy: str, projects: Path, tmp_path: Path
) -> None:
    t = Transcript(SID, str(tmp_path))
    t.prompt("deploy with password=hunter22hunter")
    t.tool("toolu_g", "Grep", {"pattern": "token=abcd1234efgh"})
    tracker = Tracker.open(f"sqlite:///{tmp_path / 'p.db'}", capture_policy=policy)
    try:
        run(tracker, t.write(projects / f"{SID}.jsonl"))
        session = tracker.find_agent_session("claude_code", SID)
        assert session is not None
        timeline = tracker.timeline(session.id)
        payloads = {a.type: a.payload for a in timeline}
    finally:
        tracker.close()
    stored = json.dumps(payloads) + json.dumps([a.description for a in timeline])
    assert "hunter22hunter" not in stored and "abcd1234efgh" not in stored
    descriptions = {a.type: a.description for a in timeline}
    assert ("deploy with" in descriptions["message"]) == (policy == "full")
    assert ("input" in payloads["tool_call"]) == (policy == "full")


def test_a_missing_file_is_skipped(tracker: Tracker, tmp_path: Path) -> None:
    from stint.capture.claude_code import import_file

    summary = import_file(tracker, tmp_path / "gone.jsonl")
    assert (summary["files_read"], summary["files_skipped"]) == (0, 1)


def test_a_lone_surrogate_is_stored_as_a_replacement(
    tracker: Tracker, projects: Path, tmp_path: Path
) -> None:
    t = Transcript(SID, str(tmp_path))
    t.tool("toolu_s", "Bash", {"command": "echo X"})
    path = projects / f"{SID}.jsonl"
    path.parent.mkdir(parents=True)
    path.write_text(t.text().replace("echo X", "echo \\ud800"), encoding="utf-8")
    assert run(tracker, path)["events_stored"] == 3
    (session,) = tracker.sessions()
    ran = [a.description for a in tracker.timeline(session.id) if a.type == "command_executed"]
    assert ran == ["Ran: echo ?"]
