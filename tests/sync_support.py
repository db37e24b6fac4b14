"""Real parts for the team sync tests: a `stint serve` subprocess on PostgreSQL with
`stint admin init`'s key, and laptops (each a STINT_HOME on SQLite) that push to it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from conftest import STINT, free_port, run_stint
from stint.model.types import EventIn
from stint.tracker import Tracker


class Server:
    """`stint serve` over one PostgreSQL database (a schema of the test's own)."""

    def __init__(self, database: str, home: Path) -> None:
        self.database, self.home = database, home
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "STINT_HOME": str(home), "STINT_DATABASE_URL": database}
        self.process: subprocess.Popen[str] | None = None

    def admin(self, *args: str) -> Any:
        done = run_stint("admin", *args, "--json", env=self.env)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    def start(self) -> Server:
        self.process = subprocess.Popen(
            [STINT, "serve", "--port", str(self.port)],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.url}/api/v1/health", timeout=2).close()
                return self
            except OSError:
                assert self.process.poll() is None, self.process.stderr.read()  # type: ignore[union-attr]
                time.sleep(0.2)
        raise AssertionError("stint serve did not answer in 30 s")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=15)
        self.process = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)
        self.process = None

    def request(
        self, method: str, path: str, token: str | None, body: bytes | None = None
    ) -> tuple[int, Any]:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(
            f"{self.url}{path}", data=body, method=method, headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                return answer.status, json.loads(answer.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"null")

    def sessions(self, token: str) -> dict[str, dict[str, Any]]:
        status, page = self.request("GET", "/api/v1/sessions?limit=500", token)
        assert status == 200, page
        return {row["uuid"]: row for row in page["items"]}


class Laptop:
    """One person's machine: its own STINT_HOME with a SQLite store."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.env = {
            "STINT_HOME": str(home),
            "STINT_DATABASE_URL": "",
            "STINT_NO_BACKGROUND_SYNC": "1",
        }

    def stint(self, *args: str) -> subprocess.CompletedProcess[str]:
        return run_stint(*args, env=self.env)

    def tracker(self) -> Tracker:
        return Tracker.open(f"sqlite:///{self.home / 'stint.db'}", home=self.home)

    def record(self, sessions: int, events: int, tag: str = "sync") -> list[str]:
        """Sessions with events, a task, tokens, a decision, context and a goal record;
        their uuids."""
        made = []
        # The test pushes when it means to: no background push from these ends.
        os.environ["STINT_NO_BACKGROUND_SYNC"] = "1"
        t = self.tracker()
        try:
            for n in range(sessions):
                s = t.start(name=f"work {n}", project="alpha", tags=[tag], goal="ship it")
                batch = [
                    EventIn(type="message", description=f"step {i}", source="hook")
                    for i in range(events)
                ]
                batch.append(
                    EventIn(
                        type="tokens",
                        payload={
                            "model": "claude-sonnet-4-5",
                            "input_tokens": 1000 + n,
                            "output_tokens": 200,
                            "cost_usd": 0.25,
                        },
                    )
                )
                batch.append(
                    EventIn(type="file_modified", file_path="src/app.py", payload={"added": 3})
                )
                t.record_bulk(s.id, batch)
                t.add_task(s.id, f"task of {n}")
                t.add_decision(s.id, "use PostgreSQL", rationale="the team server")
                t.add_context(s.id, "mind the cursor")
                t.goals.add_interaction(s.id, "prompt", "make it sync")
                t.end(s.id)
                made.append(s.uuid)
        finally:
            t.close()
            del os.environ["STINT_NO_BACKGROUND_SYNC"]
        return made
