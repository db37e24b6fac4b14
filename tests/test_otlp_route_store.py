"""`Tracker.receive_otlp` in process, on SQLite and PostgreSQL: metric temporality as
stored, one request stored whole or not at all, and the keys that tie one response's
transcript and telemetry records together."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from stint.capture.otlp import OtlpError
from stint.store.responses import response_of
from stint.tracker import Tracker

SID = "0c0c0c0c-1111-4222-8333-944445555666"
START = 1_790_000_000_000_000_000
MINUTE = 60_000_000_000


def metrics_body(points: list[tuple[int, int, float]], temporality: int) -> bytes:
    """`claude_code.lines_of_code.count` (type added) points (start, time, value) as OTLP
    JSON; temporality 1 delta, 2 cumulative."""
    return json.dumps(
        {
            "resourceMetrics": [
                {
                    "resource": {
                        "attributes": [
                            {"key": "service.name", "value": {"stringValue": "claude-code"}}
                        ]
                    },
                    "scopeMetrics": [
                        {
                            "scope": {"name": "com.anthropic.claude_code"},
                            "metrics": [
                                {
                                    "name": "claude_code.lines_of_code.count",
                                    "sum": {
                                        "aggregationTemporality": temporality,
                                        "isMonotonic": True,
                                        "dataPoints": [
                                            _point(start, time, value)
                                            for start, time, value in points
                                        ],
                                    },
                                }
                            ],
                        }
                    ],
                }
            ]
        }
    ).encode()


def _point(start: int, time: int, value: float) -> dict[str, Any]:
    return {
        "startTimeUnixNano": str(start),
        "timeUnixNano": str(time),
        "asDouble": value,
        "attributes": [
            {"key": "session.id", "value": {"stringValue": SID}},
            {"key": "type", "value": {"stringValue": "added"}},
        ],
    }


def lines_added(tracker: Tracker) -> float:
    session = tracker.find_agent_session("claude_code", SID)
    assert session is not None
    return tracker.metric_totals(session.id).get("lines_added", 0.0)


def test_delta_points_are_summed_once(tracker: Tracker) -> None:
    first = metrics_body([(START, START + MINUTE, 5)], 1)
    second = metrics_body([(START + MINUTE, START + 2 * MINUTE, 3)], 1)
    for body in (first, second, first, second):
        tracker.receive_otlp("metrics", body, "application/json")
    assert lines_added(tracker) == 8


def test_a_cumulative_stream_counts_its_latest_value(tracker: Tracker) -> None:
    early = metrics_body([(START, START + MINUTE, 5)], 2)
    late = metrics_body([(START, START + 2 * MINUTE, 8)], 2)
    for body in (early, late, early):  # the early one again, late: it changes nothing
        tracker.receive_otlp("metrics", body, "application/json")
    assert lines_added(tracker) == 8
    # a restarted exporter is a new stream: its value is added to the old one's last
    restarted = metrics_body([(START + 5 * MINUTE, START + 6 * MINUTE, 2)], 2)
    tracker.receive_otlp("metrics", restarted, "application/json")
    assert lines_added(tracker) == 10


def test_metrics_alone_do_not_reopen_an_ended_session(tracker: Tracker) -> None:
    tracker.receive_otlp(
        "metrics", metrics_body([(START, START + MINUTE, 5)], 1), "application/json"
    )
    session = tracker.find_agent_session("claude_code", SID)
    assert session is not None
    tracker.end(session.id, evaluate=False)
    later = metrics_body([(START + MINUTE, START + 2 * MINUTE, 1)], 1)
    tracker.receive_otlp("metrics", later, "application/json")
    again = tracker.find_agent_session("claude_code", SID)
    assert again is not None and again.id == session.id and again.status == "ended"
    assert lines_added(tracker) == 6


def test_a_bad_request_stores_nothing(tracker: Tracker) -> None:
    body = metrics_body([(START, START + MINUTE, 5)], 1)
    with pytest.raises(OtlpError) as raised:
        tracker.receive_otlp("metrics", body[:-10], "application/json")
    assert raised.value.status == 400
    with pytest.raises(OtlpError) as raised:
        tracker.receive_otlp("metrics", body, "application/json", max_bytes=100)
    assert raised.value.status == 413
    assert tracker.find_agent_session("claude_code", SID) is None


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("claude_code:s1:api_request:req_1", ("telemetry", "s1", "req_1")),
        ("claude_code:s1:usage:msg_1:req_1", ("transcript", "s1", "req_1")),
        ("claude_code:s1:usage:msg_1:req_1:5100", ("transcript", "s1", "req_1")),
        ("claude_code:s1:usage:msg_1:", None),  # a transcript line without a request id
        ("claude_code:s1:usage:2026-01-05T09:00:00.120000+00:00", None),  # keyed by time
        ("claude_code:s1:usage:0b1c-m-7", None),  # keyed by line uuid
        ("codex:s1:tokens:2026", None),
        (None, None),
    ],
)
def test_the_request_id_of_a_tokens_key(key: str | None, expected: Any) -> None:
    assert response_of(key) == expected


def test_the_receivers_own_directory_is_not_the_sessions(
    tracker: Tracker, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server started inside a git checkout: telemetry names no directory, so the
    session gets neither the server's repository nor its directory."""
    monkeypatch.chdir(repo)
    body = metrics_body([(START, START + MINUTE, 5)], 1)
    tracker.receive_otlp("metrics", body, "application/json")
    session = tracker.find_agent_session("claude_code", SID)
    assert session is not None
    assert (session.row["repo_root"], session.row["cwd"]) == (None, None)
