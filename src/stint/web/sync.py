"""`POST /api/v1/sync`: a laptop's push (`stint sync`) into the caller's org.

The body is read here, so its size is checked before anything is parsed: over
`MAX_BATCH_BYTES` is a 413 that names the limit. A batch that does not validate is a
400 saying what was wrong; a session uuid another org holds is a 409. In every refusal
nothing of the batch is stored (one transaction, see `stint.team.sync_in`). Needs the
`ingest` scope (any write does, see `web.auth`); the org and user come from the key.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from stint.team.keys import Principal
from stint.web.deps import TrackerDep
from stint.web.sync_schemas import SyncBatch, SyncResult

MAX_BATCH_BYTES = 16 * 1024 * 1024
router = APIRouter(tags=["capture"])


def _detail(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors()[:5]:
        where = ".".join(str(p) for p in error.get("loc", ()))
        parts.append(f"{where}: {error.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid batch"


async def _body(request: Request) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BATCH_BYTES:
        raise HTTPException(413, f"a sync batch may hold at most {MAX_BATCH_BYTES} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BATCH_BYTES:
            raise HTTPException(413, f"a sync batch may hold at most {MAX_BATCH_BYTES} bytes")
    return bytes(body)


def _inlined(schema: dict[str, Any]) -> dict[str, Any]:
    """The batch's JSON schema with its `$defs` written in place: a schema given through
    `openapi_extra` is not added to the document's components, so a `#/$defs/…` reference
    would point nowhere in the OpenAPI document (its models are not recursive)."""
    defs = schema.pop("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return walk(defs[ref.removeprefix("#/$defs/")])
            return {key: walk(value) for key, value in node.items()}
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    result: dict[str, Any] = walk(schema)
    return result


@router.post(
    "/sync",
    response_model=SyncResult,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": _inlined(SyncBatch.model_json_schema())}},
        }
    },
    responses={413: {"description": "The batch is over the size limit"}},
)
async def sync(request: Request, tracker: TrackerDep) -> dict[str, Any]:
    """Store a laptop's batch of sessions exactly once (see `stint.team.sync_in`)."""
    raw = await _body(request)
    try:
        batch = SyncBatch.model_validate_json(raw)
    except ValidationError as exc:
        raise HTTPException(400, _detail(exc)) from None
    principal: Principal | None = getattr(request.state, "principal", None)
    user_id = principal.user_id if principal else None
    # The validated bundles' fields as they are: their rows are plain dicts the
    # validation made, which `model_dump` would copy row by row.
    sessions = [dict(vars(bundle)) for bundle in batch.sessions]
    result: dict[str, Any] = await run_in_threadpool(
        tracker.receive_sync, user_id, batch.machine.model_dump(), sessions
    )
    return result
