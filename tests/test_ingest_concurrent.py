"""Real concurrent clients against `stint serve` on PostgreSQL (a database of its own):
no batch fails, none is lost, counters agree with the event log (`stint doctor`), and the
write path keeps its shape (one transaction, a fixed number of statements per batch for
a session already open; new sessions numbered 1…N without gaps when pushes race)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import event, select

import test_server_multiproc as multiproc
from conftest import pg_schema_url
from stint.model.types import EventIn
from stint.sessions.doctor import check
from stint.store import schema
from stint.tracker import Tracker
from test_server_multiproc import Server

pg_database = multiproc.pg_database  # the fixture: a PostgreSQL database of its own

SECRET = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"


@pytest.fixture
def server(pg_database: str) -> Iterator[Server]:
    Tracker.open(pg_database).close()  # the schema, before the server opens it
    running = Server(pg_database)
    try:
        running.wait_ready()
        yield running
    finally:
        running.stop()


def _events(tag: str, count: int) -> list[dict[str, Any]]:
    return [
        {
            "type": "tool_call" if k % 2 else "message",
            "key": f"{tag}-{k}",
            "payload": {"success": True} if k % 2 else {},
            "source": "hook",
        }
        for k in range(count)
    ]


def test_concurrent_ingest_never_fails_and_loses_nothing(server: Server, pg_database: str) -> None:
    # 12 clients on sessions of their own and 4 more sharing one agent session: the
    # shared one's batches meet on its row lock.
    clients, batches, size = 16, 4, 50
    agent_sessions = [f"own-{n}" for n in range(12)] + ["shared"] * 4

    def client(n: int) -> list[int]:
        codes = []
        with httpx.Client(base_url=server.base, timeout=60) as http:
            for b in range(batches):
                body = {
                    "sessions": [
                        {
                            "agent": "bench",
                            "agent_session_id": agent_sessions[n],
                            "events": _events(f"c{n}-b{b}", size),
                        }
                    ]
                }
                response = http.post("/api/v1/ingest", json=body)
                codes.append(response.status_code)
                assert response.status_code == 200, response.text
                assert response.json()["stored"] == size
        return codes

    with ThreadPoolExecutor(clients) as pool:
        codes = [code for result in pool.map(client, range(clients)) for code in result]
    assert codes == [200] * clients * batches
    tracker = Tracker.open(pg_database)
    try:
        with tracker.store.read() as conn:
            S = schema.sessions
            rows = conn.execute(
                select(S.c.agent_session_id, S.c.message_count, S.c.tool_call_count, S.c.number)
            ).all()
        by_agent = {row.agent_session_id: row for row in rows}
        assert len(rows) == 13  # one session per agent session, the shared one included
        per_client = batches * size // 2
        assert by_agent["shared"].message_count == 4 * per_client
        assert by_agent["shared"].tool_call_count == 4 * per_client
        assert all(by_agent[f"own-{n}"].message_count == per_client for n in range(12))
        assert sorted(row.number for row in rows) == list(range(1, 14))
        assert check(tracker) == []  # no counter or pulse drift
    finally:
        tracker.close()


def _sync_batch(machine: str, size: int) -> dict[str, Any]:
    at = datetime.now(UTC).isoformat()
    session = str(uuid.uuid4())
    return {
        "machine": {"uuid": machine, "name": f"laptop-{machine[:8]}"},
        "sessions": [
            {
                "session": {
                    "uuid": session,
                    "status": "ended",
                    "started_at": at,
                    "ended_at": at,
                    "created_at": at,
                    "updated_at": at,
                    "message_count": size,
                },
                "project": "team",
                "activities": [
                    # `source` and `ai_involved` left out: the columns' defaults apply.
                    {
                        "type": "message",
                        "occurred_at": at,
                        "description": f"token {SECRET}",
                        "payload": {"n": k},
                        "idem_key": f"sync:{session}:{k}",
                    }
                    for k in range(size)
                ],
            }
        ],
    }


def test_concurrent_pushes_number_new_sessions_without_gaps(
    server: Server, pg_database: str
) -> None:
    clients, pushes, size = 8, 3, 40
    machines = [str(uuid.uuid4()) for _ in range(clients)]

    def client(n: int) -> None:
        with httpx.Client(base_url=server.base, timeout=60) as http:
            for _ in range(pushes):
                response = http.post("/api/v1/sync", json=_sync_batch(machines[n], size))
                assert response.status_code == 200, response.text
                assert response.json()["activities_stored"] == size

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, range(clients)))
    tracker = Tracker.open(pg_database)
    try:
        with tracker.store.read() as conn:
            S, A = schema.sessions, schema.activities
            numbers = sorted(conn.execute(select(S.c.number)).scalars())
            activities = conn.execute(select(A.c.source, A.c.ai_involved, A.c.description)).all()
        assert numbers == list(range(1, clients * pushes + 1))
        assert len(activities) == clients * pushes * size
        assert {(row.source, row.ai_involved) for row in activities} == {("cli", False)}
        assert all(SECRET not in row.description for row in activities)
        assert all("[REDACTED]" in row.description for row in activities)
    finally:
        tracker.close()


@pytest.fixture
def pg_tracker() -> Iterator[Tracker]:
    for url in pg_schema_url():
        tracker = Tracker.open(url)
        try:
            yield tracker
        finally:
            tracker.close()


def test_a_batch_for_an_open_session_is_one_transaction_of_three_statements(
    pg_tracker: Tracker,
) -> None:
    def batch(tag: str) -> list[EventIn]:
        return [EventIn("tool_call", key=f"{tag}-{k}", source="api") for k in range(30)]

    first = pg_tracker.record_for_agent(agent="a", agent_session_id="s", events=batch("one"))
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        statements.append(statement.split()[0].upper())

    event.listen(pg_tracker.store.engine, "before_cursor_execute", seen)
    try:
        again = pg_tracker.record_for_agent(agent="a", agent_session_id="s", events=batch("two"))
    finally:
        event.remove(pg_tracker.store.engine, "before_cursor_execute", seen)
    assert again == (first[0], 30)
    # The locked read that finds the session, the INSERT of the rows, the counter UPDATE.
    assert statements == ["SELECT", "INSERT", "UPDATE"]
    assert check(pg_tracker) == []
