"""Statistics over a fixed dataset with hand-computed figures, on SQLite and PostgreSQL.

Times are in America/New_York, whose DST began on 2026-03-08 at 07:00 UTC, so 14:30 UTC
before it and 13:30 UTC after it are both 09:30 local.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from stint import analytics
from stint.store import bulk
from stint.tracker import Tracker

NY = "America/New_York"


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def _session(start: datetime, minutes: float, **values: Any) -> dict[str, Any]:
    return {"started_at": start, "ended_at": start + timedelta(minutes=minutes), **values}


DATASET = [
    # S1 Friday 6 March 09:30 EST.
    _session(
        _at(6, 14, 30),
        60,
        active_seconds=3000.0,
        productivity_score=60.0,
        tasks_created=4,
        tasks_completed=2,
        loc_added=100,
        loc_removed=20,
        files_modified=3,
        commits_made=1,
        cost_usd=1.0,
        ai_model="opus",
        tags=["a"],
        project="alpha",
        goal="g1",
        outcome="achieved",
        message_count=10,
        tool_call_count=5,
        memories_used=1,
        decisions_made=2,
        context_items_added=1,
        input_tokens=1000,
        output_tokens=500,
    ),
    # S2 Saturday 7 March 23:00 EST (already Sunday in UTC).
    _session(
        _at(8, 4),
        60,
        active_seconds=1800.0,
        productivity_score=40.0,
        cost_usd=0.5,
        ai_model="sonnet",
        goal="g2",
        outcome="not_achieved",
    ),
    # S3 Monday 9 March 09:30 EDT, paused 10 minutes.
    _session(
        _at(9, 13, 30),
        90,
        paused_seconds=600.0,
        active_seconds=4000.0,
        productivity_score=80.0,
        tasks_created=2,
        tasks_completed=2,
        loc_added=50,
        loc_removed=10,
        cost_usd=2.0,
        ai_model="opus",
        tags=["a", "b"],
        project="alpha",
        goal="g3",
    ),
    # S4 Monday 9 March 23:30 EDT, running past midnight: counts on Monday.
    _session(
        _at(10, 3, 30),
        90,
        active_seconds=3600.0,
        productivity_score=70.0,
        tasks_created=1,
        loc_added=10,
        loc_removed=30,
        ai_model="opus",
        tags=["b"],
        project="beta",
    ),
    # S5 cancelled: never counts.
    _session(
        _at(9, 14),
        30,
        status="cancelled",
        productivity_score=99.0,
        ai_model="opus",
        tags=["a", "zzz"],
    ),
    # S6 still open, Wednesday 11 March 10:00 EDT: counted, no active time or score yet.
    {
        "started_at": _at(11, 14),
        "ended_at": None,
        "status": "active",
        "active_seconds": None,
        "productivity_score": None,
        "goal": "g6",
        "open_key": "x",
    },
]


@pytest.fixture
def seeded(tracker: Tracker) -> Tracker:
    with tracker.store.write() as conn:
        assert bulk.insert_sessions(conn, tracker.org, DATASET) == 6
    return tracker


def test_week_period_figures_by_hand(seeded: Tracker) -> None:
    data = seeded.stats("2026-03-09..2026-03-15", tz=NY)
    # S3, S4 (local Monday although UTC Tuesday) and the open S6.
    assert data["sessions"] == 3 and data["ended_sessions"] == 2
    assert data["active_seconds"] == 7600.0
    assert data["avg_active_seconds"] == pytest.approx(7600 / 3, abs=0.01)
    # S3: 90 min - 10 paused = 4800 s; S4: 5400 s.
    assert data["duration_seconds"] == pytest.approx(10200.0)
    assert data["avg_duration_seconds"] == pytest.approx(5100.0)
    assert data["avg_score"] == 75.0 and data["scored_sessions"] == 2
    assert (data["tasks_created"], data["tasks_completed"]) == (3, 2)
    assert data["task_completion_rate"] == pytest.approx(0.6667)
    assert (data["loc_added"], data["loc_removed"], data["loc_net"]) == (60, 40, 20)
    assert data["cost_usd"] == 2.0
    assert data["cost_per_outcome"] == {
        "per_completed_task": 1.0,
        "per_commit": None,
        "per_100_net_lines": 10.0,
        "per_achieved_goal": None,
    }
    # Goals: S3 and S6 have one; only S3 ended, not achieved.
    assert data["goals"] == {
        "set": 2,
        "ended": 1,
        "achieved": 0,
        "partial": 0,
        "not_achieved": 0,
        "completion_rate": 0.0,
        "sessions_incomplete": 1,
    }
    assert data["most_productive_day"] == {"weekday": "Monday", "avg_score": 75.0, "sessions": 2}
    assert data["preferred_model"] == {"model": "opus", "sessions": 2}
    assert data["period"]["tz"] == NY


def test_all_time_totals_and_figures(seeded: Tracker) -> None:
    data = seeded.stats(tz=NY)
    assert data["sessions"] == 5  # the cancelled one is left out
    assert data["avg_score"] == 62.5  # (60 + 40 + 80 + 70) / 4
    assert (data["messages"], data["tool_calls"], data["memories_used"]) == (10, 5, 1)
    assert (data["decisions"], data["context_items"], data["files_modified"]) == (2, 1, 3)
    assert data["tokens"] == 1500 and data["commits"] == 1
    assert data["goals"]["completion_rate"] == pytest.approx(1 / 3, abs=1e-4)  # S1 of S1-S3
    assert data["goals"]["sessions_incomplete"] == 2
    assert data["top_tags"] == [{"tag": "a", "sessions": 2}, {"tag": "b", "sessions": 2}]
    assert data["preferred_model"] == {"model": "opus", "sessions": 3}
    days = {d["day"]: d["sessions"] for d in data["daily"]}
    assert days == {
        "2026-03-06": 1,
        "2026-03-07": 1,
        "2026-03-08": 0,
        "2026-03-09": 2,
        "2026-03-10": 0,
        "2026-03-11": 1,
    }


def test_filters(seeded: Tracker) -> None:
    assert seeded.stats(project="alpha", tz=NY)["sessions"] == 2
    assert seeded.stats(tag="b", tz=NY)["loc_net"] == 20  # S3 +40, S4 -20
    assert seeded.stats(kind="conversation", tz=NY)["sessions"] == 0


def test_empty_period_has_no_made_up_figures(seeded: Tracker) -> None:
    data = seeded.stats("2025-01-01..2025-01-31", tz=NY)
    assert data["sessions"] == 0 and data["active_seconds"] == 0.0
    for name in (
        "avg_score",
        "avg_active_seconds",
        "avg_duration_seconds",
        "task_completion_rate",
        "most_productive_day",
        "preferred_model",
    ):
        assert data[name] is None, name
    assert set(data["cost_per_outcome"].values()) == {None}
    assert data["daily"] == [] and data["top_tags"] == []
    assert seeded.stats_by("weekday", "2025-01-01..2025-01-31", tz=NY) == []


def test_grouping_in_local_time_across_dst(seeded: Tracker) -> None:
    by_hour = {r["key"]: r["sessions"] for r in seeded.stats_by("hour", tz=NY)}
    # S1 (EST) and S3 (EDT) are both 09:30 local.
    assert by_hour == {9: 2, 10: 1, 23: 2}
    weekdays = seeded.stats_by("weekday", tz=NY)
    assert [(r["key"], r["sessions"]) for r in weekdays] == [
        ("Monday", 2),
        ("Wednesday", 1),
        ("Friday", 1),
        ("Saturday", 1),
    ]
    monday = weekdays[0]
    assert monday["avg_score"] == 75.0 and monday["tasks_completed"] == 2
    assert monday["loc_added"] == 60 and monday["cost_usd"] == 2.0
    # The same data read in UTC moves S2 to Sunday and S4 to Tuesday.
    utc = [r["key"] for r in seeded.stats_by("weekday", tz="UTC")]
    assert utc == ["Monday", "Tuesday", "Wednesday", "Friday", "Sunday"]
    days = {r["key"]: r["sessions"] for r in seeded.stats_by("day", tz=NY)}
    assert days == {"2026-03-06": 1, "2026-03-07": 1, "2026-03-09": 2, "2026-03-11": 1}
    weeks = {r["key"]: r["sessions"] for r in seeded.stats_by("week", tz=NY)}
    assert weeks == {"2026-03-02": 2, "2026-03-09": 3}


def test_grouping_by_attributes(seeded: Tracker) -> None:
    tags = {r["key"]: r["sessions"] for r in seeded.stats_by("tag", tz=NY)}
    assert tags == {"a": 2, "b": 2}
    projects = {r["key"]: r["sessions"] for r in seeded.stats_by("project", tz=NY)}
    assert projects == {None: 2, "alpha": 2, "beta": 1}
    models = {r["key"]: (r["sessions"], r["avg_score"]) for r in seeded.stats_by("model", tz=NY)}
    assert models == {None: (1, None), "opus": (3, 70.0), "sonnet": (1, 40.0)}
    kinds = seeded.stats_by("kind", tz=NY)
    assert kinds[0]["key"] == "coding" and kinds[0]["tokens"] == 1500


def test_heatmap_is_honest_about_sample_size(seeded: Tracker) -> None:
    heat = seeded.heatmap(tz=NY)
    cells = {(c["weekday"], c["hour"]): (c["n"], c["avg_score"]) for c in heat["cells"]}
    assert cells == {
        ("Monday", 9): (1, 80.0),
        ("Monday", 23): (1, 70.0),
        ("Wednesday", 10): (1, None),
        ("Friday", 9): (1, 60.0),
        ("Saturday", 23): (1, 40.0),
    }
    assert heat["best"]["reliable"] is False
    assert "not enough sessions" in heat["pattern"] and "over only 1 session" in heat["pattern"]
    lenient = analytics.heatmap(seeded, tz=NY, min_sample=1)
    assert lenient["pattern"] == "most productive: Monday 09–12, avg score 80 over 1 session"


def test_heatmap_names_a_pattern_with_enough_sessions(tracker: Tracker) -> None:
    # Five Tuesdays 10:00 New York time (EDT from 10 March): 14:00 UTC; scores avg 78.
    rows = [
        _session(_at(10, 14) + timedelta(days=7 * week), 60, productivity_score=score)
        for week, score in enumerate([70.0, 75.0, 80.0, 85.0, 80.0])
    ]
    rows.append(_session(_at(12, 20), 60, productivity_score=50.0))  # Thursday 16:00
    with tracker.store.write() as conn:
        bulk.insert_sessions(conn, tracker.org, rows)
    heat = tracker.heatmap(tz=NY)
    assert heat["pattern"] == "most productive: Tuesday 09–12, avg score 78 over 5 sessions"
    assert heat["best"]["reliable"] is True and heat["sessions"] == 6


def test_accomplishments_of_recorded_sessions(tracker: Tracker) -> None:
    session = tracker.start(goal="Ship the parser", project="p")
    tracker.add_task(session.id, "write tokenizer", status="completed")
    tracker.add_task(session.id, "write docs")
    tracker.add_decision(session.id, "use a hand-written lexer")
    tracker.touch_file(session.id, "src/lexer.py", modified=True, added=40, removed=2)
    tracker.end(session.id, outcome="achieved")
    [item] = tracker.accomplishments(5)
    assert item["goal"] == "Ship the parser" and item["outcome"] == "achieved"
    assert item["tasks_done"] == ["write tokenizer"] and item["tasks_created"] == 2
    assert item["decisions"] == ["use a hand-written lexer"]
    assert item["top_files"] == ["src/lexer.py"] and item["loc_added"] == 40
