"""One request's view of its connection: which connection it came on, who the client is,
the project directory, and the connection's session (attached or created through the
`Binder`). Shared by the tools and the start on connect (`stint.mcp.greeting`), which
both hand in the SDK's per-request context."""

import os
import warnings
from typing import Any

import anyio
from mcp.server.context import ServerRequestContext

from stint.mcp.connection import (
    AGENT_SESSION_HEADER,
    Binder,
    Client,
    ConnectionState,
    agent_name,
    root_path,
)
from stint.model.types import Session
from stint.tracker import Tracker

ROOTS_TIMEOUT_SECONDS = 3.0
Request = ServerRequestContext[Any, Any]


class Calls:
    """The per-request side of the binder, over one `Tracker`."""

    def __init__(self, tracker: Tracker, binder: Binder, transport: str) -> None:
        self.tracker = tracker
        self.binder = binder
        self.transport = transport

    def state(self, request: Request) -> ConnectionState:
        headers = getattr(request.request, "headers", None) or {}
        return self.binder.state(
            headers.get("mcp-session-id"),
            headers.get(AGENT_SESSION_HEADER),
            self.client(request).agent,
        )

    def client(self, request: Request) -> Client:
        params = request.session.client_params
        capabilities = request.session.client_capabilities
        info = params.client_info if params is not None else None
        extra = (info.model_extra or {}) if info is not None else {}
        return Client(
            agent=agent_name(info.name if info is not None else None),
            version=info.version if info is not None else None,
            model=extra.get("model") if isinstance(extra.get("model"), str) else None,
            supports_roots=capabilities is not None and capabilities.roots is not None,
            supports_elicitation=capabilities is not None and capabilities.elicitation is not None,
        )

    async def project_dir(self, request: Request, state: ConnectionState, client: Client) -> str:
        """The client's first `file://` root, else `CLAUDE_PROJECT_DIR` (stdio), else the
        server's working directory."""
        if state.project_dir:
            return state.project_dir
        if client.supports_roots:
            try:
                with anyio.fail_after(ROOTS_TIMEOUT_SECONDS), warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # roots are deprecated in 2026-07-28
                    result = await request.session.list_roots()
                for root in result.roots:
                    found = root_path(str(root.uri))
                    if found:
                        state.project_dir = found
                        return found
            except Exception:  # no back channel, timeout, client refused: fall back
                pass
        if self.transport == "stdio" and os.path.isdir(os.environ.get("CLAUDE_PROJECT_DIR", "")):
            return os.environ["CLAUDE_PROJECT_DIR"]
        return os.getcwd()

    async def session(self, request: Request, **options: Any) -> tuple[Session, bool]:
        """The connection's open session, attached or created now; True when created."""
        await self.settle(request)
        state = self.state(request)
        client = self.client(request)
        if state.session_id is not None and not state.ended_here and not options:
            # The common path: one cheap read, no roots round trip.
            current = self.binder.bound(state)
            if current is not None and current.is_open:
                return current, False
        where = await self.project_dir(request, state, client)
        return self.binder.ensure(state, client, where, **options)

    async def settle(self, request: Request) -> None:
        """On the first recording call after a start on connect: join the hooks' session
        if they opened one in the project meanwhile (`Binder.adopt_hook_session`)."""
        state = self.state(request)
        if not state.extra.pop("provisional", False):
            return
        client = self.client(request)
        where = await self.project_dir(request, state, client)
        self.binder.adopt_hook_session(state, client, where)

    async def current_id(self, request: Request) -> int:
        """The session a recording tool records into (the sweep runs first)."""
        self.tracker.sweep()
        session, _ = await self.session(request)
        return int(session.id)
