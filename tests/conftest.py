"""Test isolation: every test gets its own STINT_HOME; store tests run on SQLite and on
PostgreSQL (a schema of its own per test). On CI, PostgreSQL must be reachable."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

PG_SERVER = os.environ.get("STINT_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
STINT = str(Path(sys.executable).parent / "stint")


@pytest.fixture(autouse=True)
def stint_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "stint-home"
    work = tmp_path / "workdir"
    work.mkdir()
    monkeypatch.chdir(work)  # not inside this project's own git repository
    monkeypatch.setenv("STINT_HOME", str(home))
    monkeypatch.delenv("STINT_DATABASE_URL", raising=False)
    # genai-prices' remembered answers (stint.pricing.source.Remembered) stay the test's own
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    # A Stop or SessionEnd hook would start a detached drain racing the test's own;
    # the test of that drain turns it back on.
    monkeypatch.setenv("STINT_NO_BACKGROUND_DRAIN", "1")
    for name in ("GIT_DIR", "GIT_WORK_TREE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Test")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "test@example.com")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Test")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "test@example.com")
    return home


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now (for a server a test starts)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def pg_schema_url() -> Iterator[str]:
    from sqlalchemy import create_engine, text

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_SERVER)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:
        admin.dispose()
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required on CI and could not be reached: {exc}")
        pytest.skip(f"PostgreSQL not reachable: {exc}")
    try:
        yield f"{PG_SERVER}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, stint_home: Path) -> Iterator[str]:
    """A fresh, empty database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{stint_home / 'stint.db'}"
    else:
        yield from pg_schema_url()


@pytest.fixture
def pg_url(stint_home: Path) -> Iterator[str]:
    yield from pg_schema_url()


@pytest.fixture
def tracker(database_url: str):  # type: ignore[no-untyped-def]
    from stint.tracker import Tracker

    t = Tracker.open(database_url)
    yield t
    t.close()


def run_stint(
    *args: str,
    cwd: Path | str | None = None,
    input: str | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run the real console script."""
    return subprocess.run(
        [STINT, *args],
        cwd=cwd,
        input=input,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A real git repository with one commit."""
    root = tmp_path / "myrepo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    (root / "README.md").write_text("hello\nworld\n")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "initial")
    return root
