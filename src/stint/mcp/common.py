"""What every MCP tool shares: domain errors as tool errors, the compact session
summary, refs from agents and JSON-ready results."""

import dataclasses
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from mcp.server.mcpserver.exceptions import ToolError
from sqlalchemy.exc import OperationalError

from stint.model.types import COUNTER_COLUMNS, Session, StintError


@contextmanager
def tool_errors() -> Iterator[None]:
    """Domain and database errors become MCP tool errors with a one-line message."""
    try:
        yield
    except StintError as exc:
        raise ToolError(str(exc)) from exc
    except OperationalError as exc:
        raise ToolError(f"database error: {exc.orig}") from exc


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
