"""OpenTelemetry GenAI semantic conventions (spans and metrics) → stint sessions.

Any instrumented app that follows the `gen_ai.*` conventions: the session is
`gen_ai.conversation.id` (a span without one takes its trace's, when the trace names
exactly one), agent `genai`. Spans are classified by `gen_ai.operation.name` (or, without
it, the first word of the span name):

* inference — `chat`, `text_completion`, `generate_content` → `tokens`. The conventions
  count cached input inside `gen_ai.usage.input_tokens`; stint's `input_tokens` is uncached
  input (as Anthropic reports it), so `input_tokens = input − cache_read − cache_creation`
  with `gen_ai.usage.cache_read.input_tokens` / `cache_creation.input_tokens` kept apart;
  `reasoning.output_tokens` is kept in the payload (already part of output). The deprecated
  `gen_ai.usage.prompt_tokens` / `completion_tokens` are read when the new names are absent,
  as is `gen_ai.system` for `gen_ai.provider.name`. Model: `gen_ai.response.model`, else
  `gen_ai.request.model`. No cost: the conventions carry none (pricing is the store's).
* `invoke_agent` → `interaction` (type `response`). Usage on an agent span is the sum of
  its inference spans, so it stays in the payload and is not counted again.
* `execute_tool` → `tool_call` (`gen_ai.tool.name`, success = span status not ERROR).

Keys: `genai:<conversation>:tool:<gen_ai.tool.call.id>` for tool calls that carry a call
id, else `genai:<conversation>:<operation>:<trace id>-<span id>` — span ids are the
span's identity in OTLP, so a re-exported span lands on the same key. Nothing here merges
with hooks or transcripts (there are none for this agent); Claude Code's own beta spans
carry no `gen_ai.conversation.id` and are left to the Claude Code mapping.

Metrics: `gen_ai.client.token.usage` (histogram sum by `gen_ai.token.type`: totals
`input_tokens` — cached input included, as the conventions count it — and
`output_tokens`) and `gen_ai.client.operation.duration` (`operation_seconds`, with the
operation count). Instrumentations rarely put a conversation id on metrics; points
without one are returned in `Mapped.unattributed`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
    ExportMetricsServiceRequest,
)
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.trace.v1.trace_pb2 import Span, Status

from stint.capture.otlp.decode import attributes
from stint.capture.otlp.records import (
    SOURCE,
    AgentSession,
    Mapped,
    MetricPoint,
    Sessions,
    count,
    event_key,
    from_nanos,
    raw_points,
    text,
    tool_key,
)
from stint.model.types import EventIn

AGENT = "genai"
CONVERSATION = "gen_ai.conversation.id"
INFERENCE = frozenset({"chat", "text_completion", "generate_content"})
OPERATIONS = INFERENCE | {
    "invoke_agent",
    "execute_tool",
    "embeddings",
    "retrieval",
    "create_agent",
    "invoke_workflow",
}
METRICS = ("gen_ai.client.token.usage", "gen_ai.client.operation.duration")


def operation_of(span: Span, attrs: dict[str, Any]) -> str | None:
    name = text(attrs.get("gen_ai.operation.name"))
    if name is None:
        first = span.name.split(" ", 1)[0] if span.name else ""
        name = first if first in OPERATIONS else None
    return name


def _identify(session: AgentSession, attrs: dict[str, Any]) -> None:
    provider = text(attrs.get("gen_ai.provider.name")) or text(attrs.get("gen_ai.system"))
    if provider is not None:
        session.provider = provider
    service = text(attrs.get("service.name"))
    if service is not None:
        session.service_name = service
    version = text(attrs.get("service.version"))
    if version is not None:
        session.app_version = version
    for attr, name in (
        ("user.email", "user_email"),
        ("user.id", "user_id"),
        ("enduser.id", "user_id"),
    ):
        value = text(attrs.get(attr))
        if value is not None:
            setattr(session, name, value)


def map_spans(request: ExportTraceServiceRequest, known: Mapping[str, str] | None = None) -> Mapped:
    """The GenAI conversations in one traces request.

    A span without `gen_ai.conversation.id` takes its trace's: from a span of this request,
    else from `known` (trace id hex → conversation id, what earlier requests taught —
    `Mapped.conversations` of theirs). Children usually end, and so are exported, before
    the agent span that names the conversation; a span whose trace is not known yet is
    not rejected but returned in `Mapped.pending` (a request of those spans alone) for the
    caller to map again, with `known`, once the trace's conversation has arrived."""
    sessions = Sessions()
    result = sessions.result
    spans: list[tuple[int, int, Span, dict[str, Any]]] = []
    by_trace: dict[str, set[str]] = {}
    for r, resource_spans in enumerate(request.resource_spans):
        resource = attributes(resource_spans.resource.attributes)
        for k, scope_spans in enumerate(resource_spans.scope_spans):
            for span in scope_spans.spans:
                attrs = {**resource, **attributes(span.attributes)}
                spans.append((r, k, span, attrs))
                conversation = text(attrs.get(CONVERSATION))
                if conversation is not None and span.trace_id:
                    by_trace.setdefault(span.trace_id.hex(), set()).add(conversation)
    for trace, names in by_trace.items():
        if len(names) == 1:
            result.conversations[trace] = next(iter(names))
    waiting: list[tuple[int, int, Span]] = []
    for r, k, span, attrs in spans:
        operation = operation_of(span, attrs)
        if operation is None or operation not in OPERATIONS:
            result.ignored += 1
            continue
        conversation = text(attrs.get(CONVERSATION))
        trace = span.trace_id.hex()
        if conversation is None and trace:
            conversation = result.conversations.get(trace) or (known or {}).get(trace)
            if conversation is None and trace not in by_trace:
                waiting.append((r, k, span))
                continue
        if conversation is None:
            result.reject(f"{operation} span without {CONVERSATION}")
            continue
        session = sessions.get(AGENT, conversation)
        _identify(session, attrs)
        start = from_nanos(int(span.start_time_unix_nano))
        end = from_nanos(int(span.end_time_unix_nano))
        session.saw(start)
        session.saw(end)
        event = _event(session, span, attrs, operation)
        if event is None:
            result.ignored += 1
            continue
        event.occurred_at = start or end
        session.events.append(event)
    if waiting:
        result.pending = _only(request, waiting)
    return result


def _only(
    request: ExportTraceServiceRequest, keep: list[tuple[int, int, Span]]
) -> ExportTraceServiceRequest:
    """A request holding only some spans, each under its own resource and scope."""
    out = ExportTraceServiceRequest()
    placed: dict[tuple[int, int], Any] = {}
    resources: dict[int, Any] = {}
    for r, k, span in keep:
        if r not in resources:
            source = request.resource_spans[r]
            target = out.resource_spans.add()
            target.resource.CopyFrom(source.resource)
            target.schema_url = source.schema_url
            resources[r] = target
        if (r, k) not in placed:
            source_scope = request.resource_spans[r].scope_spans[k]
            scope = resources[r].scope_spans.add()
            scope.scope.CopyFrom(source_scope.scope)
            scope.schema_url = source_scope.schema_url
            placed[(r, k)] = scope
        placed[(r, k)].spans.add().CopyFrom(span)
    return out


def _duration_ms(span: Span) -> float | None:
    start, end = int(span.start_time_unix_nano), int(span.end_time_unix_nano)
    return (end - start) / 1e6 if start and end >= start else None


def usage(attrs: dict[str, Any]) -> dict[str, int]:
    """stint's token figures from `gen_ai.usage.*` (input without the cached part)."""
    total_in = attrs.get("gen_ai.usage.input_tokens", attrs.get("gen_ai.usage.prompt_tokens"))
    output = attrs.get("gen_ai.usage.output_tokens", attrs.get("gen_ai.usage.completion_tokens"))
    cache_read = count(attrs.get("gen_ai.usage.cache_read.input_tokens"))
    cache_creation = count(attrs.get("gen_ai.usage.cache_creation.input_tokens"))
    return {
        "input_tokens": max(0, count(total_in) - cache_read - cache_creation),
        "output_tokens": count(output),
        "cache_read_tokens": cache_read,
        "cache_creation_tokens": cache_creation,
    }


def _event(
    session: AgentSession, span: Span, attrs: dict[str, Any], operation: str
) -> EventIn | None:
    conv = session.agent_session_id
    span_ref = f"{span.trace_id.hex()}-{span.span_id.hex()}"
    failed = span.status.code == Status.StatusCode.STATUS_CODE_ERROR
    if operation in INFERENCE:
        figures = usage(attrs)
        model = (
            text(attrs.get("gen_ai.response.model"))
            or text(attrs.get("gen_ai.request.model"))
            or "unknown"
        )
        if model != "unknown":
            session.model = model
        reasons = attrs.get("gen_ai.response.finish_reasons")
        payload = {
            **figures,
            "model": model,
            "provider": session.provider,
            "operation": operation,
            "reasoning_tokens": count(attrs.get("gen_ai.usage.reasoning.output_tokens")) or None,
            "duration_ms": _duration_ms(span),
            "response_id": text(attrs.get("gen_ai.response.id")),
            "finish_reasons": [str(r) for r in reasons] if isinstance(reasons, list) else None,
            "success": False if failed else None,
        }
        return EventIn(
            "tokens",
            description=f"{model}: {sum(figures.values()):,} tokens",
            source=SOURCE,
            ai_involved=True,
            payload={k: v for k, v in payload.items() if v is not None},
            key=event_key(AGENT, conv, operation, span_ref),
        )
    if operation == "execute_tool":
        tool = (
            text(attrs.get("gen_ai.tool.name")) or span.name.removeprefix("execute_tool ").strip()
        )
        tool = tool or "unknown"
        call_id = text(attrs.get("gen_ai.tool.call.id"))
        payload = {
            "tool": tool,
            "success": not failed,
            "duration_ms": _duration_ms(span),
            "tool_type": text(attrs.get("gen_ai.tool.type")),
            "tool_call_id": call_id,
        }
        key = (
            tool_key(AGENT, conv, call_id)
            if call_id
            else event_key(AGENT, conv, operation, span_ref)
        )
        return EventIn(
            "tool_call",
            description=f"{'Failed' if failed else 'Used'} {tool}",
            source=SOURCE,
            ai_involved=True,
            payload={k: v for k, v in payload.items() if v is not None},
            key=key,
        )
    if operation == "invoke_agent":
        agent_name = text(attrs.get("gen_ai.agent.name"))
        figures = usage(attrs)
        info: dict[str, Any] = {
            "type": "response",
            "operation": operation,
            "agent_name": agent_name,
            "agent_id": text(attrs.get("gen_ai.agent.id")),
            "duration_ms": _duration_ms(span),
            "success": not failed,
            "usage": figures if any(figures.values()) else None,
        }
        return EventIn(
            "interaction",
            description=f"Agent {agent_name or 'run'}{' failed' if failed else ''}",
            source=SOURCE,
            ai_involved=True,
            payload={k: v for k, v in info.items() if v is not None},
            key=event_key(AGENT, conv, operation, span_ref),
        )
    return None


def metric_total(name: str, attrs: dict[str, Any]) -> str | None:
    if name == "gen_ai.client.token.usage":
        kind = text(attrs.get("gen_ai.token.type"))
        return {"input": "input_tokens", "output": "output_tokens"}.get(kind or "")
    if name == "gen_ai.client.operation.duration":
        return "operation_seconds"
    return None


def map_metrics(request: ExportMetricsServiceRequest) -> Mapped:
    """GenAI client metrics: per conversation when the points carry its id, else in
    `unattributed`."""
    sessions = Sessions()
    for resource_metrics in request.resource_metrics:
        resource = attributes(resource_metrics.resource.attributes)
        for scope_metrics in resource_metrics.scope_metrics:
            for metric in scope_metrics.metrics:
                if metric.name not in METRICS:
                    if not metric.name.startswith("claude_code."):  # the Claude Code mapping's
                        sessions.result.ignored += 1
                    continue
                for raw in raw_points(metric, resource, scope_metrics.scope.name):
                    total = metric_total(metric.name, raw.attributes)
                    if total is None:
                        sessions.result.ignored += 1
                        continue
                    value = raw.value
                    if metric.name == "gen_ai.client.operation.duration" and raw.unit == "ms":
                        value /= 1000.0
                    extra = {k: v for k, v in raw.attributes.items() if k != CONVERSATION}
                    point = MetricPoint(
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
                    conversation = text(raw.attributes.get(CONVERSATION))
                    if conversation is None:
                        sessions.result.unattributed.append(point)
                        continue
                    session = sessions.get(AGENT, conversation)
                    _identify(session, raw.attributes)
                    model = text(raw.attributes.get("gen_ai.response.model")) or text(
                        raw.attributes.get("gen_ai.request.model")
                    )
                    session.model = model or session.model
                    session.saw(from_nanos(raw.time_ns))
                    session.metrics.append(point)
    return sessions.result
