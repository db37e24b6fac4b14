"""The API against its own OpenAPI schema (schemathesis): no 5xx for any generated input,
and every response matches the documented status codes, content types and bodies."""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from stint.tracker import Tracker
from stint.web import create_app


def _seeded_app() -> FastAPI:
    """An app over a seeded SQLite store in a directory of its own (built at import, as
    schemathesis needs the schema before the tests run; the home is explicit so no
    user configuration is read)."""
    home = Path(tempfile.mkdtemp(prefix="stint-schema-"))
    tracker = Tracker.open(f"sqlite:///{home / 'schema.db'}", home=home)
    session = tracker.start(goal="seeded", project="demo", tags=["tdd"], cwd=str(home))
    tracker.add_task(session.id, "a task")
    tracker.add_decision(session.id, "a decision")
    tracker.touch_file(session.id, "a.py", added=3, removed=1)
    return create_app(tracker, housekeeping_seconds=None)


# Examples and fuzzing only (the coverage phase multiplies cases far past a minute).
CONFIG = SchemathesisConfig.from_dict(
    {"phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}}}
)
APP = _seeded_app()
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", APP, config=CONFIG)


@schemathesis.check
def no_server_error(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case
) -> None:
    """No 5xx: bad input is a 4xx problem, never a server error."""
    assert response.status_code < 500, f"server error {response.status_code}: {response.text[:300]}"


@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case: schemathesis.Case) -> None:
    case.call_and_validate(
        checks=[
            no_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ]
    )
