"""The goal-oriented MCP tools: what the library API records (`stint.goals`), for any
kind of session — conversations, interviews, workflows as well as coding.

Each tool is a thin call into `tracker.goals` on the connection's session; the values
are checked there (or by the tool's schema) and a bad one comes back as a one-line tool
error. Texts are redacted by the store's columns. Recording tools start the session as
the other recording tools do; `session_progress` and `session_evaluate` read the
connection's session and never create one.
"""

from datetime import timedelta
from typing import Annotated, Any, Literal

from mcp.server.mcpserver import Context, MCPServer
from pydantic import Field

from stint.goals.records import COVERAGE_LEVELS
from stint.mcp.calls import Calls
from stint.mcp.common import as_ref, jsonable, summary, tool_errors
from stint.model.timeparse import parse_when, utcnow
from stint.model.types import StintError
from stint.tracker import Tracker

InteractionType = Literal[
    "prompt",
    "response",
    "clarification",
    "reflection",
    "command",
    "result",
    "tool_call",
    "tool_result",
]
Coverage = Literal["introduction", "exploration", "deep_dive", "completion"]
Words = Annotated[list[str] | None, Field(description="A list of short texts.")]
assert set(Coverage.__args__) == set(COVERAGE_LEVELS)  # type: ignore[attr-defined]


def register_goal_tools(server: MCPServer, tracker: Tracker, calls: Calls) -> None:
    """Add the goal-oriented tools to `server`."""
    goals = tracker.goals

    def known_id(ctx: Context) -> int:
        tracker.sweep()
        request = ctx.request_context
        found = calls.binder.known(calls.state(request), calls.client(request))
        if found is None:
            raise StintError("this connection has no session yet")
        return int(found.id)

    @server.tool()
    async def interaction_record(
        ctx: Context,
        type: Annotated[InteractionType, Field(description="What kind of exchange this is.")],
        content: Annotated[str | None, Field(description="The prompt, command, … text.")] = None,
        response: Annotated[
            str | None, Field(description="The other side (the answer to a prompt).")
        ] = None,
        role: Annotated[str | None, Field(description="user, assistant, agent, …")] = None,
        category: Annotated[str | None, Field(description="Your category for it.")] = None,
        sentiment: Annotated[str | None, Field(description="positive, neutral, …")] = None,
        themes: Words = None,
        people: Words = None,
        places: Words = None,
        subject: Annotated[str | None, Field(description="The subject key it covers.")] = None,
        tool_name: Annotated[str | None, Field(description="For tool calls.")] = None,
        success: Annotated[bool | None, Field(description="For results: did it work.")] = None,
        exit_code: Annotated[int | None, Field(description="For command results.")] = None,
        duration_seconds: Annotated[float | None, Field(ge=0, description="How long.")] = None,
        key: Annotated[
            str | None, Field(description="An idempotency key: the same key records once.")
        ] = None,
    ) -> dict[str, Any]:
        """Record one interaction (prompt/response, command/result, …); returns it with
        its sequence number in the session."""
        with tool_errors():
            recorded = goals.add_interaction(
                await calls.current_id(ctx.request_context),
                type,
                content,
                response=response,
                role=role,
                category=category,
                sentiment=sentiment,
                themes=themes,
                people=people,
                places=places,
                subject=subject,
                tool_name=tool_name,
                success=success,
                exit_code=exit_code,
                duration_seconds=duration_seconds,
                key=key,
                source="mcp",
            )
            return {"interaction": jsonable(recorded)}

    @server.tool()
    async def artifact_create(
        ctx: Context,
        type: Annotated[str, Field(description="scene_capture, draft_paragraph, report, …")],
        content: Annotated[str | None, Field(description="The artifact's text.")] = None,
        name: Annotated[str | None, Field(description="A title.")] = None,
        subject: Annotated[str | None, Field(description="The subject key it is about.")] = None,
        approved: Annotated[bool, Field(description="Approved already.")] = False,
    ) -> dict[str, Any]:
        """Record an artifact the session produced, provisional until approved."""
        with tool_errors():
            artifact = goals.add_artifact(
                await calls.current_id(ctx.request_context),
                type,
                content,
                name=name,
                subject=subject,
                approved=approved,
                source="mcp",
            )
            return {"artifact": jsonable(artifact)}

    @server.tool()
    async def artifact_approve(
        ctx: Context,
        artifact_id: Annotated[int, Field(description="The id artifact_create returned.")],
    ) -> dict[str, Any]:
        """Approve an artifact (provisional → approved, with the time)."""
        with tool_errors():
            approved = goals.approve_artifact(known_id(ctx), artifact_id, source="mcp")
            return {"artifact": jsonable(approved)}

    @server.tool()
    async def note_add(
        ctx: Context,
        text: Annotated[str, Field(description="The note.")],
        type: Annotated[
            str, Field(description="observation, concern, insight, technical, …")
        ] = "observation",
        important: Annotated[bool, Field(description="Mark it important.")] = False,
        follow_up: Annotated[
            bool, Field(description="It needs follow-up (flags the session).")
        ] = False,
        at_latest_interaction: Annotated[
            bool, Field(description="Tie it to the latest interaction.")
        ] = False,
    ) -> dict[str, Any]:
        """Add a typed note; one needing follow-up marks the session as needing it."""
        with tool_errors():
            sid = await calls.current_id(ctx.request_context)
            note_id = goals.add_note(
                sid,
                text,
                type=type,
                important=important,
                requires_followup=follow_up,
                at_interaction=-1 if at_latest_interaction else None,
                source="mcp",
            )
            return {"note_id": note_id, "session_id": sid}

    @server.tool()
    async def subject_link(
        ctx: Context,
        key: Annotated[str, Field(description="The subject's key, shared across sessions.")],
        name: Annotated[str | None, Field(description="Its display name.")] = None,
        kind: Annotated[str | None, Field(description="life_event, topic, component, …")] = None,
        primary: Annotated[bool | None, Field(description="The session's main subject.")] = None,
        coverage: Annotated[Coverage | None, Field(description="How far it was covered.")] = None,
        prompts_completed: Annotated[
            int | None, Field(ge=0, description="Prompts answered on it.")
        ] = None,
        notes: Annotated[str | None, Field(description="Notes on the subject.")] = None,
    ) -> dict[str, Any]:
        """Link a subject to the session (or update the link), with its coverage level."""
        with tool_errors():
            linked = goals.link_subject(
                await calls.current_id(ctx.request_context),
                key,
                name=name,
                kind=kind,
                primary=primary,
                coverage=coverage,
                prompts_completed=prompts_completed,
                notes=notes,
            )
            return {"subject": jsonable(linked)}

    @server.tool()
    async def session_progress(ctx: Context) -> dict[str, Any]:
        """Each success and completion indicator met / not met / unknown, and whether the
        session can complete. Does not start a session."""
        with tool_errors():
            return jsonable(goals.progress(known_id(ctx)))

    @server.tool()
    async def session_evaluate(
        ctx: Context,
        llm: Annotated[
            bool, Field(description="Ask the configured LLM judge (else deterministic).")
        ] = False,
    ) -> dict[str, Any]:
        """Evaluate the session's goal now and store the result (outcome, completion)."""
        with tool_errors():
            return jsonable(goals.evaluate(known_id(ctx), llm=llm))

    @server.tool()
    async def session_schedule(
        ctx: Context,
        template: Annotated[str, Field(description="The template's name.")],
        at: Annotated[
            str | None, Field(description="When: 'tomorrow 10:00', an ISO time… (default now).")
        ] = None,
        count: Annotated[int, Field(ge=1, le=52, description="A chain of this many.")] = 1,
        every_days: Annotated[
            float, Field(gt=0, description="Days between the chain's sessions.")
        ] = 7,
        subject: Annotated[
            str | None, Field(description="A subject key the chain covers, start to end.")
        ] = None,
        project: Annotated[str | None, Field(description="Project name.")] = None,
        name: Annotated[str | None, Field(description="The sessions' name.")] = None,
        begin: Annotated[
            bool, Field(description="Start the (first) session now and record into it here.")
        ] = False,
    ) -> dict[str, Any]:
        """Schedule sessions from a template (its goal, indicators, kind, duration, tags);
        with `begin`, the first one starts now and this connection records into it."""
        with tool_errors():
            tracker.sweep()
            first_at = parse_when(at) if at else utcnow()
            planned = goals.plan(
                template,
                count=count,
                first_at=first_at,
                every=timedelta(days=every_days),
                subject=subject,
                project=project,
                name=name,
                source="mcp",
            )
            result: dict[str, Any] = {"sessions": [summary(s) for s in planned]}
            if begin:
                started = goals.start_scheduled(planned[0].id)
                request = ctx.request_context
                bound = calls.binder.bind(calls.state(request), calls.client(request), started.id)
                result["session"] = summary(bound)
            return result

    @server.tool()
    async def session_begin(
        ctx: Context,
        session: Annotated[int | str, Field(description="The scheduled session's ref (#12).")],
    ) -> dict[str, Any]:
        """Start a scheduled session now; this connection then records into it."""
        with tool_errors():
            tracker.sweep()
            started = goals.start_scheduled(as_ref(session))
            request = ctx.request_context
            bound = calls.binder.bind(calls.state(request), calls.client(request), started.id)
            return {"session": summary(bound)}
