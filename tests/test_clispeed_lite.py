"""The read commands' bare-sqlite3 path (stint.store.lite, stint.sessions.quick) gives
exactly what the SQLAlchemy path gives, on one populated store, and steps aside whenever
a write is due first or the store is not one it can read."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Boolean
from sqlalchemy.types import JSON

from stint.capture import spool
from stint.model.filters import SessionFilter
from stint.model.types import EventIn, NotFound, Session
from stint.sessions import quick, reading
from stint.sessions.reading import SessionReader
from stint.store import schema
from stint.store.columns import UTCDateTime
from stint.store.lite import open_lite
from stint.store.lite_columns import COLUMNS
from stint.tracker import Tracker

# Real time (a session start stamps `seen_at` with it), frozen for the readers.
NOW = datetime.now(UTC).replace(microsecond=0)


def _kind(column: Any) -> str:
    kind = column.type
    if isinstance(kind, UTCDateTime):
        return "datetime"
    if isinstance(kind, Boolean):
        return "bool"
    if isinstance(kind, JSON) or isinstance(getattr(kind, "impl", None), JSON):
        return "json"
    return ""


def test_lite_columns_are_schema_columns_in_order() -> None:
    for table, columns in COLUMNS.items():
        expected = tuple((c.name, _kind(c)) for c in getattr(schema, table).c)
        assert columns == expected, f"{table}: regenerate stint/store/lite_columns.py"


@pytest.fixture
def populated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Tracker]:
    """Sessions of every shape: ended with tasks, files, tokens, tags, decisions, context
    and commits; paused; open; back-dated; scheduled; with goal indicators."""
    url = f"sqlite:///{tmp_path / 'stint.db'}"
    t = Tracker.open(url)
    monkeypatch.setattr(reading, "utcnow", lambda: NOW)
    base = NOW - timedelta(hours=5)
    done = t.start(project="alpha", goal="ship it", tags=["b", "a"], at=base)
    task = t.add_task(done.id, "write code", at=base + timedelta(minutes=1))
    t.add_task(done.id, "test code", status="in_progress", at=base + timedelta(minutes=2))
    t.set_task_status(done.id, task.id, "completed", at=base + timedelta(minutes=3))
    t.add_decision(done.id, "use sqlite3")
    t.add_context(done.id, "see DESIGN.md")
    t.touch_file(done.id, "src/a.py", added=10, removed=2)
    t.touch_file(done.id, "src/b.py", modified=False)
    t.touch_file(done.id, "src/a.py", added=1)
    tokens = {"model": "claude-opus-4-6", "input_tokens": 100, "output_tokens": 50}
    t.record(done.id, EventIn("tokens", occurred_at=base + timedelta(minutes=4), payload=tokens))
    t.record(done.id, EventIn("tool_call", occurred_at=base + timedelta(minutes=5)))
    t.end(done.id, at=base + timedelta(minutes=30), outcome="achieved", evaluate=False)
    with t.store.write() as conn:
        conn.execute(
            schema.commits.insert(),
            [
                {
                    "org_id": "local",
                    "session_id": done.id,
                    "sha": "abc123",
                    "subject": "first",
                    "committed_at": base + timedelta(minutes=20),
                    "lines_added": 3,
                    "lines_removed": 1,
                }
            ],
        )
    old = t.start(project="beta", goal="back-dated", at=NOW - timedelta(days=3), tags=["a"])
    t.end(old.id, at=NOW - timedelta(days=3) + timedelta(hours=1), evaluate=False)
    paused = t.start(project="beta", goal="paused one", at=NOW - timedelta(minutes=50))
    t.record(paused.id, EventIn("message", occurred_at=NOW - timedelta(minutes=40)))
    t.pause(paused.id, at=NOW - timedelta(minutes=30))
    t.start(
        project="alpha",
        goal="open one",
        success_indicators=["tests pass"],
        at=NOW - timedelta(minutes=10),
        kind="conversation",
    )
    t.start(project="gamma", goal="later", scheduled_at=NOW + timedelta(days=1))
    yield t
    t.close()


def _both(t: Tracker) -> tuple[SessionReader, SessionReader]:
    lite = open_lite(t.store.url, t.org)
    assert lite is not None
    return SessionReader(t.store, t.settings), quick.QuickReader(lite, t.settings)  # type: ignore[arg-type]


def _same(call: Any) -> Any:
    """`call(reader)` on both readers: the same value, or the same error."""

    def outcome(reader: SessionReader) -> Any:
        try:
            return call(reader)
        except NotFound as exc:
            return ("NotFound", str(exc))

    return outcome


def test_both_paths_read_the_same(populated: Tracker) -> None:
    full, lite = _both(populated)
    sessions = full.sessions(limit=50)
    assert len(sessions) == 5
    refs: list[str | int] = ["last", "current", "#2", "2", "#99", "99", "nope", "zz"]
    refs += [s.id for s in sessions] + [s.uuid[:8] for s in sessions] + [12345]
    calls: list[Any] = [
        lambda r: r.current(),
        lambda r: r.sessions(limit=50),
        lambda r: r.sessions(limit=2),
        lambda r: r.sessions(SessionFilter(project="beta")),
        lambda r: r.sessions(SessionFilter(tag="a")),
        lambda r: r.sessions(SessionFilter(status="complete")),
        lambda r: r.sessions(SessionFilter(status="paused")),
        lambda r: r.sessions(SessionFilter(kind="conversation")),
        lambda r: r.sessions(SessionFilter(since=NOW - timedelta(days=1))),
        lambda r: r.sessions(SessionFilter(until=NOW - timedelta(days=1))),
        lambda r: r.sessions(SessionFilter(search="SHIP")),
        lambda r: r.sessions(SessionFilter(followups=True)),
        lambda r: r.stale_ids(NOW + timedelta(days=2)),
        lambda r: r.stale_ids(NOW),
    ]
    calls += [lambda r, s=s: r.sessions(limit=50, before_id=s.id) for s in sessions]
    for ref in refs:
        calls += [
            lambda r, ref=ref: r.get(ref),
            lambda r, ref=ref: r.files(ref),
            lambda r, ref=ref: r.files(ref, limit=1),
            lambda r, ref=ref: r.tasks(ref),
            lambda r, ref=ref: r.decisions(ref),
            lambda r, ref=ref: r.context_items(ref),
            lambda r, ref=ref: r.commits(ref),
            lambda r, ref=ref: r.timeline(ref),
            lambda r, ref=ref: r.recent_activities(ref, 2),
        ]
    for call in calls:
        assert _same(call)(lite) == _same(call)(full)
    for session in sessions:
        assert lite.indicators(session) == full.indicators(session)
        assert lite.live(session) == full.live(session)
    # What is compared has substance: the rows carry every kind of column.
    done = full.get("#1")
    assert isinstance(done, Session) and done.tags == ["a", "b"]
    assert isinstance(done.started_at, datetime) and done.started_at.tzinfo is not None
    assert done.input_tokens == 100 and done.tool_call_count == 1
    assert full.commits("#1")[0]["committed_at"].tzinfo is not None
    assert full.get("#4").success_indicators == ["tests pass"]
    assert full.get("#3").status == "paused" and full.get("#3").pulse_paused is True
    assert [t.status for t in full.tasks("#1")] == ["completed", "in_progress"]
    assert full.stale_ids(NOW + timedelta(days=2)) == [4]


def test_the_lite_path_steps_aside(populated: Tracker, tmp_path: Path) -> None:
    url, home = populated.store.url, populated.settings.home
    assert open_lite("postgresql+psycopg://postgres@127.0.0.1/test", "local") is None
    assert open_lite(f"sqlite:///{tmp_path / 'missing.db'}", "local") is None
    assert not (tmp_path / "missing.db").exists()
    assert open_lite(url, "another-org") is None
    never = quick.open_reader(url, pending=lambda _home: True, home=home)
    assert never is None
    found = quick.open_reader(url, pending=spool.has_pending, home=home)
    assert found is not None
    found.close()
    conn = sqlite3.connect(url.split("///", 1)[1])
    conn.execute("UPDATE alembic_version SET version_num = '0001'")
    conn.commit()
    conn.close()
    assert open_lite(url, "local") is None


def test_a_stale_session_sends_the_command_to_the_tracker(
    populated: Tracker, monkeypatch: pytest.MonkeyPatch
) -> None:
    later = NOW + timedelta(days=2)
    monkeypatch.setattr(quick, "utcnow", lambda: later)
    home = populated.settings.home
    assert quick.open_reader(populated.store.url, pending=lambda _h: False, home=home) is None


def test_has_pending_reads_the_spool(tmp_path: Path) -> None:
    home = str(tmp_path / "home")
    assert spool.has_pending(home) is False
    spool.append(home, "claude_code", "{}")
    assert spool.has_pending(home) is True
    conn = spool.open_existing(home)
    assert conn is not None
    spool.remove(conn, [row[0] for row in spool.pending(conn, 10)])
    conn.close()
    assert spool.has_pending(home) is False


@pytest.mark.parametrize(
    "args",
    [
        ["status", "--json"],
        ["list", "--json"],
        ["list", "--json", "--tag", "a"],
        ["show", "last", "--json"],
        ["show", "#1", "--json"],
        ["show", "#4", "--json"],
        ["list"],
        ["show", "#1"],
        ["show", "#99"],
        ["timeline", "#1", "--json"],
        ["timeline", "#1"],
    ],
    ids=" ".join,
)
def test_the_commands_print_the_same_on_both_paths(
    populated: Tracker, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    from click.testing import CliRunner

    from stint.cli import cli

    monkeypatch.setenv("COLUMNS", "200")
    command = ["--database", populated.store.url, *args]
    opened: list[Any] = []
    real_open = quick.open_reader

    def counting(*a: Any, **k: Any) -> Any:
        found = real_open(*a, **k)
        opened.append(found)
        return found

    monkeypatch.setattr(quick, "open_reader", counting)
    lite = CliRunner().invoke(cli, command)
    assert opened and opened[0] is not None, "the lite path was not taken"
    monkeypatch.setattr(quick, "open_reader", lambda *a, **k: None)
    full = CliRunner().invoke(cli, command)
    assert (lite.exit_code, lite.output) == (full.exit_code, full.output)
    assert lite.output.strip()
