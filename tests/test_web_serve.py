"""`stint serve` (the real console script) and the API token."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from conftest import STINT, free_port, run_stint
from stint.cli.web import is_loopback
from stint.tracker import Tracker
from stint.web import create_app


def test_loopback_detection() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.4")
    assert not is_loopback("example.com")


def test_serve_refuses_a_public_address_without_a_token() -> None:
    result = run_stint("serve", "--host", "0.0.0.0", "--port", "0")
    assert result.returncode != 0
    assert "api token" in result.stderr.lower()


def test_serve_prints_its_address_and_answers(stint_home: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [STINT, "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in first
        deadline = time.monotonic() + 20
        body = None
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health") as r:
                    body = json.loads(r.read())
                break
            except OSError:
                time.sleep(0.1)
        assert body is not None and body["status"] == "ok" and body["database"] == "sqlite"
        assert (stint_home / "stint.db").exists()  # the embedded SQLite default
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=15)


@pytest.fixture
def token_client(stint_home: Path, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    monkeypatch.setenv("STINT_API_TOKEN", "s3cret")
    tracker = Tracker.open(f"sqlite:///{stint_home / 'auth.db'}")
    return TestClient(create_app(tracker, housekeeping_seconds=None))


def test_api_token_is_required_when_configured(token_client: TestClient) -> None:
    denied = token_client.get("/api/v1/sessions")
    assert denied.status_code == 401 and denied.json()["status"] == 401
    wrong = token_client.get("/api/v1/sessions", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    ok = token_client.get("/api/v1/sessions", headers={"Authorization": "Bearer s3cret"})
    assert ok.status_code == 200
    assert token_client.get("/api/v1/health").status_code == 200  # health stays open
    # Pages send the browser to the sign-in form; signing in sets a cookie.
    page = token_client.get("/", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login"
    assert token_client.post("/login", data={"token": "wrong"}).status_code == 401
    signed = token_client.post("/login", data={"token": "s3cret"}, follow_redirects=False)
    assert signed.status_code == 303
    assert token_client.get("/").status_code == 200


def test_server_sweeps_idle_sessions_while_running(stint_home: Path) -> None:
    from datetime import timedelta

    from stint.model.timeparse import utcnow

    # A back-dated start counts as presence now, so the session goes idle only once the
    # (here very short) timeout has passed since it was started.
    tracker = Tracker.open(f"sqlite:///{stint_home / 'sweep.db'}", timeout_minutes=0.01)
    idle = tracker.start(goal="forgotten", project="p", at=utcnow() - timedelta(hours=5))
    assert tracker.get(idle.id).status == "active"
    time.sleep(1.0)
    with TestClient(create_app(tracker, housekeeping_seconds=0.2)):
        deadline = time.monotonic() + 10
        while tracker.get(idle.id).status == "active" and time.monotonic() < deadline:
            time.sleep(0.1)
    assert tracker.get(idle.id).status == "timeout"
    tracker.close()
