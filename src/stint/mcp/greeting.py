"""The start on connect: with `mcp_start = "connect"` the connection's session starts as
soon as the client has connected (its `notifications/initialized`), in the project its
roots name, and — when the client supports elicitation — the person is asked once what
they want to accomplish (seed 001 §6.1); over HTTP, within its first tool call.
Declining or cancelling leaves the goal unset; `session_status` then says so, and the
agent can ask.

A protocol without a handshake (2026-07-28's single exchanges) sends no
`notifications/initialized`: there the session starts with the client's first tool,
resource or prompt request (its first list at connect), and the goal is not asked —
that protocol allows no request from the server outside a call; `session_status` says
the goal is unset instead.
"""

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from mcp.server.elicitation import AcceptedElicitation, elicit_with_validation
from mcp.server.mcpserver import MCPServer
from pydantic import BaseModel, Field

from stint.mcp.calls import Calls, Request
from stint.model.types import Session

Reply = BaseModel | dict[str, Any] | None

log = logging.getLogger("stint.mcp")
GOAL_QUESTION = "What do you want to accomplish this session?"
GOAL_HINT = (
    "The session has no goal yet. Ask the person: “What do you want to accomplish this "
    "session?” and record the answer with session_goal (they may skip it)."
)


class GoalAnswer(BaseModel):
    """The elicitation form: one optional text."""

    goal: str = Field(default="", description="Your goal for this session (empty to skip).")


def register_greeting(server: MCPServer, calls: Calls) -> None:
    """Start the session (and ask for the goal) when a client connects."""

    async def on_message(ctx: Request, call_next: Callable[[Request], Awaitable[Reply]]) -> Reply:
        if ctx.method.startswith(_WORK_PREFIXES) and not calls.state(ctx).extra.get("started"):
            # No handshake came first (2026-07-28), or it is still being handled: the
            # session starts before the client's first real request is answered.
            await start(calls, ctx)
        if ctx.method == "tools/call" and calls.state(ctx).extra.pop("ask_in_call", False):
            # Over HTTP the question rides the first tool call's own stream: one sent on
            # the standalone stream before the client has opened it would be lost.
            await greet(calls, ctx, related=ctx.request_id)
        result = await call_next(ctx)
        if ctx.method == "notifications/initialized":
            if calls.transport == "http":
                calls.state(ctx).extra["ask_in_call"] = True
                await start(calls, ctx)
            else:
                await greet(calls, ctx)
        return result

    server.middleware.append(on_message)


# The requests a client sends once connected and at work (not the handshake, not ping).
_WORK_PREFIXES = ("tools/", "resources/", "prompts/")


async def start(calls: Calls, request: Request) -> Session | None:
    """Start the connection's session once, on connect. Never raises: a failure here must
    not cost the connection, and the first recording call tries again."""
    tracker = calls.tracker
    state = calls.state(request)
    if tracker.settings.mcp_start != "connect":
        return None
    if state.extra.get("started"):
        return tracker.get(state.session_id) if state.session_id is not None else None
    state.extra["started"] = True
    try:
        tracker.sweep()
        session, created = await calls.session(request)
    except Exception:
        log.exception("could not start the session on connect")
        return None
    state.extra["provisional"] = created  # see `Calls.session`
    return session


async def greet(calls: Calls, request: Request, related: Any = None) -> None:
    """Start the session, and ask for its goal once when the client supports elicitation:
    after the handshake on stdio (waiting for the answer holds up no request), within the
    first tool call over HTTP (`related`: that call's request id)."""
    tracker = calls.tracker
    state = calls.state(request)
    session = await start(calls, request)
    if (
        session is None
        or not session.is_open
        or session.goal
        or state.extra.get("goal_asked")
        or not calls.client(request).supports_elicitation
    ):
        return
    state.extra["goal_asked"] = True
    try:
        answer = await elicit_with_validation(
            request.session, GOAL_QUESTION, GoalAnswer, related_request_id=related
        )
    except Exception:  # the client refused the request or answered off the form
        log.info("the goal question went unanswered", exc_info=True)
        return
    goal = answer.data.goal.strip() if isinstance(answer, AcceptedElicitation) else ""
    if not goal or state.session_id != session.id:
        return
    try:
        if tracker.get(session.id).is_open:
            tracker.set_goal(session.id, goal, source="mcp")
    except Exception:
        log.exception("could not set the goal the person gave")
