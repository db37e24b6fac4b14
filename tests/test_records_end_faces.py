"""The person's account of a session at its end (rating, summary, learnings, completion)
is taken by every face that ends a session, not only the CLI; and the end is recorded
with the face's source."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest
from fastapi.testclient import TestClient
from mcp import Client, StdioServerParameters
from mcp.types import Implementation

from conftest import STINT
from stint.tracker import Tracker
from stint.web import create_app


@pytest.fixture
def client(tracker: Tracker) -> Iterator[TestClient]:
    with TestClient(create_app(tracker, housekeeping_seconds=None)) as test_client:
        yield test_client


def test_the_api_end_takes_the_outcome_fields(client: TestClient, tracker: Tracker) -> None:
    number = client.post("/api/v1/sessions", json={"goal": "g", "project": "p"}).json()["number"]
    body = {"rating": 4, "summary": "parser done", "learnings": "lexers", "completion": 80}
    ended = client.post(f"/api/v1/sessions/{number}/end", json=body)
    assert ended.status_code == 200, ended.text
    session = tracker.get(number)
    assert (session.success_rating, session.summary, session.learnings) == (
        4,
        "parser done",
        "lexers",
    )
    assert session.completion_percentage == 80
    [end] = [a for a in tracker.timeline(number) if a.type == "session_ended"]
    assert end.source == "api"


def test_the_api_end_refuses_a_rating_out_of_range(client: TestClient) -> None:
    number = client.post("/api/v1/sessions", json={"project": "p"}).json()["number"]
    refused = client.post(f"/api/v1/sessions/{number}/end", json={"rating": 9})
    assert refused.status_code in (400, 422)
    assert client.get(f"/api/v1/sessions/{number}").json()["status"] == "active"


def test_the_mcp_end_takes_the_outcome_fields(tmp_path: Path) -> None:
    base = {k: os.environ[k] for k in ("PATH", "HOME", "STINT_HOME") if k in os.environ}
    params = StdioServerParameters(command=STINT, args=["mcp"], env=base, cwd=str(tmp_path))

    async def scenario() -> None:
        async with Client(
            params, client_info=Implementation(name="claude-code", version="2.1.240")
        ) as client:
            await client.call_tool("session_start", {"goal": "write the lexer"})
            ended = await client.call_tool(
                "session_end",
                {"outcome": "partial", "rating": 3, "summary": "half", "completion": 50},
            )
            assert ended.is_error is False, ended.content

    anyio.run(scenario)
    tracker = Tracker.open()
    [session] = tracker.sessions()
    assert (session.outcome, session.success_rating, session.summary) == ("partial", 3, "half")
    assert session.completion_percentage == 50
    tracker.close()
