"""Issue 10, privacy: credentials are masked on every write path, not only in hooks.

A known set of secrets goes through every face — the CLI (subprocess), the MCP server
(official client over stdio), the HTTP API (TestClient, structured and raw ingest), the
Python library, the hook and its drain, a transcript import — and then the raw bytes of
every file under STINT_HOME (database, its WAL, the spool) are searched for each secret:
none may be found. On PostgreSQL every text and JSON column of every table is read back.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import anyio
import pytest
from fastapi.testclient import TestClient
from mcp import Client, StdioServerParameters
from mcp.types import Implementation
from sqlalchemy import String, create_engine, select
from sqlalchemy.types import JSON

from conftest import STINT, run_stint
from stint.capture import fastpath
from stint.model.redaction import redact, redact_value
from stint.store import schema
from stint.tracker import Tracker
from stint.web import create_app
from transcripts import Transcript

# Each value is what must never be stored; the text around it is how it is typed.
ANTHROPIC = "sk-ant-api03-Zq7xK9mP2vL4nR8sT1wY6uB3cD5eF0gH"
OPENAI = "sk-proj-Qw3Er5Ty7Ui9Op1As3Df5Gh7Jk9L"
GITHUB = "ghp_Mn4Bv6Cx8Zl1Kj3Hg5Fd7Sa9Po2Iu4Yt6Re8W"
GITHUB_PAT = "github_pat_11ABCDEFG0Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1"
AWS_ID = "AKIAQX7RZ2VB4NM6KL3P"
AWS_SECRET = "wJalrXUtnFEMIK7MDENGbPxRfiCYzEXAMPLEKEY42"
PASSWORD = "hunter2hunter"
BEARER = "b3arerT0kenQ9w8e7r6t5y4u3"
URL_PASSWORD = "pw9secretXY"
PEM_BODY = "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUtUEMbody"
SECRETS = [
    ANTHROPIC,
    OPENAI,
    GITHUB,
    GITHUB_PAT,
    AWS_ID,
    AWS_SECRET,
    PASSWORD,
    BEARER,
    URL_PASSWORD,
    PEM_BODY,
]
PHRASES = [
    f"key {ANTHROPIC}",
    f"export OPENAI_API_KEY={OPENAI}",
    f"export GITHUB_TOKEN={GITHUB}",
    f"push with {GITHUB_PAT}",
    f"aws {AWS_ID}",
    f"aws_secret_access_key = {AWS_SECRET}",
    f"password={PASSWORD}",
    f"curl -H 'Authorization: Bearer {BEARER}' https://api.test",
    f"psql postgres://bob:{URL_PASSWORD}@db.example.com/app",
    f"-----BEGIN OPENSSH PRIVATE KEY-----\n{PEM_BODY}\n-----END OPENSSH PRIVATE KEY-----",
]
TEXT = "notes: " + "; ".join(PHRASES)
SHORT = f"pw password={PASSWORD}"  # fits bounded columns (names, tags)
CLAUDE = Implementation(name="claude-code", version="2.1.240")


def _leaks(blob: bytes | str) -> list[str]:
    data = blob.encode() if isinstance(blob, str) else blob
    return [s for s in SECRETS if s.encode() in data]


def _home_leaks(home: Path) -> dict[str, list[str]]:
    """Secrets found in the raw bytes of any file under STINT_HOME (database, -wal,
    spool, log), by file."""
    found = {}
    for path in home.rglob("*"):
        if path.is_file() and (hits := _leaks(path.read_bytes())):
            found[path.name] = hits
    return found


def _ok(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    done = run_stint(*args, cwd=cwd, env=env)
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    return done.stdout


# ------------------------------------------------------------------ the faces


def _cli(work: Path, env: dict[str, str]) -> None:
    _ok("start", "--project", "cli", "--goal", TEXT, "--name", SHORT, "--tag", SHORT, env=env)
    _ok("goal", TEXT, env=env)
    _ok("note", TEXT, env=env)
    _ok("note", "password=hunter2hunter", env=env)
    _ok("decision", f"key {ANTHROPIC}", "--why", TEXT, env=env)
    _ok("context", TEXT, env=env)
    _ok("log", "command_executed", f"export GITHUB_TOKEN={GITHUB}", env=env)
    _ok("log", "note", TEXT, "--file", f"src/password={PASSWORD}.py", env=env)
    _ok("task", "add", TEXT, env=env)
    _ok("tag", SHORT, env=env)
    _ok("end", "--notes", TEXT, env=env)


def _mcp(work: Path, env: dict[str, str]) -> None:
    base = {k: os.environ[k] for k in ("PATH", "HOME", "STINT_HOME") if k in os.environ}
    params = StdioServerParameters(command=STINT, args=["mcp"], env={**base, **env}, cwd=str(work))

    async def scenario() -> None:
        async with Client(params, client_info=CLAUDE, mode="legacy") as client:
            calls: list[tuple[str, dict[str, Any]]] = [
                ("session_start", {"goal": TEXT, "project": "mcp", "tags": [SHORT]}),
                ("session_goal", {"goal": TEXT}),
                ("session_note", {"text": TEXT}),
                ("task_create", {"title": TEXT, "external_id": "t-1"}),
                ("decision_record", {"decision": TEXT, "rationale": TEXT}),
                ("context_add", {"text": f"db at postgres://bob:{URL_PASSWORD}@host/db"}),
                ("context_add", {"text": TEXT}),
                ("file_touched", {"path": f"cfg/token={GITHUB}.txt", "lines_added": 1}),
                ("session_end", {"notes": TEXT}),
            ]
            for name, arguments in calls:
                result = await client.call_tool(name, arguments)
                assert result.is_error is False, (name, result.content)

    anyio.run(scenario)


def _http(tracker: Tracker) -> None:
    with TestClient(create_app(tracker, housekeeping_seconds=None)) as client:
        created = client.post(
            "/api/v1/sessions",
            json={"project": "api", "goal": TEXT, "name": SHORT, "tags": [SHORT]},
        )
        assert created.status_code == 201, created.text
        ref = created.json()["number"]
        posts = [
            (f"/api/v1/sessions/{ref}/tasks", {"title": TEXT}),
            (f"/api/v1/sessions/{ref}/decisions", {"text": TEXT, "rationale": TEXT}),
            (f"/api/v1/sessions/{ref}/context", {"text": TEXT}),
        ]
        for path, body in posts:
            response = client.post(path, json=body)
            assert response.status_code == 201, (path, response.text)
        patched = client.patch(
            f"/api/v1/sessions/{ref}",
            json={"goal": TEXT, "summary": TEXT, "learnings": TEXT, "notes": TEXT},
        )
        assert patched.status_code == 200, patched.text
        ended = client.post(f"/api/v1/sessions/{ref}/end", json={"notes": TEXT})
        assert ended.status_code == 200, ended.text
        event = {
            "type": "command_executed",
            "key": "remote-cmd-1",
            "description": TEXT,
            "file_path": f"x/password={PASSWORD}",
            "payload": {"command": TEXT, "env": {"GITHUB_TOKEN": GITHUB}, "args": [TEXT]},
        }
        batch = {
            "sessions": [
                {"agent": "claude_code", "agent_session_id": "remote-1", "events": [event]}
            ],
            "records": [
                {
                    "received_at": 1_790_000_000.0,
                    "hook": {
                        "session_id": "remote-raw",
                        "hook_event_name": "UserPromptSubmit",
                        "cwd": "/nonexistent/remote",
                        "prompt": TEXT,
                    },
                }
            ],
        }
        ingested = client.post("/api/v1/ingest", json=batch)
        assert ingested.status_code == 200, ingested.text
        assert ingested.json()["stored"] == 1


def _library(tracker: Tracker) -> None:
    s = tracker.begin(kind="conversation", project="lib", goal=TEXT, name=SHORT, tags=[SHORT])
    s.interaction(
        "prompt", TEXT, role="user", response=TEXT, themes=[TEXT], data={"password": PASSWORD}
    )
    s.interaction("command", f"export GITHUB_TOKEN={GITHUB}", model="m", input_tokens=3)
    s.artifact("draft", TEXT, name=SHORT, data={"body": TEXT, "nested": [{"k": TEXT}]})
    s.note(TEXT)
    s.link_subject("subject-1", name=SHORT, notes=TEXT)
    s.set_state(topic=TEXT)
    s.followup(notes=TEXT, suggestion=TEXT)
    s.complete(summary=TEXT, learnings=TEXT, notes=TEXT)
    other = tracker.start(project="lib2", goal=TEXT)
    tracker.add_decision(other.id, TEXT, rationale=TEXT)
    tracker.add_context(other.id, TEXT)
    tracker.add_note(other.id, TEXT)
    tracker.add_task(other.id, TEXT)
    tracker.update(other.id, summary=TEXT, learnings=TEXT)
    tracker.end(other.id, notes=TEXT)


def _hook_records(cwd: Path) -> list[dict[str, Any]]:
    sid = "9a9a9a9a-2222-4c2a-9d55-0b6a1d2e3f40"
    base = {
        "session_id": sid,
        "transcript_path": f"/nonexistent/{sid}.jsonl",
        "cwd": str(cwd),
        "permission_mode": "acceptEdits",
    }
    bash = {"command": f"export GITHUB_TOKEN={GITHUB} && psql postgres://bob:{URL_PASSWORD}@h/d"}
    return [
        {**base, "hook_event_name": "SessionStart", "source": "startup"},
        {**base, "hook_event_name": "UserPromptSubmit", "prompt": TEXT},
        {
            **base,
            "hook_event_name": "PreToolUse",
            "tool_name": "Bash",
            "tool_use_id": "toolu_b",
            "tool_input": bash,
        },
        {
            **base,
            "hook_event_name": "PostToolUse",
            "tool_name": "Bash",
            "tool_use_id": "toolu_b",
            "tool_input": bash,
            "tool_response": {"stdout": TEXT, "stderr": "", "password": PASSWORD},
        },
        {**base, "hook_event_name": "Stop"},
    ]


def _hook(work: Path, env: dict[str, str], home: Path) -> None:
    for record in _hook_records(work):
        done = run_stint("hook", "claude-code", cwd=work, input=json.dumps(record), env=env)
        assert done.returncode == 0 and done.stdout == "", done.stderr
    assert (home / "spool.db").exists()
    # Before any drain: the spool file itself holds no secret.
    assert _home_leaks(home) == {}
    _ok("drain", env=env)


def _import(tmp_path: Path, env: dict[str, str]) -> None:
    sid = "5b5b5b5b-3333-4c2a-9d55-0b6a1d2e3f40"
    t = Transcript(sid, str(tmp_path / "imported"))
    t.prompt(TEXT)
    t.tool("toolu_i", "Bash", {"command": f"export GITHUB_TOKEN={GITHUB}"})
    t.tool("toolu_j", "Grep", {"pattern": f"password={PASSWORD}"})
    path = t.write(tmp_path / "claude" / "projects" / "-imported" / f"{sid}.jsonl")
    _ok("import", "claude-code", str(path), env=env)


def _every_face(tmp_path: Path, home: Path, database_url: str | None) -> None:
    env = {"STINT_CAPTURE_POLICY": "full", "STINT_NO_BACKGROUND_DRAIN": "1"}
    if database_url is not None:
        env["STINT_DATABASE_URL"] = database_url
    work = Path.cwd()
    _cli(work, env)
    mcp_dir = tmp_path / "mcp-work"
    mcp_dir.mkdir()
    _mcp(mcp_dir, env)
    tracker = Tracker.open(database_url, capture_policy="full")
    try:
        _http(tracker)
        _library(tracker)
    finally:
        tracker.close()
    _hook(work, env, home)
    _import(tmp_path, env)


def _stored_counts(database_url: str | None) -> dict[str, int]:
    tracker = Tracker.open(database_url)
    try:
        sessions = tracker.sessions(limit=100)
        return {
            "sessions": len(sessions),
            "notes": sum(s.notes_count for s in sessions),
            "decisions": sum(s.decisions_made for s in sessions),
        }
    finally:
        tracker.close()


# ------------------------------------------------------------------ the tests


def test_no_secret_reaches_any_file_on_sqlite(tmp_path: Path, stint_home: Path) -> None:
    _every_face(tmp_path, stint_home, None)
    counts = _stored_counts(None)
    # Every face really wrote (cli, mcp, api, api ingest ×2, lib ×2, hook, import).
    assert counts["sessions"] >= 9 and counts["decisions"] >= 4, counts
    files = {p.name for p in stint_home.rglob("*") if p.is_file()}
    assert {"stint.db", "spool.db"} <= files
    assert _home_leaks(stint_home) == {}


def test_no_secret_in_any_text_column_on_postgresql(
    tmp_path: Path, stint_home: Path, pg_url: str
) -> None:
    _every_face(tmp_path, stint_home, pg_url)
    assert _stored_counts(pg_url)["sessions"] >= 9
    engine = create_engine(pg_url)
    leaks: dict[str, list[str]] = {}
    rows_read = 0
    try:
        with engine.connect() as conn:
            for table in schema.metadata.sorted_tables:
                # Every column stored as text or JSON, read without the type's processing.
                columns = [
                    c
                    for c in table.columns
                    if isinstance(getattr(c.type, "impl", c.type), String | JSON)
                ]
                if not columns:
                    continue
                for row in conn.execute(select(*[c.cast(String) for c in columns])):
                    rows_read += 1
                    if hits := _leaks(json.dumps(list(row), default=str)):
                        leaks[table.name] = hits
    finally:
        engine.dispose()
    assert rows_read > 50
    assert leaks == {}
    assert _home_leaks(stint_home) == {}  # the spool (and any log) on this machine


# ------------------------------------------------------------------ the pieces


@pytest.mark.parametrize("phrase", PHRASES)
def test_each_listed_secret_is_recognised(phrase: str) -> None:
    assert _leaks(redact(phrase)) == [] and "[REDACTED]" in redact(phrase)


def test_a_json_value_under_a_secret_key_is_masked_and_keys_stay() -> None:
    value = {"password": PASSWORD, "GITHUB_TOKEN": "plainvalue", "input_tokens": 12, "a": [TEXT]}
    masked = redact_value(value)
    assert isinstance(masked, dict)
    assert set(masked) == set(value) and masked["input_tokens"] == 12
    assert masked["password"] == masked["GITHUB_TOKEN"] == "[REDACTED]"
    assert _leaks(json.dumps(masked)) == []


def test_prose_is_left_alone() -> None:
    for text in ("basic configuration works", "bearer of bad news", "ls -la src/ && make"):
        assert redact(text) == text
    assert BEARER not in redact(f"Authorization: Bearer {BEARER}")
    assert "abcdefghijklmnop" not in redact("Authorization: Bearer abcdefghijklmnop")


def test_the_hook_masks_before_the_spool_and_keeps_valid_json() -> None:
    record = {"hook_event_name": "UserPromptSubmit", "prompt": TEXT, "note": 'say "hi"\\'}
    masked = fastpath.mask_secrets(json.dumps(record))
    assert _leaks(masked) == []
    assert json.loads(masked)["hook_event_name"] == "UserPromptSubmit"
    plain = json.dumps({"hook_event_name": "Stop", "cwd": "/home/u/app"})
    assert fastpath.mask_secrets(plain) is plain  # no hint of a secret: untouched
    hinted = '{"hook_event_name":"Stop",  "prompt":"the token counter passed"}'
    assert fastpath.mask_secrets(hinted) == hinted  # a hint but no secret: byte for byte
    lone = '{"prompt": "\\ud800 password=hunter2hunter"}'
    assert _leaks(fastpath.mask_secrets(lone)) == []
    (fastpath.mask_secrets(lone)).encode("utf-8")  # storable in the spool
