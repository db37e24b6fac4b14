"""`POST /api/v1/sync` over real HTTP (`stint serve` on PostgreSQL): a batch sent twice is
stored once, refusals store nothing, another org's uuid is never touched, two laptops
push at once, and the server's stats group by user and machine."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import uuid as uuidlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from conftest import STINT
from sync_support import Laptop, Server


@pytest.fixture
def server(pg_url: str, tmp_path: Path) -> Iterator[tuple[Server, str]]:
    served = Server(pg_url, tmp_path / "server-home")
    made = served.admin("init", "--org", "Acme", "--owner", "ada")
    served.start()
    try:
        yield served, made["key"]["token"]
    finally:
        served.stop()


def _batch(session_uuid: str, events: int, name: str = "by hand") -> bytes:
    at = "2026-03-02T10:00:00+00:00"
    body: dict[str, Any] = {
        "machine": {"uuid": "00000000-0000-4000-8000-000000000001", "name": "hand"},
        "sessions": [
            {
                "session": {
                    "uuid": session_uuid,
                    "name": name,
                    "status": "ended",
                    "started_at": at,
                    "ended_at": "2026-03-02T11:00:00+00:00",
                    "created_at": at,
                    "updated_at": at,
                    "message_count": events,
                    "cost_usd": 1.5,
                },
                "project": "alpha",
                "tags": ["hand"],
                "activities": [
                    {
                        "type": "message",
                        "occurred_at": at,
                        "source": "hook",
                        "ai_involved": False,
                        "idem_key": f"hand:{session_uuid}:{i}",
                    }
                    for i in range(events)
                ],
                "tasks": [
                    {
                        "number": 1,
                        "title": "t",
                        "status": "todo",
                        "created_at": at,
                        "updated_at": at,
                    }
                ],
            }
        ],
    }
    return json.dumps(body).encode()


def _count(url: str, query: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(query)).scalar_one())
    finally:
        engine.dispose()


def test_a_batch_sent_twice_is_stored_once(server: tuple[Server, str], pg_url: str) -> None:
    served, token = server
    session_uuid = str(uuidlib.uuid4())
    status, first = served.request("POST", "/api/v1/sync", token, _batch(session_uuid, 7))
    assert status == 200, first
    assert first["sessions_created"] == 1 and first["activities_stored"] == 7
    status, second = served.request("POST", "/api/v1/sync", token, _batch(session_uuid, 7))
    assert status == 200
    assert second["sessions_updated"] == 1 and second["sessions_created"] == 0
    assert second["activities_stored"] == 0 and second["activities_duplicate"] == 7
    assert _count(pg_url, "SELECT count(*) FROM activities") == 7
    assert _count(pg_url, "SELECT count(*) FROM tasks") == 1
    assert _count(pg_url, "SELECT count(*) FROM machines") == 1
    row = served.sessions(token)[session_uuid]
    assert row["number"] == 1 and row["project"] == "alpha" and row["tags"] == ["hand"]


def test_refusals_401_403_400_413_store_nothing(server: tuple[Server, str], pg_url: str) -> None:
    served, token = server
    body = _batch(str(uuidlib.uuid4()), 2)
    assert served.request("POST", "/api/v1/sync", None, body)[0] == 401
    assert served.request("POST", "/api/v1/sync", "stint_wrongwrongwrong", body)[0] == 401
    served.admin("user", "create", "vic", "--org", "Acme", "--role", "viewer")
    viewer = served.admin("key", "create", "--org", "Acme", "--user", "vic")["token"]
    status, refused = served.request("POST", "/api/v1/sync", viewer, body)
    assert status == 403 and "ingest" in refused["detail"]

    bad = json.loads(body)
    bad["sessions"][0]["session"]["message_count"] = "many"
    status, refused = served.request("POST", "/api/v1/sync", token, json.dumps(bad).encode())
    assert status == 400 and "sessions.message_count" in refused["detail"]
    unknown = json.loads(body)
    unknown["sessions"][0]["activities"][1]["secret_column"] = 1
    status, refused = served.request("POST", "/api/v1/sync", token, json.dumps(unknown).encode())
    assert status == 400 and "secret_column" in refused["detail"]
    status, refused = served.request("POST", "/api/v1/sync", token, b"{not json")
    assert status == 400
    # Refused on its declared length, before a byte of the body is read.
    connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=30)
    connection.putrequest("POST", "/api/v1/sync")
    connection.putheader("Authorization", f"Bearer {token}")
    connection.putheader("Content-Length", str(16 * 1024 * 1024 + 1))
    connection.endheaders()
    answer = connection.getresponse()
    assert answer.status == 413 and str(16 * 1024 * 1024) in json.loads(answer.read())["detail"]
    connection.close()
    # A bad second session refuses the whole batch: the good first one is not stored.
    two = json.loads(_batch(str(uuidlib.uuid4()), 2))
    broken = json.loads(_batch(str(uuidlib.uuid4()), 1))["sessions"][0]
    broken["session"]["started_at"] = "yesterday"
    two["sessions"].append(broken)
    status, refused = served.request("POST", "/api/v1/sync", token, json.dumps(two).encode())
    assert status == 400 and refused["detail"].startswith("sessions[1]")
    assert _count(pg_url, "SELECT count(*) FROM sessions") == 0
    assert _count(pg_url, "SELECT count(*) FROM activities") == 0


def test_another_orgs_key_cannot_overwrite_a_session_uuid(
    server: tuple[Server, str], pg_url: str
) -> None:
    served, token = server
    session_uuid = str(uuidlib.uuid4())
    assert served.request("POST", "/api/v1/sync", token, _batch(session_uuid, 3))[0] == 200
    served.admin("org", "create", "Beta")
    served.admin("user", "create", "bob", "--org", "Beta", "--role", "owner")
    other = served.admin("key", "create", "--org", "Beta", "--user", "bob")["token"]
    hostile = _batch(session_uuid, 5, name="taken over")
    status, refused = served.request("POST", "/api/v1/sync", other, hostile)
    assert status == 409 and "another org" in refused["detail"]
    row = served.sessions(token)[session_uuid]
    assert row["name"] == "by hand"
    assert served.sessions(other) == {}
    assert _count(pg_url, "SELECT count(*) FROM activities") == 3
    assert _count(pg_url, "SELECT count(*) FROM machines") == 1  # B's upsert rolled back


def test_two_laptops_push_at_once_exactly_once_as_two_machines(
    server: tuple[Server, str], pg_url: str, tmp_path: Path
) -> None:
    served, token = server
    laptops = []
    for name in ("laptop-a", "laptop-b"):
        laptop = Laptop(tmp_path / name)
        added = laptop.stint(
            "remote", "add", "team", served.url, "--key", token, "--machine-name", name
        )
        assert added.returncode == 0, added.stderr
        laptop.record(sessions=6, events=40, tag=name)
        laptops.append(laptop)
    processes = [
        subprocess.Popen(
            [STINT, "sync", "--json"],
            env={**os.environ, **laptop.env},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for laptop in laptops
    ]
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        assert json.loads(out)["sessions_created"] == 6
    sent = sum(
        _count(f"sqlite:///{laptop.home / 'stint.db'}", "SELECT count(*) FROM activities")
        for laptop in laptops
    )
    assert _count(pg_url, "SELECT count(*) FROM activities") == sent
    assert _count(pg_url, "SELECT count(*) FROM sessions") == 12
    # Numbers were allocated per org under the lock: 1..12, none twice.
    assert _count(pg_url, "SELECT count(DISTINCT number) FROM sessions") == 12
    assert _count(pg_url, "SELECT max(number) FROM sessions") == 12

    status, rows = served.request("GET", "/api/v1/stats/by/machine", token)
    assert status == 200
    by_machine = {row["key"]: row for row in rows}
    assert set(by_machine) == {"laptop-a", "laptop-b"}
    assert all(row["sessions"] == 6 for row in by_machine.values())
    status, rows = served.request("GET", "/api/v1/stats/by/user", token)
    assert [(row["key"], row["sessions"]) for row in rows] == [("ada", 12)]
    # The CLI on the server's database reads the org its config names.
    (acme,) = [org["id"] for org in served.admin("org", "list") if org["name"] == "Acme"]
    served.home.mkdir(parents=True, exist_ok=True)
    (served.home / "config.toml").write_text(f'org_id = "{acme}"\n')
    shown = subprocess.run(
        [STINT, "stats", "--by", "machine", "--json"],
        env=served.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert shown.returncode == 0, shown.stderr
    assert {row["key"] for row in json.loads(shown.stdout)} == {"laptop-a", "laptop-b"}
