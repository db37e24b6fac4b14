"""The current session's figures as the status panel shows them (`Tracker.live`: the code
changed so far in the work tree), through the API's `/current` and MCP's
`session_status`, not the counters stored at the last event."""

from __future__ import annotations

import os
from pathlib import Path

import anyio
from fastapi.testclient import TestClient
from mcp import Client, StdioServerParameters
from mcp.types import Implementation

from conftest import STINT
from stint.tracker import Tracker
from stint.web import create_app


def _write_lines(repo: Path) -> None:
    (repo / "parse.py").write_text("a = 1\nb = 2\nc = 3\n")  # untracked: counted as added


def test_api_current_has_the_live_code_figures(tracker: Tracker, repo: Path) -> None:
    session = tracker.start(cwd=str(repo), source="api")
    _write_lines(repo)
    assert tracker.get(session.id).row["loc_added"] == 0  # nothing stored yet
    with TestClient(create_app(tracker, housekeeping_seconds=None)) as client:
        current = client.get("/api/v1/current").json()
    assert current["session"]["id"] == session.id
    assert current["session"]["lines_added"] == 3


def test_mcp_status_has_the_live_code_figures(repo: Path) -> None:
    tracker = Tracker.open()
    started = tracker.start(
        agent="claude_code", agent_session_id="agent-7", cwd=str(repo), source="hook"
    )
    _write_lines(repo)
    base = {k: os.environ[k] for k in ("PATH", "HOME", "STINT_HOME") if k in os.environ}
    params = StdioServerParameters(
        command=STINT,
        args=["mcp"],
        env={**base, "STINT_AGENT_SESSION_ID": "agent-7", "STINT_MCP_START": "first-call"},
        cwd=str(repo),
    )

    async def scenario() -> None:
        info = Implementation(name="claude-code", version="2.1.240")
        async with Client(params, client_info=info, mode="legacy") as client:
            status = await client.call_tool("session_status", {})
            content = status.structured_content or {}
            assert content["session"]["id"] == started.id
            assert content["figures"]["loc_added"] == 3
            assert content["figures"]["files_modified"] == 1

    anyio.run(scenario)
