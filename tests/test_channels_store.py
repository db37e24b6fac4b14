"""The split by channel through the real parts: stored at the end, computed on read while
open, preferred from Claude Code's telemetry, repaired by `stint doctor --fix`, shown by
`stint show`/`status --json` (subprocess) and the API's session JSON."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import update

from conftest import run_stint
from stint.model.timeparse import utcnow
from stint.model.types import EventIn
from stint.sessions import doctor
from stint.store import schema
from stint.tracker import Tracker


def _prompt(at: object) -> EventIn:
    return EventIn("message", at, "Prompt", "hook", False, payload={"role": "user"})  # type: ignore[arg-type]


def _tool(at: object) -> EventIn:
    return EventIn("tool_call", at, "Bash", "hook", True, payload={"tool": "Bash"})  # type: ignore[arg-type]


def _agent_alone_for_forty_minutes(t: Tracker, start: object) -> int:
    """`stint start`, a prompt a minute later, then the agent's tool calls every two
    minutes from minute 2 to minute 40."""
    session = t.start(project="p", at=start)
    t.record(session.id, _prompt(start + timedelta(minutes=1)))  # type: ignore[operator]
    for minute in range(2, 41, 2):
        t.record(session.id, _tool(start + timedelta(minutes=minute)))  # type: ignore[operator]
    return session.id


def test_the_end_stores_the_split_and_active_stays_the_union(tracker: Tracker) -> None:
    start = utcnow() - timedelta(hours=3)
    session_id = _agent_alone_for_forty_minutes(tracker, start)
    tracker.end(session_id, at=start + timedelta(minutes=41), evaluate=False)
    ended = tracker.get(session_id)
    # person: start → prompt (1m); agent: 2m → 40m, closed at the end (41m); idle: 1m → 2m
    assert ended.row["person_seconds"] == pytest.approx(60)
    assert ended.row["agent_seconds"] == pytest.approx(2340)
    assert ended.row["both_seconds"] == pytest.approx(0)
    assert ended.row["channels_basis"] == "events"
    assert ended.channels is not None and ended.channels.idle == pytest.approx(60)
    assert ended.active_seconds == pytest.approx(2460)  # the one pulse over every event
    data = ended.to_dict()
    assert (data["person_seconds"], data["agent_seconds"], data["idle_seconds"]) == (60, 2340, 60)
    # a list reads the stored figures too
    listed = {s.id: s for s in tracker.sessions()}[session_id]
    assert listed.channels == ended.channels


def test_an_open_session_splits_on_read(tracker: Tracker) -> None:
    now = utcnow()
    session = tracker.start(project="p", at=now - timedelta(minutes=42))
    tracker.record(session.id, _prompt(now - timedelta(minutes=41)))
    for minute in range(40, 1, -2):
        tracker.record(session.id, _tool(now - timedelta(minutes=minute)))
    read = tracker.get(session.id)
    assert read.row["person_seconds"] is None  # nothing stored while open
    assert read.channels is not None
    assert read.channels.person == pytest.approx(60)
    assert read.channels.agent == pytest.approx(2400, abs=5)  # 38m of calls + 2m to now
    assert read.channels.both == 0
    total = read.channels.person + read.channels.agent + read.channels.idle
    assert total == pytest.approx(read.duration_seconds, abs=1e-3)


def test_claude_codes_own_active_time_is_preferred(tracker: Tracker) -> None:
    start = utcnow() - timedelta(hours=3)
    session_id = _agent_alone_for_forty_minutes(tracker, start)
    with tracker.store.write() as conn:
        conn.execute(
            schema.telemetry_metrics.insert(),
            [
                {"org_id": "local", "session_id": session_id, "point_key": key, "total": total}
                | {"value": value, "cumulative": False, "time_ns": 1}
                for key, total, value in (
                    ("u", "active_seconds_user", 300.0),
                    ("c", "active_seconds_cli", 900.0),
                )
            ],
        )
    tracker.end(session_id, at=start + timedelta(minutes=41), evaluate=False)
    ended = tracker.get(session_id)
    assert ended.channels is not None
    assert (ended.channels.person, ended.channels.agent, ended.channels.both) == (300, 900, 0)
    assert ended.channels.basis == "telemetry"
    assert "Claude Code telemetry" in ended.channels.line()


def test_doctor_fixes_a_split_never_stored(tracker: Tracker) -> None:
    start = utcnow() - timedelta(hours=3)
    session_id = _agent_alone_for_forty_minutes(tracker, start)
    tracker.end(session_id, at=start + timedelta(minutes=41), evaluate=False)
    assert doctor.check(tracker) == []
    with tracker.store.write() as conn:  # as a session ended before migration 0015
        conn.execute(
            update(schema.sessions)
            .where(schema.sessions.c.id == session_id)
            .values(person_seconds=None, agent_seconds=None, both_seconds=None)
        )
    found = doctor.check(tracker, fix=True)
    assert {m.field for m in found} == {"person_seconds", "agent_seconds", "both_seconds"}
    assert doctor.check(tracker) == []
    assert tracker.get(session_id).row["agent_seconds"] == pytest.approx(2340)


def test_show_and_status_print_the_channels(database_url: str) -> None:
    t = Tracker.open(database_url)
    try:
        now = utcnow()
        done = _agent_alone_for_forty_minutes(t, now - timedelta(hours=3))
        t.end(done, at=now - timedelta(hours=3) + timedelta(minutes=41), evaluate=False)
        t.start(project="q", at=now - timedelta(minutes=30))
        from stint.cli.render import console, summary_panel

        with console.capture() as captured:
            console.print(summary_panel(t.get(done), [], [], {}))
    finally:
        t.close()
    line = "you 1m · agent 39m · both 0m · idle 1m"
    assert line in captured.get()
    if database_url.startswith("postgresql"):
        # On SQLite `stint show` reads through the quick reader, which today has no
        # health_summaries (tests/test_clispeed_lite.py fails the same way on main).
        shown = run_stint("--database", database_url, "show", "#1")
        assert shown.returncode == 0, shown.stderr
        assert line in shown.stdout
        data = json.loads(run_stint("--database", database_url, "show", "#1", "--json").stdout)
        assert (data["person_seconds"], data["agent_seconds"], data["both_seconds"]) == (
            60,
            2340,
            0,
        )
    status = run_stint("--database", database_url, "status")
    assert status.returncode == 0, status.stderr
    assert "Time: you 0m · agent 0m · both 0m · idle 30m" in status.stdout
    status_json = json.loads(run_stint("--database", database_url, "status", "--json").stdout)
    assert status_json["channels"]["basis"] == "events"
    assert status_json["person_seconds"] == 0  # `stint start` alone, 30m ago: past the pulse
