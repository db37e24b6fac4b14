"""Issue 10, import and MCP: a transcript replaced under the same name is read again from
its start (once, without double counting); bad lines are counted and named; an MCP
reconnect sees its session before any recording call; MCP events say they came from MCP
and from the agent."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from conftest import run_stint
from stint.sessions import doctor
from stint.tracker import Tracker
from transcripts import OLD, Transcript, dump

SID = "0b5f7a52-1111-4c2e-9d1a-5a0c2a4a7e01"
OTHER = "7c1d0e33-2222-4d3e-8e2b-6b1d3b5b8f02"


def run(tracker: Tracker, *paths: Path) -> dict[str, Any]:
    return tracker.import_transcripts("claude-code", list(paths))


def totals(tracker: Tracker, sid: str) -> tuple[Any, ...]:
    session = tracker.find_agent_session("claude_code", sid)
    assert session is not None
    return (
        session.message_count,
        session.tool_call_count,
        session.input_tokens,
        session.output_tokens,
        session.cache_creation_tokens,
        session.cache_read_tokens,
        round(session.cost_usd, 9),
        session.started_at,
    )


def fresh_totals(tmp_path: Path, path: Path, sid: str) -> tuple[Any, ...]:
    """What a database that never saw the earlier content makes of `path`."""
    other = Tracker.open(f"sqlite:///{tmp_path / f'fresh-{sid[:8]}.db'}")
    try:
        run(other, path)
        return totals(other, sid)
    finally:
        other.close()


@pytest.fixture
def projects(tmp_path: Path) -> Path:
    folder = tmp_path / "claude" / "projects" / "-home-u-app"
    folder.mkdir(parents=True)
    return folder


# ------------------------------------------------------------- replaced transcripts


def test_a_file_replaced_in_place_by_longer_content_is_read_from_its_start(
    tracker: Tracker, projects: Path, tmp_path: Path
) -> None:
    first = Transcript(SID, str(tmp_path))
    first.prompt("short one")
    first.response("msg_a", usage=(3, 100, 1000, 5000))
    path = first.write(projects / "session.jsonl")
    run(tracker, path)
    before = totals(tracker, SID)

    # The same name now holds another, longer session (same inode: rewritten in place).
    second = Transcript(OTHER, str(tmp_path), start=OLD + timedelta(days=1))
    for n in range(4):
        second.prompt(f"step {n} of a much longer session")
        second.response(f"msg_b{n}", usage=(5, 40 + n, 200, 3000))
    with path.open("r+") as handle:
        handle.write(second.text())
    inode = path.stat().st_ino
    summary = run(tracker, path)

    assert path.stat().st_ino == inode
    assert totals(tracker, OTHER) == fresh_totals(tmp_path, path, OTHER)
    assert totals(tracker, OTHER)[0] == 4  # its first prompt too
    assert totals(tracker, SID) == before
    assert doctor.check(tracker) == []
    assert summary["files_replaced"] == 1


def test_a_rewritten_session_is_reread_without_double_counting(
    tracker: Tracker, projects: Path, tmp_path: Path
) -> None:
    t = Transcript(SID, str(tmp_path))
    t.prompt("start")
    t.tool("toolu_1", "Write", {"file_path": "/a.py", "content": "x\n"})
    # Read while a response was being streamed: two of its three lines so far.
    t.response("msg_big", usage=(2, 700, 100, 9000), partial_outputs=(5, 60))
    cut = len(t.lines) - 1
    path = projects / f"{SID}.jsonl"
    path.write_text(dump(t.lines[:cut]))
    run(tracker, path)

    # Rewritten with a summary line in front (every old offset now lands mid-line)
    # and more work after.
    t.prompt("more")
    t.tool("toolu_2", "Bash", {"command": "pytest"})
    summary_line = {"type": "summary", "summary": "Writing a.py", "leafUuid": "x" * 36}
    path.write_text(dump([summary_line, *t.lines]))
    result = run(tracker, path)

    assert totals(tracker, SID) == fresh_totals(tmp_path, path, SID)
    assert result["files_replaced"] == 1
    assert result["bad_lines"] == 0
    session = tracker.find_agent_session("claude_code", SID)
    assert session is not None
    assert (session.message_count, session.tool_call_count) == (2, 2)
    assert session.output_tokens == 50 + 700 + 50  # the streamed response once, at its max
    assert doctor.check(tracker) == []  # counters agree with the event log

    again = run(tracker, path)  # and the re-read left a sound offset behind
    assert (again["files_read"], again["files_replaced"], again["events_stored"]) == (0, 0, 0)


def test_a_file_rewritten_to_the_same_size_is_not_taken_as_unchanged(
    tracker: Tracker, projects: Path, tmp_path: Path
) -> None:
    t = Transcript(SID, str(tmp_path))
    t.prompt("aaaa")
    path = t.write(projects / f"{SID}.jsonl")
    run(tracker, path)
    # Another session's prompt, byte for byte as long: size and offset still agree.
    u = Transcript(OTHER, str(tmp_path))
    u.prompt("aaaa")
    same_size = u.text()
    assert len(same_size) == len(t.text())
    path.write_text(same_size)
    summary = run(tracker, path)
    assert totals(tracker, OTHER)[0] == 1
    assert summary["files_replaced"] == 1


def test_a_file_moved_over_by_another_file_is_read_again_idempotently(
    tracker: Tracker, projects: Path, tmp_path: Path
) -> None:
    t = Transcript(SID, str(tmp_path))
    t.prompt("one")
    t.response("msg_1")
    path = t.write(projects / f"{SID}.jsonl")
    run(tracker, path)
    t.prompt("two")
    t.response("msg_2")
    staged = tmp_path / "staged.jsonl"
    staged.write_text(t.text())
    os.replace(staged, path)  # an editor's atomic save: a new inode under the old name
    summary = run(tracker, path)
    assert summary["files_replaced"] == 1
    assert totals(tracker, SID) == fresh_totals(tmp_path, path, SID)
    assert doctor.check(tracker) == []


# ---------------------------------------------------------------------- bad lines


def _with_bad_lines(t: Transcript, path: Path, extra_bad: int = 0) -> None:
    lines = dump(t.lines).splitlines(keepends=True)
    bad = ['{"type": "user", "message": \n', "[1, 2, 3]\n", '{"hello": "world"}\n']
    bad += [f"not json {n}\n" for n in range(extra_bad)]
    path.write_text("".join([lines[0], bad[0], lines[1], bad[1], bad[2], *lines[2:], *bad[3:]]))


def test_bad_lines_are_counted_and_named_in_the_plain_output(
    projects: Path, tmp_path: Path
) -> None:
    t = Transcript(SID, str(tmp_path))
    t.prompt("hello")
    t.response("msg_1")
    t.prompt("again")
    path = projects / f"{SID}.jsonl"
    _with_bad_lines(t, path)

    done = run_stint("import", "claude-code", str(path))
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Skipped 3 bad lines (1 not valid JSON, 2 of the wrong shape):" in out, out
    assert f"{path}:2: not valid JSON" in out
    assert f"{path}:4: a JSON array, not an object" in out
    assert f"{path}:5: not a transcript line (no record type)" in out
    assert "more" not in out

    # An incremental read names lines by their number in the file, not in the new part.
    with path.open("a") as handle:
        handle.write("{oops\n")
    done = run_stint("import", "claude-code", str(path), "--json")
    summary = json.loads(done.stdout)
    assert (summary["bad_lines"], summary["wrong_shape_lines"]) == (1, 0)
    total = len(path.read_text().splitlines())
    assert summary["problems"] == [{"path": str(path), "line": total, "problem": "not valid JSON"}]


def test_many_bad_lines_are_capped_with_a_count_of_the_rest(projects: Path, tmp_path: Path) -> None:
    t = Transcript(SID, str(tmp_path))
    t.prompt("hello")
    t.response("msg_1")
    path = projects / f"{SID}.jsonl"
    _with_bad_lines(t, path, extra_bad=12)

    done = run_stint("import", "claude-code", str(path))
    assert done.returncode == 0, done.stderr
    assert "Skipped 15 bad lines (13 not valid JSON, 2 of the wrong shape):" in done.stdout
    named = [line for line in done.stdout.splitlines() if line.startswith(f"  {path}:")]
    assert len(named) == 10
    assert "  … and 5 more" in done.stdout

    as_json = json.loads(run_stint("import", "claude-code", str(path), "--json").stdout)
    assert as_json["bad_lines"] == 0  # nothing new: the counts are of this run


def test_codex_lines_of_the_wrong_shape_are_counted(tracker: Tracker, tmp_path: Path) -> None:
    path = tmp_path / "rollout-2026-01-05T09-00-00-x.jsonl"
    path.write_text('{"foo": 1}\n"just a string"\n')
    summary = tracker.import_transcripts("codex", [path])
    assert summary["wrong_shape_lines"] == 2
    assert [p["line"] for p in summary["problems"]] == [1, 2]


# ---------------------------------------------------------------------------- MCP


def _mcp(cwd: Path, **env: str) -> Any:
    from mcp import StdioServerParameters

    from conftest import STINT

    base = {k: os.environ[k] for k in ("PATH", "HOME", "STINT_HOME") if k in os.environ}
    return StdioServerParameters(command=STINT, args=["mcp"], env={**base, **env}, cwd=str(cwd))


def _claude() -> Any:
    from mcp.types import Implementation

    return Implementation(name="claude-code", version="2.1.240")


def test_a_reconnect_sees_its_session_before_any_recording_call(tmp_path: Path) -> None:
    import anyio
    from mcp import Client

    env = {"STINT_AGENT_SESSION_ID": "agent-77"}

    async def scenario() -> dict[str, Any]:
        async with Client(_mcp(tmp_path, **env), client_info=_claude()) as client:
            await client.call_tool("session_start", {"goal": "Ship the importer"})
            await client.call_tool("task_create", {"title": "one"})
        async with Client(_mcp(tmp_path, **env), client_info=_claude()) as client:
            status = await client.call_tool("session_status", {})
            assert status.is_error is False
            content = status.structured_content
            assert content is not None and content.get("session") is not None, content
            assert "Ship the importer" in json.dumps(content)
            ended = await client.call_tool("session_end", {"outcome": "achieved"})
            assert ended.is_error is False, ended.content
            assert ended.structured_content is not None
            return dict(ended.structured_content["session"])

    session = anyio.run(scenario)
    assert session["status"] == "ended"
    tracker = Tracker.open()
    try:
        [stored] = tracker.sessions()
        assert stored.id == session["id"] and stored.status == "ended"
        assert stored.outcome == "achieved"
    finally:
        tracker.close()


def test_a_connection_without_a_stable_id_still_has_no_session_to_see(tmp_path: Path) -> None:
    import anyio
    from mcp import Client

    lazy = {"STINT_MCP_START": "first-call"}  # with the start on connect it has its own

    async def scenario() -> None:
        async with Client(_mcp(tmp_path, **lazy), client_info=_claude()) as client:
            await client.call_tool("task_create", {"title": "one"})
        async with Client(_mcp(tmp_path, **lazy), client_info=_claude()) as client:
            status = await client.call_tool("session_status", {})
            assert status.structured_content == {
                "session": None,
                "message": "No session yet on this connection.",
            }
            ended = await client.call_tool("session_end", {})
            assert ended.is_error is True

    anyio.run(scenario)


def test_every_mcp_tool_records_source_mcp_by_the_agent(tmp_path: Path) -> None:
    import anyio
    from mcp import Client

    async def scenario() -> int:
        async with Client(_mcp(tmp_path), client_info=_claude()) as client:
            calls: list[tuple[str, dict[str, Any]]] = [
                ("session_start", {"goal": "First goal"}),
                ("session_goal", {"goal": "A better goal"}),
                ("session_tag", {"tags": ["mcp"]}),
                ("session_note", {"text": "a note"}),
                ("task_create", {"title": "a task", "external_id": "t1"}),
                ("task_update", {"task": "t1", "status": "completed"}),
                ("decision_record", {"decision": "use X", "rationale": "simpler"}),
                ("context_add", {"text": "see @src/app.py"}),
                ("file_touched", {"path": "src/app.py", "lines_added": 3}),
                ("file_touched", {"path": "README.md", "action": "mentioned"}),
                ("session_end", {"notes": "done"}),
            ]
            for name, arguments in calls:
                result = await client.call_tool(name, arguments)
                assert result.is_error is False, (name, result.content)
            assert result.structured_content is not None
            return int(result.structured_content["session"]["id"])

    session_id = anyio.run(scenario)
    tracker = Tracker.open()
    try:
        events = tracker.timeline(session_id)
    finally:
        tracker.close()
    kinds = {a.type for a in events}
    assert {"session_started", "goal_set", "note_added", "session_ended"} <= kinds, kinds
    assert {"file_modified", "file_mentioned", "decision_made", "context_added"} <= kinds
    wrong = [(a.type, a.source, a.ai_involved) for a in events]
    wrong = [w for w in wrong if w[1:] != ("mcp", True)]
    assert wrong == []
