"""Errors as JSON problem objects (RFC 9457) with the right status: 400 for bad input,
404 for what does not exist, 409 for conflicts with the current state, 501 for what this
installation cannot do, 503 (with Retry-After) when the database gave up on a write only
because of other writers (a deadlock, a serialization failure, a lock wait): the same
request sent again succeeds, and the clients (`stint sync`, the hook's push) do resend on
a 5xx. Bad input must never surface as a 500."""

from __future__ import annotations

import logging
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from starlette.exceptions import HTTPException

from stint.model.config import ConfigError
from stint.model.timeparse import TimeParseError
from stint.model.types import Conflict, NotFound, StintError

log = logging.getLogger("stint.web")

# PostgreSQL's codes for a transaction rolled back because of concurrent ones.
_TRANSIENT_SQLSTATES = {"40001", "40P01", "55P03"}  # serialization, deadlock, lock wait


def transient(exc: OperationalError) -> bool:
    """Whether the database refused the statement only because of other writers."""
    if getattr(exc.orig, "sqlstate", None) in _TRANSIENT_SQLSTATES:
        return True
    return "database is locked" in str(exc.orig)  # SQLite's busy timeout ran out


def problem(
    status: int, detail: str | None = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    return JSONResponse(
        body, status_code=status, media_type="application/problem+json", headers=headers
    )


def _validation_detail(exc: RequestValidationError) -> str:
    parts = []
    for error in exc.errors()[:5]:
        where = ".".join(str(p) for p in error.get("loc", ()))
        parts.append(f"{where}: {error.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def install(app: FastAPI) -> None:
    """Register the handlers that turn exceptions into problem objects."""

    @app.exception_handler(RequestValidationError)
    async def on_validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        return problem(400, _validation_detail(exc))

    @app.exception_handler(HTTPException)
    async def on_http(request: Request, exc: HTTPException) -> JSONResponse:
        headers = getattr(exc, "headers", None)
        return problem(exc.status_code, str(exc.detail), headers)

    @app.exception_handler(NotFound)
    async def on_not_found(request: Request, exc: NotFound) -> JSONResponse:
        return problem(404, str(exc))

    @app.exception_handler(Conflict)
    async def on_conflict(request: Request, exc: Conflict) -> JSONResponse:
        return problem(409, str(exc))

    @app.exception_handler(StintError)
    async def on_domain(request: Request, exc: StintError) -> JSONResponse:
        return problem(400, str(exc))

    @app.exception_handler(TimeParseError)
    async def on_time(request: Request, exc: TimeParseError) -> JSONResponse:
        return problem(400, str(exc))

    @app.exception_handler(ConfigError)
    async def on_config(request: Request, exc: ConfigError) -> JSONResponse:
        return problem(400, str(exc))

    @app.exception_handler(DataError)
    async def on_data(request: Request, exc: DataError) -> JSONResponse:
        # e.g. a value longer than its column or a NUL byte, on PostgreSQL.
        return problem(400, "a value does not fit the database (too long or invalid text)")

    @app.exception_handler(IntegrityError)
    async def on_integrity(request: Request, exc: IntegrityError) -> JSONResponse:
        return problem(409, "the change conflicts with stored data")

    @app.exception_handler(OperationalError)
    async def on_operational(request: Request, exc: OperationalError) -> JSONResponse:
        if not transient(exc):
            raise exc  # a database that is down or broken is the server's error: a 500
        log.warning(
            "%s %s: retry asked, the database said %s", request.method, request.url.path, exc.orig
        )
        return problem(
            503, "the database is busy with other writers; send it again", {"Retry-After": "1"}
        )

    @app.exception_handler(ValueError)
    async def on_value(request: Request, exc: ValueError) -> JSONResponse:
        # Domain code raises ValueError for input it cannot use (bad period, bad spec).
        log.info("bad input: %s", exc)
        return problem(400, str(exc))
