"""Team sync end to end: laptops (SQLite homes) push with `stint sync` to a real
`stint serve` on PostgreSQL, and everything arrives exactly once."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from sync_support import Laptop, Server

FIELDS = (
    "status",
    "tasks_created",
    "decisions_made",
    "context_items_added",
    "lines_added",
    "files_modified",
    "tags",
    "project",
)


@pytest.fixture
def server(pg_url: str, tmp_path: Path) -> Iterator[tuple[Server, str]]:
    served = Server(pg_url, tmp_path / "server-home")
    made = served.admin("init", "--org", "Acme", "--owner", "ada")
    served.start()
    try:
        yield served, made["key"]["token"]
    finally:
        served.stop()


def _laptop(tmp_path: Path, name: str, server: Server, token: str) -> Laptop:
    laptop = Laptop(tmp_path / name)
    added = laptop.stint(
        "remote", "add", "team", server.url, "--key", token, "--machine-name", name
    )
    assert added.returncode == 0, added.stderr
    assert token not in added.stdout
    return laptop


def _sync(laptop: Laptop, *args: str) -> dict[str, object]:
    done = laptop.stint("sync", "--json", *args)
    assert done.returncode == 0, done.stderr
    found: dict[str, object] = json.loads(done.stdout)
    return found


def _local(laptop: Laptop) -> dict[str, dict[str, object]]:
    done = laptop.stint("list", "--json", "--limit", "500")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    rows = rows["items"] if isinstance(rows, dict) else rows
    return {row["uuid"]: row for row in rows}


def test_sync_pushes_sessions_once_with_equal_figures(
    server: tuple[Server, str], tmp_path: Path
) -> None:
    served, token = server
    laptop = _laptop(tmp_path, "laptop-a", served, token)
    uuids = laptop.record(sessions=3, events=5)

    dry = _sync(laptop, "--dry-run")
    assert dry["would_send"]["sessions"] == 3  # type: ignore[index]
    assert served.sessions(token) == {}  # a dry run sends nothing

    first = _sync(laptop)
    assert first["sessions_created"] == 3 and first["activities_duplicate"] == 0
    remote = served.sessions(token)
    local = _local(laptop)
    assert set(remote) == set(uuids)
    for uuid in uuids:
        for name in FIELDS:
            assert remote[uuid][name] == local[uuid][name], (uuid, name)
    # Tokens and cost are the laptop's figures (nothing re-projected, nothing doubled).
    for uuid in uuids:
        status, detail = served.request("GET", f"/api/v1/sessions/{remote[uuid]['id']}", token)
        assert status == 200
        assert detail["cost_usd"] == pytest.approx(local[uuid]["cost_usd"])
        assert detail["input_tokens"] == local[uuid]["input_tokens"] > 0

    again = _sync(laptop)
    assert again["sessions"] == 0 and again["batches"] == 0  # nothing changed, nothing sent
    assert served.sessions(token) == remote

    status = laptop.stint("sync", "--status", "--json")
    found = json.loads(status.stdout)
    assert found["waiting_sessions"] == 0 and found["last_success_at"] and not found["last_error"]
    assert token not in status.stdout

    listed = laptop.stint("remote", "list")
    assert "team" in listed.stdout and token not in listed.stdout
    mode = os.stat(laptop.home / "remotes.json").st_mode & 0o777
    assert mode == 0o600


def test_a_changed_session_is_pushed_again_and_replaces_its_rows(
    server: tuple[Server, str], tmp_path: Path
) -> None:
    served, token = server
    laptop = _laptop(tmp_path, "laptop-a", served, token)
    (uuid,) = laptop.record(sessions=1, events=2)
    _sync(laptop)
    t = laptop.tracker()
    try:
        session_id = t.resolve(uuid[:8])
        t.add_task(session_id, "one more")
    finally:
        t.close()
    waiting = json.loads(laptop.stint("sync", "--status", "--json").stdout)
    assert waiting["waiting_sessions"] == 1 and waiting["waiting_events"] >= 1
    pushed = _sync(laptop)
    assert pushed["sessions_updated"] == 1 and pushed["sessions_created"] == 0
    remote = served.sessions(token)[uuid]
    assert remote["tasks_created"] == 2
    status, tasks = served.request("GET", f"/api/v1/sessions/{remote['id']}/tasks", token)
    assert status == 200 and len(tasks) == 2  # replaced wholesale, not appended


def test_sync_status_after_an_offline_attempt_says_what_waits(tmp_path: Path) -> None:
    laptop = Laptop(tmp_path / "offline")
    port_url = "http://127.0.0.1:9"  # discard port: nothing listens
    laptop.stint("remote", "add", "team", port_url, "--key", "stint_x")
    laptop.record(sessions=2, events=3)
    failed = laptop.stint("sync")
    assert failed.returncode == 1 and "Traceback" not in failed.stderr
    assert "did not take the batch" in failed.stderr
    found = json.loads(laptop.stint("sync", "--status", "--json").stdout)
    assert found["waiting_sessions"] == 2 and found["waiting_events"] >= 6
    assert found["waiting_since"] and found["last_error"] and not found["last_success_at"]
    text = laptop.stint("sync", "--status").stdout
    assert "Waiting: 2 session(s)" in text and "Last success: never" in text
