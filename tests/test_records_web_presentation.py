"""Issue 10, presentation on the web: the compare page shows every figure formatted like
the rest of the UI (no raw floats) while the JSON keeps numbers; the timeline fits its
row labels, draws the session_ended point and keeps a sane axis for a zero-length
session (in a real headless Chromium); the OpenAPI document describes every operation,
parameter and field, and its markdown renders on the docs page."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from conftest import free_port
from stint.model.timeparse import utcnow
from stint.model.types import EventIn, Session
from stint.tracker import Tracker
from stint.web import create_app

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
# A float printed with its binary noise, e.g. 0.3333333333333333 or -58.199999999999996.
RAW_FLOAT = re.compile(r"\d\.\d{4,}")


class _Cells(HTMLParser):
    """The text of each row of one table (by id), cell by cell."""

    def __init__(self, table_id: str) -> None:
        super().__init__()
        self.table_id, self.inside, self.rows = table_id, False, []
        self.cell: list[str] | None = None
        self.row: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and dict(attrs).get("id") == self.table_id:
            self.inside = True
        elif self.inside and tag == "tr":
            self.row = []
        elif self.inside and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if not self.inside:
            return
        if tag in ("td", "th") and self.cell is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr":
            self.rows.append(self.row)
        elif tag == "table":
            self.inside = False

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def _table(html: str, table_id: str) -> dict[str, list[str]]:
    parser = _Cells(table_id)
    parser.feed(html)
    return {row[0]: row[1:] for row in parser.rows[1:] if row}


def _pair(tracker: Tracker, cwd: Path) -> tuple[Session, Session]:
    """Two ended sessions whose figures give floats with binary noise: a completion rate
    of 1/3, churn of 1/3, costs 0.1 and 0.3 (0.3 − 0.1 = 0.19999999999999998)."""
    now = utcnow()
    made = []
    for n, (minutes, cost) in enumerate(((90, 0.1), (30, 0.3))):
        start = now - timedelta(hours=5 - 2 * n)
        session = tracker.start(goal=f"Compare me {n}", at=start, cwd=str(cwd))
        for title in ("one", "two", "three"):
            task = tracker.add_task(session.id, title)
        tracker.set_task_status(session.id, task.id, "completed")
        tracker.touch_file(session.id, f"src/m{n}.py", added=30 * (n + 1), removed=10)
        tracker.record(
            session.id,
            EventIn(
                "tokens",
                occurred_at=start + timedelta(minutes=5),
                payload={"model": "m", "input_tokens": 10, "output_tokens": 5, "cost_usd": cost},
            ),
        )
        made.append(tracker.end(session.id, at=start + timedelta(minutes=minutes)))
    return made[0], made[1]


def test_compare_page_formats_every_figure(tracker: Tracker, tmp_path: Path) -> None:
    a, b = _pair(tracker, tmp_path)
    with TestClient(create_app(tracker, housekeeping_seconds=None)) as client:
        html = client.get(f"/compare?a={a.number}&b={b.number}").text
    rows = _table(html, "compare-pair")
    assert len(rows) >= 20
    for label, cells in rows.items():
        for cell in cells:
            assert not RAW_FLOAT.search(cell), (label, cells)
    assert rows["Duration"][:3] == ["1h 30m", "30m", "−1h"]
    assert rows["Task completion"][:3] == ["33%", "33%", "0 pp"]
    assert rows["Cost"][:3] == ["$0.10", "$0.30", "+$0.20"]
    assert rows["Churn (removed per added line)"][:3] == ["0.33", "0.17", "−0.17"]
    assert rows["Lines added"][:3] == ["30", "60", "+30"]
    assert rows["Score"][2][:1] in "+−0"  # a signed whole number, like the score badge


def test_compare_api_keeps_numbers_as_rounded_numbers(tracker: Tracker, tmp_path: Path) -> None:
    a, b = _pair(tracker, tmp_path)
    with TestClient(create_app(tracker, housekeeping_seconds=None)) as client:
        data = client.get("/api/v1/compare", params={"a": a.number, "b": b.number}).json()
    rows = {r["figure"]: r for r in data["figures"]}
    assert rows["cost_usd"]["difference"] == 0.2
    assert rows["task_completion_rate"]["a"] == 0.333333
    assert rows["churn"]["b"] == 0.166667
    assert rows["duration_seconds"]["difference"] == -3600
    for row in data["figures"]:
        for key in ("a", "b", "difference"):
            value = row[key]
            assert value is None or isinstance(value, int | float), row
            if isinstance(value, float):
                assert len(repr(value).partition(".")[2]) <= 6, row


# ---- the timeline in a real browser ------------------------------------------------

needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, int]]]:
    """uvicorn on a free port over SQLite with a paused-and-resumed session (the long
    `session_resumed` label) and a zero-length one."""
    import uvicorn

    home = tmp_path_factory.mktemp("timeline-home")
    tracker = Tracker.open(f"sqlite:///{home / 'stint.db'}", home=home)
    now = utcnow()
    start = now - timedelta(hours=3)
    long = tracker.start(goal="Paused and resumed", at=start, cwd=str(home))
    tracker.record(long.id, EventIn("message", occurred_at=start + timedelta(minutes=5)))
    tracker.pause(long.id, at=start + timedelta(minutes=30))
    tracker.resume(long.id, at=start + timedelta(minutes=50))
    tracker.record(long.id, EventIn("tool_call", occurred_at=start + timedelta(minutes=60)))
    tracker.end(long.id, at=start + timedelta(minutes=90))
    zero = tracker.start(goal="Zero length", at=now - timedelta(minutes=10), cwd=str(home))
    tracker.end(zero.id, at=now - timedelta(minutes=10))
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
    yield f"http://127.0.0.1:{port}", {"long": long.number, "zero": zero.number}
    uv.should_exit = True
    thread.join(timeout=10)
    tracker.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        yield chromium
        chromium.close()


# What the timeline drew: the axis labels as uPlot laid them out, how many painted
# pixels lie in the canvas's leftmost columns (a label cut at the edge paints there), the
# x range, and for each series whether its last point lies inside the plot and is painted.
_TIMELINE = """() => {
  const el = document.querySelector('#chart-timeline');
  const u = el._plot, canvas = el.querySelector('canvas');
  const ctx = canvas.getContext('2d');
  const edge = ctx.getImageData(0, 0, 3, canvas.height).data;
  let edgePainted = 0;
  for (let i = 3; i < edge.length; i += 4) if (edge[i] > 0) edgePainted++;
  const points = {};
  u.series.forEach((s, i) => {
    if (i === 0) return;
    const values = u.data[i];
    const at = values.findLastIndex(v => v != null);
    if (at < 0) return;
    const x = Math.round(u.valToPos(u.data[0][at], 'x', true));
    const y = Math.round(u.valToPos(values[at], 'y', true));
    const px = ctx.getImageData(x, y, 1, 1).data;
    points[s.label] = {
      inside: x > u.bbox.left + 2 && x < u.bbox.left + u.bbox.width - 2,
      painted: px[3] > 0,
    };
  });
  return {labels: u.axes[1]._values, edgePainted, points,
          min: u.scales.x.min, max: u.scales.x.max, rows: JSON.parse(
            document.getElementById('timeline').textContent).rows};
}"""


@needs_chromium
def test_timeline_fits_labels_and_draws_session_ended(
    served: tuple[str, dict[str, int]], browser: Any
) -> None:
    base, numbers = served
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{base}/sessions/{numbers['long']}")
    page.wait_for_selector("#chart-timeline canvas")
    drawn = page.evaluate(_TIMELINE)
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#chart-timeline").screenshot(path=str(ARTIFACTS / "timeline-labels.png"))
    assert "session_resumed" in drawn["rows"] and "session_ended" in drawn["rows"]
    assert sorted(drawn["labels"]) == sorted(drawn["rows"])  # whole names, none shortened
    assert drawn["edgePainted"] == 0, "a row label reaches the canvas's left edge"
    ended = drawn["points"]["session_ended"]
    assert ended == {"inside": True, "painted": True}
    started = drawn["points"]["session_started"]
    assert started == {"inside": True, "painted": True}
    assert errors == []
    page.close()


@needs_chromium
def test_zero_length_session_has_a_minimal_time_axis(
    served: tuple[str, dict[str, int]], browser: Any
) -> None:
    base, numbers = served
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{base}/sessions/{numbers['zero']}")
    page.wait_for_selector("#chart-timeline canvas")
    drawn = page.evaluate(_TIMELINE)
    page.locator("#chart-timeline").screenshot(path=str(ARTIFACTS / "timeline-zero.png"))
    span = drawn["max"] - drawn["min"]
    assert 60 <= span <= 120, span  # a minute or so around the moment, not years
    assert drawn["points"]["session_ended"] == {"inside": True, "painted": True}
    ticks = page.evaluate("document.querySelector('#chart-timeline')._plot.axes[0]._values")
    # Ticks of a clock, not of years (uPlot widens a zero span to 1000 days).
    assert ticks and not any(re.search(r"NaN|\b20\d\d\b", str(t)) for t in ticks), ticks
    page.close()


# ---- the OpenAPI document and the docs page ----------------------------------------


def _gaps(document: dict[str, Any]) -> list[str]:
    """Every operation without summary and description, every parameter, schema and
    property without a description."""
    gaps = []
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            where = f"{method.upper()} {path}"
            if not operation.get("summary") or not operation.get("description"):
                gaps.append(f"{where}: no summary/description")
            for parameter in operation.get("parameters", []):
                if not parameter.get("description"):
                    gaps.append(f"{where}: parameter {parameter['name']}")
    for name, schema in document.get("components", {}).get("schemas", {}).items():
        if not schema.get("description"):
            gaps.append(f"schema {name}")
        for field, spec in schema.get("properties", {}).items():
            if not spec.get("description"):
                gaps.append(f"schema {name}.{field}")
    return gaps


def test_openapi_describes_every_operation_parameter_and_field(tracker: Tracker) -> None:
    with TestClient(create_app(tracker, housekeeping_seconds=None)) as client:
        document = client.get("/api/v1/openapi.json").json()
    assert len(document["paths"]) >= 20
    assert _gaps(document) == []


def test_docs_page_renders_markdown_descriptions(tracker: Tracker) -> None:
    with TestClient(create_app(tracker, housekeeping_seconds=None)) as client:
        moved = client.get("/docs", follow_redirects=False)
        html = client.get("/api/v1/docs").text
    assert moved.status_code == 307 and moved.headers["location"] == "/api/v1/docs"
    # `next_cursor` in SessionPage's description and `#12` in the ref parameter's.
    assert "<code>next_cursor</code>" in html
    assert "<code>#12</code>" in html
    text_of_cells = re.findall(r'<td class="md">(.*?)</td>', html, re.S)
    assert text_of_cells and not any("`" in cell for cell in text_of_cells)
