"""The dashboard in a real headless Chromium (Playwright, Debian's /usr/bin/chromium) against
uvicorn on a free loopback port: pages load with seeded data, charts are drawn, filters
change what is shown, light/dark and narrow windows work, no console errors. A screenshot
of each page is kept under test-artifacts/ (git-ignored)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from conftest import free_port
from stint.model.timeparse import utcnow
from stint.model.types import EventIn
from stint.tracker import Tracker
from stint.web import create_app

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium")


def _seed(tracker: Tracker, cwd: Path) -> None:
    """Ten ended sessions over the last days, two projects, tags and models, plus one
    open session with tokens, files, tasks and decisions."""
    now = utcnow()
    for n in range(10):
        start = now - timedelta(days=n, hours=2 + n % 5)
        session = tracker.start(
            project="alpha" if n % 2 else "beta",
            goal=f"Seeded goal {n}",
            tags=["tdd" if n % 3 == 0 else "refactor"],
            model="claude-opus" if n % 2 else "gpt-5",
            at=start,
            cwd=str(cwd),
        )
        events = [
            EventIn("message", occurred_at=start + timedelta(minutes=5)),
            EventIn(
                "file_modified",
                occurred_at=start + timedelta(minutes=10),
                file_path=f"src/mod{n}.py",
                payload={"added": 10 + n, "removed": n},
            ),
            EventIn(
                "tokens",
                occurred_at=start + timedelta(minutes=20),
                payload={
                    "model": "claude-opus",
                    "input_tokens": 1000 * (n + 1),
                    "output_tokens": 200,
                    "cost_usd": 0.05 * (n + 1),
                },
            ),
        ]
        tracker.record_many(session.id, events)
        tracker.end(session.id, at=start + timedelta(minutes=40), outcome="achieved")
    live = tracker.start(project="alpha", goal="Live dashboard session", tags=["ui"], cwd=str(cwd))
    task = tracker.add_task(live.id, "Draw the charts")
    tracker.set_task_status(live.id, task.id, "completed")
    tracker.add_decision(live.id, "Use uPlot from the package itself")
    tracker.touch_file(live.id, "src/stint/web/app.py", added=40, removed=3)
    for minutes in (1, 2, 3):
        tracker.record(live.id, EventIn("tool_call", payload={"success": True}))
        tracker.record(live.id, EventIn("message", description=f"step {minutes}"))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Tracker]]:
    import uvicorn

    home = tmp_path_factory.mktemp("dash-home")
    tracker = Tracker.open(f"sqlite:///{home / 'stint.db'}", home=home)
    _seed(tracker, home)
    port = free_port()
    config = uvicorn.Config(
        create_app(tracker, housekeeping_seconds=None),
        host="127.0.0.1",
        port=port,
        log_level="warning",
    )
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not uv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert uv.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}", tracker
    uv.should_exit = True
    thread.join(timeout=10)
    tracker.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


class Page:
    """A browser page that records console errors and uncaught exceptions."""

    def __init__(self, browser: Any, base: str, **context: Any) -> None:
        self.context = browser.new_context(**context)
        self.page = self.context.new_page()
        self.base = base
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        # Offline: every request the page makes goes to this server (no CDN).
        self.requests: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))

    def open(self, path: str) -> Any:
        response = self.page.goto(self.base + path, wait_until="load")
        assert response is not None and response.status == 200, path
        return self.page

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    def close(self) -> None:
        self.context.close()
        assert self.errors == [], self.errors
        elsewhere = [u for u in self.requests if not u.startswith((self.base, "data:"))]
        assert elsewhere == [], elsewhere


# How many pixels of a chart's canvas uPlot painted (not transparent).
_PAINTED = """(selector) => {
  const canvas = document.querySelector(selector + ' canvas');
  if (!canvas) return -1;
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
  return painted;
}"""


def test_overview_draws_charts_heatmap_and_live_card(
    server: tuple[str, Tracker], browser: Any
) -> None:
    base, tracker = server
    view = Page(browser, base, viewport={"width": 1280, "height": 900})
    page = view.open("/")
    page.wait_for_selector("#chart-per-day canvas")
    assert page.evaluate(_PAINTED, "#chart-per-day") > 500
    assert page.evaluate(_PAINTED, "#chart-cost") > 500
    # The series drew from the seeded data: the legend shows the series names.
    assert "Sessions" in page.inner_text("#chart-per-day .u-legend")
    cells = page.locator("svg.heatmap rect")
    assert cells.count() == 7 * 24
    assert page.locator('svg.heatmap rect:not([data-count="0"])').count() >= 5
    assert "Live dashboard session" in page.inner_text("#current")
    assert page.locator("ul.bars li").count() >= 3  # top tags and models
    view.shot("overview")

    # The current-session card is live: a new session shows up without a reload.
    tracker.end("current")
    tracker.start(project="beta", goal="Started while watching", cwd=str(tracker.settings.home))
    page.wait_for_function(
        "document.querySelector('#current').innerText.includes('Started while watching')",
        timeout=9000,
    )
    view.close()


def test_sessions_filters_change_what_is_shown(server: tuple[str, Tracker], browser: Any) -> None:
    base, _ = server
    view = Page(browser, base)
    page = view.open("/sessions")
    all_rows = page.locator("table.sessions tbody tr").count()
    assert all_rows >= 11
    page.select_option("select[name=tag]", "tdd")
    page.click("#filters button[type=submit]")
    page.wait_for_url("**tag=tdd**")
    tdd_rows = page.locator("table.sessions tbody tr")
    assert 0 < tdd_rows.count() < all_rows
    assert all("tdd" in text for text in tdd_rows.all_inner_texts())
    page.fill("input[name=q]", "Seeded goal 3")
    page.click("#filters button[type=submit]")
    page.wait_for_url("**q=Seeded**")
    assert page.locator("table.sessions tbody tr").all_inner_texts()[0].count("Seeded goal 3")
    assert page.locator("table.sessions tbody tr").count() == 1
    view.shot("sessions")
    view.close()


def test_session_page_has_zoomable_timeline_and_records(
    server: tuple[str, Tracker], browser: Any
) -> None:
    base, tracker = server
    number = tracker.sessions(limit=20)[-1].number  # the oldest seeded, ended session
    view = Page(browser, base)
    page = view.open(f"/sessions/{number}")
    page.wait_for_selector("#chart-timeline canvas")
    assert page.evaluate(_PAINTED, "#chart-timeline") > 100
    assert "src/mod" in page.inner_text("#files")
    assert "claude-opus" in page.inner_text("main")
    assert "Task completion rate" in page.inner_text("#quality")
    # Drag across the timeline zooms the x axis in (uPlot's drag-to-zoom).
    before = page.evaluate("document.querySelector('#chart-timeline')._plot.scales.x.max")
    over = page.locator("#chart-timeline .u-over")
    over.scroll_into_view_if_needed()
    box = over.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] * 0.2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] / 2, steps=5)
    page.mouse.up()
    after = page.evaluate("document.querySelector('#chart-timeline')._plot.scales.x.max")
    assert after < before
    view.shot("session")
    view.close()

    live = Page(browser, base)
    page = live.open("/sessions/11")
    assert "Draw the charts" in page.inner_text("#tasks")
    assert "Use uPlot" in page.inner_text("main")
    live.close()


def test_compare_and_stats_pages(server: tuple[str, Tracker], browser: Any) -> None:
    base, _ = server
    view = Page(browser, base)
    page = view.open("/compare?a=1&b=2")
    assert page.locator("#compare-pair tbody tr").count() >= 5
    page = view.open("/compare?cohort=tag%3Dtdd&cohort=tag%3Drefactor")
    assert page.locator("#cohorts tbody tr").count() == 2
    view.shot("compare")
    page = view.open("/stats?by=project&period=all")
    keys = page.locator("#stats-rows tbody tr td:first-child").all_inner_texts()
    assert {"alpha", "beta"} <= set(keys)
    page.select_option("select[name=by]", "model")
    page.click("#stats-form button[type=submit]")
    page.wait_for_url("**by=model**")
    models = page.locator("#stats-rows tbody tr td:first-child").all_inner_texts()
    assert "gpt-5" in models
    view.shot("stats")
    page = view.open("/api/v1/docs")
    assert page.locator("section.op").count() >= 20
    assert "/api/v1/ingest" in page.inner_text("main")
    view.shot("api-docs")
    view.close()


def test_dark_mode_and_narrow_window(server: tuple[str, Tracker], browser: Any) -> None:
    base, _ = server
    view = Page(browser, base, viewport={"width": 380, "height": 800}, color_scheme="dark")
    for path in ("/", "/sessions", "/sessions/1", "/stats", "/compare?a=1&b=2"):
        page = view.open(path)
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        red = int(background.split("(")[1].split(",")[0])
        assert red < 60, background  # a dark background
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, f"{path} scrolls sideways by {overflow}px"
    page = view.open("/")
    page.wait_for_selector("#chart-per-day canvas")
    view.shot("overview-dark-narrow")
    view.close()
