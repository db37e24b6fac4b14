"""Several server processes on one PostgreSQL database (a database of its own per test):
no state outside the database. The same idempotent ingest batches sent to two servers
many times are stored once; idle sessions of every org are ended once by the two servers'
housekeeping; a key revoked through one server is refused by the other."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text

from conftest import STINT, free_port
from stint.model.timeparse import utcnow
from stint.tracker import Tracker

PG_ADMIN = os.environ.get("STINT_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")


@pytest.fixture
def pg_database() -> Iterator[str]:
    """An empty PostgreSQL database, dropped afterwards; its SQLAlchemy URL."""
    import psycopg

    name = f"stint_mp_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(PG_ADMIN, autocommit=True)
    except psycopg.OperationalError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required on CI and could not be reached: {exc}")
        pytest.skip(f"PostgreSQL not reachable: {exc}")
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        base = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
        yield f"{base}/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


class Server:
    """`stint serve` in a subprocess of its own session (so its workers stop with it)."""

    def __init__(self, url: str, *extra: str, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in stop()
        command = [STINT, "serve", "--database", url, "--port", str(self.port), *extra]
        self.process = subprocess.Popen(
            command,
            env={**os.environ, **(env or {})},
            stdout=subprocess.DEVNULL,
            # A file, not a pipe: a server logging much must never block on a full pipe.
            stderr=self.log,
            start_new_session=True,
        )

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"server exited: {self.errors()}")
            try:
                if httpx.get(f"{self.base}/api/v1/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        pytest.fail("server did not answer within 60 s")

    def errors(self) -> str:
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")[-3000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.log.close()


@pytest.fixture
def servers() -> Iterator[list[Server]]:
    started: list[Server] = []
    yield started
    for server in started:
        server.stop()


def _two_orgs(url: str) -> dict[str, dict[str, Any]]:
    """Two orgs with an owner key each (the owner's key has every scope)."""
    tracker = Tracker.open(url)
    try:
        first = tracker.team.init("acme", "ann")
        other = tracker.team.create_org("globex")
        owner = tracker.team.create_user(other["id"], "bob", role="owner")
        key = tracker.team.create_key(other["id"], str(owner["id"]))
        return {
            "acme": {"org": first["org"]["id"], "token": first["key"]["token"]},
            "globex": {"org": other["id"], "token": key["token"]},
        }
    finally:
        tracker.close()


def _batches(org: str, sessions: int, batches: int, size: int) -> list[dict[str, Any]]:
    """Keyed batches: session s gets `batches` × `size` events; every third tool call fails."""
    out = []
    for s in range(sessions):
        for b in range(batches):
            events = []
            for k in range(size):
                n = b * size + k
                kind = ("message", "tool_call", "tokens")[n % 3]
                payload: dict[str, Any] = {}
                if kind == "tool_call":
                    payload = {"success": n % 9 != 1}
                elif kind == "tokens":
                    payload = {"model": "m", "input_tokens": 10, "output_tokens": 2}
                events.append({"type": kind, "key": f"{org}-{s}-{n}", "payload": payload})
            group = {"agent": "claude_code", "agent_session_id": f"{org}-agent-{s}"}
            out.append({"sessions": [{**group, "events": events}]})
    return out


def _expected(batches: int, size: int) -> dict[str, int]:
    kinds = [("message", "tool_call", "tokens")[n % 3] for n in range(batches * size)]
    failed = [n for n in range(batches * size) if kinds[n] == "tool_call" and n % 9 == 1]
    return {
        "message_count": kinds.count("message"),
        "tool_call_count": kinds.count("tool_call"),
        "tool_failures": len(failed),
        "input_tokens": 10 * kinds.count("tokens"),
    }


def test_idempotent_batches_through_two_servers_are_stored_once(
    pg_database: str, servers: list[Server]
) -> None:
    orgs = _two_orgs(pg_database)
    # One server runs two uvicorn workers: three processes serve the database.
    servers.extend([Server(pg_database, "--workers", "2"), Server(pg_database)])
    for server in servers:
        server.wait_ready()
    sessions, batches, size = 4, 5, 30
    work: list[tuple[str, str, dict[str, Any]]] = []
    for name, org in orgs.items():
        for body in _batches(name, sessions, batches, size):
            work += [(server.base, org["token"], body) for server in servers for _ in range(3)]
    random.Random(7).shuffle(work)

    def post(item: tuple[str, str, dict[str, Any]]) -> int:
        base, token, body = item
        headers = {"Authorization": f"Bearer {token}"}
        response = httpx.post(f"{base}/api/v1/ingest", json=body, headers=headers, timeout=60)
        if response.status_code != 200:
            logs = "\n".join(server.errors() for server in servers)
            pytest.fail(f"{response.status_code} {response.text}\n{logs}")
        return int(response.json()["stored"])

    with ThreadPoolExecutor(8) as pool:
        stored = sum(pool.map(post, work))
    total = len(orgs) * sessions * batches * size
    assert stored == total  # each event reported stored by exactly one of its six sends

    engine = create_engine(pg_database)
    try:
        with engine.connect() as conn:
            per_session = conn.execute(
                text(
                    "SELECT s.org_id, s.agent_session_id, count(a.id) AS n, s.message_count, "
                    "s.tool_call_count, s.tool_failures, s.input_tokens FROM sessions s "
                    "JOIN activities a ON a.session_id = s.id AND a.idem_key IS NOT NULL "
                    "GROUP BY s.id"
                )
            ).all()
            duplicates = conn.execute(
                text(
                    "SELECT count(*) FROM (SELECT idem_key FROM activities "
                    "WHERE idem_key IS NOT NULL GROUP BY org_id, idem_key "
                    "HAVING count(*) > 1) d"
                )
            ).scalar()
    finally:
        engine.dispose()
    assert duplicates == 0
    assert len(per_session) == len(orgs) * sessions  # one stint session per agent session
    expected = _expected(batches, size)
    for row in per_session:
        org_name = next(name for name, org in orgs.items() if org["org"] == row.org_id)
        assert row.agent_session_id.startswith(org_name)  # each org's in its own org
        assert row.n == batches * size
        got = {key: getattr(row, key) for key in expected}
        assert got == expected


def test_idle_sessions_of_every_org_are_ended_once_by_two_servers(
    pg_database: str, servers: list[Server]
) -> None:
    orgs = _two_orgs(pg_database)
    tracker = Tracker.open(pg_database)
    ids: list[int] = []
    try:
        for org in orgs.values():
            bound = Tracker(tracker.store, tracker.settings, org["org"])
            for n in range(25):
                begun = bound.start(
                    goal=f"idle {n}", project=f"p{n}", at=utcnow() - timedelta(hours=3)
                )
                ids.append(begun.id)
    finally:
        tracker.close()
    time.sleep(1.5)  # idle past the servers' 1.2 s timeout
    idle = {"STINT_TIMEOUT_MINUTES": "0.02"}
    servers.extend(
        [Server(pg_database, "--sweep-seconds", "1", env=idle) for _ in range(2)]
    )  # both sweep at start-up, at the same moment, then every second
    for server in servers:
        server.wait_ready()
    engine = create_engine(pg_database)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                still = conn.execute(text("SELECT count(*) FROM sessions WHERE status = 'active'"))
                if still.scalar() == 0:
                    break
            time.sleep(0.2)
        time.sleep(2.5)  # more rounds of both servers, which must change nothing
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT s.id, s.status, s.end_reason, s.ended_at, count(a.id) AS ends "
                    "FROM sessions s LEFT JOIN activities a ON a.session_id = s.id "
                    "AND a.type = 'session_ended' GROUP BY s.id"
                )
            ).all()
    finally:
        engine.dispose()
    assert sorted(row.id for row in rows) == sorted(ids)
    for row in rows:
        assert (row.status, row.end_reason, row.ends) == ("timeout", "inactivity", 1)
        assert row.ended_at is not None


def test_a_key_revoked_through_one_server_is_refused_by_the_other(
    pg_database: str, servers: list[Server]
) -> None:
    orgs = _two_orgs(pg_database)
    tracker = Tracker.open(pg_database)
    try:
        acme = orgs["acme"]["org"]
        member = tracker.team.create_user(acme, "cy", role="member")
        key = tracker.team.create_key(acme, str(member["id"]))
    finally:
        tracker.close()
    servers.extend([Server(pg_database), Server(pg_database)])
    for server in servers:
        server.wait_ready()
    first, second = servers
    member_auth = {"Authorization": f"Bearer {key['token']}"}
    for server in servers:
        assert httpx.get(f"{server.base}/api/v1/sessions", headers=member_auth).status_code == 200
    # Another org's admin cannot revoke it; the member (no admin scope) cannot either.
    other = {"Authorization": f"Bearer {orgs['globex']['token']}"}
    path = f"/api/v1/admin/keys/{key['id']}"
    assert httpx.delete(f"{first.base}{path}", headers=other).status_code == 404
    assert httpx.delete(f"{first.base}{path}", headers=member_auth).status_code == 403
    owner = {"Authorization": f"Bearer {orgs['acme']['token']}"}
    assert httpx.delete(f"{first.base}{path}", headers=owner).status_code == 204
    refused = httpx.get(f"{second.base}/api/v1/sessions", headers=member_auth)
    assert refused.status_code == 401
    assert "revoked" in refused.json()["detail"]
    assert httpx.get(f"{first.base}/api/v1/sessions", headers=member_auth).status_code == 401
    listed = httpx.get(f"{second.base}/api/v1/admin/keys", headers=owner).json()
    assert [k["revoked_at"] is not None for k in listed if k["id"] == key["id"]] == [True]
