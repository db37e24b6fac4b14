"""The dashboard's sign-in: `/login` (org + user + password, or an API key for scripts)
and `/logout`, and the signed session cookie they set and clear.

The cookie never holds a key or a password: it holds who signed in (org and user id with
a stamp of their password hash, or the id of the key they used), signed with
itsdangerous under a secret kept in the database (`Team.signing_secret`), so every server
process on one database accepts it, and it expires after `MAX_AGE`. A new password, a
revoked key or a user taken out of the org ends it at the next request.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from html import escape
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.concurrency import run_in_threadpool

from stint.team.keys import TOKEN_PREFIX, AuthError, Principal
from stint.tracker import Tracker

log = logging.getLogger("stint.web.auth")
COOKIE = "stint_session"
MAX_AGE = 12 * 3600  # seconds a sign-in lasts
SHARED = "shared"  # the cookie of the single-user shared token (no principal)


class CookieJar:
    """Signs and reads the sign-in cookie; the secret is read from the database once."""

    def __init__(self, tracker: Tracker, shared: str) -> None:
        self.tracker = tracker
        self.shared = shared
        self._serializer: URLSafeTimedSerializer | None = None

    def _signer(self) -> URLSafeTimedSerializer:
        if self._serializer is None:
            secret = self.tracker.team.signing_secret()
            self._serializer = URLSafeTimedSerializer(secret, salt="stint sign-in")
        return self._serializer

    def _shared_stamp(self) -> str:
        return hashlib.sha256(self.shared.encode("utf-8")).hexdigest()[:16]

    def issue(self, payload: dict[str, Any]) -> str:
        return str(self._signer().dumps(payload))

    def for_shared(self) -> str:
        return self.issue({"t": SHARED, "s": self._shared_stamp()})

    def read(self, cookie: str) -> Principal | str:
        """The principal a cookie stands for, or SHARED; AuthError when it does not hold."""
        try:
            payload = self._signer().loads(cookie, max_age=MAX_AGE)
        except BadSignature as exc:  # also SignatureExpired, its subclass
            raise AuthError(f"sign-in cookie not accepted ({type(exc).__name__})") from None
        if not isinstance(payload, dict):
            raise AuthError("sign-in cookie not accepted")
        team = self.tracker.team
        if payload.get("t") == SHARED:
            if self.shared and payload.get("s") == self._shared_stamp():
                return SHARED
            raise AuthError("signed out: the shared token changed")
        if isinstance(payload.get("k"), int):
            return team.key_principal(payload["k"])
        org, user, stamp = payload.get("o"), payload.get("u"), payload.get("s")
        if isinstance(org, str) and isinstance(user, int) and isinstance(stamp, str):
            return team.signed_in(org, user, stamp)
        raise AuthError("sign-in cookie not accepted")


def _form(message: str = "", org: str = "", user: str = "") -> str:
    alert = f'<p class="error" role="alert">{escape(message)}</p>' if message else ""
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>stint · sign in</title><link rel="stylesheet" href="/static/stint.css"></head>
<body><main class="narrow"><h1>stint</h1>{alert}<form method="post" action="/login">
<label>Org <input name="org" value="{escape(org)}" autocomplete="organization"></label>
<label>User <input name="user" value="{escape(user)}" autocomplete="username" autofocus></label>
<label>Password <input type="password" name="password" autocomplete="current-password"></label>
<details><summary>Or an API key</summary>
<label>API key <input type="password" name="token" autocomplete="off"></label></details>
<button type="submit">Sign in</button></form></main></body></html>"""


def router(jar: CookieJar) -> APIRouter:
    routes = APIRouter(include_in_schema=False)

    @routes.get("/login", response_model=None)
    def login_form() -> Response:
        return HTMLResponse(_form())

    @routes.post("/login", response_model=None)
    async def login(request: Request) -> Response:
        # A POSTed form keeps secrets out of URLs, logs and history; parsed by hand so no
        # multipart dependency is needed for four fields.
        form = parse_qs((await request.body()).decode("utf-8", "replace"))
        field = {name: (form.get(name) or [""])[0] for name in ("org", "user", "password")}
        token = (form.get("token") or [""])[0].strip()
        try:
            cookie = await run_in_threadpool(_sign_in, jar, token, field)
        except AuthError as exc:
            client = request.client.host if request.client else "-"
            log.warning("refused sign-in from %s: %s", client, exc)
            message = "Wrong API key." if token else "Wrong org, user or password."
            return HTMLResponse(_form(message, field["org"], field["user"]), status_code=401)
        response = RedirectResponse("/", status_code=303)
        secure = request.url.scheme == "https"
        response.set_cookie(
            COOKIE, cookie, max_age=MAX_AGE, httponly=True, samesite="strict", secure=secure
        )
        return response

    @routes.api_route("/logout", methods=["GET", "POST"], response_model=None)
    def logout() -> Response:
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(COOKIE, httponly=True, samesite="strict")
        return response

    return routes


def _sign_in(jar: CookieJar, token: str, field: dict[str, str]) -> str:
    """The cookie for a sign-in, or AuthError (one reason, whichever part was wrong)."""
    team = jar.tracker.team
    if token:
        if jar.shared and _same(token, jar.shared):
            return jar.for_shared()
        if not token.startswith(TOKEN_PREFIX):
            raise AuthError("not a stint API key")
        principal = team.authenticate(token)
        return jar.issue({"k": principal.key_id})
    if not (field["org"] and field["user"] and field["password"]):
        raise AuthError("org, user and password are all needed")
    principal, stamp = team.sign_in(field["org"], field["user"], field["password"])
    return jar.issue({"o": principal.org_id, "u": principal.user_id, "s": stamp})


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))
