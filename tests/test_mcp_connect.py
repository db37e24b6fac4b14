"""The start on connect (`mcp_start = "connect"`, the default): the official client talks
to `stint mcp` over stdio; the session exists before any tool call, the goal question is
asked by elicitation (answered, declined) or, without elicitation, `session_status` says
the goal is unset. An idle connection's empty session is deleted by the sweep."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client, StdioServerParameters
from mcp.types import ElicitResult, Implementation, ListRootsResult, Root

from conftest import STINT, free_port
from stint.mcp.greeting import GOAL_QUESTION
from stint.model.config import ConfigError, load_settings
from stint.model.timeparse import utcnow
from stint.tracker import Tracker

CLAUDE = Implementation(name="claude-code", version="2.1.240")


def _params(cwd: Path, **env: str) -> StdioServerParameters:
    base = {k: os.environ[k] for k in ("PATH", "HOME", "STINT_HOME") if k in os.environ}
    return StdioServerParameters(command=STINT, args=["mcp"], env={**base, **env}, cwd=str(cwd))


def _roots(path: Path) -> Any:
    async def list_roots(context: Any) -> ListRootsResult:
        return ListRootsResult(roots=[Root(uri=path.as_uri(), name=path.name)])  # type: ignore[arg-type]

    return list_roots


def _answering(reply: ElicitResult, asked: list[str]) -> Any:
    async def elicit(context: Any, params: Any) -> ElicitResult:
        asked.append(params.message)
        return reply

    return elicit


async def _until(check: Callable[[], Awaitable[bool]], seconds: float = 20) -> None:
    """Wait for the server's background start on connect to show."""
    with anyio.fail_after(seconds):
        while not await check():
            await anyio.sleep(0.1)


async def _status(client: Client) -> dict[str, Any]:
    result = await client.call_tool("session_status", {})
    assert result.is_error is False
    return dict(result.structured_content or {})


def test_connect_starts_the_session_and_the_answer_becomes_its_goal(repo: Path) -> None:
    asked: list[str] = []

    async def scenario() -> None:
        reply = ElicitResult(action="accept", content={"goal": "  Ship the parser  "})
        async with Client(
            _params(repo.parent),
            client_info=CLAUDE,
            mode="legacy",
            list_roots_callback=_roots(repo),
            elicitation_callback=_answering(reply, asked),
        ) as client:

            async def goal_set() -> bool:
                return bool((await _status(client)).get("goal_set"))

            await _until(goal_set)
            status = await _status(client)
            assert status["session"]["goal"] == "Ship the parser"
            assert status["session"]["project"] == repo.name
            assert "goal_hint" not in status
            assert set(status["figures"]) == {
                "loc_added",
                "loc_removed",
                "files_modified",
                "commits_made",
                "score",
            }
            await client.call_tool("task_create", {"title": "Write it"})
            assert asked == [GOAL_QUESTION]  # asked once, not on later calls

    anyio.run(scenario)
    sessions = Tracker.open().sessions()
    assert [(s.goal, s.project, s.tasks_created) for s in sessions] == [
        ("Ship the parser", repo.name, 1)
    ]


@pytest.mark.parametrize("action", ["decline", "cancel"])
def test_declining_the_goal_question_leaves_it_unset(tmp_path: Path, action: str) -> None:
    asked: list[str] = []

    async def scenario() -> None:
        reply = ElicitResult(action=action)  # type: ignore[arg-type]
        async with Client(
            _params(tmp_path),
            client_info=CLAUDE,
            mode="legacy",
            elicitation_callback=_answering(reply, asked),
        ) as client:

            async def was_asked() -> bool:
                return bool(asked)

            await _until(was_asked)
            status = await _status(client)
            assert status["session"]["status"] == "active"
            assert status["session"]["goal"] is None
            assert status["goal_set"] is False
            assert "session_goal" in status["goal_hint"]

    anyio.run(scenario)
    assert [s.goal for s in Tracker.open().sessions()] == [None]


def test_without_elicitation_status_says_the_goal_is_unset_and_the_sweep_removes_it(
    tmp_path: Path,
) -> None:
    async def scenario() -> None:
        async with Client(_params(tmp_path), client_info=CLAUDE, mode="legacy") as client:

            async def started() -> bool:
                return (await _status(client))["session"] is not None

            await _until(started)
            status = await _status(client)
            assert status["goal_set"] is False
            assert "What do you want to accomplish" in status["goal_hint"]

    anyio.run(scenario)
    tracker = Tracker.open()
    [session] = tracker.sessions()
    assert (session.status, session.agent) == ("active", "claude_code")
    # Disconnecting leaves it open; the sweep, after the timeout, deletes it: nothing was
    # recorded in it, so it is litter, not a session to keep as `timeout`.
    assert tracker.sweep(utcnow() + timedelta(hours=3)) == [session.id]
    assert tracker.sessions() == []


def test_without_a_handshake_the_first_request_starts_it(tmp_path: Path) -> None:
    """The 2026-07-28 protocol (the client's default here) has no `initialize`: the
    session starts with the first tool request, before it is answered."""

    async def scenario() -> None:
        async with Client(_params(tmp_path), client_info=CLAUDE) as client:
            assert client.protocol_version == "2026-07-28"
            status = await _status(client)
            assert status["session"]["agent"] == "claude_code"
            assert status["goal_set"] is False

    anyio.run(scenario)
    assert len(Tracker.open().sessions()) == 1


@pytest.mark.parametrize("first_call", ["task_create", "session_start"])
def test_hooks_opening_after_the_connect_are_joined(tmp_path: Path, first_call: str) -> None:
    """The agent started its MCP server before its first hook ran: the first recording
    call moves to the hooks' session, and the connect's empty one is gone."""

    async def scenario() -> None:
        async with Client(_params(tmp_path), client_info=CLAUDE, mode="legacy") as client:

            async def started() -> bool:
                return (await _status(client))["session"] is not None

            await _until(started)
            tracker = Tracker.open()
            tracker.attach(agent="claude_code", agent_session_id="cc-1", cwd=str(tmp_path))
            tracker.close()
            arguments = {"title": "x"} if first_call == "task_create" else {"goal": "Ship"}
            result = await client.call_tool(first_call, arguments)
            assert result.is_error is False

    anyio.run(scenario)
    [session] = Tracker.open().sessions()
    assert session.agent_session_id == "cc-1"
    assert (session.tasks_created, session.goal) in ((1, None), (0, "Ship"))


def test_first_call_setting_keeps_the_lazy_start(tmp_path: Path) -> None:
    async def scenario() -> None:
        env = {"STINT_MCP_START": "first-call"}
        async with Client(_params(tmp_path, **env), client_info=CLAUDE, mode="legacy") as client:
            await anyio.sleep(1)  # time for a start on connect, were it on
            assert (await _status(client))["session"] is None

    anyio.run(scenario)
    assert Tracker.open().sessions() == []


def test_mcp_start_setting_is_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings(tmp_path).mcp_start == "connect"
    (tmp_path / "config.toml").write_text('mcp_start = "first-call"\n')
    assert load_settings(tmp_path).mcp_start == "first-call"
    monkeypatch.setenv("STINT_MCP_START", "later")
    with pytest.raises(ConfigError, match="mcp_start must be 'connect' or 'first-call'"):
        load_settings(tmp_path)


def test_over_streamable_http_each_connection_is_greeted(tmp_path: Path) -> None:
    port = free_port()
    server = subprocess.Popen(
        [STINT, "mcp", "--http", "--host", "127.0.0.1", "--port", str(port)],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    asked: list[str] = []
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
            for goal in ("First goal", "Second goal"):
                reply = ElicitResult(action="accept", content={"goal": goal})
                async with Client(
                    url,
                    client_info=CLAUDE,
                    mode="legacy",
                    elicitation_callback=_answering(reply, asked),
                ) as client:

                    async def goal_set() -> bool:
                        return bool((await _status(client)).get("goal_set"))

                    await _until(goal_set)
                    assert (await _status(client))["session"]["goal"] == goal

        anyio.run(scenario)
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert asked == [GOAL_QUESTION, GOAL_QUESTION]
    goals = sorted(str(s.goal) for s in Tracker.open().sessions())
    assert goals == ["First goal", "Second goal"]
