"""The MCP server's read side: the read tools (they never create a session), the
resources (the session context for AI, any session, the recent ones) and the review prompt."""

import os
from typing import Annotated, Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError
from pydantic import Field

from stint.mcp.common import as_ref, jsonable, summary, tool_errors
from stint.mcp.connection import Binder
from stint.model.types import StintError
from stint.sessions.context import render_context, session_context
from stint.tracker import SessionFilter, Tracker


def register_reads(server: MCPServer, tracker: Tracker, binder: Binder) -> None:
    """Add the read tools, the resources and the prompt to `server`."""

    @server.tool()
    async def sessions_list(
        limit: Annotated[int, Field(ge=1, le=200, description="How many.")] = 10,
        project: Annotated[str | None, Field(description="Only this project.")] = None,
        tag: Annotated[str | None, Field(description="Only sessions with this tag.")] = None,
        status: Annotated[str | None, Field(description="active, ended, timeout, …")] = None,
    ) -> dict[str, Any]:
        """Recent sessions, newest first."""
        with tool_errors():
            tracker.sweep()
            found = tracker.sessions(SessionFilter(project=project, tag=tag, status=status), limit)
            return {"sessions": [summary(session) for session in found]}

    @server.tool()
    async def session_show(
        session: Annotated[
            int | str, Field(description="Session ref: #12, 12, a uuid prefix, last or current.")
        ] = "last",
    ) -> dict[str, Any]:
        """One session in full: fields, tasks, decisions, context, files, timeline."""
        with tool_errors():
            tracker.sweep()
            found = tracker.get(as_ref(session))
            return {
                "session": found.to_dict(),
                "tasks": [task.to_dict() for task in tracker.tasks(found.id)],
                "decisions": [record.to_dict() for record in tracker.decisions(found.id)],
                "context": [record.to_dict() for record in tracker.context_items(found.id)],
                "files": [touch.to_dict() for touch in tracker.files(found.id)],
                "timeline": [a.to_dict() for a in tracker.timeline(found.id, limit=100)],
            }

    @server.tool()
    async def sessions_stats(
        period: Annotated[str, Field(description="today, week, month, year or all.")] = "week",
        project: Annotated[str | None, Field(description="Only this project.")] = None,
        tag: Annotated[str | None, Field(description="Only this tag.")] = None,
        kind: Annotated[str | None, Field(description="Only this kind.")] = None,
    ) -> dict[str, Any]:
        """Statistics over sessions (totals, averages, per project)."""
        with tool_errors():
            tracker.sweep()
            if hasattr(tracker, "stats"):
                result = tracker.stats(period=period, project=project, tag=tag, kind=kind)
                return jsonable(result)
            where = SessionFilter(project=project, tag=tag, kind=kind)
            found = tracker.sessions(where, limit=200)
            return {
                "period": period,
                "note": "analytics not installed: the stored counters of recent sessions",
                "sessions": [summary(session) for session in found],
            }

    @server.tool()
    async def sessions_compare(
        a: Annotated[int | str, Field(description="First session ref (#12, 12, last…).")],
        b: Annotated[int | str, Field(description="Second session ref.")],
    ) -> dict[str, Any]:
        """Compare two sessions side by side."""
        with tool_errors():
            tracker.sweep()
            if hasattr(tracker, "compare"):
                return jsonable(tracker.compare(as_ref(a), as_ref(b)))
            return {"a": tracker.get(as_ref(a)).to_dict(), "b": tracker.get(as_ref(b)).to_dict()}

    # -------------------------------------------------------------- resources

    def read(render: Any) -> str:
        try:
            return str(render())
        except StintError as exc:
            raise ResourceError(str(exc)) from exc

    @server.resource(
        "stint://session/current",
        name="current_session",
        description="The session context for AI: goal, elapsed, tasks, decisions, files, hints.",
        mime_type="text/markdown",
    )
    def current_session() -> str:
        """The current session's context (this connection's, else the open one)."""
        ref = binder.stdio_session_id() or "current"
        return read(lambda: render_context(session_context(tracker, ref, cwd=os.getcwd())))

    @server.resource(
        "stint://session/{ref}",
        name="session",
        description="Any session's context: a number (12), an id or 'last'.",
        mime_type="text/markdown",
    )
    def session_resource(ref: str) -> str:
        """One session's context by ref."""
        return read(lambda: render_context(session_context(tracker, ref)))

    @server.resource(
        "stint://sessions/recent",
        name="recent_sessions",
        description="The ten most recent sessions, one line each.",
        mime_type="text/markdown",
    )
    def recent_sessions() -> str:
        """The ten most recent sessions."""

        def render() -> str:
            lines = ["# Recent sessions"]
            for s in tracker.sessions(limit=10):
                goal = f" — {s.goal}" if s.goal else ""
                lines.append(
                    f"- {s.ref} [{s.status}] {s.project} {s.to_dict()['duration']}{goal} "
                    f"(tasks {s.tasks_completed}/{s.tasks_created})"
                )
            return "\n".join(lines) + "\n"

        return read(render)

    @server.prompt()
    def session_review() -> str:
        """Review the current session against its goal."""
        return (
            "Read the resource stint://session/current. Review this session against its "
            "goal: what is done, what is left (open tasks), whether the decisions made "
            "serve the goal, and which files are churning (modified many times). Then "
            "suggest the next two or three concrete steps, and say whether the session "
            "should end (call session_end with an outcome) or go on."
        )
