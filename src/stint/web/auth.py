"""Who a request is, decided once per request before any route runs.

Three modes, so the single-user ones keep working:

* a team key (`Authorization: Bearer stint_…`) resolves to a `Principal`
  (`Team.authenticate`), and so does the signed sign-in cookie (`web.signin`); the route's
  Tracker is then bound to the principal's org (and, for a member or viewer, to their own
  sessions) by `deps.get_tracker`, the one place trackers are handed out;
* the shared token of one person (`api_token` / `STINT_API_TOKEN`) means the local org;
* nothing at all is accepted only while neither a shared token nor any team key exists
  (a laptop's own dashboard on loopback).

A key needs the scope of what it asks: `admin` under /api/v1/admin, `ingest` for any
write, `read` for the rest. A wrong, expired or revoked key is a 401 with
`WWW-Authenticate: Bearer`, a missing scope a 403; each refusal is logged in one line.
"""

from __future__ import annotations

import hmac
import logging
import time

from fastapi import Request, Response
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from stint.team.keys import TOKEN_PREFIX, AuthError, Principal
from stint.team.roles import ADMINS
from stint.tracker import Tracker
from stint.web import problems
from stint.web.signin import COOKIE as signin_cookie
from stint.web.signin import SHARED, CookieJar

log = logging.getLogger("stint.web.auth")
COOKIE = signin_cookie
# Reachable without a token: health checks, static assets and the sign-in form.
OPEN_PATHS = ("/api/v1/health", "/static/", "/login", "/logout")
_READS = frozenset({"GET", "HEAD", "OPTIONS"})
# "No key exists" is re-checked this often (keys are made by `stint admin` in another
# process); once one exists the server stays in team mode.
_TEAM_RECHECK_SECONDS = 2.0


def given_token(request: Request) -> str:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return ""


def required_scope(method: str, path: str) -> str:
    if path.startswith("/api/v1/admin"):
        return "admin"
    return "read" if method.upper() in _READS else "ingest"


class Access:
    """The app's authentication state: its tracker, the shared token, team mode."""

    def __init__(self, tracker: Tracker) -> None:
        self.tracker = tracker
        self.shared = tracker.settings.api_token or ""
        self.cookies = CookieJar(tracker, self.shared)
        self._team = False
        self._checked = 0.0

    def stale(self) -> bool:
        """Whether `needed` would ask the database (the middleware then asks off the loop)."""
        return not self._team and time.monotonic() - self._checked > _TEAM_RECHECK_SECONDS

    def needed(self) -> bool:
        if self.shared:
            return True
        if self.stale():
            self._team = self.tracker.team.has_keys()
            self._checked = time.monotonic()
        return self._team

    def principal(self, token: str) -> Principal:
        return self.tracker.team.authenticate(token)

    def is_shared(self, token: str) -> bool:
        return bool(self.shared) and hmac.compare_digest(token, self.shared)


def _allowed(principal: Principal, method: str, path: str) -> str | None:
    """Why the principal may not do this (None: it may). The admin API also needs an
    admin's role, not only the scope (a key keeps its scopes; a role can be lowered)."""
    scope = required_scope(method, path)
    if not principal.can(scope):
        return f"this key lacks the {scope!r} scope"
    if scope == "admin" and principal.role not in ADMINS:
        return f"a {principal.role} cannot administer the org"
    return None


def _refuse(request: Request, status: int, reason: str) -> Response:
    client = request.client.host if request.client else "-"
    log.warning("refused %s %s from %s: %s", request.method, request.url.path, client, reason)
    # A page redirects to the sign-in form; the API and the OTLP receiver (/v1/) answer.
    if status == 401 and not request.url.path.startswith(("/api/", "/v1/")):
        return RedirectResponse("/login", status_code=303)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return problems.problem(status, reason, headers)


class AuthMiddleware:
    """The authentication of every HTTP request, as a plain ASGI middleware: it decides
    who the request is and either passes the request on untouched or answers the refusal
    itself. Not `BaseHTTPMiddleware` (`app.middleware("http")`), which runs the rest of
    the app in a task of its own and re-streams each request and response body through a
    memory channel: a cost paid by every request (an ingest batch, a page) for a decision
    that only reads headers."""

    def __init__(self, app: ASGIApp, access: Access) -> None:
        self.app = app
        self.access = access

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(OPEN_PATHS):
            await self.app(scope, receive, send)
            return
        refusal = await self.refusal(Request(scope))
        if refusal is None:
            await self.app(scope, receive, send)
        else:
            await refusal(scope, receive, send)

    async def refusal(self, request: Request) -> Response | None:
        """The response refusing the request, or None when it may go on (a principal it
        acts as is then in `request.state.principal`)."""
        access = self.access
        token = given_token(request)
        if token.startswith(TOKEN_PREFIX) and not access.is_shared(token):
            try:
                principal = await run_in_threadpool(access.principal, token)
            except AuthError as exc:
                return _refuse(request, 401, str(exc))
            return _as(principal, request)
        if access.is_shared(token):
            return None
        cookie = "" if token else request.cookies.get(COOKIE, "")
        if cookie:
            try:
                who = await run_in_threadpool(access.cookies.read, cookie)
            except AuthError as exc:
                log.info("sign-in cookie refused on %s: %s", request.url.path, exc)
            else:
                if who == SHARED:
                    return None
                if isinstance(who, Principal):
                    return _as(who, request)
        needed = await run_in_threadpool(access.needed) if access.stale() else access.needed()
        if needed:
            reason = "wrong API token" if token else "send Authorization: Bearer <token>"
            return _refuse(request, 401, reason)
        return None


def _as(principal: Principal, request: Request) -> Response | None:
    """The request acts as `principal`, if its role and the key's scopes allow."""
    refusal = _allowed(principal, request.method, request.url.path)
    if refusal is not None:
        return _refuse(request, 403, refusal)
    # The scope's state: the routes' own Request objects read it (`deps.get_principal`).
    request.state.principal = principal
    return None
