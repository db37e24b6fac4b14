"""Team mode, items 1 and 2: orgs, users with roles, API keys, `authenticate`, a Tracker
bound to an org seeing nothing of another org in the same database, and `stint admin`."""

from __future__ import annotations

import io
import json
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from conftest import STINT, free_port, run_stint
from stint.model.config import load_settings
from stint.model.timeparse import utcnow
from stint.model.types import EventIn, NotFound, StintError
from stint.store import Store, schema
from stint.store.engine import SCHEMA_REVISION, make_engine, upgrade
from stint.team import ExpiredKey, InvalidKey, RevokedKey, Team
from stint.tracker import Tracker
from stint.web import create_app
from stint.web.auth import required_scope


@pytest.fixture
def team(tracker: Tracker) -> Team:
    return tracker.team


# ------------------------------------------------------------------- orgs, users, keys


def test_init_makes_the_first_org_owner_and_an_admin_key_once(team: Team) -> None:
    made = team.init("Acme", "ada", email="ada@example.com")
    assert len(made["org"]["id"]) == 36  # a uuid
    assert made["user"]["role"] == "owner"
    token = made["key"]["token"]
    assert token.startswith("stint_") and len(token) > 40
    assert made["key"]["scopes"] == ["ingest", "read", "admin"]
    principal = team.authenticate(token)
    assert (principal.org_id, principal.role) == (made["org"]["id"], "owner")
    assert principal.user_id == made["user"]["id"] and principal.can("admin")
    with pytest.raises(StintError, match="already initialised"):
        team.init("Other", "bob")
    # The implicit local org keeps working beside it.
    assert {o["name"] for o in team.orgs()} == {"local", "Acme"}


def test_keys_are_stored_as_a_digest_and_listed_without_it(team: Team, tracker: Tracker) -> None:
    org = team.create_org("Acme")["id"]
    team.create_user(org, "mel", role="member")
    key = team.create_key(org, "mel", scopes=["read"])
    with tracker.store.read() as conn:
        stored = conn.execute(select(schema.api_keys)).mappings().one()
    assert key["token"] not in json.dumps(dict(stored), default=str)
    assert stored["prefix"] == key["token"][:12] and stored["scopes"] == ["read"]
    (listed,) = team.keys("Acme")
    assert "token" not in listed and "key_hash" not in listed
    assert listed["prefix"] == key["prefix"] and listed["user"] == "mel"
    assert listed["last_used_at"] is None and listed["revoked_at"] is None


def test_roles_limit_the_scopes_a_key_can_carry(team: Team) -> None:
    org = team.create_org("Acme")["id"]
    team.create_user(org, "vic", role="viewer")
    team.create_user(org, "mel", role="member")
    assert team.create_key(org, "vic")["scopes"] == ["read"]
    assert team.create_key(org, "mel")["scopes"] == ["ingest", "read"]
    with pytest.raises(StintError, match="viewer cannot hold a key with the 'ingest'"):
        team.create_key(org, "vic", scopes=["ingest"])
    with pytest.raises(StintError, match="unknown scope"):
        team.create_key(org, "mel", scopes=["write"])
    with pytest.raises(StintError, match="unknown role"):
        team.create_user(org, "x", role="boss")
    with pytest.raises(StintError, match="already has a user"):
        team.create_user(org, "mel")
    with pytest.raises(NotFound):
        team.create_key(org, "nobody")


def test_wrong_revoked_and_expired_keys_fail_each_in_its_own_way(team: Team) -> None:
    org = team.create_org("Acme")["id"]
    team.create_user(org, "ada", role="admin")
    now = utcnow()
    good = team.create_key(org, "ada", now=now)
    revoked = team.create_key(org, "ada", now=now)
    expiring = team.create_key(org, "ada", expires_at=now + timedelta(hours=1), now=now)
    team.revoke_key(org, revoked["id"])
    with pytest.raises(RevokedKey):
        team.authenticate(revoked["token"])
    assert team.authenticate(expiring["token"], now=now).org_id == org
    with pytest.raises(ExpiredKey):
        team.authenticate(expiring["token"], now=now + timedelta(hours=2))
    with pytest.raises(InvalidKey):
        team.authenticate(good["token"][:-1] + ("A" if good["token"][-1] != "A" else "B"))
    with pytest.raises(InvalidKey):
        team.authenticate("Bearer nonsense")
    with pytest.raises(NotFound):
        team.revoke_key("local", good["id"])  # another org's key cannot be revoked from here
    with pytest.raises(StintError, match="in the past"):
        team.create_key(org, "ada", expires_at=now - timedelta(seconds=1))


def test_last_used_is_written_at_most_once_a_minute(team: Team) -> None:
    org = team.create_org("Acme")["id"]
    team.create_user(org, "ada", role="owner")
    key = team.create_key(org, "ada")
    t0 = utcnow()

    def last_used() -> object:
        return {k["id"]: k["last_used_at"] for k in team.keys(org)}[key["id"]]

    team.authenticate(key["token"], now=t0)
    assert last_used() == t0.replace(microsecond=t0.microsecond)
    team.authenticate(key["token"], now=t0 + timedelta(seconds=30))
    assert last_used() == t0
    team.authenticate(key["token"], now=t0 + timedelta(seconds=61))
    assert last_used() == t0 + timedelta(seconds=61)


def test_a_lowered_role_lowers_what_its_keys_can_do(team: Team, tracker: Tracker) -> None:
    org = team.create_org("Acme")["id"]
    user = team.create_user(org, "ada", role="admin")
    key = team.create_key(org, "ada")
    from stint.store import team as st

    with tracker.store.write() as conn:
        st.set_role(conn, org, user["id"], "viewer", utcnow())
    principal = team.authenticate(key["token"])
    assert principal.role == "viewer" and principal.scopes == frozenset({"read"})


def test_machines_keep_their_stable_id_per_org(team: Team) -> None:
    org = team.create_org("Acme")["id"]
    machine = "0b6f1f1e-7d0a-4c55-9d43-0f2a4d1f7e11"
    first = team.register_machine(org, machine, "laptop")
    assert team.register_machine(org, machine, "laptop-renamed") == first
    assert [m["name"] for m in team.machines(org)] == ["laptop-renamed"]
    assert team.register_machine("local", machine, "laptop") != first
    with pytest.raises(StintError, match="not a machine id"):
        team.register_machine(org, "nope", "x")


# ------------------------------------------------------------------ two orgs, one database


@pytest.fixture
def two_orgs(database_url: str) -> Iterator[tuple[Tracker, Tracker, int]]:
    """Tracker A (empty) and Tracker B (one of everything) over one store; B's session id."""
    store = Store.open(database_url)
    team = Team(store)
    a = Tracker(store, load_settings(database_url=database_url), team.create_org("A")["id"])
    b = Tracker(store, a.settings, team.create_org("B")["id"])
    start = utcnow() - timedelta(hours=2)
    session = b.start(
        project="secret-project",
        component="billing",
        goal="ship the B thing",
        tags=["b-tag"],
        agent="claude-code",
        agent_session_id="b-agent",
        model="b-model",
        at=start,
    )
    b.add_task(session.id, "b task")
    b.add_decision(session.id, "b decision")
    b.add_context(session.id, "b context")
    b.add_note(session.id, "b note")
    b.touch_file(session.id, "b/file.py", added=3, removed=1)
    b.record(
        session.id,
        EventIn(
            "tokens",
            key="b-key",
            occurred_at=start + timedelta(minutes=5),
            payload={"model": "b-model", "input_tokens": 10, "output_tokens": 5, "cost_usd": 0.5},
        ),
    )
    b.add_template("b-template")
    b.end(session.id, at=start + timedelta(hours=1))
    b.start(project="secret-project", goal="open one")
    yield a, b, session.id
    store.dispose()


def test_a_tracker_bound_to_an_org_sees_nothing_of_another(
    two_orgs: tuple[Tracker, Tracker, int],
) -> None:
    a, b, b_id = two_orgs
    assert len(b.sessions()) == 2 and b.tokens_by_model(b_id)  # B's data is there
    since = utcnow() - timedelta(days=30)
    assert a.sessions() == []
    assert a.projects() == []
    assert a.find_agent_session("claude-code", "b-agent") is None
    assert a.event_time("b-key") is None
    hours, tags, models = a.dashboard_rows(since, since)
    assert (hours, tags, models) == ([], [], [])
    assert all(values == [] for values in a.filter_choices().values())
    assert a.goals.templates() == []
    assert a.stats()["sessions"] == 0
    assert all(row.get("sessions", 0) == 0 for row in a.stats_by("day"))
    assert a.accomplishments() == []
    assert a.sweep() == []
    assert a.current() is None
    out = io.StringIO()
    assert a.export("all", "jsonl", out=out) == 0
    assert "secret-project" not in out.getvalue() and "b task" not in out.getvalue()
    # Everything reached through a session id refuses B's.
    by_id = [
        a.get,
        a.timeline,
        a.files,
        a.tasks,
        a.decisions,
        a.context_items,
        a.commits,
        a.session_context,
        a.goals.interactions,
        a.goals.progress,
        lambda ref: a.tag(ref, ["x"]),
        lambda ref: a.add_task(ref, "x"),
        lambda ref: a.end(ref),
        lambda ref: a.compare(ref, ref),
    ]
    for call in by_id:
        with pytest.raises(NotFound):
            call(b_id)
    assert a.tokens_by_model(b_id) == []
    assert a.file_edits(b_id) == 0
    before = b.get(b_id)
    for write in (a.record_many, a.record_bulk):
        with pytest.raises(NotFound):
            write(b_id, [EventIn("file_modified", file_path="x.py", payload={"added": 9})])
    after = b.get(b_id)
    assert (after.loc_added, after.updated_at) == (before.loc_added, before.updated_at)


# -------------------------------------------------------------------------- migration


def test_keys_from_before_0008_get_no_scopes(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine, "0006")
    now = utcnow()
    with engine.begin() as conn:
        conn.execute(schema.orgs.insert().values(id="o", name="o", created_at=now))
        conn.execute(
            text(
                "INSERT INTO api_keys (org_id, name, prefix, key_hash, created_at) "
                "VALUES ('o', 'old', 'stint_abcdef', 'x', :now)"
            ),
            {"now": now.replace(tzinfo=None) if engine.dialect.name == "sqlite" else now},
        )
    upgrade(engine, "head")
    with engine.connect() as conn:
        assert conn.execute(select(schema.api_keys.c.scopes)).scalar_one() == []
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    assert version == SCHEMA_REVISION
    engine.dispose()


# ------------------------------------------------------------------------------ the CLI


def _json(*args: str) -> object:
    done = run_stint(*args, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_admin_cli_bootstraps_and_manages_orgs_users_keys(stint_home: Path) -> None:
    made = _json("admin", "init", "--org", "Acme", "--owner", "ada")
    assert isinstance(made, dict)
    org_id, token = made["org"]["id"], made["key"]["token"]
    again = run_stint("admin", "init", "--org", "Acme", "--owner", "ada")
    assert again.returncode == 1 and "already initialised" in again.stderr
    assert again.stderr.count("\n") == 1
    _json("admin", "org", "create", "Beta")
    orgs = _json("admin", "org", "list")
    assert isinstance(orgs, list) and {o["name"] for o in orgs} == {"local", "Acme", "Beta"}
    _json("admin", "user", "create", "vic", "--org", "Acme", "--role", "viewer")
    users = _json("admin", "user", "list", "--org", org_id)
    assert isinstance(users, list)
    assert [(u["name"], u["role"]) for u in users] == [("ada", "owner"), ("vic", "viewer")]
    key = _json(
        "admin",
        "key",
        "create",
        "--org",
        "Acme",
        "--user",
        "vic",
        "--scope",
        "read",
        "--expires",
        "2h",
    )
    assert isinstance(key, dict) and key["scopes"] == ["read"] and key["expires_at"]
    refused = run_stint(
        "admin", "key", "create", "--org", "Acme", "--user", "vic", "--scope", "admin"
    )
    assert refused.returncode == 1 and "viewer cannot" in refused.stderr
    _json("admin", "key", "revoke", str(key["id"]), "--org", "Acme")
    listed = _json("admin", "key", "list", "--org", "Acme")
    assert isinstance(listed, list) and len(listed) == 2
    assert token not in json.dumps(listed) and key["token"] not in json.dumps(listed)
    by_id = {k["id"]: k for k in listed}
    assert by_id[key["id"]]["revoked_at"] and by_id[made["key"]["id"]]["revoked_at"] is None
    plain = run_stint("admin", "key", "list", "--org", "Acme")
    assert plain.returncode == 0 and key["prefix"] in plain.stdout and "revoked" in plain.stdout
    bad = run_stint("admin", "user", "create", "x", "--org", "Nope")
    assert bad.returncode == 1 and "no org 'Nope'" in bad.stderr
    # The doctor (the old `admin` command) is still there.
    assert run_stint("doctor").returncode == 0


# -------------------------------------------------------------------- the HTTP API


@pytest.fixture
def team_api(database_url: str) -> Iterator[tuple[TestClient, dict[str, str], Tracker]]:
    """A server over one database with two orgs; a key per role of org A, an owner's of B."""
    tracker = Tracker.open(database_url)
    team = tracker.team
    tokens: dict[str, str] = {}
    for org_name in ("A", "B"):
        org = team.create_org(org_name)["id"]
        for role in ("owner", "admin", "member", "viewer"):
            team.create_user(org, role, role=role)
            tokens[f"{org_name}-{role}"] = team.create_key(org, role)["token"]
    client = TestClient(create_app(tracker, housekeeping_seconds=None))
    yield client, tokens, tracker
    tracker.close()


def _as(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_keys_of_two_orgs_never_reach_each_others_sessions(
    team_api: tuple[TestClient, dict[str, str], Tracker],
) -> None:
    client, tokens, _ = team_api
    made = client.post(
        "/api/v1/sessions", json={"project": "a-proj"}, headers=_as(tokens["A-member"])
    )
    assert made.status_code == 201, made.text
    a_id = made.json()["id"]
    for role in ("owner", "admin", "member", "viewer"):
        mine = client.get("/api/v1/sessions", headers=_as(tokens[f"A-{role}"]))
        # The member's own session; admins see everyone's, a viewer only their own (none).
        expected = [] if role == "viewer" else [a_id]
        assert [s["id"] for s in mine.json()["items"]] == expected
        theirs = client.get("/api/v1/sessions", headers=_as(tokens[f"B-{role}"]))
        assert theirs.status_code == 200 and theirs.json()["items"] == []
        assert (
            client.get(f"/api/v1/sessions/{a_id}", headers=_as(tokens[f"B-{role}"])).status_code
            == 404
        )
    b = _as(tokens["B-owner"])
    for method, path, body in [
        ("patch", f"/api/v1/sessions/{a_id}", {"notes": "from B"}),
        ("post", f"/api/v1/sessions/{a_id}/tasks", {"title": "from B"}),
        ("post", f"/api/v1/sessions/{a_id}/end", {}),
        ("delete", f"/api/v1/sessions/{a_id}", None),
    ]:
        answer = client.request(method, path, json=body, headers=b)
        assert answer.status_code == 404, (method, path, answer.text)
    a_view = client.get(f"/api/v1/sessions/{a_id}", headers=_as(tokens["A-admin"])).json()
    assert a_view["status"] == "active" and a_view["tasks_created"] == 0
    assert client.get("/api/v1/current", headers=b).json().get("session") is None


def test_scopes_and_refusals(
    team_api: tuple[TestClient, dict[str, str], Tracker],
    caplog: pytest.LogCaptureFixture,
) -> None:
    client, tokens, tracker = team_api
    viewer = client.post("/api/v1/sessions", json={"project": "p"}, headers=_as(tokens["A-viewer"]))
    assert viewer.status_code == 403 and "'ingest' scope" in viewer.json()["detail"]
    assert client.get("/api/v1/stats", headers=_as(tokens["A-viewer"])).status_code == 200
    for token in ("stint_nonsense-not-a-key", "plainly-wrong", ""):
        denied = client.get("/api/v1/sessions", headers=_as(token) if token else {})
        assert denied.status_code == 401 and denied.headers["WWW-Authenticate"] == "Bearer"
    org_a = tracker.team.org_id("A")
    (revoked,) = [k for k in tracker.team.keys(org_a) if k["user"] == "admin"]
    tracker.team.revoke_key(org_a, revoked["id"])
    with caplog.at_level("WARNING", logger="stint.web.auth"):
        gone = client.get("/api/v1/sessions", headers=_as(tokens["A-admin"]))
    assert gone.status_code == 401 and "revoked" in gone.json()["detail"]
    assert any(
        "refused GET /api/v1/sessions" in r.message and "revoked" in r.message
        for r in caplog.records
    )
    assert client.get("/api/v1/health").status_code == 200  # health stays open
    assert required_scope("GET", "/api/v1/admin/keys") == "admin"
    assert required_scope("POST", "/api/v1/ingest") == "ingest"
    # The dashboard takes a team key at sign-in, as a cookie.
    signed = client.post(
        "/login",
        content=f"token={tokens['A-viewer']}",
        follow_redirects=False,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert signed.status_code == 303
    assert (
        client.post(
            "/login",
            content="token=stint_wrong",
            follow_redirects=False,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ).status_code
        == 401
    )


def test_stint_serve_answers_team_keys_over_real_http(stint_home: Path) -> None:
    made = _json("admin", "init", "--org", "Acme", "--owner", "ada")
    assert isinstance(made, dict)
    token = made["key"]["token"]
    port = free_port()
    process = subprocess.Popen(
        [STINT, "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{base}/health").close()
                break
            except OSError:
                time.sleep(0.2)
        request = urllib.request.Request(f"{base}/sessions", headers=_as(token))
        with urllib.request.urlopen(request) as answer:
            assert json.loads(answer.read())["items"] == []
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{base}/sessions")
        assert refused.value.code == 401 and refused.value.headers["WWW-Authenticate"] == "Bearer"
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=15)
    assert "refused GET /api/v1/sessions" in (process.stderr.read() if process.stderr else "")
