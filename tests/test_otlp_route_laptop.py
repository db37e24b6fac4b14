"""`stint otlp` on a laptop: the receiver alone into the local store, and a Claude Code
session reported both by its transcript (imported) and its telemetry: each response's
tokens and cost counted once, whichever arrives first."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import run_stint
from otlp_server import Server, running
from stint.sessions.doctor import check
from stint.tracker import Tracker
from test_otlp_route_server import _claude_json
from transcripts import Transcript

SID = "7d3e9f10-2222-4333-8444-955556666777"
# telemetry's figures differ from the transcript's, so the stored ones say who counted
TELEMETRY_INPUT = 7


@pytest.fixture
def laptop(database_url: str) -> Iterator[tuple[Server, str]]:
    with running("otlp", "--database", database_url, "--max-bytes", "4096") as server:
        yield server, database_url


def transcript(tmp_path: Path) -> Path:
    t = Transcript(SID, str(tmp_path))
    t.prompt("make it faster")
    t.response("msg_A", usage=(3, 100, 1000, 5000))  # the one telemetry also reports
    t.response("msg_B", usage=(4, 50, 0, 6000))  # only in the transcript
    return t.write(tmp_path / "projects" / "p" / f"{SID}.jsonl")


def send_telemetry(server: Server) -> None:
    body = _claude_json(SID, "req_msg_A", input_tokens=TELEMETRY_INPUT)
    answer = server.post("/v1/logs", body, "application/json")
    assert answer.status == 200, answer.body


def tokens(url: str) -> tuple[int, int, int, float]:
    tracker = Tracker.open(url)
    try:
        found = tracker.find_agent_session("claude_code", SID)
        assert found is not None
        row = found.row
        assert check(tracker) == []  # the counters equal a fresh fold of the events
        return (
            row["input_tokens"],
            row["output_tokens"],
            row["cache_read_tokens"],
            round(float(row["cost_usd"]), 6),
        )
    finally:
        tracker.close()


def import_transcript(url: str, path: Path) -> None:
    tracker = Tracker.open(url)
    try:
        tracker.import_transcripts("claude-code", [path])
    finally:
        tracker.close()


def test_telemetry_then_transcript_counts_each_response_once(
    laptop: tuple[Server, str], tmp_path: Path
) -> None:
    server, url = laptop
    send_telemetry(server)
    alone = tokens(url)
    assert alone == (TELEMETRY_INPUT, 100, 5000, 0.25)
    import_transcript(url, transcript(tmp_path))
    both = tokens(url)
    # msg_A stays telemetry's; msg_B (transcript only) is added
    assert both[:3] == (TELEMETRY_INPUT + 4, 150, 11000)
    assert both[3] > 0.25
    send_telemetry(server)  # again: nothing changes
    import_transcript(url, transcript(tmp_path))
    assert tokens(url) == both


def test_transcript_then_telemetry_counts_each_response_once(
    laptop: tuple[Server, str], tmp_path: Path
) -> None:
    server, url = laptop
    import_transcript(url, transcript(tmp_path))
    imported = tokens(url)
    assert imported[:3] == (3 + 4, 150, 11000)
    send_telemetry(server)
    assert tokens(url) == imported  # the telemetry of msg_A is a record only
    tracker = Tracker.open(url)
    try:
        session = tracker.find_agent_session("claude_code", SID)
        assert session is not None
        (record,) = [
            a for a in tracker.timeline(session.id) if a.type == "tokens" and a.source == "otlp"
        ]
        assert record.payload["reported"]["input_tokens"] == TELEMETRY_INPUT
        assert record.payload["duplicate_of"].endswith(":req_msg_A")
    finally:
        tracker.close()


def test_the_laptop_receiver_answers_only_otlp(laptop: tuple[Server, str]) -> None:
    server, _ = laptop
    big = server.post("/v1/logs", json.dumps({"x": "y" * 5000}).encode(), "application/json")
    assert big.status == 413 and "4096 bytes" in json.loads(big.body)["detail"]
    assert server.post("/api/v1/ingest", b"{}", "application/json").status == 404


def test_otlp_refuses_a_public_address_without_auth() -> None:
    result = run_stint("otlp", "--host", "0.0.0.0", "--port", "0")
    assert result.returncode != 0 and "api token" in result.stderr.lower()
