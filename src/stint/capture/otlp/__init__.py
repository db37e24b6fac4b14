"""OTLP receiver, decoding half: OTLP/HTTP bodies → messages (`decode`), Claude Code
telemetry → sessions (`claude`), OpenTelemetry GenAI spans and metrics → sessions
(`genai`). The HTTP route, tenancy and storage live elsewhere; see docs/otlp.md.

`receive(signal, body, content_type, content_encoding)` is the whole path a route needs:
decode, then every mapping that applies to the signal."""

from __future__ import annotations

from collections.abc import Mapping
from typing import cast

from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
    ExportMetricsServiceRequest,
)
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from stint.capture.otlp import claude, claude_metrics, genai
from stint.capture.otlp.decode import (
    DEFAULT_MAX_BYTES,
    OtlpDecodeError,
    OtlpError,
    OtlpTooLarge,
    Signal,
    UnsupportedMediaType,
    decode,
    decode_logs,
    decode_metrics,
    decode_traces,
    encoding_of,
    response_body,
)
from stint.capture.otlp.records import AgentSession, Mapped, MetricPoint, MetricTotals, merge

__all__ = [
    "AgentSession",
    "Mapped",
    "MetricPoint",
    "MetricTotals",
    "OtlpDecodeError",
    "OtlpError",
    "OtlpTooLarge",
    "UnsupportedMediaType",
    "decode",
    "decode_logs",
    "decode_metrics",
    "decode_traces",
    "encoding_of",
    "map_message",
    "merge",
    "receive",
    "response_body",
]


def map_message(
    signal: Signal, message: object, conversations: Mapping[str, str] | None = None
) -> Mapped:
    """Every mapping that applies to a decoded request: logs are Claude Code's events,
    metrics Claude Code's and GenAI's, traces GenAI spans (`conversations`: trace id →
    GenAI conversation learnt from earlier requests, see `genai.map_spans`)."""
    if signal == "logs":
        return claude.map_logs(cast(ExportLogsServiceRequest, message))
    if signal == "metrics":
        metrics = cast(ExportMetricsServiceRequest, message)
        return merge(claude_metrics.map_metrics(metrics), genai.map_metrics(metrics))
    return genai.map_spans(cast(ExportTraceServiceRequest, message), conversations)


def receive(
    signal: Signal,
    body: bytes,
    content_type: str | None,
    content_encoding: str | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    conversations: Mapping[str, str] | None = None,
) -> Mapped:
    """Bytes of one OTLP/HTTP request → its stint sessions (raises `OtlpError`)."""
    message = decode(signal, body, content_type, content_encoding, max_bytes=max_bytes)
    return map_message(signal, message, conversations)
