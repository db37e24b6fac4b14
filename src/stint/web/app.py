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

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from stint import __version__
from stint.tracker import Tracker
from stint.web import api, auth, otlp, pages, problems, signin, team_pages
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
    otlp_only: bool = False,
    otlp_max_bytes: int | None = None,
) -> FastAPI:
    """The app over a Tracker (or one opened on a database URL; None: the default store).

    `housekeeping_seconds`: how often to drain the spool and sweep idle sessions;
    None turns it off (tests that want a still database). `otlp_only`: the OTLP receiver
    alone (`stint otlp`), without the API and dashboard. `otlp_max_bytes`: its body limit."""
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
    app.state.otlp_memory = {}
    if otlp_max_bytes is not None:
        app.state.otlp_max_bytes = otlp_max_bytes
    access = auth.Access(tracker)
    # Always on: team keys can be made while the server runs (`stint admin key create`).
    app.add_middleware(auth.AuthMiddleware, access=access)

    app.include_router(otlp.router)
    if otlp_only:
        _document_problems(app)
        return app
    app.include_router(signin.router(access.cookies))
    # The pages first: a request is matched against the routes in order, and the overview
    # (the most requested page) would otherwise be tried against every API route before
    # its own. No API route matches a page's path (tests/test_overview2_page_cost.py).
    app.include_router(pages.router)
    app.include_router(api.router)
    app.include_router(team_pages.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    _document_problems(app)
    return app


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
