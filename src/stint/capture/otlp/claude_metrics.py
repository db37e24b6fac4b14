"""Claude Code telemetry metrics (OTLP) → per-session metric points.

Metrics become `MetricPoint`s per session (totals: `sessions_started`, `lines_added`,
`lines_removed`, `commits`, `pull_requests`, `cost_usd`, `input_tokens`, `output_tokens`,
`cache_read_tokens`, `cache_creation_tokens`, `active_seconds_user`, `active_seconds_cli`,
`edit_decisions_accept`/`_reject`), summed by `MetricTotals` for delta (Claude Code's
default) and cumulative temporality alike. They repeat what the events say — tokens and
cost in particular — so they are totals to compare or to fill in with, never to add to
the events' figures.
"""

from __future__ import annotations

from typing import Any

from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
    ExportMetricsServiceRequest,
)

from stint.capture.otlp.claude import AGENT, IDENTITY, PREFIX, TOKEN_TYPES, identify
from stint.capture.otlp.decode import attributes
from stint.capture.otlp.records import Mapped, MetricPoint, Sessions, from_nanos, raw_points, text


def metric_total(name: str, attrs: dict[str, Any]) -> str | None:
    """The per-session total a Claude Code metric point adds to (None: not one stint keeps)."""
    kind = text(attrs.get("type"))
    if name == "claude_code.session.count":
        return "sessions_started"
    if name == "claude_code.lines_of_code.count":
        return {"added": "lines_added", "removed": "lines_removed"}.get(kind or "")
    if name == "claude_code.commit.count":
        return "commits"
    if name == "claude_code.pull_request.count":
        return "pull_requests"
    if name == "claude_code.cost.usage":
        return "cost_usd"
    if name == "claude_code.token.usage":
        return TOKEN_TYPES.get(kind or "")
    if name == "claude_code.active_time.total":
        return {"user": "active_seconds_user", "cli": "active_seconds_cli"}.get(kind or "")
    if name == "claude_code.code_edit_tool.decision":
        decision = text(attrs.get("decision"))
        return f"edit_decisions_{decision}" if decision in ("accept", "reject") else None
    return None


def map_metrics(request: ExportMetricsServiceRequest) -> Mapped:
    """The Claude Code sessions in one metrics request, with their data points."""
    sessions = Sessions()
    for resource_metrics in request.resource_metrics:
        resource = attributes(resource_metrics.resource.attributes)
        for scope_metrics in resource_metrics.scope_metrics:
            scope = scope_metrics.scope.name
            for metric in scope_metrics.metrics:
                if not metric.name.startswith(PREFIX):
                    if not metric.name.startswith("gen_ai."):  # the GenAI mapping's
                        sessions.result.ignored += 1
                    continue
                for raw in raw_points(metric, resource, scope):
                    total = metric_total(metric.name, raw.attributes)
                    if total is None:
                        sessions.result.ignored += 1
                        continue
                    sid = text(raw.attributes.get("session.id"))
                    if sid is None:
                        sessions.result.reject(f"{metric.name} point without session.id")
                        continue
                    value = raw.value
                    if metric.name == "claude_code.active_time.total" and raw.unit == "ms":
                        value /= 1000.0
                    session = sessions.get(AGENT, sid)
                    identify(session, raw.attributes)
                    session.saw(from_nanos(raw.time_ns))
                    extra = {k: v for k, v in raw.attributes.items() if k not in IDENTITY}
                    session.metrics.append(
                        MetricPoint(
                            metric.name,
                            total,
                            value,
                            raw.cumulative,
                            raw.series,
                            raw.start_ns,
                            raw.time_ns,
                            extra,
                            raw.count,
                        )
                    )
    return sessions.result
