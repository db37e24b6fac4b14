"""OTLP decoding and the Claude Code / GenAI mappings, fed by the real OpenTelemetry Python
SDK exporting over HTTP to a small collector started here, by OTLP JSON made from those
bodies, and by a public OTLP JSON fixture (tests/fixtures/otlp/README.md)."""

from __future__ import annotations

import gzip
import http.server
import json
import threading
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from opentelemetry.exporter.otlp.proto.http import Compression
from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import BatchLogRecordProcessor
from opentelemetry.sdk.metrics import Counter, Histogram, MeterProvider
from opentelemetry.sdk.metrics.export import AggregationTemporality, PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.trace import Status, StatusCode

from stint.capture import keys as stint_keys
from stint.capture.claude_hooks import map_record
from stint.capture.otlp import claude, claude_metrics, genai, receive
from stint.capture.otlp.decode import (
    OtlpDecodeError,
    OtlpError,
    OtlpTooLarge,
    Signal,
    UnsupportedMediaType,
    decode,
    decode_logs,
    decode_metrics,
    decode_traces,
    response_body,
    to_otlp_json,
)
from stint.capture.otlp.records import (
    AgentSession,
    Mapped,
    MetricTotals,
    event_key,
    fit_key,
    merge,
    prompt_key,
    tool_key,
)
from stint.capture.tools import fit_key as stint_fit_key

FIXTURES = Path(__file__).parent / "fixtures" / "otlp"
PROTOBUF = "application/x-protobuf"
JSON = "application/json"
SID = "5f1c2a8e-0d1b-4c4e-9a51-2f7f3b9c0a11"
SID2 = "9a0b7c6d-1111-4222-8333-944445555666"
T0 = 1_790_000_000_000_000_000


# ------------------------------------------------------------------ the collector


@dataclass
class Captured:
    path: str
    content_type: str
    content_encoding: str | None
    body: bytes


@dataclass
class Collector:
    url: str
    requests: list[Captured] = field(default_factory=list)

    def bodies(self, path: str) -> list[Captured]:
        return [r for r in self.requests if r.path == path]


@pytest.fixture
def collector() -> Iterator[Collector]:
    """An OTLP/HTTP endpoint on 127.0.0.1 that keeps every request body."""
    found = Collector("")
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            size = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(size)
            with lock:
                found.requests.append(
                    Captured(
                        self.path,
                        self.headers.get("Content-Type", ""),
                        self.headers.get("Content-Encoding"),
                        body,
                    )
                )
            self.send_response(200)
            self.send_header("Content-Type", PROTOBUF)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    found.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield found
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def body_of(captured: Captured) -> bytes:
    """What the SDK sent, inflated when it compressed it."""
    if captured.content_encoding == "gzip":
        return gzip.decompress(captured.body)
    return captured.body


# ------------------------------------------------------------------ Claude Code logs

CLAUDE_RESOURCE = {
    "service.name": "claude-code",
    "service.version": "2.1.240",
    "os.type": "linux",
}
STANDARD = {
    "session.id": SID,
    "user.email": "dev@example.com",
    "user.account_uuid": "acc-1",
    "user.id": "install-1",
    "organization.id": "org-42",
    "app.version": "2.1.240",
    "terminal.type": "vscode",
}
PROMPT = "Add a --verbose flag to cli.py"
API_REQUESTS = [
    # request id, model, input, output, cache read, cache creation, cost
    ("req_011AAA", "claude-sonnet-4-6", 12, 310, 40211, 1204, 0.0215),
    ("req_011BBB", "claude-sonnet-4-6", 3, 95, 41415, 0, 0.0142),
    ("req_011CCC", "claude-haiku-4-5-20251001", 800, 40, 0, 0, 0.001),
]


def claude_records() -> list[dict[str, Any]]:
    """Claude Code events as its exporter writes them: body `claude_code.<name>`, the bare
    name in `event.name`, standard attributes, `event.sequence`."""
    records: list[dict[str, Any]] = [
        {
            "name": "user_prompt",
            "prompt.id": "p-1",
            "prompt_length": len(PROMPT),
            "prompt": PROMPT,
        },
        {"name": "user_prompt", "prompt.id": "p-2", "prompt_length": 9, "prompt": "<REDACTED>"},
        {
            "name": "tool_decision",
            "prompt.id": "p-1",
            "tool_name": "Bash",
            "tool_use_id": "toolu_01Q",
            "decision": "accept",
            "source": "config",
            "tool_source": "builtin",
        },
        {
            "name": "tool_result",
            "prompt.id": "p-1",
            "tool_name": "Bash",
            "tool_use_id": "toolu_01Q",
            "success": "true",
            "duration_ms": 120,
        },
        {
            "name": "tool_result",
            "prompt.id": "p-1",
            "tool_name": "Edit",
            "tool_use_id": "toolu_02R",
            "success": "false",
            "duration_ms": 8,
            "error_type": "file_not_found",
        },
    ]
    for request_id, model, inp, out, read, create, cost in API_REQUESTS:
        records.append(
            {
                "name": "api_request",
                "prompt.id": "p-1",
                "model": model,
                "input_tokens": inp,
                "output_tokens": out,
                "cache_read_tokens": read,
                "cache_creation_tokens": create,
                "cost_usd": cost,
                "duration_ms": 8123,
                "request_id": request_id,
                "speed": "normal",
                "query_source": "repl_main_thread" if "sonnet" in model else "auxiliary",
            }
        )
    records.append(
        {
            "name": "api_error",
            "prompt.id": "p-1",
            "model": "claude-sonnet-4-6",
            "error": "overloaded",
            "status_code": 529,
            "duration_ms": 900,
            "attempt": 2,
            "request_id": "req_011ERR",
        }
    )
    records.append({"name": "hook_execution_start", "hook_name": "PreToolUse"})
    return records


def export_claude_logs(collector: Collector, compression: Compression | None = None) -> None:
    provider = LoggerProvider(resource=Resource.create(CLAUDE_RESOURCE))
    exporter = OTLPLogExporter(endpoint=f"{collector.url}/v1/logs", compression=compression)
    provider.add_log_record_processor(BatchLogRecordProcessor(exporter))
    logger = provider.get_logger("com.anthropic.claude_code.events", "2.1.240")
    for sequence, record in enumerate(claude_records()):
        attrs = {k: v for k, v in record.items() if k != "name"}
        attrs.update(STANDARD)
        attrs.update({"event.name": record["name"], "event.sequence": sequence})
        logger.emit(
            timestamp=T0 + sequence * 1_000_000_000,
            body=f"claude_code.{record['name']}",
            attributes=attrs,
        )
    # one record that cannot belong to a session
    logger.emit(timestamp=T0, body="claude_code.api_request", attributes={"model": "x"})
    provider.force_flush()
    provider.shutdown()


def logs_request(collector: Collector) -> bytes:
    found = collector.bodies("/v1/logs")
    assert found, "the SDK sent no logs"
    assert all(c.content_type == PROTOBUF for c in found)
    # several batches would be several requests; the test sends few enough for one
    assert len(found) == 1
    return body_of(found[0])


def by_type(session: AgentSession, kind: str) -> list[Any]:
    return [e for e in session.events if e.type == kind]


def test_claude_code_logs_from_the_sdk(collector: Collector) -> None:
    export_claude_logs(collector)
    mapped = claude.map_logs(decode_logs(logs_request(collector), PROTOBUF))
    assert [s.agent_session_id for s in mapped.sessions] == [SID]
    assert mapped.rejected == 1 and "without session.id" in mapped.error_message
    assert mapped.ignored == 1  # hook_execution_start
    session = mapped.sessions[0]
    assert (session.agent, session.user, session.organization_id) == (
        "claude_code",
        "dev@example.com",
        "org-42",
    )
    assert (session.user_account_uuid, session.user_id) == ("acc-1", "install-1")
    assert (session.app_version, session.terminal_type) == ("2.1.240", "vscode")
    assert session.service_name == "claude-code"
    assert session.model == "claude-sonnet-4-6"  # the main thread's, not the auxiliary one
    assert session.first_at is not None and session.first_at.timestamp() == T0 / 1e9

    tokens = by_type(session, "tokens")
    assert len(tokens) == len(API_REQUESTS)
    for event, (request_id, model, inp, out, read, create, cost) in zip(
        tokens, API_REQUESTS, strict=True
    ):
        assert event.key == f"claude_code:{SID}:api_request:{request_id}"
        assert event.payload["model"] == model
        assert event.payload["request_id"] == request_id
        figures = [event.payload[n] for n in claude.TOKEN_TYPES.values()]
        assert figures == [inp, out, read, create]
        assert event.payload["cost_usd"] == pytest.approx(cost)
        assert event.payload["duration_ms"] == 8123
        assert event.source == "otlp"
    assert sum(e.payload["cost_usd"] for e in tokens) == pytest.approx(0.0367)

    prompts = by_type(session, "message")
    assert [p.payload["chars"] for p in prompts] == [len(PROMPT), 9]
    assert prompts[0].key == stint_keys.prompt_key("claude_code", SID, PROMPT)
    assert prompts[1].key == f"claude_code:{SID}:prompt_id:p-2"  # redacted: no text digest
    assert "prompt" not in prompts[0].payload and PROMPT not in (prompts[0].description or "")

    tools = by_type(session, "tool_call")
    assert [(t.payload["tool"], t.payload["success"]) for t in tools] == [
        ("Bash", True),
        ("Edit", False),
    ]
    assert tools[0].key == stint_keys.tool_key("claude_code", SID, "toolu_01Q", "tool")
    assert tools[1].payload["error_type"] == "file_not_found"
    (decision,) = by_type(session, "tool_decision")
    assert decision.key == f"claude_code:{SID}:decision:toolu_01Q"
    assert decision.payload["decision"] == "accept"
    (error,) = by_type(session, "api_error")
    assert error.key == f"claude_code:{SID}:api_error:req_011ERR:2"
    assert error.payload["status_code"] == 529
    assert "overloaded" not in json.dumps(error.payload)
    assert len({e.key for e in session.events}) == len(session.events)


def test_claude_code_keys_merge_with_the_hooks(collector: Collector) -> None:
    """A prompt (with its text) and a tool call get the keys the hook ingest gives them."""
    export_claude_logs(collector)
    session = claude.map_logs(decode_logs(logs_request(collector), PROTOBUF)).sessions[0]
    prompt_hook = {
        "session_id": SID,
        "hook_event_name": "UserPromptSubmit",
        "prompt": PROMPT,
        "prompt_id": "p-1",
    }
    tool_hook = {
        "session_id": SID,
        "hook_event_name": "PostToolUse",
        "tool_name": "Bash",
        "tool_use_id": "toolu_01Q",
        "tool_input": {"command": "ls"},
        "tool_response": {"stdout": "", "stderr": "", "interrupted": False},
    }
    hook_keys = {
        e.key
        for hook in (prompt_hook, tool_hook)
        for e in map_record(hook, T0 / 1e9, "metadata").events
    }
    ours = {e.key for e in session.events}
    assert stint_keys.prompt_key("claude_code", SID, PROMPT) in hook_keys & ours
    assert stint_keys.tool_key("claude_code", SID, "toolu_01Q", "tool") in hook_keys & ours


def test_repeated_export_gives_the_same_keys(collector: Collector) -> None:
    export_claude_logs(collector)
    export_claude_logs(collector)
    first, second = (decode_logs(body_of(c), PROTOBUF) for c in collector.bodies("/v1/logs"))
    keys = [[e.key for e in claude.map_logs(r).sessions[0].events] for r in (first, second)]
    assert keys[0] == keys[1]


def test_claude_code_logs_gzip_and_json(collector: Collector) -> None:
    export_claude_logs(collector, Compression.Gzip)
    (captured,) = collector.bodies("/v1/logs")
    assert captured.content_encoding == "gzip"
    from_gzip = decode_logs(captured.body, captured.content_type, "gzip")
    plain = decode_logs(gzip.decompress(captured.body), PROTOBUF)
    assert from_gzip == plain
    as_json = to_otlp_json(plain)
    data = json.loads(as_json)
    record = data["resourceLogs"][0]["scopeLogs"][0]["logRecords"][0]
    assert isinstance(record["timeUnixNano"], str)  # int64 as a string
    assert "resourceLogs" in data and "resource_logs" not in data
    assert decode_logs(as_json, "application/json; charset=utf-8") == plain
    assert decode_logs(gzip.compress(as_json), JSON, "gzip") == plain
    mapped = claude.map_logs(decode_logs(as_json, JSON))
    assert [e.key for e in mapped.sessions[0].events] == [
        e.key for e in claude.map_logs(plain).sessions[0].events
    ]


def test_claude_code_json_as_its_exporter_writes_it() -> None:
    """Numbers as JSON numbers or strings, body only, no event.name, event.timestamp."""
    body = {
        "resourceLogs": [
            {
                "resource": {
                    "attributes": [{"key": "service.name", "value": {"stringValue": "claude-code"}}]
                },
                "scopeLogs": [
                    {
                        "scope": {"name": "com.anthropic.claude_code.events"},
                        "logRecords": [
                            {
                                "body": {"stringValue": "claude_code.api_request"},
                                "attributes": [
                                    {"key": "session.id", "value": {"stringValue": "s1"}},
                                    {
                                        "key": "event.timestamp",
                                        "value": {"stringValue": "2026-09-29T21:01:05.248Z"},
                                    },
                                    {"key": "input_tokens", "value": {"intValue": 10}},
                                    {"key": "output_tokens", "value": {"intValue": "39"}},
                                    {"key": "cost_usd_micros", "value": {"intValue": "26000"}},
                                    {"key": "client_request_id", "value": {"stringValue": "c-9"}},
                                ],
                                "someFutureField": {"x": 1},
                            }
                        ],
                    }
                ],
            }
        ]
    }
    mapped = claude.map_logs(decode_logs(json.dumps(body).encode(), JSON))
    (event,) = mapped.sessions[0].events
    assert event.payload["input_tokens"] == 10 and event.payload["output_tokens"] == 39
    assert event.payload["cost_usd"] == pytest.approx(0.026)
    assert event.key == "claude_code:s1:api_request:client:c-9"
    assert event.occurred_at is not None and event.occurred_at.isoformat().startswith(
        "2026-09-29T21:01:05.248"
    )


REAL_SID = "eec3945a-5a85-4c3c-9aa2-39e4b8445cef"


def test_public_claude_code_capture() -> None:
    """Two bodies Claude Code 2.1.294 really sent over http/json (README: origin)."""
    logs = claude.map_logs(
        decode_logs((FIXTURES / "claude_code_2.1.294_logs.json").read_bytes(), JSON)
    )
    (session,) = logs.sessions
    assert session.agent_session_id == REAL_SID
    assert (session.app_version, session.terminal_type) == ("2.1.294", "xterm-256color")
    assert session.model == "claude-haiku-5-5"  # a `claude -p` run: query_source "sdk"
    assert logs.ignored == 3 and logs.rejected == 0  # assistant_response, 2 mcp connections
    (tokens,) = session.events
    assert tokens.key == f"claude_code:{REAL_SID}:api_request:req_011CfpSK96NthX9vPNsW9X2b"
    assert [tokens.payload[n] for n in claude.TOKEN_TYPES.values()] == [2, 4, 9179, 13356]
    assert tokens.payload["cost_usd"] == pytest.approx(0.00276519)
    assert tokens.payload["duration_ms"] == 742
    assert tokens.occurred_at is not None
    assert tokens.occurred_at.isoformat() == "2026-10-08T08:15:18.137000+00:00"
    prompt = claude.map_logs(
        decode_logs((FIXTURES / "claude_code_2.1.294_prompt.json").read_bytes(), JSON)
    )
    (message,) = prompt.sessions[0].events
    assert message.type == "message" and message.payload["chars"] == 30
    assert message.key == f"claude_code:{REAL_SID}:prompt_id:a50257c3-696f-46fc-9f50-5483556d2fac"
    assert message.payload["message_uuid"] == "a37624e1-d3d8-4ea7-b607-7b7ad0aa49ae"
    # protobuf round trip: the same records either way
    for name in ("logs", "prompt"):
        request = decode_logs((FIXTURES / f"claude_code_2.1.294_{name}.json").read_bytes(), JSON)
        again = decode_logs(request.SerializeToString(), PROTOBUF)
        assert [e.key for e in claude.map_logs(again).sessions[0].events] == [
            e.key for e in claude.map_logs(request).sessions[0].events
        ]


def test_other_logs_are_not_claude_codes() -> None:
    """Another app's events (a bare event.name, another scope and service) are ignored,
    not rejected; Claude Code's bare names count inside its own scope."""

    def request(scope: str, service: str, name: str) -> bytes:
        return json.dumps(
            {
                "resourceLogs": [
                    {
                        "resource": {
                            "attributes": [
                                {"key": "service.name", "value": {"stringValue": service}}
                            ]
                        },
                        "scopeLogs": [
                            {
                                "scope": {"name": scope},
                                "logRecords": [
                                    {
                                        "eventName": name,
                                        "attributes": [
                                            {"key": "input_tokens", "value": {"intValue": "5"}}
                                        ],
                                    }
                                ],
                            }
                        ],
                    }
                ]
            }
        ).encode()

    other = claude.map_logs(decode_logs(request("my.app", "shop", "api_request"), JSON))
    assert (other.ignored, other.rejected, other.sessions) == (1, 0, [])
    ours = claude.map_logs(
        decode_logs(request("com.anthropic.claude_code.events", "x", "api_request"), JSON)
    )
    assert ours.rejected == 1  # Claude Code's api_request, but no session.id


# ------------------------------------------------------------------ Claude Code metrics

CLAUDE_METRICS: list[tuple[str, str, dict[str, str], list[float]]] = [
    # metric, unit, attributes, values added per export round
    ("claude_code.session.count", "", {"start_type": "fresh"}, [1, 0]),
    ("claude_code.lines_of_code.count", "", {"type": "added"}, [40, 2]),
    ("claude_code.lines_of_code.count", "", {"type": "removed"}, [7, 1]),
    ("claude_code.commit.count", "", {}, [1, 1]),
    ("claude_code.cost.usage", "USD", {"model": "claude-sonnet-4-6"}, [0.0357, 0.5]),
    ("claude_code.cost.usage", "USD", {"model": "claude-haiku-4-5"}, [0.001, 0]),
    ("claude_code.token.usage", "tokens", {"type": "input", "model": "claude-sonnet-4-6"}, [15, 5]),
    (
        "claude_code.token.usage",
        "tokens",
        {"type": "output", "model": "claude-sonnet-4-6"},
        [405, 1],
    ),
    (
        "claude_code.token.usage",
        "tokens",
        {"type": "cacheRead", "model": "claude-sonnet-4-6"},
        [81626, 100],
    ),
    (
        "claude_code.token.usage",
        "tokens",
        {"type": "cacheCreation", "model": "claude-sonnet-4-6"},
        [1204, 0],
    ),
    ("claude_code.active_time.total", "s", {"type": "user"}, [12.5, 3.0]),
    ("claude_code.active_time.total", "s", {"type": "cli"}, [40.25, 1.5]),
]
EXPECTED_TOTALS = {
    "sessions_started": 1,
    "lines_added": 42,
    "lines_removed": 8,
    "commits": 2,
    "cost_usd": 0.5367,
    "input_tokens": 20,
    "output_tokens": 406,
    "cache_read_tokens": 81726,
    "cache_creation_tokens": 1204,
    "active_seconds_user": 15.5,
    "active_seconds_cli": 41.75,
}


def export_claude_metrics(collector: Collector, temporality: AggregationTemporality) -> None:
    exporter = OTLPMetricExporter(
        endpoint=f"{collector.url}/v1/metrics",
        preferred_temporality={Counter: temporality},
    )
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
        # a second session in the same process, only in the first round
        if round_ == 0:
            counters[("claude_code.commit.count", "")].add(3, {"session.id": SID2})
        provider.force_flush()
    # a point Claude Code sends when OTEL_METRICS_INCLUDE_SESSION_ID=false
    counters[("claude_code.commit.count", "")].add(1, {"user.id": "install-1"})
    provider.shutdown()


def metric_requests(collector: Collector) -> list[Mapped]:
    found = collector.bodies("/v1/metrics")
    assert len(found) >= 2
    return [claude_metrics.map_metrics(decode_metrics(body_of(c), c.content_type)) for c in found]


def session_totals(mapped: list[Mapped], sid: str) -> dict[str, float]:
    totals = MetricTotals()
    for one in mapped:
        session = one.session(sid)
        if session is not None:
            totals.add(session.metrics)
    return totals.totals()


@pytest.mark.parametrize(
    "temporality", [AggregationTemporality.DELTA, AggregationTemporality.CUMULATIVE]
)
def test_claude_code_metrics_from_the_sdk(
    collector: Collector, temporality: AggregationTemporality
) -> None:
    export_claude_metrics(collector, temporality)
    mapped = metric_requests(collector)
    cumulative = temporality == AggregationTemporality.CUMULATIVE
    points = [p for m in mapped for s in m.sessions for p in s.metrics]
    assert points and all(p.cumulative is cumulative for p in points)
    totals = session_totals(mapped, SID)
    assert totals.keys() == EXPECTED_TOTALS.keys()
    for name, value in EXPECTED_TOTALS.items():
        assert totals[name] == pytest.approx(value), name
    assert session_totals(mapped, SID2) == {"commits": 3}
    assert any("without session.id" in r for m in mapped for r in m.reasons)
    session = next(s for m in mapped for s in m.sessions if s.agent_session_id == SID)
    assert (session.user, session.organization_id, session.app_version) == (
        "dev@example.com",
        "org-42",
        "2.1.240",
    )
    by_model = MetricTotals(
        p for m in mapped for s in m.sessions if s.agent_session_id == SID for p in s.metrics
    ).by("model")
    assert by_model[("cost_usd", "claude-haiku-4-5")] == pytest.approx(0.001)
    if cumulative:  # adding cumulative points up would count the first round twice
        naive = sum(p.value for p in points if p.total == "lines_added")
        assert naive > EXPECTED_TOTALS["lines_added"]


def test_metrics_sent_twice_count_once(collector: Collector) -> None:
    for temporality in (AggregationTemporality.DELTA, AggregationTemporality.CUMULATIVE):
        collector.requests.clear()
        export_claude_metrics(collector, temporality)
        mapped = metric_requests(collector)
        twice = mapped + metric_requests(collector)
        assert session_totals(twice, SID) == pytest.approx(session_totals(mapped, SID))


def test_metrics_as_otlp_json(collector: Collector) -> None:
    export_claude_metrics(collector, AggregationTemporality.DELTA)
    for captured in collector.bodies("/v1/metrics"):
        message = decode_metrics(body_of(captured), PROTOBUF)
        as_json = to_otlp_json(message)
        data = json.loads(as_json)
        for resource in data.get("resourceMetrics", []):
            for scope in resource["scopeMetrics"]:
                for metric in scope["metrics"]:
                    assert metric["sum"]["aggregationTemporality"] == 1  # an integer enum
        assert decode_metrics(as_json, JSON) == message


# ------------------------------------------------------------------ GenAI


def export_genai_spans(collector: Collector) -> None:
    provider = TracerProvider(resource=Resource.create({"service.name": "weather-agent"}))
    provider.add_span_processor(
        SimpleSpanProcessor(OTLPSpanExporter(endpoint=f"{collector.url}/v1/traces"))
    )
    tracer = provider.get_tracer("test.genai")
    with tracer.start_as_current_span("invoke_agent Forecaster") as agent:
        agent.set_attributes(
            {
                "gen_ai.operation.name": "invoke_agent",
                "gen_ai.agent.name": "Forecaster",
                "gen_ai.conversation.id": "conv-1",
                "gen_ai.provider.name": "anthropic",
                "gen_ai.usage.input_tokens": 1600,
                "gen_ai.usage.output_tokens": 70,
            }
        )
        with tracer.start_as_current_span("chat claude-sonnet-4-6") as chat:
            chat.set_attributes(
                {
                    "gen_ai.operation.name": "chat",
                    "gen_ai.provider.name": "anthropic",
                    "gen_ai.request.model": "claude-sonnet-4-6",
                    "gen_ai.response.model": "claude-sonnet-4-6-20260101",
                    "gen_ai.usage.input_tokens": 1500,
                    "gen_ai.usage.cache_read.input_tokens": 1200,
                    "gen_ai.usage.cache_creation.input_tokens": 100,
                    "gen_ai.usage.output_tokens": 50,
                    "gen_ai.usage.reasoning.output_tokens": 20,
                    "gen_ai.response.finish_reasons": ["tool_use"],
                }
            )
        with tracer.start_as_current_span("execute_tool get_weather") as tool:
            tool.set_attributes(
                {
                    "gen_ai.operation.name": "execute_tool",
                    "gen_ai.tool.name": "get_weather",
                    "gen_ai.tool.call.id": "toolu_9",
                    "gen_ai.tool.type": "function",
                }
            )
        with tracer.start_as_current_span("execute_tool lookup") as failing:
            failing.set_attribute("gen_ai.operation.name", "execute_tool")
            failing.set_status(Status(StatusCode.ERROR, "timeout"))
        with tracer.start_as_current_span("text_completion old-model") as old:
            old.set_attributes(  # deprecated names
                {
                    "gen_ai.system": "openai",
                    "gen_ai.request.model": "gpt-3.5-turbo-instruct",
                    "gen_ai.usage.prompt_tokens": 100,
                    "gen_ai.usage.completion_tokens": 30,
                }
            )
    with tracer.start_as_current_span("chat lonely") as lonely:  # another trace, no id
        lonely.set_attribute("gen_ai.operation.name", "chat")
    with tracer.start_as_current_span("GET /health"):
        pass
    provider.shutdown()


def test_genai_spans_from_the_sdk(collector: Collector) -> None:
    export_genai_spans(collector)
    requests = [decode_traces(body_of(c), c.content_type) for c in collector.bodies("/v1/traces")]
    merged = decode_traces(b"".join(r.SerializeToString() for r in requests), PROTOBUF)
    mapped = genai.map_spans(merged)
    assert mapped.rejected == 0
    assert mapped.ignored == 1  # GET /health
    assert mapped.pending is not None  # the lonely chat: its trace names no conversation
    assert [
        s.name for r in mapped.pending.resource_spans for c in r.scope_spans for s in c.spans
    ] == ["chat lonely"]
    assert list(mapped.conversations.values()) == ["conv-1"]
    (session,) = mapped.sessions
    assert (session.agent, session.agent_session_id) == ("genai", "conv-1")
    assert session.service_name == "weather-agent"
    tokens = by_type(session, "tokens")
    chat = next(t for t in tokens if t.payload["operation"] == "chat")
    assert {k: chat.payload[k] for k in claude.TOKEN_TYPES.values()} == {
        "input_tokens": 200,
        "output_tokens": 50,
        "cache_read_tokens": 1200,
        "cache_creation_tokens": 100,
    }
    assert chat.payload["model"] == "claude-sonnet-4-6-20260101"
    assert chat.payload["provider"] == "anthropic"
    assert chat.payload["reasoning_tokens"] == 20
    assert chat.payload["finish_reasons"] == ["tool_use"]
    old = next(t for t in tokens if t.payload["operation"] == "text_completion")
    assert (old.payload["input_tokens"], old.payload["output_tokens"]) == (100, 30)
    assert old.payload["provider"] == "openai"
    (agent,) = by_type(session, "interaction")
    assert agent.payload["type"] == "response" and agent.payload["agent_name"] == "Forecaster"
    assert agent.payload["usage"]["input_tokens"] == 1600  # kept, not counted as tokens
    tools = {t.payload["tool"]: t for t in by_type(session, "tool_call")}
    assert tools["get_weather"].key == "genai:conv-1:tool:toolu_9"
    assert tools["get_weather"].payload["success"] is True
    assert tools["lookup"].payload["success"] is False
    assert tools["lookup"].key.startswith("genai:conv-1:execute_tool:")
    # again, as OTLP JSON
    again = genai.map_spans(decode_traces(to_otlp_json(merged), JSON))
    assert [e.key for e in again.sessions[0].events] == [e.key for e in session.events]


def test_genai_metrics_from_the_sdk(collector: Collector) -> None:
    exporter = OTLPMetricExporter(
        endpoint=f"{collector.url}/v1/metrics",
        preferred_temporality={Histogram: AggregationTemporality.DELTA},
    )
    reader = PeriodicExportingMetricReader(exporter, export_interval_millis=3_600_000)
    provider = MeterProvider(metric_readers=[reader])
    meter = provider.get_meter("test.genai")
    usage = meter.create_histogram("gen_ai.client.token.usage", unit="{token}")
    duration = meter.create_histogram("gen_ai.client.operation.duration", unit="s")
    base = {"gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o"}
    with_id = {**base, "gen_ai.conversation.id": "conv-2"}
    usage.record(31, {**with_id, "gen_ai.token.type": "input"})
    usage.record(40, {**with_id, "gen_ai.token.type": "input"})
    usage.record(19, {**with_id, "gen_ai.token.type": "output"})
    duration.record(1.5, with_id)
    duration.record(0.5, with_id)
    usage.record(7, {**base, "gen_ai.token.type": "input"})
    provider.shutdown()
    mapped = [
        genai.map_metrics(decode_metrics(body_of(c), PROTOBUF))
        for c in collector.bodies("/v1/metrics")
    ]
    totals = MetricTotals(p for m in mapped for s in m.sessions for p in s.metrics)
    assert totals.totals() == {"input_tokens": 71, "output_tokens": 19, "operation_seconds": 2.0}
    counts = [p.count or 0 for m in mapped for s in m.sessions for p in s.metrics]
    assert sorted(counts) == [1, 2, 2]
    unattributed = [p for m in mapped for p in m.unattributed]
    assert [(p.total, p.value) for p in unattributed] == [("input_tokens", 7)]
    assert mapped[0].sessions[0].model == "gpt-4o"


def test_public_genai_fixture() -> None:
    """An OTLP JSON trace from another project's tests (see fixtures/otlp/README.md)."""
    body = (FIXTURES / "akmon_genai_trace.json").read_bytes()
    request = decode_traces(body, JSON)
    spans = request.resource_spans[0].scope_spans[0].spans
    assert spans[0].trace_id.hex() == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert spans[1].parent_span_id.hex() == "00f067aa0ba902b7"
    mapped = genai.map_spans(request)
    (session,) = mapped.sessions
    assert session.agent_session_id == "conv-7f3a"
    assert (session.provider, session.model) == ("openai", "gpt-4o-2024-08-06")
    (tokens,) = by_type(session, "tokens")
    assert (tokens.payload["input_tokens"], tokens.payload["output_tokens"]) == (31, 19)
    assert tokens.payload["response_id"] == "chatcmpl-Abc123"
    assert tokens.payload["duration_ms"] == 1500
    # the tool span has no conversation id: it takes its trace's
    (tool,) = by_type(session, "tool_call")
    assert tool.key == "genai:conv-7f3a:tool:call_x"
    assert decode_traces(to_otlp_json(request), JSON) == request


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("body", "content_type", "encoding", "says"),
    [
        (b"\xff\xff\xff\xff", PROTOBUF, None, "protobuf"),
        (b"\x0a\x05\x0a\x03", PROTOBUF, None, "protobuf"),  # truncated nested message
        (b"{not json", JSON, None, "not JSON"),
        (b"[1, 2]", JSON, None, "must be an object"),
        (b'{"resourceLogs": 5}', JSON, None, "not an OTLP logs request"),
        (
            b'{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"traceId":"trace-1"}]}]}]}',
            JSON,
            None,
            "traceId is not a hex string",
        ),
        (b"\xc3\x28", JSON, None, "UTF-8"),
        (b"not gzip at all", JSON, "gzip", "gzip body is corrupt"),
        # mtime=0: a parameter that is the same bytes in every process (xdist compares ids).
        (
            gzip.compress(b'{"resourceLogs": []}', mtime=0)[:-12],
            JSON,
            "gzip",
            "gzip body is truncated",
        ),
        (b"{}", JSON, "br", "unsupported content encoding"),
        (b"[" * 100_000, JSON, None, ""),
    ],
)
def test_malformed_bodies(body: bytes, content_type: str, encoding: str | None, says: str) -> None:
    with pytest.raises(OtlpDecodeError) as caught:
        decode("logs", body, content_type, encoding)
    assert caught.value.status == 400
    message = str(caught.value)
    assert says in message and "\n" not in message and message


@pytest.mark.parametrize("content_type", ["text/plain", None, "", "application/grpc"])
def test_wrong_content_type(content_type: str | None) -> None:
    with pytest.raises(UnsupportedMediaType) as caught:
        decode_logs(b"{}", content_type)
    assert caught.value.status == 415
    assert "application/x-protobuf or application/json" in str(caught.value)


def test_too_large_before_and_after_decompression() -> None:
    with pytest.raises(OtlpTooLarge) as caught:
        decode_logs(b"{" + b" " * 2000 + b"}", JSON, max_bytes=1000)
    assert caught.value.status == 413
    assert str(caught.value) == "request body of 2002 bytes exceeds the limit of 1000 bytes"
    bomb = gzip.compress(b" " * 50_000_000)  # 50 MB of spaces in ~50 kB
    assert len(bomb) < 100_000
    with pytest.raises(OtlpTooLarge, match="once decompressed"):
        decode_logs(bomb, JSON, "gzip", max_bytes=1_000_000)
    deflated = zlib.compress(b"\x00" * 3_000_000)
    with pytest.raises(OtlpTooLarge):
        decode_metrics(deflated, PROTOBUF, "deflate", max_bytes=1_000_000)
    # just under the limit is fine
    ok = b'{"resourceLogs":[]}' + b" " * 900
    assert decode_logs(gzip.compress(ok), JSON, "gzip", max_bytes=len(ok)) is not None


def test_empty_and_concatenated_bodies() -> None:
    assert decode_traces(b"", PROTOBUF) == decode_traces(b"{}", JSON)
    two = gzip.compress(b'{"resourceSpans":') + gzip.compress(b"[]}")
    assert len(decode_traces(two, JSON, "gzip").resource_spans) == 0


def test_responses_follow_the_request_encoding() -> None:
    assert response_body("logs", "protobuf") == b""
    assert json.loads(response_body("metrics", "json", 2, "no session.id")) == {
        "partialSuccess": {"rejectedDataPoints": "2", "errorMessage": "no session.id"}
    }


# ------------------------------------------------------------------ keys


def test_keys_are_the_capture_keys() -> None:
    """This package spells stint.capture.keys out; the two must stay equal."""
    long_id = "x" * 400
    assert prompt_key("claude_code", SID, PROMPT) == stint_keys.prompt_key(
        "claude_code", SID, PROMPT
    )
    for what in ("tool", "decision"):
        assert tool_key("claude_code", SID, long_id, what) == stint_fit_key(
            stint_keys.tool_key("claude_code", SID, long_id, what)
        )
    assert event_key("claude_code", SID, "api_request", long_id) == stint_fit_key(
        stint_keys.event_key("claude_code", SID, "api_request", long_id)
    )
    assert fit_key(long_id) == stint_fit_key(long_id) and len(fit_key(long_id)) <= 300


# ------------------------------------------------------------------ the whole path


def test_receive_dispatches_by_signal(collector: Collector) -> None:
    export_claude_logs(collector)
    export_claude_metrics(collector, AggregationTemporality.DELTA)
    export_genai_spans(collector)
    logs = [receive("logs", c.body, c.content_type) for c in collector.bodies("/v1/logs")]
    assert logs[0].sessions[0].agent == "claude_code" and logs[0].sessions[0].events
    metrics = [receive("metrics", c.body, c.content_type) for c in collector.bodies("/v1/metrics")]
    assert all(m.ignored == 0 for m in metrics)
    assert session_totals(metrics, SID) == pytest.approx(EXPECTED_TOTALS)
    # One request per span (SimpleSpanProcessor): the children arrive before the agent
    # span that names the conversation. A route keeps what it learnt and maps the pending
    # spans again; the result is the same as one request holding the whole trace.
    known: dict[str, str] = {}
    traces, pending = [], []
    for captured in collector.bodies("/v1/traces"):
        one = receive("traces", captured.body, captured.content_type, conversations=known)
        known.update(one.conversations)
        traces.append(one)
        if one.pending is not None:
            pending.append(one.pending)
    assert len(pending) == 5  # chat, two tools, the old completion, the lonely chat
    retried = [genai.map_spans(p, known) for p in pending]
    still = [r.pending for r in retried if r.pending is not None]
    assert len(still) == 1  # the lonely chat: its trace never names a conversation
    whole = merge(*traces, *retried, *logs)
    assert {(s.agent, s.agent_session_id) for s in whole.sessions} == {
        ("claude_code", SID),
        ("genai", "conv-1"),
    }
    conv = whole.session("conv-1")
    assert conv is not None
    everything = genai.map_spans(
        decode_traces(
            b"".join(
                decode_traces(c.body, PROTOBUF).SerializeToString()
                for c in collector.bodies("/v1/traces")
            ),
            PROTOBUF,
        )
    )
    assert sorted(str(e.key) for e in conv.events) == sorted(
        str(e.key) for e in everything.sessions[0].events
    )
    assert whole.rejected == 1  # the log record without session.id


def test_merge_combines_one_session() -> None:
    first = Mapped()
    second = Mapped(rejected=1, reasons=["x"])
    from stint.capture.otlp.records import Sessions

    one, two = Sessions(), Sessions()
    a = one.get("claude_code", "s")
    a.user_email = "a@example.com"
    b = two.get("claude_code", "s")
    b.organization_id = "org"
    first.sessions, second.sessions = one.result.sessions, two.result.sessions
    merged = merge(first, second)
    (session,) = merged.sessions
    assert (session.user_email, session.organization_id) == ("a@example.com", "org")
    assert merged.rejected == 1 and merged.reasons == ["x"]


def test_json_body_sent_as_protobuf_is_refused() -> None:
    body = (FIXTURES / "akmon_genai_trace.json").read_bytes()
    with pytest.raises(OtlpDecodeError):
        decode_traces(body, PROTOBUF)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    body=st.one_of(
        st.binary(max_size=300),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=20),
            lambda inner: (
                st.lists(inner, max_size=4)
                | st.dictionaries(
                    st.sampled_from(
                        ["resourceLogs", "scopeLogs", "logRecords", "traceId", "attributes", "x"]
                    ),
                    inner,
                    max_size=4,
                )
            ),
            max_leaves=20,
        ).map(lambda v: json.dumps(v).encode()),
    ),
    content_type=st.sampled_from([PROTOBUF, JSON]),
    compressed=st.booleans(),
    signal=st.sampled_from(["logs", "metrics", "traces"]),
)
def test_any_body_decodes_or_raises_an_otlp_error(
    body: bytes, content_type: str, compressed: bool, signal: Signal
) -> None:
    """Whatever arrives, the answer is a mapping or an OtlpError — never a crash."""
    data = gzip.compress(body) if compressed else body
    try:
        receive(signal, data, content_type, "gzip" if compressed else None)
    except OtlpError as exc:
        assert str(exc) and "\n" not in str(exc)
