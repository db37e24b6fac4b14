"""OTLP receiver, decoding half: OTLP/HTTP bodies → messages (`decode`), Claude Code
telemetry → sessions (`claude`), OpenTelemetry GenAI spans and metrics → sessions
(`genai`). The HTTP route, tenancy and storage live elsewhere; see docs/otlp.md."""

from stint.capture.otlp.decode import (
    OtlpDecodeError,
    OtlpError,
    OtlpTooLarge,
    UnsupportedMediaType,
    decode,
    decode_logs,
    decode_metrics,
    decode_traces,
)
from stint.capture.otlp.records import AgentSession, Mapped, MetricPoint, MetricTotals

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
]
