"""What every MCP tool shares: domain errors as tool errors, the compact session
summary, refs from agents and JSON-ready results."""

import dataclasses
import json
import re
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

from mcp.server.context import ServerRequestContext
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import CallToolResult, TextContent
from pydantic import BaseModel
from sqlalchemy.exc import OperationalError

from stint.model.timeparse import TimeParseError
from stint.model.types import COUNTER_COLUMNS, Session, StintError


@contextmanager
def tool_errors() -> Iterator[None]:
    """Domain and database errors become MCP tool errors with a one-line message."""
    try:
        yield
    except (StintError, TimeParseError) as exc:
        raise ToolError(str(exc)) from exc
    except OperationalError as exc:
        raise ToolError(f"database error: {exc.orig}") from exc


Reply = BaseModel | dict[str, Any] | None
_PYDANTIC_TAIL = re.compile(r"\s*\[type=[^\]]*\]$")


async def one_line_errors(
    ctx: ServerRequestContext[Any, Any],
    call_next: Callable[[ServerRequestContext[Any, Any]], Awaitable[Reply]],
) -> Reply:
    """Server middleware: a tool error reads as one line. The SDK reports arguments that
    fail the input schema with pydantic's multi-line text; this keeps each field and its
    message (`coverage: Input should be …`) and drops the rest."""
    result = await call_next(ctx)
    if ctx.method != "tools/call":
        return result
    if isinstance(result, CallToolResult) and result.is_error:
        for item in result.content:
            if isinstance(item, TextContent) and "\n" in item.text:
                item.text = one_line(item.text)
    elif isinstance(result, dict) and result.get("isError"):  # the wire form
        for part in result.get("content") or []:
            text = part.get("text") if isinstance(part, dict) else None
            if isinstance(text, str) and "\n" in text:
                part["text"] = one_line(text)
    return result


def one_line(text: str) -> str:
    """pydantic's `N validation errors for X / field / message` as `field: message; …`."""
    head, *rest = [line for line in text.splitlines() if line.strip()]
    head = re.sub(r"\d+ validation errors? for \w+$", "", head).rstrip(": ")
    parts: list[str] = []
    field = ""
    for line in rest:
        if line.strip().startswith("For further information"):
            continue
        if not line.startswith(" "):
            field = line.strip()
            continue
        message = _PYDANTIC_TAIL.sub("", line.strip())
        parts.append(f"{field}: {message}" if field else message)
        field = ""
    return f"{head}: {'; '.join(parts)}" if parts else head


def summary(session: Session) -> dict[str, Any]:
    """A compact view of a session for tool results."""
    return {
        "id": session.id,
        "ref": session.ref,
        "uuid": session.uuid,
        "status": session.status,
        "project": session.project,
        "goal": session.goal,
        "kind": session.kind,
        "agent": session.agent,
        "agent_version": session.agent_version,
        "agent_session_id": session.agent_session_id,
        "mcp_connection_id": session.mcp_connection_id,
        "started_at": session.started_at.isoformat() if session.started_at else None,
        "ended_at": session.ended_at.isoformat() if session.ended_at else None,
        "duration": session.to_dict()["duration"],
        "tags": session.tags,
        "counters": {name: session.row.get(name) for name in COUNTER_COLUMNS},
    }


def as_ref(ref: int | str) -> str:
    """A session ref from an agent: a bare number means the session number (#12), as
    shown everywhere, not the internal id."""
    return str(ref)


def jsonable(value: Any) -> dict[str, Any]:
    """Analytics results may be dataclasses or dicts; tools return JSON objects."""
    if hasattr(value, "to_dict"):
        value = value.to_dict()
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    data = json.loads(json.dumps(value, default=str))
    return data if isinstance(data, dict) else {"result": data}
