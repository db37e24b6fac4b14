"""`stint show`, `status` and `list` read a session once: the reference is resolved and
scoped once and every part is read in one transaction (`SessionReader.detail`, `.card`),
on the plain path's sqlite3 and the Store's SQLAlchemy alike, with what the piecewise
reads gave and the same scoping of a member to their own sessions.

Structural, not timed: the statements each command sends to SQLite are counted."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event

from stint.model.types import EventIn, NotFound
from stint.plain import commands, views
from stint.sessions import quick, reading
from stint.sessions.reading import SessionReader
from stint.tracker import Tracker

# `SELECT id FROM sessions WHERE org_id = ? AND id = ?`: the check each sub-read made.
OWNERSHIP_CHECK = "SELECT id FROM sessions WHERE org_id ="


def _fill(t: Tracker, now: datetime) -> None:
    """An ended session with everything `show` prints, then an open one with an event."""
    base = now - timedelta(hours=5)
    done = t.start(project="alpha", goal="ship it", tags=["b", "a"], at=base)
    task = t.add_task(done.id, "write code", at=base + timedelta(minutes=1))
    t.set_task_status(done.id, task.id, "completed", at=base + timedelta(minutes=3))
    t.add_decision(done.id, "use sqlite3")
    t.add_context(done.id, "see DESIGN.md")
    t.touch_file(done.id, "src/a.py", added=10, removed=2)
    t.touch_file(done.id, "src/b.py", modified=False)
    tokens = {"model": "claude-opus-4-6", "input_tokens": 100, "output_tokens": 50}
    t.record(done.id, EventIn("tokens", occurred_at=base + timedelta(minutes=4), payload=tokens))
    t.record(done.id, EventIn("tool_call", occurred_at=base + timedelta(minutes=5)))
    t.end(done.id, at=base + timedelta(minutes=30), outcome="achieved", evaluate=False)
    live = t.start(project="alpha", goal="the open one", at=now - timedelta(minutes=10))
    t.touch_file(live.id, "src/c.py", added=1)
    # An event keeps the open session's pulse on its row: its figures need no event read.
    t.record(live.id, EventIn("tool_call", occurred_at=now - timedelta(minutes=5)))


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> Iterator[Tracker]:
    # The readers' clock, frozen a little ahead of what `_fill` records at the real time
    # (`touch_file`), so the open session's kept state is as of before it.
    now = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=1)
    monkeypatch.setattr(reading, "utcnow", lambda: now)
    monkeypatch.setattr(views, "utcnow", lambda: now)
    t = Tracker.open(None)
    _fill(t, now)
    yield t
    t.close()


@pytest.fixture
def traced(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every statement a sqlite3 connection opened from here on sends, in order."""
    seen: list[str] = []
    connect = sqlite3.connect

    def tracing(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        conn: sqlite3.Connection = connect(*args, **kwargs)
        conn.set_trace_callback(seen.append)
        return conn

    monkeypatch.setattr(sqlite3, "connect", tracing)
    return seen


def _selects(statements: list[str]) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith(("SELECT", "WITH"))]


def _plain(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert commands.run(args) == 0
    out: str = capsys.readouterr().out
    return out


def test_show_last_sends_ten_selects_and_no_ownership_check(
    store: Tracker, traced: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    out = _plain(["show", "last"], capsys)
    assert "the open one" in out
    selects = _selects(traced)
    # schema+org, the sweep's check, last's row, tags, files, activity, health, tasks,
    # decisions, context (19 before: the id resolved again by each part).
    assert len(selects) == 10, selects
    assert not [s for s in selects if s.startswith(OWNERSHIP_CHECK)]
    assert sum(s.startswith("SELECT sessions.") for s in selects) == 1  # the row, once


def test_show_reads_its_parts_in_one_transaction(
    store: Tracker, traced: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    _plain(["show", "1"], capsys)
    begin = traced.index("BEGIN", traced.index("BEGIN") + 1)  # the first is the sweep's
    end = traced.index("COMMIT", begin)
    inside = _selects(traced[begin:end])
    assert len(inside) == 9  # #1 resolved, its row, then its eight parts
    assert len(_selects(traced)) == len(inside) + 2


def test_status_and_list_send_no_repeated_reads(
    store: Tracker, traced: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert "the open one" in _plain(["status"], capsys)
    status = _selects(traced)
    # schema+org, sweep, open sessions, the row, tags, files (9 before).
    assert len(status) == 6, status
    assert not [s for s in status if s.startswith(OWNERSHIP_CHECK)]
    traced.clear()
    assert "ship it" in _plain(["list"], capsys)
    assert len(_selects(traced)) == 4, traced  # schema+org, sweep, the rows, tags (6 before)


def _piecewise(reader: SessionReader, ref: str | int) -> tuple[Any, ...]:
    session = reader.get(ref)
    return (
        session,
        reader.files(session.id),
        reader.recent_activities(session.id, 5),
        reader.indicators(session),
        reader.health_summaries([session.id]).get(session.id),
        reader.health_line(session.id),
        reader.tasks(session.id),
        reader.decisions(session.id),
        reader.context_items(session.id),
        reader.commits(session.id),
    )


def _at_once(reader: SessionReader, ref: str | int) -> tuple[Any, ...]:
    d = reader.detail(ref, commits=True)
    return (
        d.session,
        d.files,
        d.recent,
        d.indicators,
        d.health,
        d.health_line,
        d.tasks,
        d.decisions,
        d.context,
        d.commits,
    )


@pytest.mark.parametrize("ref", ["last", "current", "1", "#1", 2])
def test_detail_is_what_the_piecewise_reads_give(store: Tracker, ref: str | int) -> None:
    lite = quick.open_reader(None, pending=lambda home: False)
    assert lite is not None
    try:
        for reader in (store, lite):
            assert _at_once(reader, ref) == _piecewise(reader, ref)
        assert _at_once(lite, ref) == _at_once(store, ref)
    finally:
        lite.close()


def test_card_is_current_live_and_its_top_files(store: Tracker) -> None:
    card = store.card()
    assert card is not None
    session, files = card
    assert session == store.live(store.get("current"))
    assert files == store.files(session.id, limit=3)


def test_detail_on_the_store_is_one_statement_per_part(store: Tracker) -> None:
    sent: list[str] = []
    engine = store.store.engine

    def count(*args: Any) -> None:
        sent.append(args[2])

    event.listen(engine, "before_cursor_execute", count)
    try:
        store.detail("last")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(_selects(sent)) == 8  # last's row, tags and the six parts: no re-resolving


def test_a_member_reads_in_one_go_only_their_own(database_url: str) -> None:
    now = datetime.now(UTC)
    t = Tracker.open(database_url)
    try:
        member = t.team.create_user(t.org, "member", role="member")["id"]
        other = t.team.create_user(t.org, "other", role="member")["id"]
        mine = Tracker(t.store, t.settings, t.org, user_id=member, only_user=member)
        theirs = Tracker(t.store, t.settings, t.org, user_id=other, only_user=other)
        own = mine.start(project="p", goal="mine", at=now - timedelta(hours=1))
        mine.add_decision(own.id, "kept")
        later = theirs.start(project="p", goal="theirs", at=now - timedelta(minutes=5))
        assert mine.detail(own.id).decisions[0].text == "kept"
        for ref in (later.id, "last", str(later.number)):
            with pytest.raises(NotFound):
                mine.detail(ref)
            with pytest.raises(NotFound):
                mine.get(ref)
        # `current` is the member's own open session, not the newer one of another.
        assert mine.detail("current").session.id == own.id
        card = mine.card()
        assert card is not None and card[0].id == own.id
        assert theirs.detail("last").session.id == later.id
    finally:
        t.close()
