"""The cross-tenant matrix: a real `stint serve` on PostgreSQL, two orgs made with
`stint admin` (a user of every role and a key each), data in both; then EVERY path and
method of /api/v1/openapi.json (routes added later are covered without a change here),
with its path parameters filled with the OTHER org's ids, numbers and uuids, called with
each org's keys of each role and with none. Nothing may answer 5xx, show the other org's
session uuids, names or markers, or change the other org's rows (checked in the database
afterwards); a viewer's write is a 403 and a call without a key a 401 with
WWW-Authenticate. The HTML pages, the OpenAPI document and /static are held to the same
rule, and schemathesis runs the whole API with an admin's key: no 5xx.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.config import SchemathesisConfig
from sqlalchemy import create_engine, select
from sqlalchemy.engine import Engine

from conftest import STINT, free_port, pg_schema_url
from stint.store import schema

ROLES = ("owner", "admin", "member", "viewer")
READS = {"get", "head", "options"}
# Columns that change when the org's own keys are used or the server sweeps; not writes.
VOLATILE = {"last_used_at"}


@dataclass
class Org:
    label: str
    name: str
    id: str = ""
    users: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    key_ids: list[int] = field(default_factory=list)
    key_prefixes: list[str] = field(default_factory=list)
    sessions: list[dict[str, Any]] = field(default_factory=list)
    task_ids: list[str] = field(default_factory=list)
    markers: list[str] = field(default_factory=list)

    def secrets(self) -> list[str]:
        """What no answer to the other org may hold."""
        found = [self.id, self.name, *self.markers, *self.key_prefixes]
        found += [f"{self.label}-{role}" for role in ROLES]
        found += [str(s["uuid"]) for s in self.sessions]
        return found


@dataclass
class Server:
    base: str
    url: str
    engine: Engine
    orgs: dict[str, Org]
    log: Path


def _admin(env: dict[str, str], *args: str) -> Any:
    done = subprocess.run(
        [STINT, "admin", *args, "--json"], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _seed(client: httpx.Client, org: Org, sessions: int) -> None:
    """Sessions with a task, a decision and a marker each, by the org's member and admin."""
    for index in range(sessions):
        role = "member" if index % 2 == 0 else "admin"
        marker = f"MARKER-{org.label}-{index}-{os.urandom(3).hex()}"
        headers = {"Authorization": f"Bearer {org.tokens[role]}"}
        made = client.post(
            "/api/v1/sessions",
            json={"goal": marker, "project": f"proj-{marker}", "tags": [f"tag-{marker}"]},
            headers=headers,
        )
        assert made.status_code == 201, made.text
        session = made.json()
        task = client.post(
            f"/api/v1/sessions/{session['number']}/tasks", json={"title": marker}, headers=headers
        )
        assert task.status_code == 201, task.text
        org.task_ids.append(str(task.json()["id"]))
        decided = client.post(
            f"/api/v1/sessions/{session['number']}/decisions",
            json={"text": marker},
            headers=headers,
        )
        assert decided.status_code == 201, decided.text
        # Ended, so the next session of the same person and project may start.
        ended = client.post(f"/api/v1/sessions/{session['number']}/end", json={}, headers=headers)
        assert ended.status_code == 200, ended.text
        org.sessions.append(session)
        org.markers.append(marker)


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    schemas = pg_schema_url()
    url = next(schemas)
    home = Path(tempfile.mkdtemp(prefix="stint-matrix-"))
    env = {**os.environ, "STINT_HOME": str(home), "STINT_DATABASE_URL": url}
    env.pop("STINT_API_TOKEN", None)
    alpha, beta = Org("alpha", f"org-alpha-{os.urandom(3).hex()}"), Org("beta", "")
    beta.name = f"org-beta-{os.urandom(3).hex()}"
    made = _admin(env, "init", "--org", alpha.name, "--owner", "alpha-owner")
    alpha.id = made["org"]["id"]
    alpha.users["owner"] = made["user"]["id"]
    alpha.tokens["owner"] = made["key"]["token"]
    alpha.key_ids.append(made["key"]["id"])
    alpha.key_prefixes.append(made["key"]["prefix"])
    beta.id = _admin(env, "org", "create", beta.name)["id"]
    for org in (alpha, beta):
        for role in ROLES:
            if role in org.users:
                continue
            user = _admin(
                env, "user", "create", f"{org.label}-{role}", "--org", org.id, "--role", role
            )
            org.users[role] = user["id"]
            key = _admin(env, "key", "create", "--org", org.id, "--user", str(user["id"]))
            org.tokens[role] = key["token"]
            org.key_ids.append(key["id"])
            org.key_prefixes.append(key["prefix"])
    port = free_port()
    log = home / "serve.log"
    with log.open("w") as sink:
        process = subprocess.Popen(
            [STINT, "serve", "--port", str(port)], stdout=sink, stderr=sink, env=env
        )
    base = f"http://127.0.0.1:{port}"
    engine = create_engine(url)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        with httpx.Client(base_url=base, timeout=30) as client:
            # Two sessions in alpha and four in beta: beta's #3 and #4 are numbers alpha
            # does not have, so a ref of them asked in alpha can only mean beta's.
            _seed(client, alpha, 2)
            _seed(client, beta, 4)
        yield Server(base, url, engine, {"alpha": alpha, "beta": beta}, log)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        engine.dispose()
        schemas.close()


def _fingerprint(engine: Engine, org_id: str) -> str:
    """A digest of every row the org owns (tables with an org_id, and its org row)."""
    digest = hashlib.sha256()
    with engine.connect() as conn:
        for table in schema.metadata.sorted_tables:
            if "org_id" not in table.c:
                continue
            columns = [c for c in table.c if c.name not in VOLATILE]
            query = select(*columns).where(table.c.org_id == org_id)
            rows = sorted(repr(tuple(row)) for row in conn.execute(query))
            digest.update(f"{table.name}:{rows}".encode())
        org_row = conn.execute(select(schema.orgs).where(schema.orgs.c.id == org_id)).all()
        digest.update(repr(org_row).encode())
    return digest.hexdigest()


def _resolve(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = document["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    for key in ("anyOf", "oneOf", "allOf"):
        if key in node:
            options = [o for o in node[key] if o.get("type") != "null"]
            return _resolve(document, options[0]) if options else {"type": "null"}
    return node


def _example(document: dict[str, Any], node: dict[str, Any], depth: int = 0) -> Any:
    """A small valid-looking value of a JSON schema: required fields only."""
    node = _resolve(document, node)
    if "enum" in node:
        return node["enum"][0]
    if "const" in node:
        return node["const"]
    kind = node.get("type")
    if kind == "object" or "properties" in node:
        if depth > 3:
            return {}
        props = node.get("properties", {})
        return {
            name: _example(document, props[name], depth + 1)
            for name in node.get("required", [])
            if name in props
        }
    if kind == "array":
        return []
    if kind == "integer":
        return max(1, int(node.get("minimum", 1)))
    if kind == "number":
        return 1.0
    if kind == "boolean":
        return False
    if node.get("format") == "date-time":
        return "2026-01-01T00:00:00Z"
    return "matrix-" + "x" * max(0, int(node.get("minLength", 1)) - 7)


def _path_values(name: str, kind: str, caller: Org, other: Org) -> list[str]:
    """The other org's things a path parameter could name; numbers the caller's own org
    also has are left out (they would name the caller's own session, not the other's)."""
    own_numbers = {str(s["number"]) for s in caller.sessions}
    if name == "table":
        return ["sessions", "all"]
    if name == "by":
        return ["project", "tag"]
    if kind == "integer":
        # Ids are global, but one kind's id may equal another kind's id of the caller's
        # org (beta's session 3, alpha's key 3): those would name the caller's own.
        own = {*map(str, caller.users.values()), *map(str, caller.key_ids)}
        own |= {str(s["id"]) for s in caller.sessions}
        values = [*map(str, other.users.values()), *map(str, other.key_ids)]
        values += [str(s["id"]) for s in other.sessions]
        return [v for v in values if v not in own] or ["999999"]
    values = [str(s["uuid"]) for s in other.sessions]
    values += [str(s["uuid"])[:8] for s in other.sessions]
    values += [str(s["number"]) for s in other.sessions if str(s["number"]) not in own_numbers]
    values += [f"#{s['number']}" for s in other.sessions if str(s["number"]) not in own_numbers]
    values += [t for t in other.task_ids if t not in own_numbers]
    return values


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, methods in sorted(document["paths"].items())
        for method, operation in sorted(methods.items())
        if method in {"get", "post", "put", "patch", "delete", "head", "options"}
    ]


def _requests(document: dict[str, Any], caller: Org, other: Org) -> Iterator[tuple[str, str, Any]]:
    """(method, url, body) for every operation, with every filling of its path params."""
    for path, method, operation in _operations(document):
        params = [p for p in operation.get("parameters", []) if p.get("in") == "path"]
        choices = [
            _path_values(
                p["name"], _resolve(document, p.get("schema", {})).get("type", ""), caller, other
            )
            for p in params
        ]
        body_schema = (
            operation.get("requestBody", {}).get("content", {}).get("application/json", {})
        )
        body = _example(document, body_schema["schema"]) if body_schema else None
        # Every value of each parameter at least once, without the full product.
        longest = max((len(c) for c in choices), default=1)
        for index in range(longest):
            filled = path
            for param, values in zip(params, choices, strict=True):
                filled = filled.replace("{" + param["name"] + "}", values[index % len(values)])
            yield method, filled, body


def _clean(answer: httpx.Response, other: Org, what: str) -> None:
    assert answer.status_code < 500, f"{what}: {answer.status_code} {answer.text[:300]}"
    body = answer.text
    # A 404 may say back the reference it was asked (it is the caller's own input).
    asked = str(answer.request.url) + answer.request.content.decode("utf-8", "replace")
    for secret in other.secrets():
        if secret in asked:
            continue
        assert secret not in body, f"{what}: the other org's {secret!r} in the answer"


def test_every_operation_keeps_each_org_to_itself(server: Server) -> None:
    with httpx.Client(base_url=server.base, timeout=30) as client:
        owner = {"Authorization": f"Bearer {server.orgs['alpha'].tokens['owner']}"}
        document = client.get("/api/v1/openapi.json", headers=owner).json()
        operations = _operations(document)
        assert len(operations) >= 30  # the document is the whole API, not a stub
        assert any(path.startswith("/api/v1/admin/") for path, _, _ in operations)
        calls = 0
        for caller_label, other_label in (("alpha", "beta"), ("beta", "alpha")):
            caller, other = server.orgs[caller_label], server.orgs[other_label]
            before = _fingerprint(server.engine, other.id)
            for role in ROLES:
                headers = {"Authorization": f"Bearer {caller.tokens[role]}"}
                for method, url, body in _requests(document, caller, other):
                    answer = client.request(method, url, json=body, headers=headers)
                    calls += 1
                    what = f"{caller_label}-{role} {method.upper()} {url}"
                    _clean(answer, other, what)
                    if role == "viewer" and method not in READS:
                        assert answer.status_code == 403, f"{what}: {answer.status_code}"
            # Each org's keys are used in turn: the other org's rows must not have moved.
            assert _fingerprint(server.engine, other.id) == before, (
                f"a call by {caller_label} changed {other_label}'s rows"
            )
        for method, url, body in _requests(document, server.orgs["alpha"], server.orgs["beta"]):
            answer = client.request(method, url, json=body)
            if url == "/api/v1/health":
                assert answer.status_code == 200
                continue
            assert answer.status_code == 401, f"no key {method.upper()} {url}"
            assert answer.headers.get("www-authenticate") == "Bearer"
            calls += 1
        nobody = client.get("/api/v1/openapi.json")
        assert nobody.status_code == 401 and nobody.headers["www-authenticate"] == "Bearer"
        assert calls > 8 * len(operations)
    refused = server.log.read_text()
    assert "refused" in refused and "Traceback" not in refused


# The dashboard's pages (not in the OpenAPI document): each with the other org's refs.
def _pages(caller: Org, other: Org) -> list[str]:
    theirs = [
        s for s in other.sessions if s["number"] not in {x["number"] for x in caller.sessions}
    ]
    pages = [
        "/",
        "/partials/current",
        "/sessions",
        "/stats",
        "/compare",
        "/api/v1/docs",
        "/team/people",
        "/team/machines",
        "/team/projects",
        "/team/admin",
        "/static/stint.css",
    ]
    for session in other.sessions:
        pages += [f"/sessions/{session['uuid']}", f"/compare?a={session['uuid']}&b=1"]
    pages += [f"/sessions/{s['number']}" for s in theirs]
    pages += [f"/team/people/{user}" for user in other.users.values()]
    return pages


def test_pages_need_sign_in_and_show_nothing_of_the_other_org(server: Server) -> None:
    for caller_label, other_label in (("alpha", "beta"), ("beta", "alpha")):
        caller, other = server.orgs[caller_label], server.orgs[other_label]
        with httpx.Client(base_url=server.base, timeout=30) as anonymous:
            for page in _pages(caller, other):
                answer = anonymous.get(page)
                if page.startswith("/static/"):
                    assert answer.status_code == 200
                    continue
                if page.startswith("/api/"):  # under the API: a 401, not a redirect
                    assert answer.status_code == 401, page
                    continue
                assert answer.status_code == 303 and answer.headers["location"] == "/login", page
        before = _fingerprint(server.engine, other.id)
        for role in ROLES:
            with httpx.Client(base_url=server.base, timeout=30) as browser:
                signed = browser.post("/login", data={"token": caller.tokens[role]})
                assert signed.status_code == 303, signed.text
                for page in _pages(caller, other):
                    answer = browser.get(page)
                    _clean(answer, other, f"{caller_label}-{role} page {page}")
                    assert answer.status_code in (200, 400, 403, 404), (page, answer.status_code)
                # The forms' writes with the other org's ids land nowhere.
                for key_id in other.key_ids:
                    revoke = browser.post(f"/team/admin/keys/{key_id}/revoke")
                    assert revoke.status_code in (403, 404)
                made = browser.post("/team/admin/keys", data={"user": str(other.users["member"])})
                assert made.status_code in (400, 403, 404)
                _clean(made, other, f"{caller_label}-{role} key form")
        assert _fingerprint(server.engine, other.id) == before


def test_schemathesis_with_an_admin_key_finds_no_server_error(server: Server) -> None:
    token = server.orgs["beta"].tokens["admin"]
    headers = {"Authorization": f"Bearer {token}"}
    document = httpx.get(f"{server.base}/api/v1/openapi.json", headers=headers).json()
    config = SchemathesisConfig.from_dict(
        {"phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}}}
    )
    api = schemathesis.openapi.from_dict(document, config=config)
    alpha_before = _fingerprint(server.engine, server.orgs["alpha"].id)
    failures: list[str] = []
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) >= 30
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
        def run(case: schemathesis.Case) -> None:
            answer = case.call(base_url=server.base, headers=headers)
            if answer.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path}: {answer.status_code}")

        run()
    assert failures == []
    # Nothing it tried reached the other org.
    assert _fingerprint(server.engine, server.orgs["alpha"].id) == alpha_before
