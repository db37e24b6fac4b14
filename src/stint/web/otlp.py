"""The OTLP/HTTP receiver: `POST /v1/logs`, `/v1/metrics`, `/v1/traces`, where Claude
Code (`OTEL_EXPORTER_OTLP_ENDPOINT`) and any app instrumented with OpenTelemetry's GenAI
conventions export to. Authenticated like every write (`stint.web.auth`: a team key
needs the `ingest` scope) and stored in the key's org as its user's sessions.

Answers as OTLP/HTTP asks: 200 with the Export…ServiceResponse in the request's encoding
(protobuf or JSON; `partial_success` counts records that named no session), else a
problem object: 400 for a body that is not OTLP, 413 over the size limit, 415 for another
content type. The body is read up to the limit only, and decoded off the event loop.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from stint.capture.otlp import OtlpError, OtlpTooLarge, encoding_of
from stint.capture.otlp.decode import DEFAULT_MAX_BYTES, Signal, response_body
from stint.capture.otlp_receiver import Memory
from stint.team.keys import Principal
from stint.web import problems
from stint.web.deps import TrackerDep
from stint.web.schemas import Problem

router = APIRouter(tags=["otlp"])
MEDIA = {"protobuf": "application/x-protobuf", "json": "application/json"}
_DRAIN = 4  # how many times the limit an oversized body is read (and dropped) before answering

# OpenAPI: the bodies are raw bytes in either OTLP encoding (FastAPI cannot infer that
# from a route that reads the request itself).
_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/x-protobuf": {"schema": {"type": "string", "format": "binary"}},
            "application/json": {"schema": {"type": "object"}},
        },
    }
}
_ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Accepted: the OTLP Export…ServiceResponse in the request's encoding",
        "content": {
            "application/x-protobuf": {"schema": {"type": "string", "format": "binary"}},
            "application/json": {"schema": {"type": "object"}},
        },
    },
    400: {"model": Problem, "description": "Not an OTLP request of this signal"},
    401: {"model": Problem, "description": "No or a wrong API key"},
    403: {"model": Problem, "description": "The key lacks the ingest scope"},
    413: {"model": Problem, "description": "The body exceeds the size limit"},
    415: {"model": Problem, "description": "Neither application/x-protobuf nor application/json"},
}


async def _body(request: Request, limit: int) -> bytes:
    """The body, kept up to the limit only. Past it the rest is read and dropped (up to a
    few times the limit) so that the sender, still writing, gets the 413 rather than a
    reset connection."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size <= limit:
            chunks.append(chunk)
        elif size > _DRAIN * limit:
            break
    if size > limit:
        raise OtlpTooLarge(f"request body exceeds the limit of {limit} bytes")
    return b"".join(chunks)


def _memory(request: Request, org: str) -> Memory:
    memories: dict[str, Memory] = request.app.state.otlp_memory
    found = memories.get(org)
    if found is None:
        found = memories.setdefault(org, Memory())
    return found


async def receive(signal: Signal, request: Request, tracker: TrackerDep) -> Response:
    content_type = request.headers.get("content-type")
    limit: int = getattr(request.app.state, "otlp_max_bytes", DEFAULT_MAX_BYTES)
    principal: Principal | None = getattr(request.state, "principal", None)
    try:
        encoding = encoding_of(content_type)
        body = await _body(request, limit)
        received = await run_in_threadpool(
            tracker.receive_otlp,
            signal,
            body,
            content_type,
            request.headers.get("content-encoding"),
            user_id=principal.user_id if principal else None,
            memory=_memory(request, tracker.org),
            max_bytes=limit,
        )
    except OtlpError as exc:
        return problems.problem(exc.status, str(exc))
    mapped = received.mapped
    answer = response_body(signal, encoding, mapped.rejected, mapped.error_message)
    return Response(answer, media_type=MEDIA[encoding])


@router.post("/v1/logs", openapi_extra=_BODY, responses=_ANSWERS, response_class=Response)
async def otlp_logs(request: Request, tracker: TrackerDep) -> Response:
    """OTLP log records: Claude Code's events (prompts, tool results, API requests)."""
    return await receive("logs", request, tracker)


@router.post("/v1/metrics", openapi_extra=_BODY, responses=_ANSWERS, response_class=Response)
async def otlp_metrics(request: Request, tracker: TrackerDep) -> Response:
    """OTLP metrics: Claude Code's counters and GenAI client metrics."""
    return await receive("metrics", request, tracker)


@router.post("/v1/traces", openapi_extra=_BODY, responses=_ANSWERS, response_class=Response)
async def otlp_traces(request: Request, tracker: TrackerDep) -> Response:
    """OTLP spans: OpenTelemetry GenAI inference, agent and tool spans."""
    return await receive("traces", request, tracker)
