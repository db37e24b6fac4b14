"""The goal-oriented MCP tools end to end: an interviewer session recorded entirely
through `stint mcp` over stdio with the official client (scheduled from a template,
interactions, an artifact approved, a note, a subject link, progress, evaluate, end),
then read back through the Tracker and the CLI equal to what was sent. Bad input comes
back as one-line tool errors; credentials are redacted."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client, StdioServerParameters
from mcp.types import Implementation

from conftest import STINT, run_stint
from stint.tracker import Tracker

APP = Implementation(name="memoir-app", version="1.0")
TOKEN = "sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123"
QUESTION = "What do you remember of the house you grew up in?"
ANSWER = "A blue door, and my grandmother's kitchen that smelled of bread."


@pytest.fixture(autouse=True)
def full_capture(monkeypatch: pytest.MonkeyPatch) -> None:
    # The default policy keeps sizes and hashes only; this app keeps the texts.
    monkeypatch.setenv("STINT_CAPTURE_POLICY", "full")


def _params(cwd: Path) -> StdioServerParameters:
    names = ("PATH", "HOME", "STINT_HOME", "STINT_CAPTURE_POLICY")
    env = {k: os.environ[k] for k in names if k in os.environ}
    return StdioServerParameters(command=STINT, args=["mcp"], env=env, cwd=str(cwd))


def _template() -> None:
    tracker = Tracker.open()
    tracker.add_template(
        "life-interview",
        kind="interview",
        intention="Capture the storyteller's childhood home",
        success_indicators=["interactions[type=prompt] >= 2", "artifacts[approved] >= 1"],
        completion_indicators=["subjects >= 1"],
        duration_minutes=45,
        tags=["memoir"],
    )
    tracker.close()


async def _call(client: Client, tool: str, **arguments: Any) -> dict[str, Any]:
    result = await client.call_tool(tool, arguments)
    assert result.is_error is False, result.content
    return dict(result.structured_content or {})


async def _error(client: Client, tool: str, **arguments: Any) -> str:
    result = await client.call_tool(tool, arguments)
    assert result.is_error is True
    text = str(getattr(result.content[0], "text", ""))
    assert "\n" not in text and "Traceback" not in text
    return text


def test_interviewer_session_recorded_through_mcp(tmp_path: Path) -> None:
    _template()
    sent: dict[str, Any] = {}

    async def scenario() -> None:
        async with Client(_params(tmp_path), client_info=APP, mode="legacy") as client:
            tools = {tool.name for tool in (await client.list_tools()).tools}
            assert {
                "interaction_record",
                "artifact_create",
                "artifact_approve",
                "note_add",
                "subject_link",
                "session_progress",
                "session_evaluate",
                "session_schedule",
                "session_begin",
            } <= tools

            scheduled = await _call(
                client, "session_schedule", template="life-interview", begin=True
            )
            session = scheduled["session"]
            assert (session["kind"], session["status"]) == ("interview", "active")
            assert session["goal"] == "Capture the storyteller's childhood home"
            assert session["tags"] == ["memoir"]
            sent["id"] = session["id"]

            first = await _call(
                client,
                "interaction_record",
                type="prompt",
                content=QUESTION,
                response=ANSWER,
                role="interviewer",
                category="childhood",
                sentiment="warm",
                themes=["home", "family"],
                people=["grandmother"],
                places=["the blue house"],
                subject="childhood-home",
            )
            second = await _call(
                client,
                "interaction_record",
                type="prompt",
                content=f"Any letters? my token is {TOKEN}",
                role="interviewer",
            )
            assert (first["interaction"]["sequence"], second["interaction"]["sequence"]) == (1, 2)
            command = await _call(client, "interaction_record", type="command", content="ls")
            await _call(client, "interaction_record", type="result", success=True)
            assert command["interaction"]["sequence"] == 3

            artifact = await _call(
                client,
                "artifact_create",
                type="scene_capture",
                name="The kitchen",
                content="Bread in the morning.",
                subject="childhood-home",
            )
            assert artifact["artifact"]["is_approved"] is False
            before = await _call(client, "session_progress")
            assert before["can_complete"] is False
            approved = await _call(
                client, "artifact_approve", artifact_id=artifact["artifact"]["id"]
            )
            assert approved["artifact"]["is_approved"] is True

            await _call(
                client,
                "note_add",
                text="Ask about the garden next time",
                type="insight",
                important=True,
                follow_up=True,
                at_latest_interaction=True,
            )
            linked = await _call(
                client,
                "subject_link",
                key="childhood-home",
                name="Childhood home",
                kind="life_event",
                primary=True,
                coverage="exploration",
            )
            assert linked["subject"]["coverage_level"] == "exploration"

            progress = await _call(client, "session_progress")
            assert progress["can_complete"] is True
            assert [i["met"] for i in progress["success_indicators"]] == [True, True]
            sent["progress"] = progress
            evaluation = await _call(client, "session_evaluate")
            assert evaluation["outcome"] == "achieved"
            ended = await _call(client, "session_end", summary="A good first talk")
            assert ended["session"]["status"] == "ended"

            # Bad input: one-line tool errors, nothing stored.
            assert "type: Input should be 'prompt'" in await _error(
                client, "interaction_record", type="shout"
            )
            missing = await _error(client, "session_schedule", template="nope")
            assert missing.endswith("no template named 'nope' (see: stint template list)")
            when = await _error(client, "session_schedule", template="life-interview", at="soon")
            assert "cannot read time 'soon'" in when
            assert "coverage: Input should be 'introduction'" in await _error(
                client, "subject_link", key="x", coverage="everything"
            )

    anyio.run(scenario)

    tracker = Tracker.open()
    sid = sent["id"]
    session = tracker.get(sid)
    assert (session.status, session.outcome, session.summary) == (
        "ended",
        "achieved",
        "A good first talk",
    )
    assert session.needs_followup is True
    interactions = tracker.goals.interactions(sid)
    assert [i["sequence"] for i in interactions] == [1, 2, 3, 4]
    first = interactions[0]
    assert (first["content"], first["response"]) == (QUESTION, ANSWER)
    assert (first["category"], first["sentiment"], first["subject_key"]) == (
        "childhood",
        "warm",
        "childhood-home",
    )
    assert (first["themes"], first["people"], first["places"]) == (
        ["home", "family"],
        ["grandmother"],
        ["the blue house"],
    )
    assert TOKEN not in interactions[1]["content"] and "[REDACTED]" in interactions[1]["content"]
    [artifact] = tracker.goals.artifacts(sid)
    assert (artifact["type"], artifact["name"], artifact["is_approved"]) == (
        "scene_capture",
        "The kitchen",
        True,
    )
    [note] = tracker.goals.session_notes(sid)
    assert (note["content"], note["type"], note["is_important"], note["requires_followup"]) == (
        "Ask about the garden next time",
        "insight",
        True,
        True,
    )
    assert note["at_interaction"] == 4
    [subject] = tracker.goals.subjects(sid)
    assert (subject["key"], subject["coverage_level"], subject["is_primary"]) == (
        "childhood-home",
        "exploration",
        True,
    )
    sources = {a.type: a.source for a in tracker.timeline(sid, limit=100)}
    assert {sources[t] for t in ("interaction", "artifact_approved", "note_added")} == {"mcp"}
    # The empty session the connect started was dropped when the scheduled one began.
    assert [s.id for s in tracker.sessions()] == [sid]

    shown = run_stint("progress", session.ref, "--json")
    assert shown.returncode == 0, shown.stderr
    from_cli = json.loads(shown.stdout)
    assert from_cli.pop("status") == "ended"  # MCP's progress was read while it ran
    # ...and the clock ran on until the end: on a loaded machine a second may pass.
    during = {k: v for k, v in sent["progress"].items() if k != "status"}
    for clock in ("duration_seconds", "active_seconds"):
        assert during[clock] <= from_cli[clock] <= during[clock] + 30
        from_cli[clock] = during[clock]
    assert from_cli == during
