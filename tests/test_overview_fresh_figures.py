"""The overview keeps its figures between requests while the data version is unchanged,
and a page after any write shows the write: made through the app's own Tracker, through
another Store on the same database (another process, as the hooks are), on SQLite and
PostgreSQL. The data version itself: equal while nothing is committed (SQLite; a shared
PostgreSQL cluster moves under other writers), different after every commit."""

from __future__ import annotations

import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from stint.model.timeparse import utcnow
from stint.model.types import EventIn
from stint.sessions import reading
from stint.tracker import Tracker
from stint.web import create_app, pages


@pytest.fixture
def client(tracker: Tracker) -> Iterator[TestClient]:
    pages._overview_figures.clear()  # figures kept by another test's app
    with TestClient(create_app(tracker, housekeeping_seconds=None)) as test_client:
        yield test_client


def _week_sessions(client: TestClient) -> int:
    page = client.get("/")
    assert page.status_code == 200
    found = re.search(r'<dd id="week-sessions">(\d+)</dd>', page.text)
    assert found, page.text[:500]
    return int(found.group(1))


def _ended(tracker: Tracker, tokens: int = 1000) -> int:
    session = tracker.start(goal="counted", tags=["fresh"], model="claude-opus")
    tracker.record(
        session.id,
        EventIn("tokens", payload={"model": "claude-opus", "input_tokens": tokens}),
    )
    tracker.end(session.id, outcome="achieved")
    return session.id


def _counting_rows(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = reading.SessionReader.dashboard_rows

    def counting(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(reading.SessionReader, "dashboard_rows", counting)
    return calls


def test_figures_are_kept_until_a_write_and_the_page_then_shows_it(
    tracker: Tracker, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _counting_rows(monkeypatch)
    _ended(tracker)
    assert _week_sessions(client) == 1
    assert _week_sessions(client) == 1
    if tracker.store.is_sqlite:  # PostgreSQL's version is the cluster's (other writers)
        assert len(calls) == 1  # the second page kept the figures
    read = len(calls)

    _ended(tracker)  # a write through the app's own Tracker
    assert _week_sessions(client) == 2
    assert len(calls) == read + 1


def test_a_write_from_another_store_shows_on_the_next_page(
    tracker: Tracker, client: TestClient, database_url: str
) -> None:
    assert _week_sessions(client) == 0
    other = Tracker.open(database_url)  # its own engines and connections: another process
    try:
        first = _ended(other)
        assert _week_sessions(client) == 1
        _ended(other)
        assert _week_sessions(client) == 2
        other.forget(first)  # a deletion moves no id or time forward, and still shows
        assert _week_sessions(client) == 1
    finally:
        other.close()


def test_a_changed_figure_of_a_kept_session_shows(tracker: Tracker, client: TestClient) -> None:
    session = tracker.start(goal="open", tags=["before"], model="claude-opus")
    assert "before" in client.get("/").text
    tracker.tag(session.id, ["after"])
    tracker.tag(session.id, ["before"], remove=True)
    page = client.get("/").text
    assert "after" in page.split("Top tags")[1].split("</section>")[0]
    assert "before" not in page.split("Top tags")[1].split("</section>")[0]


def test_the_data_version_moves_with_every_commit_and_only_then(tracker: Tracker) -> None:
    before = tracker.data_version()
    if tracker.store.is_sqlite:  # PostgreSQL's is the cluster's: other writers move it
        assert tracker.data_version() == before
        assert tracker.data_version() == before
    at = utcnow() - timedelta(hours=1)
    tracker.start(goal="moves it", at=at)
    after = tracker.data_version()
    assert after != before
    other = Tracker.open(tracker.store.url)
    try:
        assert other.data_version() != after  # another Store's tokens never match
        other.start(goal="elsewhere", at=at, project="other")
    finally:
        other.close()
    assert tracker.data_version() != after


def test_a_token_taken_on_any_thread_after_a_commit_differs(tracker: Tracker) -> None:
    def on_a_thread() -> Any:
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(tracker.data_version).result()

    before = [tracker.data_version(), on_a_thread()]
    tracker.start(goal="committed")
    after = [tracker.data_version(), on_a_thread()]
    assert not set(before) & set(after)


def test_kept_sessions_brought_up_to_now_read_as_a_fresh_list(
    tracker: Tracker, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = utcnow() - timedelta(hours=2)
    session = tracker.start(goal="still open", at=started)
    tracker.record(session.id, EventIn("message", occurred_at=started + timedelta(minutes=3)))
    ended = tracker.start(goal="done", at=started, project="other")
    tracker.end(ended.id, at=started + timedelta(minutes=30))
    kept = tracker.sessions(limit=10)

    later = utcnow() + timedelta(minutes=7)
    monkeypatch.setattr(reading, "utcnow", lambda: later)
    fresh = tracker.sessions(limit=10)
    brought = tracker.as_of_now(kept)
    figures = ("duration_seconds", "active_seconds", "score", "project", "tags", "row")
    assert [[getattr(s, f) for f in figures] for s in brought] == [
        [getattr(s, f) for f in figures] for s in fresh
    ]
    by_id = {s.id: (s, b) for s, b in zip(kept, brought, strict=True)}
    assert by_id[session.id][1].duration_seconds > by_id[session.id][0].duration_seconds
    assert by_id[ended.id][1] is by_id[ended.id][0]  # an ended one is as it was
