"""Claude Code telemetry (OTLP log records and metrics) → stint sessions.

Claude Code sends its events as log records (`claude_code.<event>` as body, `event.name`
attribute or the record's `event_name`) and its metrics under `claude_code.*`; every record
and point carries `session.id` (unless `OTEL_METRICS_INCLUDE_SESSION_ID=false`), the user
(`user.email`, `user.account_uuid`, `user.account_id`, `user.id`), `organization.id`,
`app.version`, `terminal.type`. One `AgentSession` per `session.id`, agent `claude_code`
— the same session key the hooks and the transcript importer use.

Events and their keys (see docs/otlp.md):

* `user_prompt` → `message`. With the prompt text (`OTEL_LOG_USER_PROMPTS=1`) the key is
  the hooks' and the transcript's: a digest of the text — the three merge. Without it
  (the default: the prompt is absent or `<REDACTED>`) the text-digest key cannot be built;
  the key is `claude_code:<sid>:prompt_id:<prompt.id>` and `prompt_id` is in the payload,
  as the hook also stores it, so a store can match the two; by key alone they would not.
* `tool_result` → `tool_call`, keyed by `tool_use_id` exactly as hooks and transcripts
  key it (`claude_code:<sid>:tool:<tool_use_id>`): they merge.
* `api_request` → `tokens` keyed `claude_code:<sid>:api_request:<request_id>`. The
  transcript keys a response by message id *and* request id
  (`claude_code:<sid>:usage:<msg_id>:<request_id>`); telemetry carries no message id
  (its `message.uuid` is a transcript line's uuid, on `assistant_response` only), so the
  same key is impossible. `request_id` is in the payload: a transcript key ending in
  `:<request_id>` is the same response. (Hooks record tokens only through the transcript
  import they trigger.)
* `api_error` → `api_error` keyed by request id (or client request id) and attempt.
* `tool_decision` → `tool_decision` keyed `claude_code:<sid>:decision:<tool_use_id>`.

A record without such an id (older Claude Code versions) is keyed by its time and
`event.sequence`, or by a digest of the record — a re-exported batch lands on the same
keys. Prompt text, tool parameters and error text are not kept: this receiver applies no
capture policy or redaction yet, so only figures, names and ids are.

Metrics are mapped in `stint.capture.otlp.claude_metrics`.
"""

from __future__ import annotations

from typing import Any

from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest
from opentelemetry.proto.logs.v1.logs_pb2 import LogRecord

from stint.capture.otlp.decode import attributes, value_of
from stint.capture.otlp.records import (
    SOURCE,
    AgentSession,
    Mapped,
    Sessions,
    count,
    digest,
    event_key,
    flag,
    from_nanos,
    number,
    parse_iso,
    prompt_key,
    stable_json,
    text,
    tool_key,
)
from stint.model.types import EventIn

AGENT = "claude_code"
PREFIX = "claude_code."
EVENTS = ("user_prompt", "tool_result", "api_request", "api_error", "tool_decision")
REDACTED = "<REDACTED>"
IDENTITY = (
    "session.id",
    "user.email",
    "user.account_uuid",
    "user.account_id",
    "user.id",
    "organization.id",
    "app.version",
    "app.entrypoint",
    "terminal.type",
    "service.name",
    "service.version",
)
TOKEN_TYPES = {
    "input": "input_tokens",
    "output": "output_tokens",
    "cacheRead": "cache_read_tokens",
    "cacheCreation": "cache_creation_tokens",
}


def identify(session: AgentSession, attrs: dict[str, Any]) -> None:
    """Fill the session's identity from standard attributes (later values win)."""
    for attr, name in (
        ("user.email", "user_email"),
        ("user.account_uuid", "user_account_uuid"),
        ("user.account_id", "user_account_id"),
        ("user.id", "user_id"),
        ("organization.id", "organization_id"),
        ("app.entrypoint", "entrypoint"),
        ("terminal.type", "terminal_type"),
        ("service.name", "service_name"),
    ):
        value = text(attrs.get(attr))
        if value is not None:
            setattr(session, name, value)
    version = text(attrs.get("app.version")) or text(attrs.get("service.version"))
    if version is not None:
        session.app_version = version


def event_name(record: LogRecord, attrs: dict[str, Any], scope: str = "") -> str | None:
    """`api_request` for a `claude_code.api_request` record, however it is named; None
    for a record that is not Claude Code's (a bare `event.name` counts only from Claude
    Code's scope or service)."""
    body = value_of(record.body)
    names = [text(record.event_name), text(attrs.get("event.name")), text(body)]
    for name in names:
        if name is not None and name.strip().startswith(PREFIX):
            return name.strip()[len(PREFIX) :]
    ours = scope.startswith("com.anthropic.claude_code") or str(
        attrs.get("service.name", "")
    ).startswith("claude-code")
    bare = text(record.event_name) or text(attrs.get("event.name"))
    return bare.strip() if ours and bare is not None else None


def _record_id(name: str, time_ns: int, attrs: dict[str, Any]) -> str:
    """What tells one record from another when it carries no id of its own."""
    sequence = text(attrs.get("event.sequence"))
    if sequence is not None and time_ns:
        return f"{time_ns}-{sequence}"
    return digest(stable_json([name, time_ns, sorted(attrs.items())]))


def map_logs(request: ExportLogsServiceRequest) -> Mapped:
    """The Claude Code sessions in one logs request."""
    sessions = Sessions()
    for resource_logs in request.resource_logs:
        resource = attributes(resource_logs.resource.attributes)
        for scope_logs in resource_logs.scope_logs:
            for record in scope_logs.log_records:
                _record(sessions, resource, scope_logs.scope.name, record)
    return sessions.result


def _record(sessions: Sessions, resource: dict[str, Any], scope: str, record: LogRecord) -> None:
    attrs = {**resource, **attributes(record.attributes)}
    name = event_name(record, attrs, scope)
    if name is None:
        sessions.result.ignored += 1
        return
    sid = text(attrs.get("session.id"))
    if sid is None:
        if name in EVENTS:
            sessions.result.reject(f"claude_code.{name} record without session.id")
        else:
            sessions.result.ignored += 1
        return
    time_ns = int(record.time_unix_nano) or 0
    at = from_nanos(time_ns) or parse_iso(attrs.get("event.timestamp"))
    at = at or from_nanos(int(record.observed_time_unix_nano))
    if not time_ns and at is not None:
        time_ns = int(at.timestamp() * 1e9)
    session = sessions.get(AGENT, sid)
    identify(session, attrs)
    session.saw(at)
    if name not in EVENTS:
        sessions.result.ignored += 1
        return
    rid = _record_id(name, time_ns, attrs)
    event = _EVENT_BUILDERS[name](session, attrs, rid)
    event.occurred_at = at
    session.events.append(event)


def _clean(payload: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in payload.items() if v is not None}


def _prompt(session: AgentSession, attrs: dict[str, Any], rid: str) -> EventIn:
    sid = session.agent_session_id
    prompt = next(
        (p for p in (attrs.get("prompt"), attrs.get("prompt_text")) if text(p) and p != REDACTED),
        None,
    )
    prompt_id = text(attrs.get("prompt.id"))
    chars = count(attrs.get("prompt_length"))
    if isinstance(prompt, str):
        key = prompt_key(AGENT, sid, prompt)  # = the hooks' and the transcript's key
        chars = chars or len(prompt)
    elif prompt_id is not None:
        key = event_key(AGENT, sid, "prompt_id", prompt_id)
    else:
        key = event_key(AGENT, sid, "user_prompt", rid)
    payload = {
        "role": "user",
        "chars": chars,
        "prompt_id": prompt_id,
        "message_uuid": text(attrs.get("message.uuid")),
        "command_name": text(attrs.get("command_name")),
        "command_source": text(attrs.get("command_source")),
    }
    return EventIn(
        "message",
        description=f"Prompt ({chars} characters)",
        source=SOURCE,
        payload=_clean(payload),
        key=key,
    )


def _tool_result(session: AgentSession, attrs: dict[str, Any], rid: str) -> EventIn:
    sid = session.agent_session_id
    use_id = text(attrs.get("tool_use_id"))
    tool = text(attrs.get("tool_name")) or "unknown"
    success = flag(attrs.get("success"))
    key = tool_key(AGENT, sid, use_id) if use_id else event_key(AGENT, sid, "tool_result", rid)
    payload = {
        "tool": tool,
        "success": success,
        "duration_ms": number(attrs.get("duration_ms")),
        "error_type": text(attrs.get("error_type")) if success is False else None,
        "decision": text(attrs.get("decision_type")),
        "decision_source": text(attrs.get("decision_source")),
        "tool_use_id": use_id,
        "prompt_id": text(attrs.get("prompt.id")),
    }
    return EventIn(
        "tool_call",
        description=f"{'Failed' if success is False else 'Used'} {tool}",
        source=SOURCE,
        ai_involved=True,
        payload=_clean(payload),
        key=key,
    )


def _cost(attrs: dict[str, Any]) -> float:
    cost = number(attrs.get("cost_usd"))
    if cost is None:
        micros = number(attrs.get("cost_usd_micros"))
        cost = micros / 1e6 if micros is not None else 0.0
    return max(cost, 0.0)


def _side_query(query_source: str | None) -> bool:
    """A subagent's or a housekeeping request (its model is not the session's)."""
    if query_source is None:
        return False
    return any(word in query_source for word in ("subagent", "auxiliary", "compact", "agent:"))


def _api_request(session: AgentSession, attrs: dict[str, Any], rid: str) -> EventIn:
    sid = session.agent_session_id
    request_id = text(attrs.get("request_id"))
    if request_id is not None:
        key = event_key(AGENT, sid, "api_request", request_id)
    else:
        key = event_key(
            AGENT, sid, "api_request", "client:" + (text(attrs.get("client_request_id")) or rid)
        )
    model = text(attrs.get("model")) or "unknown"
    figures = {
        "input_tokens": count(attrs.get("input_tokens")),
        "output_tokens": count(attrs.get("output_tokens")),
        "cache_read_tokens": count(attrs.get("cache_read_tokens")),
        "cache_creation_tokens": count(attrs.get("cache_creation_tokens")),
    }
    query_source = text(attrs.get("query_source"))
    if model != "unknown" and not _side_query(query_source):
        session.model = model
    payload: dict[str, Any] = {
        **figures,
        "model": model,
        "cost_usd": _cost(attrs),
        "duration_ms": number(attrs.get("duration_ms")),
        "request_id": request_id,
        "client_request_id": text(attrs.get("client_request_id")),
        "prompt_id": text(attrs.get("prompt.id")),
        "speed": text(attrs.get("speed")),
        "query_source": query_source,
        "effort": text(attrs.get("effort")),
    }
    return EventIn(
        "tokens",
        description=f"{model}: {sum(figures.values()):,} tokens",
        source=SOURCE,
        ai_involved=True,
        payload=_clean(payload),
        key=key,
    )


def _api_error(session: AgentSession, attrs: dict[str, Any], rid: str) -> EventIn:
    sid = session.agent_session_id
    request = text(attrs.get("request_id")) or text(attrs.get("client_request_id"))
    attempt = text(attrs.get("attempt")) or "1"
    which = f"{request}:{attempt}" if request else rid
    status = number(attrs.get("status_code"))
    payload = {
        "model": text(attrs.get("model")),
        "status_code": int(status) if status is not None else None,
        "duration_ms": number(attrs.get("duration_ms")),
        "attempt": count(attrs.get("attempt")) or None,
        "request_id": text(attrs.get("request_id")),
        "client_request_id": text(attrs.get("client_request_id")),
        "prompt_id": text(attrs.get("prompt.id")),
    }
    shown = f" {int(status)}" if status is not None else ""
    return EventIn(
        "api_error",
        description=f"API error{shown}",
        source=SOURCE,
        ai_involved=True,
        payload=_clean(payload),
        key=event_key(AGENT, sid, "api_error", which),
    )


def _tool_decision(session: AgentSession, attrs: dict[str, Any], rid: str) -> EventIn:
    sid = session.agent_session_id
    use_id = text(attrs.get("tool_use_id"))
    tool = text(attrs.get("tool_name")) or "unknown"
    decision = text(attrs.get("decision")) or "unknown"
    if use_id:
        key = tool_key(AGENT, sid, use_id, "decision")
    else:
        key = event_key(AGENT, sid, "tool_decision", rid)
    payload = {
        "tool": tool,
        "decision": decision,
        "source": text(attrs.get("source")),
        "tool_source": text(attrs.get("tool_source")),
        "tool_use_id": use_id,
        "prompt_id": text(attrs.get("prompt.id")),
    }
    return EventIn(
        "tool_decision",
        description=f"{decision.capitalize()} {tool}",
        source=SOURCE,
        ai_involved=True,
        payload=_clean(payload),
        key=key,
    )


_EVENT_BUILDERS = {
    "user_prompt": _prompt,
    "tool_result": _tool_result,
    "api_request": _api_request,
    "api_error": _api_error,
    "tool_decision": _tool_decision,
}
