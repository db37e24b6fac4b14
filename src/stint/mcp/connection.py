"""Which stint session an MCP connection records into, and when it comes to exist.

Rules (also in docs/README-mcp.md):

* With `mcp_start = "connect"` (the default) the session starts when the client
  connects (`notifications/initialized`, see `stint.mcp.greeting`), and a client that
  supports elicitation is asked for the goal. With `mcp_start = "first-call"` it is
  created lazily, by the first tool call that records something; then a bare connect,
  `session_status`, the list/show tools and resource reads never create one. A session
  started on connect in which nothing was recorded is deleted by the inactivity sweep.
  A connection with a stable agent session id (below) sees that id's session at once:
  `session_status` and `session_end` find it before any recording call.
* Events recorded through MCP carry source `mcp` and `ai_involved` (the agent did it).
* Agent: the client's `clientInfo.name`, normalised (`claude-code` → `claude_code`,
  `codex-mcp-client` → `codex`, …); `clientInfo.version` → `agent_version`.
* Agent session id (what makes a reconnect re-attach instead of starting anew), first of:
  the `agent_session_id` argument of `session_start`; on stdio the server's environment
  `STINT_AGENT_SESSION_ID`, then `CLAUDE_SESSION_ID`; on HTTP the request header
  `X-Stint-Agent-Session-Id`; else `mcp:<connection id>` (new per connection, so a
  reconnect without a stable id starts a new session).
* Project directory, first of: the client's first `file://` root (asked with
  `roots/list` when the client declares roots), `CLAUDE_PROJECT_DIR` (stdio), the server
  process's working directory. The core project assignment then applies.
* The connection id (`stdio-…` per process, or the HTTP `mcp-session-id`) is stored in
  `mcp_connection_id`. Disconnect does nothing: the inactivity sweep ends the session.
* After `session_end` on this connection, the next recording call starts a new session
  rather than re-opening the one just ended.
"""

from __future__ import annotations

import os
import re
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlparse

from stint.model.types import Session
from stint.tracker import Tracker

AGENT_SESSION_ENV = ("STINT_AGENT_SESSION_ID", "CLAUDE_SESSION_ID")
AGENT_SESSION_HEADER = "x-stint-agent-session-id"
_KNOWN_AGENTS = {
    "claude-code": "claude_code",
    "claude-ai": "claude_desktop",
    "claude-desktop": "claude_desktop",
    "codex-mcp-client": "codex",
    "codex": "codex",
    "gemini-cli-mcp-client": "gemini_cli",
}


def agent_name(client_name: str | None) -> str:
    """A client's `clientInfo.name` as a stint agent name: `claude-code` → `claude_code`."""
    if not client_name or not client_name.strip():
        return "mcp"
    lowered = client_name.strip().lower()
    if lowered in _KNOWN_AGENTS:
        return _KNOWN_AGENTS[lowered]
    for suffix in ("-mcp-client", "-client"):
        if lowered.endswith(suffix) and len(lowered) > len(suffix):
            lowered = lowered[: -len(suffix)]
    return re.sub(r"[^a-z0-9]+", "_", lowered).strip("_") or "mcp"


def root_path(uri: str) -> str | None:
    """The local directory of a `file://` root, if it exists here."""
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    path = unquote(parsed.path)
    return path if os.path.isdir(path) else None


@dataclass
class Client:
    """Who is on the other end, from `clientInfo`."""

    agent: str
    version: str | None = None
    model: str | None = None
    supports_roots: bool = False
    supports_elicitation: bool = False


@dataclass
class ConnectionState:
    """What the server remembers about one connection between tool calls."""

    connection_id: str
    agent_session_id: str | None = None
    session_id: int | None = None
    ended_here: bool = False
    project_dir: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def effective_agent_session_id(self) -> str:
        return self.agent_session_id or f"mcp:{self.connection_id}"


class Binder:
    """Binds connections to sessions, always through the `Tracker`."""

    def __init__(self, tracker: Tracker, transport: str) -> None:
        self.tracker = tracker
        self.transport = transport
        self._stdio = ConnectionState(
            connection_id=f"stdio-{uuid.uuid4().hex[:12]}",
            agent_session_id=_env_agent_session_id(),
        )
        self._http: dict[str, ConnectionState] = {}

    def state(
        self, connection_key: str | None, header_session_id: str | None, agent: str
    ) -> ConnectionState:
        """The state of the connection a request came on (stdio: the one process-wide).
        Over HTTP a connection is its `mcp-session-id`; sessionless requests (protocol
        2026-07-28) share one state per agent and `X-Stint-Agent-Session-Id`."""
        if self.transport == "stdio":
            return self._stdio
        key = connection_key or f"shared:{agent}:{header_session_id or ''}"
        found = self._http.get(key)
        if found is None:
            found = ConnectionState(
                connection_id=connection_key or f"http-{uuid.uuid4().hex[:12]}",
                agent_session_id=header_session_id,
            )
            self._http[key] = found
        return found

    def stdio_session_id(self) -> int | None:
        """On stdio, the one connection's session id (a static resource has no request
        context to tell HTTP connections apart)."""
        return self._stdio.session_id if self.transport == "stdio" else None

    def bound(self, state: ConnectionState) -> Session | None:
        """The connection's session, if it has one (open or not); never creates."""
        if state.session_id is None:
            return None
        return self.tracker.get(state.session_id)

    def known(self, state: ConnectionState, client: Client) -> Session | None:
        """The connection's session without creating one, for the reading and ending
        tools: the one bound, else — on a reconnect that names a stable agent session
        id — that agent session's stint session. A reconnect so sees its session before
        any recording call. Nothing is written or bound here (a read is no activity); the
        first recording call attaches as usual, taking over `mcp_connection_id`."""
        if state.session_id is not None:
            return self.tracker.get(state.session_id)
        if state.ended_here or state.agent_session_id is None:
            return None
        return self.tracker.find_agent_session(client.agent, state.agent_session_id)

    def ensure(
        self,
        state: ConnectionState,
        client: Client,
        project_dir: str | None,
        **options: Any,
    ) -> tuple[Session, bool]:
        """The connection's open session, attached or created now; True when created.
        `options` (goal, tags, kind, project, model) apply to a new session, and are
        applied to an attached one."""
        if state.session_id is not None and not state.ended_here:
            current = self.tracker.get(state.session_id)
            if current.is_open:
                return current, False
        agent_session_id = state.effective_agent_session_id
        model = options.pop("model", None) or client.model
        existing = None
        if not state.ended_here:
            existing = self.tracker.find_agent_session(client.agent, agent_session_id)
        if existing is None and state.agent_session_id is None and not state.ended_here:
            existing = self._hook_session(client.agent, project_dir)
            if existing is not None:
                agent_session_id = str(existing.agent_session_id)
        if existing is None:
            session = self.tracker.start(
                agent=client.agent,
                agent_session_id=agent_session_id,
                model=model,
                cwd=project_dir,
                source="mcp",
                **{k: v for k, v in options.items() if v is not None},
            )
            created = True
        else:
            session = self.tracker.attach(
                agent=client.agent,
                agent_session_id=agent_session_id,
                cwd=project_dir,
                model=model,
                source="mcp",
            )
            self.apply(session.id, **options)
            created = False
        fields: dict[str, Any] = {"mcp_connection_id": state.connection_id}
        if client.version:
            fields["agent_version"] = client.version
        session = self.tracker.update(session.id, **fields)
        state.session_id = session.id
        state.ended_here = False
        return session, created

    def bind(self, state: ConnectionState, client: Client, session_id: int) -> Session:
        """Record into `session_id` from now on (a scheduled session just begun). The
        session the connection had is dropped when nothing was recorded in it (the start
        on connect's), else left to end as usual."""
        previous = state.session_id
        if previous is not None and previous != session_id and not state.ended_here:
            self.tracker.discard_if_empty(previous)
        fields: dict[str, Any] = {"mcp_connection_id": state.connection_id}
        session = self.tracker.get(session_id)
        if not session.agent:
            fields["agent"] = client.agent
        if client.version:
            fields["agent_version"] = client.version
        state.session_id = session_id
        state.ended_here = False
        return self.tracker.update(session_id, **fields)

    def adopt_hook_session(
        self, state: ConnectionState, client: Client, project_dir: str | None
    ) -> Session | None:
        """The hooks' session, when they opened one in this directory after the connect
        started an MCP session of its own: the connection moves to it and the empty one is
        dropped (an agent often starts its MCP servers before its first hook runs)."""
        if state.agent_session_id is not None or state.session_id is None or state.ended_here:
            return None
        hook = self._hook_session(client.agent, project_dir)
        if hook is None or hook.id == state.session_id:
            return None
        if not self.tracker.discard_if_empty(state.session_id):
            return None
        state.session_id = None
        session, _ = self.ensure(state, client, project_dir)
        return session

    def _hook_session(self, agent: str, project_dir: str | None) -> Session | None:
        """The open session the agent's hooks already record in this directory, if any.
        With both the hooks and the MCP server installed, a connection that names no
        agent session joins it rather than starting a second session for the same work.
        Sessions an MCP connection started for itself (`mcp:` ids) are not shared."""
        if not project_dir:
            return None
        candidate = self.tracker.open_session_in(project_dir)
        if (
            candidate is None
            or candidate.agent != agent
            or not candidate.agent_session_id
            or str(candidate.agent_session_id).startswith("mcp:")
        ):
            return None
        return candidate

    def apply(
        self,
        session_id: int,
        *,
        goal: str | None = None,
        tags: list[str] | None = None,
        kind: str | None = None,
        project: str | None = None,
    ) -> None:
        """Set what `session_start` asked for on a session that already exists."""
        if project:
            self.tracker.set_project(session_id, project)
        if goal:
            self.tracker.set_goal(session_id, goal, source="mcp")
        if tags:
            self.tracker.tag(session_id, tags)
        if kind:
            self.tracker.update(session_id, kind=kind)


def _env_agent_session_id() -> str | None:
    for name in AGENT_SESSION_ENV:
        value = os.environ.get(name, "").strip()
        if value:
            return value
    return None
