"""Roles on every route, the admin API, the dashboard's sign-in and the team pages
(in-process, on SQLite and PostgreSQL)."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from fastapi.testclient import TestClient

from stint.tracker import Tracker
from stint.web.app import create_app
from stint.web.signin import COOKIE

PASSWORD = "correct horse battery"


@dataclass
class Org:
    id: str
    users: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)


@pytest.fixture
def server(database_url: str) -> Iterator[tuple[TestClient, Tracker, dict[str, Org]]]:
    tracker = Tracker.open(database_url)
    team = tracker.team
    orgs: dict[str, Org] = {}
    for name in ("A", "B"):
        org = Org(team.create_org(name)["id"])
        for role in ("owner", "admin", "member", "viewer"):
            password = PASSWORD if role in ("admin", "member") else None  # argon2 is slow
            user = team.create_user(org.id, f"{name}-{role}", role=role, password=password)
            org.users[role] = user["id"]
            org.tokens[role] = team.create_key(org.id, str(user["id"]))["token"]
        orgs[name] = org
    client = TestClient(create_app(tracker, housekeeping_seconds=None))
    yield client, tracker, orgs
    tracker.close()


def _as(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _start(client: TestClient, token: str, goal: str) -> dict[str, object]:
    made = client.post("/api/v1/sessions", json={"goal": goal}, headers=_as(token))
    assert made.status_code == 201, made.text
    body: dict[str, object] = made.json()
    return body


def test_members_see_their_own_sessions_admins_everyones(
    server: tuple[TestClient, Tracker, dict[str, Org]],
) -> None:
    client, tracker, orgs = server
    a = orgs["A"]
    mine = _start(client, a.tokens["member"], "member's goal")
    admins = _start(client, a.tokens["admin"], "admin's goal")
    # The key's user is recorded on the session made through the API.
    bound = Tracker(tracker.store, tracker.settings, a.id)
    assert bound.get(int(str(mine["id"]))).row["user_id"] == a.users["member"]
    assert bound.get(int(str(admins["id"]))).row["user_id"] == a.users["admin"]

    def listed(role: str) -> list[object]:
        page = client.get("/api/v1/sessions", headers=_as(a.tokens[role]))
        return sorted(s["id"] for s in page.json()["items"])

    assert listed("member") == [mine["id"]]
    assert listed("viewer") == []
    assert listed("admin") == listed("owner") == sorted([mine["id"], admins["id"]])
    member = _as(a.tokens["member"])
    # Another person's session is absent, not forbidden, on every per-session route.
    for path in ("", "/activities", "/files", "/tasks", "/decisions", "/commits", "/context"):
        answer = client.get(f"/api/v1/sessions/{admins['number']}{path}", headers=member)
        assert answer.status_code == 404, (path, answer.text)
    hidden = client.patch(
        f"/api/v1/sessions/{admins['number']}", json={"notes": "x"}, headers=member
    )
    assert hidden.status_code == 404
    compare = client.get(
        "/api/v1/compare", params={"a": mine["number"], "b": admins["number"]}, headers=member
    )
    assert compare.status_code == 404
    # The team's aggregates are the whole org's for a member too.
    assert client.get("/api/v1/stats", headers=member).json()["sessions"] == 2
    # A member's export holds their own sessions only; an admin's everyone's.
    exported = client.get("/api/v1/export/sessions", params={"fmt": "jsonl"}, headers=member)
    assert exported.status_code == 200, exported.text
    rows = [json.loads(line) for line in io.StringIO(exported.text) if line.strip()]
    session_rows = [r["row"] for r in rows if r.get("table") == "sessions"]
    assert [r["goal"] for r in session_rows] == ["member's goal"]
    everything = client.get(
        "/api/v1/export/sessions", params={"fmt": "jsonl"}, headers=_as(a.tokens["admin"])
    )
    assert "admin's goal" in everything.text and "member's goal" in everything.text


def test_viewers_only_read(server: tuple[TestClient, Tracker, dict[str, Org]]) -> None:
    client, _, orgs = server
    viewer = _as(orgs["A"].tokens["viewer"])
    assert client.get("/api/v1/sessions", headers=viewer).status_code == 200
    for method, path in [
        ("post", "/api/v1/sessions"),
        ("post", "/api/v1/ingest"),
        ("post", "/api/v1/admin/users"),
        ("get", "/api/v1/admin/users"),
    ]:
        answer = client.request(method, path, json={}, headers=viewer)
        assert answer.status_code == 403, (method, path, answer.text)


def test_admin_api_manages_users_keys_and_orgs_within_the_org(
    server: tuple[TestClient, Tracker, dict[str, Org]], caplog: pytest.LogCaptureFixture
) -> None:
    client, tracker, orgs = server
    a, b = orgs["A"], orgs["B"]
    admin, owner = _as(a.tokens["admin"]), _as(a.tokens["owner"])
    users = client.get("/api/v1/admin/users", headers=admin)
    assert users.status_code == 200
    assert {u["name"] for u in users.json()} == {f"A-{r}" for r in a.users}
    made = client.post(
        "/api/v1/admin/users", json={"name": "carol", "role": "member"}, headers=admin
    )
    assert made.status_code == 201, made.text
    carol = made.json()["id"]
    again = client.post("/api/v1/admin/users", json={"name": "carol"}, headers=admin)
    assert again.status_code == 409
    key = client.post(
        "/api/v1/admin/keys", json={"user": "carol", "scopes": ["read"]}, headers=admin
    )
    assert key.status_code == 201, key.text
    token, key_id = key.json()["token"], key.json()["id"]
    assert client.get("/api/v1/sessions", headers=_as(token)).status_code == 200
    listed = client.get("/api/v1/admin/keys", headers=admin).json()
    assert key_id in [k["id"] for k in listed] and "token" not in json.dumps(listed)
    assert "key_hash" not in json.dumps(listed)
    # An admin may not make an owner, nor act on one; the owner may.
    with caplog.at_level(logging.WARNING, logger="stint.web.auth"):
        refused = client.patch(
            f"/api/v1/admin/users/{carol}", json={"role": "owner"}, headers=admin
        )
    assert refused.status_code == 403
    assert any("only an owner" in r.message for r in caplog.records)
    raised = client.patch(f"/api/v1/admin/users/{carol}", json={"role": "viewer"}, headers=admin)
    assert raised.status_code == 200 and raised.json()["role"] == "viewer"
    # Revoked: refused at once; removed from the org: their keys stop working.
    assert client.delete(f"/api/v1/admin/keys/{key_id}", headers=admin).status_code == 204
    assert client.get("/api/v1/sessions", headers=_as(token)).status_code == 401
    other = client.post("/api/v1/admin/keys", json={"user": str(carol)}, headers=admin).json()
    assert client.delete(f"/api/v1/admin/users/{carol}", headers=admin).status_code == 204
    assert client.get("/api/v1/sessions", headers=_as(other["token"])).status_code == 401
    # Nothing of org B is reachable: its users, keys and ids are absent.
    b_user = b.users["member"]
    assert (
        client.patch(
            f"/api/v1/admin/users/{b_user}", json={"role": "viewer"}, headers=owner
        ).status_code
        == 404
    )
    assert client.delete(f"/api/v1/admin/users/{b_user}", headers=owner).status_code == 404
    b_key = tracker.team.keys(b.id)[0]["id"]
    assert client.delete(f"/api/v1/admin/keys/{b_key}", headers=owner).status_code == 404
    assert tracker.team.keys(b.id)[0]["revoked_at"] is None
    assert (
        client.post("/api/v1/admin/keys", json={"user": "B-member"}, headers=owner).status_code
        == 404
    )
    # Orgs: the owner's only; listing shows the orgs the owner is in, never B.
    assert client.get("/api/v1/admin/orgs", headers=admin).status_code == 403
    new = client.post("/api/v1/admin/orgs", json={"name": "A2"}, headers=owner)
    assert new.status_code == 201
    names = {o["name"] for o in client.get("/api/v1/admin/orgs", headers=owner).json()}
    assert names == {"A", "A2"}
    assert client.get("/api/v1/admin/machines", headers=admin).json() == []


def _sign_in(client: TestClient, **form: str) -> object:
    return client.post("/login", data=form, follow_redirects=False)


def test_sign_in_with_a_password_sets_a_signed_cookie(
    server: tuple[TestClient, Tracker, dict[str, Org]], caplog: pytest.LogCaptureFixture
) -> None:
    client, tracker, orgs = server
    a = orgs["A"]
    assert client.get("/", follow_redirects=False).headers["location"] == "/login"
    with caplog.at_level(logging.WARNING, logger="stint.web.auth"):
        wrong = client.post(
            "/login", data={"org": "A", "user": "A-member", "password": "nope-nope"}
        )
        nobody = client.post("/login", data={"org": "A", "user": "ghost", "password": "nope-nope"})
    assert wrong.status_code == nobody.status_code == 401
    assert "Wrong org, user or password." in wrong.text
    # Whether the user exists is not said: the same page either way.
    assert wrong.text.replace("A-member", "ghost") == nobody.text
    assert sum("refused sign-in" in r.message for r in caplog.records) == 2
    signed = client.post(
        "/login",
        data={"org": "A", "user": "A-member", "password": PASSWORD},
        follow_redirects=False,
    )
    assert signed.status_code == 303
    header = signed.headers["set-cookie"]
    assert "HttpOnly" in header and "SameSite=strict" in header and "Max-Age=" in header
    cookie = signed.cookies[COOKIE]
    assert PASSWORD not in cookie and not any(t in cookie for t in a.tokens.values())
    # The member's own pages and the People page; another's sessions are not reachable.
    assert client.get("/").status_code == 200
    people = client.get("/team/people")
    assert people.status_code == 200 and "A-admin" in people.text and "B-admin" not in people.text
    assert f'href="/team/people/{a.users["admin"]}"' not in people.text
    assert client.get(f"/team/people/{a.users['admin']}").status_code == 404
    assert client.get(f"/team/people/{a.users['member']}").status_code == 200
    assert client.get("/team/admin").status_code == 403
    # A tampered cookie is refused; a new password ends the sign-in.
    client.cookies.clear()
    forged = ("B" if cookie[5] == "A" else "A").join((cookie[:5], cookie[6:]))
    client.cookies.set(COOKIE, forged)
    assert client.get("/", follow_redirects=False).status_code == 303
    client.cookies.clear()
    client.cookies.set(COOKIE, cookie)
    assert client.get("/", follow_redirects=False).status_code == 200
    tracker.team.set_password(a.id, "A-member", "another password")
    assert client.get("/", follow_redirects=False).status_code == 303
    # The signing secret is in the database: a second app on it accepts the same cookie.
    fresh = _sign_in(client, org="A", user="A-admin", password=PASSWORD)
    admin_cookie = fresh.cookies[COOKIE]  # type: ignore[attr-defined]
    second = TestClient(create_app(tracker, housekeeping_seconds=None))
    second.cookies.clear()
    second.cookies.set(COOKIE, admin_cookie)
    assert second.get("/team/admin").status_code == 200
    out = second.get("/logout", follow_redirects=False)
    assert out.status_code == 303 and COOKIE in out.headers["set-cookie"]


def test_admin_page_makes_and_revokes_keys_through_forms(
    server: tuple[TestClient, Tracker, dict[str, Org]],
) -> None:
    client, tracker, orgs = server
    a = orgs["A"]
    # An API key still signs in (for scripts); the cookie holds the key's id, not the key.
    signed = _sign_in(client, token=a.tokens["admin"])
    assert signed.status_code == 303  # type: ignore[attr-defined]
    assert a.tokens["admin"] not in signed.cookies[COOKIE]  # type: ignore[attr-defined]
    page = client.get("/team/admin")
    assert page.status_code == 200 and "A-viewer" in page.text and "B-viewer" not in page.text
    made = client.post(
        "/team/admin/keys", data={"user": str(a.users["member"]), "scope": "read", "name": "ci"}
    )
    assert made.status_code == 200 and "shown once" in made.text
    key = next(k for k in tracker.team.keys(a.id) if k["name"] == "ci")
    assert key["scopes"] == ["read"]
    gone = client.post(f"/team/admin/keys/{key['id']}/revoke", follow_redirects=False)
    assert gone.status_code == 303
    assert next(k for k in tracker.team.keys(a.id) if k["id"] == key["id"])["revoked_at"]
    b_key = tracker.team.keys(orgs["B"].id)[0]["id"]
    assert client.post(f"/team/admin/keys/{b_key}/revoke").status_code == 404
    for path in ("/team/people", "/team/machines", "/team/projects"):
        assert client.get(path).status_code == 200, path
    assert client.get(f"/team/people/{a.users['member']}").status_code == 200
    assert client.get(f"/team/people/{orgs['B'].users['member']}").status_code == 404
    # Revoking the key that signed in ends that sign-in.
    tracker.team.revoke_key(a.id, tracker.team.keys(a.id)[1]["id"])
    assert client.get("/team/admin", follow_redirects=False).status_code == 303
