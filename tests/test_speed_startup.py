"""Start-up imports (issue 13): a command loads only what it uses.

Each check runs a real process under `python -X importtime` with its own STINT_HOME and
reads the modules it imported from that report, so what is measured is what a person's
`stint status` pays for, not what a warm test process happens to have loaded.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from stint.tracker import Tracker

# Never on a read command: the schema upgrade, the server stacks, the price table.
HEAVY = (
    "alembic",
    "fastapi",
    "starlette",
    "uvicorn",
    "httpx",
    "pydantic",
    "mcp",
    "genai_prices",
    "jinja2",
)
# Not even loaded when nothing touches the database or prints a table.
HEAVY_WITHOUT_DATABASE = (*HEAVY, "sqlalchemy", "rich")
# stint's own layers that only some commands need.
NOT_FOR_READS = (
    # The analytics themselves; not stint.analytics.calls, the Tracker's thin methods
    # into them, which a Tracker class needs to exist.
    "stint.analytics.service",
    "stint.analytics.report",
    "stint.analytics.compare",
    "stint.analytics.export",
    "stint.analytics.stats",
    "stint.store.analytics",
    "stint.capture.claude_code",
    "stint.capture.codex",
    "stint.capture.install",
    "stint.capture.mcp_install",
    "stint.sessions.context",
)

_LINE = re.compile(r"^import time:\s+\d+ \|\s+\d+ \|\s*(\S+)\s*$")
_RUN = "import sys; from stint.entry import main; sys.exit(main(sys.argv[1:]))"


def imported(*args: str, url: str | None = None) -> set[str]:
    """The modules a `stint ARGS` process imports (from `-X importtime` on stderr)."""
    env = {**os.environ}
    env.pop("STINT_DATABASE_URL", None)
    if url is not None:
        env["STINT_DATABASE_URL"] = url
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", _RUN, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    names = {m.group(1) for line in done.stderr.splitlines() if (m := _LINE.match(line))}
    assert "stint.entry" in names, "no -X importtime report"
    return names


def loaded(names: set[str], packages: tuple[str, ...]) -> list[str]:
    return sorted(n for n in names if any(n == p or n.startswith(p + ".") for p in packages))


@pytest.fixture
def store_url(database_url: str) -> str:
    """A store with its schema and one open session, so a read command has a row to show
    and no migration to run."""
    tracker = Tracker.open(database_url)
    try:
        tracker.start(project="demo", goal="measure start-up")
    finally:
        tracker.close()
    return database_url


@pytest.mark.parametrize(
    "args",
    [["status"], ["status", "--json"], ["list"], ["list", "--json"], ["show", "last"]],
    ids=" ".join,
)
def test_read_commands_import_nothing_heavy(store_url: str, args: list[str]) -> None:
    names = imported(*args, url=store_url)
    assert loaded(names, HEAVY) == []
    assert loaded(names, NOT_FOR_READS) == []


@pytest.mark.parametrize("args", [["status", "--json"], ["list", "--json"]], ids=" ".join)
def test_json_output_needs_no_rich(store_url: str, args: list[str]) -> None:
    assert loaded(imported(*args, url=store_url), ("rich",)) == []


@pytest.mark.parametrize(
    "args",
    [["--help"], ["--version"], ["status", "--help"], ["list", "--help"], ["completion", "bash"]],
    ids=" ".join,
)
def test_commands_without_database_import_no_sqlalchemy(args: list[str]) -> None:
    names = imported(*args)
    assert loaded(names, HEAVY_WITHOUT_DATABASE) == []
    assert loaded(names, NOT_FOR_READS) == []


def test_database_error_is_one_line_without_importing_sqlalchemy_up_front(
    tmp_path: Path,
) -> None:
    """The error mapping no longer imports SQLAlchemy to catch its OperationalError; a
    database that cannot be opened still gives the one-line error, exit 1."""
    from click.testing import CliRunner

    from stint.cli import cli

    not_a_file = tmp_path / "dir.db"
    not_a_file.mkdir()
    result = CliRunner().invoke(cli, ["--database", f"sqlite:///{not_a_file}", "list"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: database error: unable to open database file"
    ]
