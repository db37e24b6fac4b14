"""The HTTP API through the real app (FastAPI TestClient), on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from stint.tracker import Tracker
from stint.web import create_app


@pytest.fixture
def client(tracker: Tracker) -> Iterator[TestClient]:
    with TestClient(create_app(tracker, housekeeping_seconds=None)) as test_client:
        yield test_client


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["title"]
    return body


def test_health_names_the_backend(client: TestClient, tracker: Tracker) -> None:
    body = client.get("/api/v1/health").json()
    assert body["status"] == "ok"
    assert body["database"] == tracker.store.engine.dialect.name


def test_session_lifecycle_over_http(client: TestClient) -> None:
    created = client.post(
        "/api/v1/sessions", json={"goal": "Fix the parser", "project": "demo", "tags": ["tdd"]}
    )
    assert created.status_code == 201, created.text
    session = created.json()
    assert session["status"] == "active" and session["tags"] == ["tdd"]
    assert session["ref"] == f"#{session['number']}"

    # A second open session for the same project and agent is a conflict.
    _problem(client.post("/api/v1/sessions", json={"project": "demo"}), 409)

    patched = client.patch(
        f"/api/v1/sessions/{session['number']}",
        json={"goal": "Fix the lexer", "tags": ["refactor"], "notes": "tricky", "name": "lex"},
    ).json()
    assert patched["goal"] == "Fix the lexer"
    assert patched["tags"] == ["refactor"]
    assert patched["name"] == "lex"
    assert "tricky" in patched["notes"]

    current = client.get("/api/v1/current").json()
    assert current["session"]["id"] == session["id"]
    assert any(a["type"] == "goal_set" for a in current["recent_activities"])

    ended = client.post("/api/v1/sessions/last/end", json={"outcome": "achieved"})
    assert ended.status_code == 200, ended.text
    assert ended.json()["status"] == "ended" and ended.json()["outcome"] == "achieved"
    _problem(client.post("/api/v1/sessions/last/end"), 409)
    assert client.get("/api/v1/current").json() == {"session": None, "recent_activities": []}

    assert client.delete(f"/api/v1/sessions/{session['uuid'][:8]}").status_code == 204
    _problem(client.get(f"/api/v1/sessions/{session['number']}"), 404)


def test_records_of_a_session(client: TestClient, tracker: Tracker) -> None:
    session = tracker.start(goal="g", project="p")
    task = client.post(f"/api/v1/sessions/{session.id}/tasks", json={"title": "write test"})
    assert task.status_code == 201
    done = client.patch(
        f"/api/v1/sessions/{session.number}/tasks/{task.json()['id']}",
        json={"status": "completed"},
    )
    assert done.json()["status"] == "completed" and done.json()["completed_at"]
    client.post(f"/api/v1/sessions/{session.number}/decisions", json={"text": "use a stack"})
    client.post(f"/api/v1/sessions/{session.number}/context", json={"text": "see @src/a.py"})
    tracker.touch_file(session.id, "src/a.py", added=7, removed=2)

    assert [t["title"] for t in client.get(f"/api/v1/sessions/{session.number}/tasks").json()] == [
        "write test"
    ]
    decisions = client.get(f"/api/v1/sessions/{session.number}/decisions").json()
    assert [d["text"] for d in decisions] == ["use a stack"]
    context = client.get(f"/api/v1/sessions/{session.number}/context").json()
    assert context[0]["text"] == "see @src/a.py"
    files = {f["path"]: f for f in client.get(f"/api/v1/sessions/{session.number}/files").json()}
    assert files["src/a.py"]["lines_added"] == 7 and files["src/a.py"]["times_mentioned"] == 1

    activities = client.get(f"/api/v1/sessions/{session.number}/activities").json()
    types = [a["type"] for a in activities]
    assert "task_created" in types and "task_completed" in types and "decision_made" in types
    only = client.get(
        f"/api/v1/sessions/{session.number}/activities", params={"type": "decision_made"}
    ).json()
    assert [a["type"] for a in only] == ["decision_made"]
    got = client.get(f"/api/v1/sessions/{session.number}").json()
    assert got["tasks_completed"] == 1 and got["decisions_made"] == 1
    assert got["lines_added"] == 7


def test_list_filters_and_cursor_pagination(client: TestClient, tracker: Tracker) -> None:
    for n in range(5):
        s = tracker.start(goal=f"goal {n}", project="a" if n % 2 else "b", tags=[f"t{n % 2}"])
        tracker.end(s.id)
    first = client.get("/api/v1/sessions", params={"limit": 2}).json()
    assert [s["goal"] for s in first["items"]] == ["goal 4", "goal 3"]
    second = client.get(
        "/api/v1/sessions", params={"limit": 2, "cursor": first["next_cursor"]}
    ).json()
    assert [s["goal"] for s in second["items"]] == ["goal 2", "goal 1"]
    third = client.get(
        "/api/v1/sessions", params={"limit": 2, "cursor": second["next_cursor"]}
    ).json()
    assert [s["goal"] for s in third["items"]] == ["goal 0"] and third["next_cursor"] is None

    by_project = client.get("/api/v1/sessions", params={"project": "a"}).json()["items"]
    assert {s["goal"] for s in by_project} == {"goal 1", "goal 3"}
    by_tag = client.get("/api/v1/sessions", params={"tag": "t0"}).json()["items"]
    assert {s["goal"] for s in by_tag} == {"goal 0", "goal 2", "goal 4"}
    found = client.get("/api/v1/sessions", params={"search": "goal 2"}).json()["items"]
    assert [s["goal"] for s in found] == ["goal 2"]
    assert (
        client.get("/api/v1/sessions", params={"since": "2999-01-01T00:00:00Z"}).json()["items"]
        == []
    )


def _batch(agent_session_id: str, keys: list[str]) -> dict[str, Any]:
    events = [
        {"type": "tool_call", "key": k, "payload": {"success": True}, "source": "hook"}
        for k in keys
    ]
    events.append(
        {
            "type": "file_modified",
            "key": f"{agent_session_id}-edit",
            "file_path": "x.py",
            "payload": {"added": 3, "removed": 1},
        }
    )
    return {
        "sessions": [
            {
                "agent": "claude_code",
                "agent_session_id": agent_session_id,
                "model": "claude-test",
                "events": events,
            }
        ]
    }


def test_ingest_is_idempotent_by_key(client: TestClient, tracker: Tracker) -> None:
    batch = _batch("remote-1", ["k1", "k2", "k3"])
    first = client.post("/api/v1/ingest", json=batch)
    assert first.status_code == 200, first.text
    assert first.json()["stored"] == 4 and first.json()["duplicates"] == 0
    again = client.post("/api/v1/ingest", json=batch).json()
    assert again["stored"] == 0 and again["duplicates"] == 4
    assert again["session_ids"] == first.json()["session_ids"]
    session = tracker.get(first.json()["session_ids"][0])
    assert session.agent == "claude_code" and session.agent_session_id == "remote-1"
    assert session.tool_call_count == 3 and session.loc_added == 3


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/api/v1/sessions?limit=0", None),
        ("get", "/api/v1/sessions?limit=abc", None),
        ("get", "/api/v1/sessions?since=not-a-time", None),
        ("get", "/api/v1/sessions?cursor=-5", None),
        ("post", "/api/v1/sessions", {"goal": "x", "unknown": 1}),
        ("post", "/api/v1/sessions", {"at": "yesterday-ish"}),
        ("post", "/api/v1/ingest", {"sessions": [{"agent": "a"}]}),
        ("post", "/api/v1/ingest", {"sessions": "nope"}),
    ],
)
def test_bad_input_is_400_never_500(
    client: TestClient, method: str, path: str, body: dict[str, Any] | None
) -> None:
    response = getattr(client, method)(path, **({"json": body} if body is not None else {}))
    body_out = _problem(response, 400)
    assert body_out["detail"]


def test_bad_values_for_the_domain_are_400(client: TestClient, tracker: Tracker) -> None:
    session = tracker.start(goal="g", project="p")
    _problem(client.patch(f"/api/v1/sessions/{session.number}", json={"success_rating": 9}), 400)
    _problem(client.post(f"/api/v1/sessions/{session.number}/tasks", json={"title": ""}), 400)
    _problem(client.patch(f"/api/v1/sessions/{session.number}", json={"tags": "x"}), 400)
    _problem(client.get("/api/v1/sessions/99999"), 404)
    _problem(client.get("/api/v1/nothing-here"), 404)


def test_analytics_endpoints_answer(client: TestClient, tracker: Tracker) -> None:
    s = tracker.start(goal="g", project="p", tags=["x"])
    tracker.end(s.id)
    response = client.get("/api/v1/stats", params={"period": "all"})
    assert response.status_code == 200
    assert response.json()["sessions"] == 1


def test_raw_hook_records_go_through_capture(client: TestClient, tracker: Tracker) -> None:
    at = 1_790_000_000.0
    records = [
        {
            "received_at": at,
            "hook": {
                "session_id": "remote-raw",
                "hook_event_name": "SessionStart",
                "source": "startup",
                "cwd": "/nonexistent/remote",
                "transcript_path": "/etc/passwd",
            },
        },
        {
            "received_at": at + 5,
            "hook": {
                "session_id": "remote-raw",
                "hook_event_name": "UserPromptSubmit",
                "prompt": "hello",
            },
        },
    ]
    unmappable = {"received_at": at + 6, "hook": {"hook_event_name": "Stop"}}  # no session_id
    response = client.post("/api/v1/ingest", json={"records": [*records, unmappable]})
    assert response.status_code == 200, response.text
    assert response.json()["hook_records"] == 2
    [refused] = response.json()["refused_records"]
    assert refused["index"] == 2 and "session_id" in refused["reason"]
    again = client.post("/api/v1/ingest", json={"records": records})
    assert again.status_code == 200
    found = tracker.sessions(limit=5)
    remote = [s for s in found if s.agent_session_id == "remote-raw"]
    assert len(remote) == 1 and remote[0].message_count == 1  # stored once


def test_pages_render_on_each_backend(client: TestClient, tracker: Tracker) -> None:
    session = tracker.start(goal="Render me", project="p", tags=["ui"], model="m-1")
    tracker.touch_file(session.id, "a.py", added=4, removed=1)
    overview = client.get("/")
    assert overview.status_code == 200
    assert "Render me" in overview.text
    assert overview.text.count('data-count="1"') == 1  # one session in the heatmap
    assert ">ui</span>" in overview.text and ">m-1</span>" in overview.text
    page = client.get(f"/sessions/{session.number}")
    assert page.status_code == 200 and "a.py" in page.text
    assert client.get("/sessions/999").status_code == 404
    listing = client.get("/sessions", params={"tag": "ui", "q": "Render"})
    assert f"/sessions/{session.number}" in listing.text
    assert client.get("/stats", params={"by": "tag", "period": "all"}).status_code == 200
    assert client.get("/compare", params={"a": "last", "b": "last"}).status_code == 200
