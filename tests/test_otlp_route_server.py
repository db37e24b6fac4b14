"""The OTLP/HTTP receiver end to end: the real `stint serve` on SQLite and PostgreSQL, the
real OpenTelemetry SDK exporting Claude-Code-shaped logs and metrics and GenAI spans with
team API keys, and what the store holds afterwards."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from opentelemetry.exporter.otlp.proto.http import Compression
from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
    ExportMetricsServiceRequest,
)
from opentelemetry.sdk.metrics import Counter, MeterProvider
from opentelemetry.sdk.metrics.export import (
    AggregationTemporality,
    MetricExportResult,
    PeriodicExportingMetricReader,
)
from opentelemetry.sdk.resources import Resource

from otlp_server import Server, running
from stint.model.types import Session
from stint.tracker import Tracker
from test_capture_otlp import (
    API_REQUESTS,
    CLAUDE_METRICS,
    CLAUDE_RESOURCE,
    EXPECTED_TOTALS,
    PROMPT,
    SID,
    SID2,
    STANDARD,
    T0,
    export_claude_logs,
    export_genai_spans,
)

PROTOBUF = "application/x-protobuf"


@dataclass
class Team:
    url: str
    org_a: str
    org_b: str
    ada: int  # Acme's owner
    bob: int  # Beta's member
    tokens: dict[str, str]

    def tracker(self, org: str) -> Tracker:
        opened = Tracker.open(self.url)
        return Tracker(opened.store, opened.settings, org)


@pytest.fixture
def team(database_url: str) -> Iterator[Team]:
    opened = Tracker.open(database_url)
    try:
        made = opened.team.init("Acme", "ada")
        beta = opened.team.create_org("Beta")
        bob = opened.team.create_user(beta["id"], "bob", role="member")
        opened.team.create_user(made["org"]["id"], "vic", role="viewer")
        tokens = {
            "ada": made["key"]["token"],
            "bob": opened.team.create_key(beta["id"], "bob")["token"],
            "vic": opened.team.create_key(made["org"]["id"], "vic")["token"],
        }
        yield Team(
            database_url,
            made["org"]["id"],
            beta["id"],
            int(made["user"]["id"]),
            int(bob["id"]),
            tokens,
        )
    finally:
        opened.close()


@pytest.fixture
def server(team: Team) -> Iterator[Server]:
    with running("serve", "--database", team.url, "--sweep-seconds", "3600") as found:
        yield found


class Endpoint:
    """What `test_capture_otlp`'s exporters need of a collector: its URL."""

    def __init__(self, url: str) -> None:
        self.url = url


def as_key(monkeypatch: pytest.MonkeyPatch, token: str) -> None:
    """The header a team admin puts in Claude Code's managed settings."""
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_HEADERS", f"Authorization=Bearer {token}")


def session_of(tracker: Tracker, agent: str, sid: str) -> Session:
    found = tracker.find_agent_session(agent, sid)
    assert found is not None, f"no {agent} session {sid}"
    return found


def figures(session: Session) -> dict[str, Any]:
    row = session.row
    names = (
        "input_tokens",
        "output_tokens",
        "cache_read_tokens",
        "cache_creation_tokens",
        "tool_call_count",
        "tool_failures",
        "message_count",
    )
    return {**{n: row[n] for n in names}, "cost_usd": round(float(row["cost_usd"]), 6)}


class RecordingMetricExporter(OTLPMetricExporter):
    """The SDK's exporter, keeping each request it sent (to send it again)."""

    sent: list[bytes]

    def _export_batch(self, export_request: ExportMetricsServiceRequest) -> MetricExportResult:
        self.sent.append(export_request.SerializeToString())
        return super()._export_batch(export_request)


def export_metrics(url: str) -> list[bytes]:
    exporter = RecordingMetricExporter(
        endpoint=f"{url}/v1/metrics",
        preferred_temporality={Counter: AggregationTemporality.DELTA},
    )
    exporter.sent = []
    reader = PeriodicExportingMetricReader(exporter, export_interval_millis=3_600_000)
    provider = MeterProvider(metric_readers=[reader], resource=Resource.create(CLAUDE_RESOURCE))
    meter = provider.get_meter("com.anthropic.claude_code", "2.1.240")
    counters: dict[tuple[str, str], Any] = {}
    for round_ in range(2):
        for name, unit, attrs, values in CLAUDE_METRICS:
            counter = counters.get((name, unit))
            if counter is None:
                counter = counters[(name, unit)] = meter.create_counter(name, unit=unit)
            if values[round_]:
                counter.add(values[round_], {**attrs, **STANDARD})
        if round_ == 0:
            counters[("claude_code.commit.count", "")].add(3, {"session.id": SID2})
        provider.force_flush()
    provider.shutdown()
    return exporter.sent


def test_claude_code_telemetry_is_stored_once_in_the_keys_org(
    team: Team, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Hooks first (a laptop forwarding its raw hook records), then the telemetry of the
    # same Claude session: one session, the prompt and the tool call stored once.
    hooks = {
        "records": [
            {"received_at": T0 / 1e9, "hook": hook}
            for hook in (
                {
                    "session_id": SID,
                    "hook_event_name": "UserPromptSubmit",
                    "prompt": PROMPT,
                    "prompt_id": "p-1",
                },
                {
                    "session_id": SID,
                    "hook_event_name": "PostToolUse",
                    "tool_name": "Bash",
                    "tool_use_id": "toolu_01Q",
                    "tool_input": {"command": "ls"},
                    "tool_response": {"stdout": "", "stderr": "", "interrupted": False},
                },
            )
        ]
    }
    posted = server.post(
        "/api/v1/ingest", json.dumps(hooks).encode(), "application/json", team.tokens["ada"]
    )
    assert posted.status == 200 and json.loads(posted.body)["hook_records"] == 2
    as_key(monkeypatch, team.tokens["ada"])
    export_claude_logs(Endpoint(server.url))  # type: ignore[arg-type]
    acme = team.tracker(team.org_a)
    session = session_of(acme, "claude_code", SID)
    expected = {
        "input_tokens": sum(r[2] for r in API_REQUESTS),
        "output_tokens": sum(r[3] for r in API_REQUESTS),
        "cache_read_tokens": sum(r[4] for r in API_REQUESTS),
        "cache_creation_tokens": sum(r[5] for r in API_REQUESTS),
        "tool_call_count": 2,
        "tool_failures": 1,
        "message_count": 2,
        "cost_usd": round(sum(r[6] for r in API_REQUESTS), 6),
    }
    assert figures(session) == expected
    assert session.row["user_id"] == team.ada  # the key's user
    assert session.row["agent"] == "claude_code"
    kinds = [a.type for a in acme.timeline(session.id)]
    assert kinds.count("tool_decision") == 1 and kinds.count("api_error") == 1
    assert {a.source for a in acme.timeline(session.id)} == {"hook", "otlp"}
    assert len(acme.sessions()) == 1

    # the same batch again, gzip-compressed this time: nothing changes
    export_claude_logs(Endpoint(server.url), Compression.Gzip)  # type: ignore[arg-type]
    assert figures(session_of(acme, "claude_code", SID)) == expected
    assert len(acme.timeline(session.id)) == len(kinds)

    sent = export_metrics(server.url)
    assert len(sent) == 2
    totals = acme.metric_totals(session.id)
    for name, value in EXPECTED_TOTALS.items():
        assert totals[name] == pytest.approx(value), name
    assert acme.metric_totals(session_of(acme, "claude_code", SID2).id) == {"commits": 3}
    for body in sent:  # re-sent metrics add nothing
        assert server.post("/v1/metrics", body, token=team.tokens["ada"]).status == 200
    assert acme.metric_totals(session.id) == totals
    # metrics never add to the events' tokens and cost
    assert figures(session_of(acme, "claude_code", SID)) == expected
    # Beta sees none of it
    assert team.tracker(team.org_b).find_agent_session("claude_code", SID) is None


def test_genai_spans_become_a_conversation_session(
    team: Team, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    as_key(monkeypatch, team.tokens["bob"])
    export_genai_spans(Endpoint(server.url))  # type: ignore[arg-type]
    beta = team.tracker(team.org_b)
    session = session_of(beta, "genai", "conv-1")
    # chat: 1500 in (1200 cache read, 100 cache creation), 50 out; text_completion 100/30
    row = session.row
    assert (row["input_tokens"], row["output_tokens"]) == (200 + 100, 50 + 30)
    assert (row["cache_read_tokens"], row["cache_creation_tokens"]) == (1200, 100)
    assert (row["tool_call_count"], row["tool_failures"]) == (2, 1)
    assert row["user_id"] == team.bob
    tools = {a.payload.get("tool") for a in beta.timeline(session.id) if a.type == "tool_call"}
    assert "get_weather" in tools


def test_refusals_store_nothing(team: Team, server: Server) -> None:
    body = json.dumps({"resourceLogs": []}).encode()
    assert server.post("/v1/logs", body, "application/json").status == 401
    wrong = server.post("/v1/logs", body, "application/json", token="stint_wrong")
    assert wrong.status == 401 and "problem+json" in wrong.content_type
    viewer = server.post("/v1/logs", body, "application/json", token=team.tokens["vic"])
    assert viewer.status == 403 and "'ingest' scope" in json.loads(viewer.body)["detail"]

    ada = team.tokens["ada"]
    ok = server.post("/v1/logs", body, "application/json", token=ada)
    assert ok.status == 200 and ok.content_type.startswith("application/json")
    garbage = server.post("/v1/logs", b"\xff\x00not protobuf", token=ada)
    assert garbage.status == 400 and json.loads(garbage.body)["status"] == 400
    half = _claude_json(SID, "req_half")[:-40]  # a truncated JSON body
    assert server.post("/v1/logs", half, "application/json", token=ada).status == 400
    assert server.post("/v1/logs", body, "text/plain", token=ada).status == 415
    bomb = gzip.compress(b"\0" * (9 * 1024 * 1024))  # small compressed, 9 MiB inflated
    too_big = server.post("/v1/logs", bomb, token=ada, encoding="gzip")
    assert too_big.status == 413 and "8388608 bytes" in json.loads(too_big.body)["detail"]
    huge = server.post("/v1/logs", b"\0" * (8 * 1024 * 1024 + 1), token=ada)
    assert huge.status == 413 and "limit" in json.loads(huge.body)["detail"]
    acme = team.tracker(team.org_a)
    assert acme.find_agent_session("claude_code", SID) is None
    assert acme.sessions() == []


def test_a_key_writes_into_its_own_org_only(team: Team, server: Server) -> None:
    """Org A and org B each send telemetry of the same agent session id: each gets a
    session of its own, with only its own figures."""
    body_a = _claude_json("shared-sid", "req_a", input_tokens=10)
    body_b = _claude_json("shared-sid", "req_b", input_tokens=500)
    assert (
        server.post("/v1/logs", body_a, "application/json", token=team.tokens["ada"]).status == 200
    )
    assert (
        server.post("/v1/logs", body_b, "application/json", token=team.tokens["bob"]).status == 200
    )
    mine = session_of(team.tracker(team.org_a), "claude_code", "shared-sid")
    theirs = session_of(team.tracker(team.org_b), "claude_code", "shared-sid")
    assert mine.id != theirs.id
    assert (mine.row["input_tokens"], theirs.row["input_tokens"]) == (10, 500)
    assert (mine.row["user_id"], theirs.row["user_id"]) == (team.ada, team.bob)


def test_partial_success_names_the_rejected_records(team: Team, server: Server) -> None:
    record = json.loads(_claude_json(SID, "req_x"))
    attributes = record["resourceLogs"][0]["scopeLogs"][0]["logRecords"][0]["attributes"]
    record["resourceLogs"][0]["scopeLogs"][0]["logRecords"][0]["attributes"] = [
        a for a in attributes if a["key"] != "session.id"
    ]
    answer = server.post(
        "/v1/logs", json.dumps(record).encode(), "application/json", token=team.tokens["ada"]
    )
    assert answer.status == 200
    partial = json.loads(answer.body)["partialSuccess"]
    assert int(partial["rejectedLogRecords"]) == 1 and "session.id" in partial["errorMessage"]


def _claude_json(sid: str, request_id: str, *, input_tokens: int = 5, at_ns: int = 0) -> bytes:
    """One Claude Code `api_request` log record as OTLP JSON (what `stint otlp` accepts
    from any exporter that speaks http/json)."""
    at = at_ns or 1_790_000_000_000_000_000

    def value(v: Any) -> dict[str, Any]:
        if isinstance(v, bool):
            return {"boolValue": v}
        if isinstance(v, int):
            return {"intValue": str(v)}
        if isinstance(v, float):
            return {"doubleValue": v}
        return {"stringValue": str(v)}

    attrs = {
        "event.name": "api_request",
        "session.id": sid,
        "model": "claude-sonnet-4-5-20250929",
        "input_tokens": input_tokens,
        "output_tokens": 100,
        "cache_read_tokens": 5000,
        "cache_creation_tokens": 1000,
        "cost_usd": 0.25,
        "request_id": request_id,
    }
    record = {
        "timeUnixNano": str(at),
        "body": {"stringValue": "claude_code.api_request"},
        "attributes": [{"key": k, "value": value(v)} for k, v in attrs.items()],
    }
    return json.dumps(
        {
            "resourceLogs": [
                {
                    "resource": {
                        "attributes": [
                            {"key": "service.name", "value": {"stringValue": "claude-code"}}
                        ]
                    },
                    "scopeLogs": [
                        {
                            "scope": {"name": "com.anthropic.claude_code.events"},
                            "logRecords": [record],
                        }
                    ],
                }
            ]
        }
    ).encode()
