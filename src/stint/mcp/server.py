"""The MCP server: tools, resources and a prompt over one `Tracker`.

Every tool is a thin call into the Tracker. Recording tools act on the connection's
session, started on connect or by the first recording call (`mcp_start`; see
`stint.mcp.connection` for the rules); read tools never create one. Domain errors come
back as tool errors (`isError`) with the message, and the server keeps serving. The
inactivity sweep runs before every tool call. The recording tools are here, the
goal-oriented ones in `stint.mcp.goal_tools`, the read tools, resources and prompt in
`stint.mcp.reads`, the start on connect in `stint.mcp.greeting`.

Built on the official SDK, mcp 2.x (`mcp.server.mcpserver.MCPServer`).
"""

from typing import Annotated, Any, Literal

from mcp.server.mcpserver import Context, MCPServer
from pydantic import Field

from stint import __version__
from stint.mcp import common
from stint.mcp.calls import Calls
from stint.mcp.common import one_line_errors, summary, tool_errors
from stint.mcp.connection import Binder, Client, ConnectionState
from stint.mcp.goal_tools import register_goal_tools
from stint.mcp.greeting import GOAL_HINT, register_greeting
from stint.mcp.reads import register_reads
from stint.model.types import Session, StintError
from stint.sessions.recording import mentions_in
from stint.tracker import Tracker

INSTRUCTIONS = (
    "stint records this working session. It starts when you connect (or on the first "
    "recording call); give it a goal with session_goal if it has none (session_status "
    "says so). Call task_create / task_update as you plan and finish work, "
    "decision_record for choices you make, context_add for context (mention files as "
    "@path), file_touched for files you change, and session_end when done. For "
    "conversations, interviews and workflows: session_schedule (from a template), "
    "interaction_record, artifact_create / artifact_approve, note_add, subject_link, "
    "session_progress and session_evaluate. Read stint://session/current for the "
    "session's state and hints."
)

Text = Annotated[str, Field(description="Free text.")]


def build_server(tracker: Tracker, transport: Literal["stdio", "http"] = "stdio") -> MCPServer:
    """The stint MCP server over `tracker`; `transport` decides how connections are told
    apart (stdio: one per process; HTTP: the `mcp-session-id`)."""
    server = MCPServer("stint", version=__version__, instructions=INSTRUCTIONS, log_level="WARNING")
    kind = "stdio" if transport == "stdio" else "http"
    binder = Binder(tracker, kind)
    calls = Calls(tracker, binder, kind)

    def state_of(ctx: Context) -> ConnectionState:
        return calls.state(ctx.request_context)

    def client_of(ctx: Context) -> Client:
        return calls.client(ctx.request_context)

    async def session_id(ctx: Context, **options: Any) -> tuple[Session, bool]:
        return await calls.session(ctx.request_context, **options)

    async def current_id(ctx: Context) -> int:
        return await calls.current_id(ctx.request_context)

    # ------------------------------------------------------------------ tools

    @server.tool()
    async def session_start(
        ctx: Context,
        goal: Annotated[str | None, Field(description="What this session should achieve.")] = None,
        project: Annotated[
            str | None, Field(description="Project name (default: from the client's roots).")
        ] = None,
        tags: Annotated[list[str] | None, Field(description="Tags for the session.")] = None,
        kind: Annotated[
            str | None, Field(description="coding, conversation, interview, workflow, …")
        ] = None,
        agent_session_id: Annotated[
            str | None,
            Field(description="Your own stable session id; a reconnect with it re-attaches."),
        ] = None,
        model: Annotated[str | None, Field(description="The AI model you run as.")] = None,
    ) -> dict[str, Any]:
        """Start (or re-attach to) this connection's session, optionally with a goal."""
        with tool_errors():
            tracker.sweep()
            await calls.settle(ctx.request_context)
            state = state_of(ctx)
            if agent_session_id and agent_session_id != state.agent_session_id:
                if state.session_id is not None and not state.ended_here:
                    tracker.discard_if_empty(state.session_id)  # the start on connect's
                state.agent_session_id = agent_session_id
                state.session_id = None
            options: dict[str, Any] = {"goal": goal, "project": project, "tags": tags, "kind": kind}
            existing = binder.bound(state)
            if existing is not None and existing.is_open and not state.ended_here:
                binder.apply(existing.id, **options)
                return {"session": summary(tracker.get(existing.id)), "created": False}
            session, created = await session_id(ctx, model=model, **options)
            return {"session": summary(session), "created": created}

    @server.tool()
    async def session_end(
        ctx: Context,
        notes: Annotated[str | None, Field(description="Closing notes.")] = None,
        outcome: Annotated[
            Literal["achieved", "partial", "not_achieved"] | None,
            Field(description="Whether the goal was achieved."),
        ] = None,
        summary: Annotated[str | None, Field(description="What the session did.")] = None,
        learnings: Annotated[str | None, Field(description="What was learnt.")] = None,
        rating: Annotated[
            int | None, Field(ge=1, le=5, description="Success rating, 1 to 5.")
        ] = None,
        completion: Annotated[
            int | None, Field(ge=0, le=100, description="Share of the goal completed, in %.")
        ] = None,
    ) -> dict[str, Any]:
        """End this connection's session, with the outcome and its account if known."""
        with tool_errors():
            tracker.sweep()
            state = state_of(ctx)
            found = binder.known(state, client_of(ctx))
            if found is None or state.ended_here:
                raise StintError("this connection has no session to end")
            session = tracker.end(
                found.id,
                notes=notes,
                outcome=outcome,
                reason="agent",
                source="mcp",
                rating=rating,
                summary=summary,
                learnings=learnings,
                completion=completion,
            )
            state.ended_here = True
            return {"session": common.summary(session)}  # `summary` is a parameter here

    @server.tool()
    async def session_status(ctx: Context) -> dict[str, Any]:
        """This connection's session: goal, elapsed time, tasks, decisions, files, hints.
        Does not start a session."""
        with tool_errors():
            tracker.sweep()
            found = binder.known(state_of(ctx), client_of(ctx))
            if found is None:
                return {"session": None, "message": "No session yet on this connection."}
            context = tracker.session_context(found.id)
            live = tracker.live(found)  # the figures the status panel shows
            context["figures"] = {
                name: live.row.get(name)
                for name in ("loc_added", "loc_removed", "files_modified", "commits_made")
            }
            context["figures"]["score"] = live.score
            context["goal_set"] = bool(found.goal)
            if not found.goal:
                context["goal_hint"] = GOAL_HINT
            return context

    @server.tool()
    async def session_goal(
        ctx: Context, goal: Annotated[str, Field(description="The session's goal.")]
    ) -> dict[str, Any]:
        """Set or change the session's goal."""
        with tool_errors():
            session = tracker.set_goal(await current_id(ctx), goal, source="mcp")
            return {"session": summary(session)}

    @server.tool()
    async def session_tag(
        ctx: Context,
        tags: Annotated[list[str], Field(description="Tags to add (or remove).")],
        remove: Annotated[bool, Field(description="Remove the tags instead.")] = False,
    ) -> dict[str, Any]:
        """Add tags to the session, or remove them."""
        with tool_errors():
            session = tracker.tag(await current_id(ctx), tags, remove=remove)
            return {"tags": session.tags}

    @server.tool()
    async def session_note(
        ctx: Context, text: Annotated[str, Field(description="The note.")]
    ) -> dict[str, Any]:
        """Add a note to the session."""
        with tool_errors():
            sid = await current_id(ctx)
            note_id = tracker.add_note(sid, text, noted_by="agent", source="mcp")
            return {"note_id": note_id, "session_id": sid}

    @server.tool()
    async def task_create(
        ctx: Context,
        title: Annotated[str, Field(description="What the task is.")],
        status: Annotated[
            Literal["todo", "in_progress", "completed"], Field(description="Initial status.")
        ] = "todo",
        external_id: Annotated[
            str | None, Field(description="Your own id for the task, usable in task_update.")
        ] = None,
    ) -> dict[str, Any]:
        """Create a task in the session."""
        with tool_errors():
            task = tracker.add_task(
                await current_id(ctx), title, status=status, external_id=external_id, source="mcp"
            )
            return {"task": task.to_dict()}

    @server.tool()
    async def task_update(
        ctx: Context,
        task: Annotated[
            int | str, Field(description="The task id (from task_create) or your own id.")
        ],
        status: Annotated[
            Literal["todo", "in_progress", "completed"], Field(description="The new status.")
        ],
    ) -> dict[str, Any]:
        """Move a task to todo, in_progress or completed."""
        with tool_errors():
            sid = await current_id(ctx)
            moved = tracker.set_task_status(sid, task, status, source="mcp")
            return {"task": moved.to_dict()}

    @server.tool()
    async def decision_record(
        ctx: Context,
        decision: Annotated[str, Field(description="What was decided.")],
        rationale: Annotated[str | None, Field(description="Why.")] = None,
    ) -> dict[str, Any]:
        """Record a decision made in the session."""
        with tool_errors():
            record = tracker.add_decision(
                await current_id(ctx), decision, rationale=rationale, source="mcp"
            )
            return {"decision": record.to_dict()}

    @server.tool()
    async def context_add(
        ctx: Context,
        text: Annotated[
            str, Field(description="Context for the session; mention files as @path/to/file.")
        ],
    ) -> dict[str, Any]:
        """Add a context item; @file mentions in it are tracked as mentioned files."""
        with tool_errors():
            record = tracker.add_context(await current_id(ctx), text, source="mcp")
            return {"context": record.to_dict(), "mentions": mentions_in(text)}

    @server.tool()
    async def file_touched(
        ctx: Context,
        path: Annotated[str, Field(description="The file's path.")],
        action: Annotated[
            Literal["modified", "mentioned"], Field(description="Whether it was changed.")
        ] = "modified",
        lines_added: Annotated[int, Field(ge=0, description="Lines added by the edit.")] = 0,
        lines_removed: Annotated[int, Field(ge=0, description="Lines removed by the edit.")] = 0,
    ) -> dict[str, Any]:
        """Record that a file was modified (with the edit's line counts) or mentioned."""
        with tool_errors():
            sid = await current_id(ctx)
            event = tracker.touch_file(
                sid,
                path,
                modified=action == "modified",
                added=lines_added,
                removed=lines_removed,
                source="mcp",
            )
            touch = next((f for f in tracker.files(sid) if f.path == path), None)
            return {"event_id": event, "file": touch.to_dict() if touch else None}

    register_goal_tools(server, tracker, calls)
    register_reads(server, tracker, binder)
    register_greeting(server, calls)
    server.middleware.append(one_line_errors)
    return server
