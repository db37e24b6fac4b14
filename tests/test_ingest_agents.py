"""Raw hook records of any agent with a hook mapper go through `POST /api/v1/ingest` as a
local drain maps them: Gemini CLI's hooks (the shapes of tests/test_gemini_hooks.py) make
one gemini_cli session with its prompt, tool call and failure; a record of an agent no
mapper knows is refused on its own, with the reason, and the rest are stored."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from stint.tracker import Tracker
from stint.web import create_app

SID = "remote-gemini-1"


@pytest.fixture
def client(tracker: Tracker) -> Iterator[TestClient]:
    with TestClient(create_app(tracker, housekeeping_seconds=None)) as test_client:
        yield test_client


def _gemini(event: str, seconds: int, **fields: Any) -> dict[str, Any]:
    hook = {
        "session_id": SID,
        "cwd": "/nonexistent/remote",
        "hook_event_name": event,
        "timestamp": f"2026-09-10T09:00:{seconds:02d}.000Z",
        **fields,
    }
    return {"agent": "gemini_cli", "received_at": 1_789_030_800.0 + seconds, "hook": hook}


def test_gemini_cli_hook_records_are_mapped_and_an_unknown_agent_is_refused(
    client: TestClient, tracker: Tracker
) -> None:
    shell = {"command": "pytest -q"}
    failed = {"llmContent": "failed", "returnDisplay": "failed", "error": "Exit code: 1"}
    records = [
        _gemini("SessionStart", 0, source="startup"),
        _gemini("BeforeAgent", 1, prompt="Fix the failing test"),
        _gemini("BeforeTool", 2, tool_name="run_shell_command", tool_input=shell),
        _gemini(
            "AfterTool", 3, tool_name="run_shell_command", tool_input=shell, tool_response=failed
        ),
        {"agent": "no_such_agent", "received_at": 1_789_030_804.0, "hook": {"session_id": "x"}},
    ]
    response = client.post("/api/v1/ingest", json={"records": records})
    assert response.status_code == 200, response.text
    assert response.json()["hook_records"] == 4
    [refused] = response.json()["refused_records"]
    assert refused["index"] == 4 and "unknown agent 'no_such_agent'" in refused["reason"]
    again = client.post("/api/v1/ingest", json={"records": records[:4]})
    assert again.status_code == 200
    [session] = [s for s in tracker.sessions(limit=10) if s.agent_session_id == SID]
    assert session.agent == "gemini_cli"
    assert (session.message_count, session.tool_call_count, session.tool_failures) == (1, 1, 1)


def test_an_agent_name_that_is_not_a_short_name_is_a_400(client: TestClient) -> None:
    record = {"agent": "x" * 500, "received_at": 1.0, "hook": {}}
    response = client.post("/api/v1/ingest", json={"records": [record]})
    assert response.status_code == 400
