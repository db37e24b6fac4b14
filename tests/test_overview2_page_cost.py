"""The overview's page is the one an uncached rendering gives for the same data and the
same instant, while its open session's files are kept per data version; a file edited
after a page shows on the next; and the pages' routes, matched before the API's, answer
the same paths as before (no API route matches a page's path)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from markupsafe import Markup
from starlette.requests import Request
from starlette.routing import Match

from stint.model.types import EventIn
from stint.sessions import reading
from stint.tracker import Tracker
from stint.web import api, create_app, otlp, pages, team_pages, views

INSTANT = datetime(2026, 12, 4, 12, 0, 30, tzinfo=UTC)


@pytest.fixture
def client(tracker: Tracker, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    for module in (reading, pages, views):
        monkeypatch.setattr(module, "utcnow", lambda: INSTANT)
    pages._overview_figures.clear()
    pages._overview_sessions.clear()
    with TestClient(create_app(tracker, housekeeping_seconds=None)) as test_client:
        yield test_client


def _uncached(tracker: Tracker) -> str:
    """The page as rendered from fresh reads: the files of the card read again."""
    zone = views.local_zone()
    data = views.overview_figures(tracker, zone, now=INSTANT)
    figures_html = pages.templates.get_template("_overview_figures.html").render(data)
    scope = {"type": "http", "method": "GET", "path": "/", "headers": [], "query_string": b""}
    response = pages.render(
        Request(scope),
        "overview.html",
        page="overview",
        current=views.live_current(tracker),
        recent=tracker.as_of_now(tracker.sessions(limit=10)),
        figures_html=Markup(figures_html),
    )
    return bytes(response.body).decode()


def _edit(tracker: Tracker, session_id: int, path: str) -> None:
    tracker.record(session_id, EventIn("file_modified", file_path=path, payload={"added": 1}))


def test_the_page_is_the_uncached_rendering_and_shows_a_new_file(
    client: TestClient, tracker: Tracker, repo: Path
) -> None:
    session = tracker.start(goal="kept files", cwd=str(repo))
    _edit(tracker, session.id, "one.py")
    first = client.get("/")
    assert first.status_code == 200
    assert client.get("/").text == first.text == _uncached(tracker)
    assert "<dt>Files</dt><dd>1</dd>" in first.text
    _edit(tracker, session.id, "two.py")
    after = client.get("/").text
    assert "<dt>Files</dt><dd>2</dd>" in after
    assert after == _uncached(tracker)


def test_no_other_route_matches_a_page_path() -> None:
    paths = {getattr(route, "path", "") for route in pages.router.routes}
    concrete = [p.replace("{ref}", "12") for p in paths]
    for path in concrete:
        scope = {"type": "http", "path": path, "method": "GET", "root_path": ""}
        for router in (api.router, team_pages.router, otlp.router):
            for route in router.routes:
                assert route.matches(scope)[0] == Match.NONE, (path, route)
