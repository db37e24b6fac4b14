"""The split by channel where people read it: `stats` totals and `--by weekday-hour`
(subprocess), the API's session JSON and the dashboard's session page, the status line's
cache and line."""

from __future__ import annotations

import io
import json
import os
from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from conftest import run_stint
from stint.capture import statusline
from stint.model.timeparse import utcnow
from stint.model.types import EventIn
from stint.tracker import Tracker
from stint.web import create_app


def _ended(t: Tracker, agent_session_id: str, start: object) -> int:
    """A prompt at the start, the agent's tool calls every 2 minutes to minute 40 while
    the person types a note at minute 10, the end (by the hook) at minute 40."""
    session = t.attach(agent="claude_code", agent_session_id=agent_session_id, at=start)  # type: ignore[arg-type]
    payload = {"role": "user"}
    t.record(session.id, EventIn("message", start, "Prompt", "hook", False, payload=payload))  # type: ignore[arg-type]
    for minute in range(2, 41, 2):
        at = start + timedelta(minutes=minute)  # type: ignore[operator]
        t.record(session.id, EventIn("tool_call", at, "Bash", "hook", True))
    t.record(session.id, EventIn("note_added", start + timedelta(minutes=10), "typed", "cli"))  # type: ignore[operator]
    t.end(session.id, at=start + timedelta(minutes=40), evaluate=False, source="hook")  # type: ignore[operator]
    return session.id


def test_stats_totals_and_weekday_hour_per_channel(database_url: str) -> None:
    t = Tracker.open(database_url)
    try:
        start = utcnow().replace(minute=0, second=0, microsecond=0) - timedelta(days=1)
        first = _ended(t, "a", start)
        second = _ended(t, "b", start + timedelta(minutes=30))
        split = t.get(first).channels
    finally:
        t.close()
    # person: prompt (0) → note (10), then 30 minutes to the end: past the pulse;
    # agent: 2 → 40; both: 2 → 10
    assert split is not None
    assert (split.person, split.agent, split.both, split.idle) == (120, 1800, 480, 0)
    env = {"TZ": "UTC"}
    totals = json.loads(run_stint("--database", database_url, "stats", "--json", env=env).stdout)
    assert (totals["person_seconds"], totals["agent_seconds"], totals["both_seconds"]) == (
        240,
        3600,
        960,
    )
    rows = json.loads(
        run_stint(
            "--database", database_url, "stats", "--by", "weekday-hour", "--json", "--tz", "UTC"
        ).stdout
    )["rows"]
    assert sum(r["agent_seconds"] for r in rows) == 3600
    assert [r["sessions"] for r in rows] == [2]
    grid = run_stint(
        "--database",
        database_url,
        "stats",
        "--by",
        "weekday-hour",
        "--channel",
        "agent",
        "--tz",
        "UTC",
    )
    assert grid.returncode == 0, grid.stderr
    assert "The agent alone: hours by weekday and hour" in grid.stdout
    assert f"{start:%a} {start:%H}: 1.0h" in grid.stdout  # 3600 s
    text = run_stint("--database", database_url, "stats", env=env).stdout
    assert "By channel (ended sessions): you 4m · agent 1h · both 16m" in text
    bad = run_stint("--database", database_url, "stats", "--channel", "agent")
    assert bad.returncode != 0 and "--channel goes with --by weekday-hour" in bad.stderr
    assert second != first


def test_the_api_and_the_session_page_show_the_split(tracker: Tracker) -> None:
    session_id = _ended(tracker, "web", utcnow() - timedelta(hours=2))
    number = tracker.get(session_id).number
    with TestClient(create_app(tracker, housekeeping_seconds=None)) as client:
        body = client.get(f"/api/v1/sessions/{number}").json()
        assert (body["person_seconds"], body["agent_seconds"], body["both_seconds"]) == (
            120,
            1800,
            480,
        )
        assert body["idle_seconds"] == 0 and body["channels_basis"] == "events"
        page = client.get(f"/sessions/{number}")
        assert page.status_code == 200
        assert 'id="channels"' in page.text and "2m · 30m · 8m · 0m" in page.text


def test_the_status_line_shows_you_and_the_agent(stint_home: Path) -> None:
    cache = {
        "pulse_seconds": 900,
        "sessions": {
            "abc": {
                "number": 7,
                "active_seconds": 3000.0,
                "person_seconds": 720.0,
                "agent_seconds": 2460.0,
                "status": "active",
                "as_of": 0,
            }
        },
    }
    line = statusline.render({"session_id": "abc"}, cache, 10_000.0)
    assert line.startswith("stint #7 · 50m · you 12m · agent 41m")
    os.makedirs(stint_home, exist_ok=True)
    (stint_home / statusline.CACHE_FILE).write_text(json.dumps(cache))
    out = io.StringIO()
    real = statusline.sys.stdout
    statusline.sys.stdout = out
    try:
        statusline.main(io.BytesIO(b'{"session_id": "abc"}'))
    finally:
        statusline.sys.stdout = real
    assert "you 12m · agent 41m" in out.getvalue()


def test_the_drain_writes_the_split_for_the_status_line(repo: Path, stint_home: Path) -> None:
    from capture_records import SID, first_part, send

    send(first_part(repo)[:4], repo)
    assert run_stint("drain", "-q").returncode == 0
    cache = json.loads((stint_home / statusline.CACHE_FILE).read_text())
    entry = cache["sessions"][SID]
    assert isinstance(entry["person_seconds"], float)
    assert isinstance(entry["agent_seconds"], float)
    done = run_stint("statusline", input=json.dumps({"session_id": SID}))
    assert done.returncode == 0
    assert f"you {statusline.human(entry['person_seconds'])} · agent " in done.stdout
