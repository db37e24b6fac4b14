"""The MCP server end to end: the official SDK client talks to `stint mcp` (the real
console script) over stdio, and once over streamable HTTP; a Tracker on the same
STINT_HOME checks what was stored."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio
from mcp import Client, StdioServerParameters
from mcp.types import Implementation, ListRootsResult, Root

from conftest import STINT, free_port
from stint.tracker import Tracker

CLAUDE = Implementation(name="claude-code", version="2.1.240")


def _params(cwd: Path, **env: str) -> StdioServerParameters:
    base = {k: os.environ[k] for k in ("PATH", "HOME", "STINT_HOME") if k in os.environ}
    # These tests pin the lazy start; the start on connect is tests/test_mcp_connect.py's.
    base["STINT_MCP_START"] = "first-call"
    return StdioServerParameters(command=STINT, args=["mcp"], env={**base, **env}, cwd=str(cwd))


def _run(scenario: Callable[[], Awaitable[None]]) -> None:
    anyio.run(scenario)


def _roots(path: Path) -> Any:
    async def list_roots(context: Any) -> ListRootsResult:
        return ListRootsResult(roots=[Root(uri=path.as_uri(), name=path.name)])  # type: ignore[arg-type]

    return list_roots


def _open_tracker() -> Tracker:
    return Tracker.open()


def test_whole_session_over_stdio(repo: Path, tmp_path: Path) -> None:
    """Lazy start with the project from the client's roots, tasks, decisions, context
    with @mentions, the current-session resource, tool errors, end."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    async def scenario() -> None:
        async with Client(
            _params(elsewhere),
            client_info=CLAUDE,
            mode="legacy",
            list_roots_callback=_roots(repo),
        ) as client:
            listed = {tool.name: tool for tool in (await client.list_tools()).tools}
            assert {
                "session_start",
                "session_end",
                "session_status",
                "session_goal",
                "session_tag",
                "session_note",
                "task_create",
                "task_update",
                "decision_record",
                "context_add",
                "file_touched",
                "sessions_list",
                "session_show",
                "sessions_stats",
                "sessions_compare",
            } <= set(listed)
            update_schema = listed["task_update"].input_schema
            assert set(update_schema["required"]) == {"task", "status"}
            status_schema = update_schema["properties"]["status"]
            assert status_schema["enum"] == ["todo", "in_progress", "completed"]
            assert status_schema["description"]
            assert listed["session_status"].description

            # A read neither creates a session nor fails.
            status = await client.call_tool("session_status", {})
            assert status.is_error is False
            assert status.structured_content == {
                "session": None,
                "message": "No session yet on this connection.",
            }
            tracker = _open_tracker()
            assert tracker.sessions() == []

            created = await client.call_tool("task_create", {"title": "Write the parser"})
            assert created.is_error is False
            first_task = created.structured_content["task"]["id"]
            ids = [first_task]
            for title in ("Add tests", "Update docs"):
                result = await client.call_tool("task_create", {"title": title})
                ids.append(result.structured_content["task"]["id"])
            for task_id in ids[:2]:
                done = await client.call_tool(
                    "task_update", {"task": str(task_id), "status": "completed"}
                )
                assert done.structured_content["task"]["status"] == "completed"
            await client.call_tool("session_goal", {"goal": "Ship the parser"})
            await client.call_tool(
                "decision_record", {"decision": "Use a hand-written parser", "rationale": "speed"}
            )
            context = await client.call_tool(
                "context_add", {"text": "The grammar is in @docs/grammar.md and @src/parse.py."}
            )
            assert context.structured_content["mentions"] == ["docs/grammar.md", "src/parse.py"]
            for _ in range(3):
                await client.call_tool(
                    "file_touched", {"path": "src/parse.py", "lines_added": 10, "lines_removed": 2}
                )
            await client.call_tool("session_tag", {"tags": ["parser"]})
            await client.call_tool("session_note", {"text": "Halfway there"})

            resource = await client.read_resource("stint://session/current")
            text = resource.contents[0].text  # type: ignore[union-attr]
            assert "Goal: Ship the parser" in text
            assert "2 of 3 tasks done" in text
            assert "You've modified src/parse.py 3 times" in text
            assert "Use a hand-written parser" in text
            by_ref = await client.read_resource("stint://session/last")
            assert "Goal: Ship the parser" in by_ref.contents[0].text  # type: ignore[union-attr]
            recent = await client.read_resource("stint://sessions/recent")
            assert "#1 [active]" in recent.contents[0].text  # type: ignore[union-attr]
            prompts = await client.list_prompts()
            assert [prompt.name for prompt in prompts.prompts] == ["session_review"]
            review = await client.get_prompt("session_review")
            assert "stint://session/current" in review.messages[0].content.text  # type: ignore[union-attr]

            # Bad calls are tool errors with a clear message; the server keeps serving.
            unknown = await client.call_tool("task_update", {"task": "999", "status": "completed"})
            assert unknown.is_error is True
            assert "no task 999" in unknown.content[0].text  # type: ignore[union-attr]
            wrong = await client.call_tool("task_update", {"task": "1", "status": "finished"})
            assert wrong.is_error is True
            negative = await client.call_tool("file_touched", {"path": "x", "lines_added": -4})
            assert negative.is_error is True
            typed = await client.call_tool("file_touched", {"path": "x", "lines_added": "many"})
            assert typed.is_error is True
            assert "lines_added" in typed.content[0].text  # type: ignore[union-attr]
            missing = await client.call_tool("task_create", {})
            assert missing.is_error is True
            by_int = await client.call_tool(
                "task_update", {"task": ids[2], "status": "in_progress"}
            )
            assert by_int.structured_content["task"]["status"] == "in_progress"
            shown = await client.call_tool("session_show", {"session": 1})
            assert shown.structured_content["session"]["number"] == 1
            assert len(shown.structured_content["tasks"]) == 3
            bad_ref = await client.call_tool("session_show", {"session": "#4242"})
            assert bad_ref.is_error is True
            assert "no session #4242" in bad_ref.content[0].text  # type: ignore[union-attr]
            status = await client.call_tool("session_status", {})
            assert status.structured_content["tasks"]["completed"] == 2
            assert status.structured_content["hints"]

            ended = await client.call_tool("session_end", {"outcome": "partial"})
            assert ended.structured_content["session"]["status"] == "ended"
            again = await client.call_tool("session_end", {})
            assert again.is_error is True

        [session] = tracker.sessions()
        assert session.project == "myrepo"
        assert session.repo_root == os.path.realpath(repo)
        assert session.agent == "claude_code"
        assert session.agent_version == "2.1.240"
        assert session.mcp_connection_id.startswith("stdio-")
        assert session.goal == "Ship the parser"
        assert session.status == "ended"
        assert session.outcome == "partial"
        assert session.tags == ["parser"]
        assert (session.tasks_created, session.tasks_completed, session.tasks_in_progress) == (
            3,
            2,
            1,
        )
        assert session.decisions_made == 1
        assert session.context_items_added == 1
        assert session.files_mentioned == 2
        assert session.edit_lines_added == 30
        assert session.notes_count == 1
        files = {touch.path: touch for touch in tracker.files(session.id)}
        assert files["src/parse.py"].times_modified == 3
        assert files["docs/grammar.md"].times_mentioned == 1
        tracker.close()

    _run(scenario)


def test_reconnect_reattaches_and_disconnect_leaves_session_open(tmp_path: Path) -> None:
    """The same agent session id (from the environment, or session_start's argument)
    re-attaches on reconnect; a disconnect never ends the session."""

    async def scenario() -> None:
        env = {"STINT_AGENT_SESSION_ID": "agent-42"}
        async with Client(_params(tmp_path, **env), client_info=CLAUDE) as client:
            started = await client.call_tool("session_start", {"goal": "Refactor"})
            assert started.structured_content["created"] is True
            await client.call_tool("task_create", {"title": "one"})
        tracker = _open_tracker()
        [session] = tracker.sessions()
        assert session.status == "active"  # disconnect did not end it
        first_connection = session.mcp_connection_id

        async with Client(_params(tmp_path, **env), client_info=CLAUDE) as client:
            await client.call_tool("task_create", {"title": "two"})
        codex = Implementation(name="codex-mcp-client", version="0.144.0")
        async with Client(_params(tmp_path), client_info=CLAUDE) as client:
            again = await client.call_tool("session_start", {"agent_session_id": "agent-42"})
            assert again.structured_content["created"] is False
            await client.call_tool("task_create", {"title": "three"})
        async with Client(_params(tmp_path), client_info=codex) as client:
            await client.call_tool("session_note", {"text": "another agent"})

        sessions = tracker.sessions()
        assert len(sessions) == 2
        codex_session, claude_session = sessions
        assert claude_session.id == session.id
        assert claude_session.tasks_created == 3
        assert claude_session.mcp_connection_id != first_connection
        assert codex_session.agent == "codex"
        assert codex_session.agent_session_id.startswith("mcp:stdio-")
        tracker.close()

    _run(scenario)


def test_a_connection_joins_the_session_the_hooks_record(tmp_path: Path) -> None:
    """Hooks and MCP both installed: an MCP connection that names no agent session
    records into the session the agent's hooks opened in that directory, not a second."""
    tracker = _open_tracker()
    hooked = tracker.attach(agent="claude_code", agent_session_id="cc-7f0c", cwd=str(tmp_path))
    elsewhere = tmp_path.parent / "elsewhere"
    elsewhere.mkdir()

    async def scenario() -> None:
        async with Client(_params(tmp_path), client_info=CLAUDE) as client:
            result = await client.call_tool("task_create", {"title": "from MCP"})
            assert not result.is_error
        async with Client(_params(elsewhere), client_info=CLAUDE) as client:
            await client.call_tool("task_create", {"title": "another directory"})

    _run(scenario)
    sessions = {s.agent_session_id: s for s in tracker.sessions()}
    assert sessions["cc-7f0c"].id == hooked.id
    assert sessions["cc-7f0c"].tasks_created == 1
    assert sessions["cc-7f0c"].mcp_connection_id.startswith("stdio-")
    others = [s for key, s in sessions.items() if key != "cc-7f0c"]
    assert len(others) == 1 and others[0].agent_session_id.startswith("mcp:stdio-")
    tracker.close()


def test_streamable_http(tmp_path: Path) -> None:
    port = free_port()
    server = subprocess.Popen(
        [STINT, "mcp", "--http", "--host", "127.0.0.1", "--port", str(port)],
        cwd=tmp_path,
        env={**os.environ, "STINT_MCP_START": "first-call"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise AssertionError("stint mcp --http did not start") from None
                time.sleep(0.1)

        async def scenario() -> None:
            url = f"http://127.0.0.1:{port}/mcp"
            async with Client(url, client_info=CLAUDE) as client:
                created = await client.call_tool("task_create", {"title": "over http"})
                assert created.is_error is False
                assert created.structured_content["task"]["title"] == "over http"
                listed = await client.call_tool("sessions_list", {"limit": 5})
                [only] = listed.structured_content["sessions"]
                assert only["agent"] == "claude_code"
                assert only["counters"]["tasks_created"] == 1
            # Another client on the same server gets a session of its own.
            codex = Implementation(name="codex-mcp-client", version="0.144.0")
            async with Client(url, client_info=codex) as client:
                noted = await client.call_tool("session_note", {"text": "from codex"})
                assert noted.is_error is False

        _run(scenario)
    finally:
        server.terminate()
        server.wait(timeout=10)
    tracker = _open_tracker()
    codex_session, session = tracker.sessions()
    assert session.status == "active"  # terminating the server ended nothing
    assert (session.agent, session.agent_version) == ("claude_code", "2.1.240")
    assert session.tasks_created == 1
    assert session.mcp_connection_id
    assert (codex_session.agent, codex_session.notes_count) == ("codex", 1)
    tracker.close()
