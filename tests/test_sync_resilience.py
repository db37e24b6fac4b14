"""Team sync when things go wrong or happen by themselves: the server killed in the
middle of a large push and restarted (the next push completes it, everything once), and
the debounced background push after `stint end`."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from sqlalchemy import create_engine, text

from conftest import STINT
from sync_support import Laptop, Server


def _count(url: str, query: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(query)).scalar_one())
    finally:
        engine.dispose()


def test_server_killed_mid_push_then_everything_once(pg_url: str, tmp_path: Path) -> None:
    served = Server(pg_url, tmp_path / "server-home")
    token = served.admin("init", "--org", "Acme", "--owner", "ada")["key"]["token"]
    served.start()
    laptop = Laptop(tmp_path / "laptop")
    laptop.stint("remote", "add", "team", served.url, "--key", token)
    laptop.record(sessions=30, events=600)
    local = f"sqlite:///{laptop.home / 'stint.db'}"
    total = _count(local, "SELECT count(*) FROM activities")
    try:
        push = subprocess.Popen(
            [STINT, "sync"],
            env={**os.environ, **laptop.env},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 60
        while _count(pg_url, "SELECT count(*) FROM activities") == 0:
            assert time.monotonic() < deadline and push.poll() is None
            time.sleep(0.05)
        served.kill()
        partial = _count(pg_url, "SELECT count(*) FROM activities")
        _, err = push.communicate(timeout=120)
        assert 0 < partial < total
        assert push.returncode == 1 and "did not take the batch" in err
        status = laptop.stint("sync", "--status", "--json").stdout
        assert '"last_error": "the server did not take' in status

        served.start()
        done = laptop.stint("sync", "--json")
        assert done.returncode == 0, done.stderr
        assert _count(pg_url, "SELECT count(*) FROM activities") == total
        assert _count(pg_url, "SELECT count(*) FROM sessions") == 30
        assert _count(pg_url, "SELECT count(*) FROM tasks") == 30
        again = laptop.stint("sync", "--json")
        assert '"batches": 0' in again.stdout
        assert _count(pg_url, "SELECT count(*) FROM activities") == total
    finally:
        served.stop()


def test_stint_end_starts_one_debounced_background_push(pg_url: str, tmp_path: Path) -> None:
    served = Server(pg_url, tmp_path / "server-home")
    token = served.admin("init", "--org", "Acme", "--owner", "ada")["key"]["token"]
    served.start()
    laptop = Laptop(tmp_path / "laptop")
    laptop.env["STINT_NO_BACKGROUND_SYNC"] = ""
    try:
        laptop.stint("remote", "add", "team", served.url, "--key", token)
        assert laptop.stint("start", "--name", "background").returncode == 0
        ended = laptop.stint("end")
        assert ended.returncode == 0, ended.stderr
        deadline = time.monotonic() + 30
        while not served.sessions(token):
            assert time.monotonic() < deadline, "no background push arrived"
            time.sleep(0.2)
        stamp = (laptop.home / "sync.stamp").stat().st_mtime
        # Within the debounce window a second end starts no second push.
        laptop.stint("start", "--name", "again")
        laptop.stint("end")
        assert (laptop.home / "sync.stamp").stat().st_mtime == stamp
    finally:
        served.stop()
