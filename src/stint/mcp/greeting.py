"""The start on connect: with `mcp_start = "connect"` the connection's session starts as
soon as the client has connected (its `notifications/initialized`), in the project its
roots name, and — when the client supports elicitation — the person is asked once what
they want to accomplish (seed 001 §6.1). Declining or cancelling leaves the goal unset;
`session_status` then says so, and the agent can ask.

A protocol without a handshake (2026-07-28's single exchanges) sends no
`notifications/initialized`: there the session starts on the first recording call.
"""

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from mcp.server.elicitation import AcceptedElicitation, elicit_with_validation
from mcp.server.mcpserver import MCPServer
from pydantic import BaseModel, Field

from stint.mcp.calls import Calls, Request

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
        result = await call_next(ctx)
        if ctx.method == "notifications/initialized":
            await greet(calls, ctx)
        return result

    server.middleware.append(on_message)


async def greet(calls: Calls, request: Request) -> None:
    """Start the connection's session and ask for its goal once. Never raises: a failure
    here must not cost the connection, and the first recording call tries again."""
    tracker = calls.tracker
    if tracker.settings.mcp_start != "connect":
        return
    state = calls.state(request)
    try:
        tracker.sweep()
        session, _ = await calls.session(request)
    except Exception:
        log.exception("could not start the session on connect")
        return
    if (
        session.goal
        or state.extra.get("goal_asked")
        or not calls.client(request).supports_elicitation
    ):
        return
    state.extra["goal_asked"] = True
    try:
        answer = await elicit_with_validation(request.session, GOAL_QUESTION, GoalAnswer)
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
