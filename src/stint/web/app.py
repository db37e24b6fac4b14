"""The FastAPI application: API under /api/v1, dashboard pages, static files, problem
errors, authentication (`stint.web.auth`) and the periodic housekeeping task."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from stint import __version__
from stint.team.keys import AuthError
from stint.tracker import Tracker
from stint.web import api, auth, pages, problems
from stint.web.background import optimize, run_periodically

HERE = Path(__file__).parent
log = logging.getLogger("stint.web")
COOKIE = auth.COOKIE
# How often `app_from_environment`'s app does its housekeeping; 0 turns it off.
HOUSEKEEPING_ENV = "STINT_HOUSEKEEPING_SECONDS"


def app_from_environment() -> FastAPI:
    """The app as uvicorn's factory builds it in each worker process
    (`uvicorn --factory stint.web.app:app_from_environment`, or `stint serve --workers N`):
    the database from the settings (`STINT_DATABASE_URL`, `config.toml`), the housekeeping
    interval from `STINT_HOUSEKEEPING_SECONDS` (default 60). Every process keeps its state
    in the database, so any number of them can serve one store."""
    seconds = float(os.environ.get(HOUSEKEEPING_ENV) or 60.0)
    return create_app(None, housekeeping_seconds=seconds or None)


def create_app(
    tracker_or_url: Tracker | str | None = None,
    *,
    housekeeping_seconds: float | None = 60.0,
) -> FastAPI:
    """The app over a Tracker (or one opened on a database URL; None: the default store).

    `housekeeping_seconds`: how often to drain the spool and sweep idle sessions;
    None turns it off (tests that want a still database)."""
    owned = not isinstance(tracker_or_url, Tracker)
    tracker = (
        tracker_or_url if isinstance(tracker_or_url, Tracker) else Tracker.open(tracker_or_url)
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        task = None
        if housekeeping_seconds:
            try:
                await asyncio.to_thread(optimize, tracker)
            except Exception:  # statistics only speed queries up; serve without them
                log.exception("refreshing planner statistics failed")
            task = asyncio.create_task(run_periodically(tracker, housekeeping_seconds))
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            if owned:
                tracker.close()

    app = FastAPI(
        title="stint",
        version=__version__,
        summary="Sessions of a person working with an AI agent: record, read, compare.",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # FastAPI's docs page loads Swagger UI from a CDN; ours is offline
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.tracker = tracker
    problems.install(app)
    app.state.org_trackers = {}
    access = auth.Access(tracker)
    # Always on: team keys can be made while the server runs (`stint admin key create`).
    app.middleware("http")(auth.middleware(access))

    @app.get("/login", include_in_schema=False, response_model=None)
    def login_form() -> Response:
        return HTMLResponse(_LOGIN_FORM)

    @app.post("/login", include_in_schema=False, response_model=None)
    async def login(request: Request) -> Response:
        # A POSTed form keeps the token out of URLs, logs and history; parsed by hand so
        # no multipart dependency is needed for one field.
        form = parse_qs((await request.body()).decode("utf-8", "replace"))
        given = (form.get("token") or [""])[0]
        if not given or not await run_in_threadpool(_accepted, access, given):
            return HTMLResponse(_LOGIN_FORM, status_code=401)
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(COOKIE, given, httponly=True, samesite="strict")
        return response

    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    _document_problems(app)
    return app


def _accepted(access: auth.Access, token: str) -> bool:
    """Whether the sign-in form's token is the shared one or a valid team key."""
    if access.is_shared(token):
        return True
    try:
        access.principal(token)
    except AuthError:
        return False
    return True


def _document_problems(app: FastAPI) -> None:
    """Errors are problem objects (`application/problem+json`) and validation errors are
    400s (see `problems`): say so in the OpenAPI document instead of FastAPI's defaults."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = build()
            for path in document.get("paths", {}).values():
                for operation in path.values():
                    responses = operation.get("responses", {})
                    responses.pop("422", None)
                    for status, response in responses.items():
                        content = response.get("content", {})
                        if status.startswith(("4", "5")) and "application/json" in content:
                            content["application/problem+json"] = content.pop("application/json")
            schemas = document.get("components", {}).get("schemas", {})
            schemas.pop("HTTPValidationError", None)
            schemas.pop("ValidationError", None)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


_LOGIN_FORM = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>stint · sign in</title><link rel="stylesheet" href="/static/stint.css"></head>
<body><main class="narrow"><h1>stint</h1><form method="post" action="/login">
<label>API token <input type="password" name="token" autofocus></label>
<button type="submit">Sign in</button></form></main></body></html>"""
