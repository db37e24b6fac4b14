"""Authentication as a plain ASGI middleware (issue 13, ingest): no `BaseHTTPMiddleware`
in the app, and the decisions it makes unchanged — the principal reaches the route, a
refusal is a problem object (or a redirect for a page) and is logged, a key's use is
recorded, open paths need nothing."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from starlette.middleware.base import BaseHTTPMiddleware

from stint.model.types import EventIn
from stint.store import schema
from stint.tracker import Tracker
from stint.web import create_app
from stint.web.auth import AuthMiddleware


def test_the_app_authenticates_without_base_http_middleware(tracker: Tracker) -> None:
    app = create_app(tracker, housekeeping_seconds=None)
    kinds = [middleware.cls for middleware in app.user_middleware]
    assert AuthMiddleware in kinds
    assert BaseHTTPMiddleware not in kinds


def test_keys_roles_and_refusals_are_decided_as_before(
    tracker: Tracker, caplog: pytest.LogCaptureFixture
) -> None:
    team = tracker.team
    org = team.create_org("Acme")["id"]
    team.create_user(org, "mel", role="member")
    team.create_user(org, "vic", role="viewer")
    member = team.create_key(org, "mel")["token"]
    viewer = team.create_key(org, "vic")["token"]
    with TestClient(create_app(tracker, housekeeping_seconds=None)) as client:
        # Open paths need no key even in team mode.
        assert client.get("/api/v1/health").status_code == 200
        caplog.set_level(logging.WARNING, logger="stint.web.auth")
        missing = client.get("/api/v1/sessions")
        assert missing.status_code == 401
        assert missing.headers["www-authenticate"] == "Bearer"
        assert missing.headers["content-type"].startswith("application/problem+json")
        assert missing.json()["detail"] == "send Authorization: Bearer <token>"
        assert "refused GET /api/v1/sessions from" in caplog.text
        wrong = client.get("/api/v1/sessions", headers={"Authorization": "Bearer stint_nope"})
        assert wrong.status_code == 401
        # A page sends the browser to the sign-in form instead.
        page = client.get("/", follow_redirects=False)
        assert (page.status_code, page.headers["location"]) == (303, "/login")
        # A viewer's key reads but does not write; a member's writes into its own org.
        as_viewer = {"Authorization": f"Bearer {viewer}"}
        assert client.get("/api/v1/sessions", headers=as_viewer).status_code == 200
        body = {"sessions": [{"agent": "claude_code", "agent_session_id": "s-1", "events": []}]}
        refused = client.post("/api/v1/ingest", json=body, headers=as_viewer)
        assert refused.status_code == 403
        assert refused.json()["detail"] == "this key lacks the 'ingest' scope"
        body["sessions"][0]["events"] = [{"type": "message", "key": "k-1"}]
        stored = client.post(
            "/api/v1/ingest", json=body, headers={"Authorization": f"Bearer {member}"}
        )
        assert stored.status_code == 200 and stored.json()["stored"] == 1
    with tracker.store.read() as conn:
        sessions = conn.execute(select(schema.sessions.c.org_id)).scalars().all()
        used = conn.execute(select(schema.api_keys.c.last_used_at)).scalars().all()
    assert sessions == [org]  # the member's principal reached the route: its org, not local
    assert all(moment is not None for moment in used)


def test_without_any_key_a_local_server_needs_none(tracker: Tracker) -> None:
    tracker.record(tracker.start(goal="local").id, EventIn("message"))
    with TestClient(create_app(tracker, housekeeping_seconds=None)) as client:
        assert client.get("/api/v1/sessions").status_code == 200
