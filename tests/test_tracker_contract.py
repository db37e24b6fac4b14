"""The store/tracker contract, run on SQLite and on PostgreSQL alike."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from stint.model.timeparse import utcnow
from stint.model.types import Conflict, EventIn, NotFound, StintError
from stint.sessions.doctor import check
from stint.sessions.recording import mentions_in
from stint.store import schema
from stint.store.sessions import SessionFilter
from stint.tracker import Tracker


def test_start_and_end_give_numbers_and_seed_field_names(tracker: Tracker, tmp_path: Path) -> None:
    first = tracker.start(
        goal="Implement tracking", tags=["feature"], cwd=str(tmp_path), model="claude-opus-4-6"
    )
    assert first.number == 1 and first.status == "active" and first.ai_provider == "anthropic"
    ended = tracker.end(first.id, notes="went well", outcome="achieved")
    assert ended.status == "ended" and ended.ended_at is not None
    data = ended.to_dict()
    for name in (
        "loc_added",
        "loc_removed",
        "net_loc",
        "files_modified",
        "tasks_created",
        "tasks_completed",
        "decisions_made",
        "context_items_added",
        "message_count",
        "tool_call_count",
        "commands_executed",
        "productivity_score",
        "duration_minutes",
        "session_goals",
        "tags",
    ):
        assert name in data, name
    assert data["session_goals"] == "Implement tracking"
    assert data["session_notes"] == "went well"
    assert data["successfully_completed"] is True
    second = tracker.start(cwd=str(tmp_path))
    assert second.number == 2


def test_second_open_session_in_a_project_is_refused_naming_the_first(tracker: Tracker) -> None:
    first = tracker.start(project="alpha")
    with pytest.raises(Conflict, match=r"#1 is already active in project 'alpha'"):
        tracker.start(project="alpha")
    # Another agent session in the same project is a session of its own.
    other = tracker.start(project="alpha", agent="claude_code", agent_session_id="abc")
    assert other.number == 2
    tracker.end(first.id)
    assert tracker.start(project="alpha").number == 3


def test_ending_twice_is_a_conflict(tracker: Tracker) -> None:
    session = tracker.start(project="p")
    tracker.end(session.id)
    with pytest.raises(Conflict, match="already ended"):
        tracker.end(session.id)


def test_project_assignment_falls_back_in_the_documented_order(
    tracker: Tracker, tmp_path: Path
) -> None:
    lonely = tmp_path / "my-dir"
    lonely.mkdir()
    # Nothing known yet: a new project named after the directory.
    first = tracker.start(cwd=str(lonely))
    assert first.project == "my-dir"
    tracker.end(first.id)
    # A session in the last 24 h: its project again.
    tracker.start(project="recent-one")
    tracker.end("current")
    assert tracker.start(cwd=str(lonely)).project == "recent-one"


def test_references_resolve_every_way(tracker: Tracker) -> None:
    session = tracker.start(project="p")
    for ref in ("#1", "1", session.uuid[:8], "last", "current", session.id):
        assert tracker.get(ref).id == session.id
    with pytest.raises(NotFound):
        tracker.get("#99")
    with pytest.raises(NotFound):
        tracker.get("nonsense!")


def test_task_counters_follow_this_sessions_tasks(tracker: Tracker) -> None:
    session = tracker.start(project="p")
    t1 = tracker.add_task(session.id, "one")
    t2 = tracker.add_task(session.id, "two")
    tracker.add_task(session.id, "three")
    tracker.set_task_status(session.id, t1.id, "in_progress")
    tracker.set_task_status(session.id, t1.id, "completed")
    tracker.set_task_status(session.id, t2.id, "completed")
    tracker.set_task_status(session.id, t2.id, "completed")  # no-op, not double counted
    got = tracker.get(session.id)
    assert (got.tasks_created, got.tasks_completed, got.tasks_in_progress, got.tasks_todo) == (
        3,
        2,
        0,
        1,
    )
    # Another session's tasks do not count here.
    tracker.end(session.id)
    other = tracker.start(project="q")
    tracker.add_task(other.id, "elsewhere")
    assert tracker.get(session.id).tasks_created == 3
    with pytest.raises(NotFound):
        tracker.set_task_status(other.id, t1.id, "completed")


def test_events_are_idempotent_by_key(tracker: Tracker) -> None:
    session = tracker.start(project="p")
    event = EventIn("tool_call", key="claude:abc:toolu_1", payload={"success": False})
    assert tracker.record(session.id, event) is not None
    assert tracker.record(session.id, event) is None
    assert tracker.record_many(session.id, [event, event]) == 0
    got = tracker.get(session.id)
    assert got.tool_call_count == 1 and got.tool_failures == 1


def test_files_and_mentions_are_tallied(tracker: Tracker) -> None:
    session = tracker.start(project="p")
    tracker.touch_file(session.id, "src/auth.js", added=10, removed=2)
    tracker.touch_file(session.id, "src/auth.js", added=5, removed=0)
    tracker.add_context(session.id, "see @src/auth.js and @docs/x.md, mail me@example.com")
    files = {f.path: f for f in tracker.files(session.id)}
    assert files["src/auth.js"].times_modified == 2
    assert (files["src/auth.js"].lines_added, files["src/auth.js"].lines_removed) == (15, 2)
    assert files["src/auth.js"].times_mentioned == 1
    assert files["docs/x.md"].times_mentioned == 1 and files["docs/x.md"].times_modified == 0
    got = tracker.get(session.id)
    assert (got.loc_added, got.loc_removed, got.files_modified) == (15, 2, 1)
    assert got.context_items_added == 1 and got.files_mentioned == 2


def test_mentions_skip_email_addresses() -> None:
    assert mentions_in("fix @a/b.py, then @c.md. mail x@y.com") == ["a/b.py", "c.md"]


def test_pause_time_is_not_active_time(tracker: Tracker) -> None:
    t0 = utcnow() - timedelta(minutes=50)
    session = tracker.start(project="p", at=t0)
    tracker.record(session.id, EventIn("message", occurred_at=t0 + timedelta(minutes=5)))
    tracker.pause(session.id, at=t0 + timedelta(minutes=10))
    tracker.resume(session.id, at=t0 + timedelta(minutes=40))
    tracker.record(session.id, EventIn("message", occurred_at=t0 + timedelta(minutes=45)))
    ended = tracker.end(session.id, at=t0 + timedelta(minutes=50))
    assert ended.duration_seconds == pytest.approx(20 * 60, abs=1)
    assert ended.active_seconds == pytest.approx(20 * 60, abs=1)


def test_idle_gaps_longer_than_the_pulse_are_not_active(tracker: Tracker) -> None:
    t0 = utcnow() - timedelta(minutes=60)
    session = tracker.start(project="p", at=t0)
    for minutes in (5, 40):
        tracker.record(session.id, EventIn("message", occurred_at=t0 + timedelta(minutes=minutes)))
    ended = tracker.end(session.id, at=t0 + timedelta(minutes=45))
    assert ended.active_seconds == pytest.approx(10 * 60, abs=1)
    assert ended.duration_seconds == pytest.approx(45 * 60, abs=1)
    assert ended.to_dict()["duration"] == "45m"


def test_sweep_ends_idle_sessions_as_timeout_at_their_last_activity(tracker: Tracker) -> None:
    started = utcnow() - timedelta(hours=3)
    session = tracker.start(project="p", at=started)
    last = started + timedelta(minutes=20)
    tracker.record(session.id, EventIn("message", occurred_at=last))
    # Recording by hand is presence now; the sweep ends it once that has gone idle too.
    assert tracker.sweep() == []
    later = utcnow() + timedelta(hours=3)
    assert tracker.sweep(later) == [session.id]
    got = tracker.get(session.id)
    assert got.status == "timeout" and got.end_reason == "inactivity"
    assert abs((got.ended_at - last).total_seconds()) < 0.01
    assert got.duration_seconds == pytest.approx(20 * 60, abs=1)
    assert tracker.sweep(later) == []


def test_recent_sessions_are_not_swept(tracker: Tracker) -> None:
    tracker.start(project="p", at=utcnow() - timedelta(minutes=90))
    assert tracker.sweep() == []


def test_score_is_stored_with_its_breakdown(tracker: Tracker) -> None:
    t0 = utcnow() - timedelta(minutes=90)
    session = tracker.start(project="p", at=t0)
    task = tracker.add_task(session.id, "x")
    tracker.set_task_status(session.id, task.id, "completed")
    tracker.add_decision(session.id, "use sqlite")
    tracker.touch_file(session.id, "a.py", added=50)
    ended = tracker.end(session.id)
    # tasks 40 + decisions 3 + lines 20 + duration 10 (1h30m)
    assert ended.score == pytest.approx(73.0)
    assert ended.score_breakdown == {
        "tasks": 40.0,
        "decisions": 3.0,
        "context": 0.0,
        "lines": 20.0,
        "duration": 10.0,
    }
    listed = tracker.sessions(limit=1)[0]
    assert listed.score == ended.score


def test_update_validates_fields(tracker: Tracker) -> None:
    session = tracker.start(project="p")
    assert (
        tracker.update(session.id, success_rating=4, completion_percentage=80).success_rating == 4
    )
    with pytest.raises(StintError):
        tracker.update(session.id, success_rating=9)
    with pytest.raises(StintError):
        tracker.update(session.id, outcome="great")
    with pytest.raises(StintError):
        tracker.update(session.id, status="ended")


def test_list_filters(tracker: Tracker) -> None:
    a = tracker.start(project="alpha", tags=["bug-fix"])
    tracker.end(a.id)
    b = tracker.start(project="beta", tags=["feature"])
    assert [s.id for s in tracker.sessions(SessionFilter(project="alpha"))] == [a.id]
    assert [s.id for s in tracker.sessions(SessionFilter(tag="feature"))] == [b.id]
    assert [s.id for s in tracker.sessions(SessionFilter(status="ended"))] == [a.id]
    assert [s.id for s in tracker.sessions(limit=1)] == [b.id]
    assert [s.id for s in tracker.sessions(limit=5, before_id=b.id)] == [a.id]


def test_doctor_agrees_then_finds_and_fixes_tampering(tracker: Tracker) -> None:
    session = tracker.start(project="p")
    tracker.add_task(session.id, "t")
    tracker.touch_file(session.id, "a.py", added=3, removed=1)
    tracker.record(
        session.id,
        EventIn(
            "tokens",
            payload={"model": "m", "input_tokens": 10, "output_tokens": 5, "cost_usd": 0.5},
        ),
    )
    assert check(tracker) == []
    from sqlalchemy import update

    from stint.store import schema

    with tracker.store.write() as conn:
        conn.execute(update(schema.sessions).values(tasks_created=7, cost_usd=9.0))
    found = {m.field for m in check(tracker)}
    assert found == {"tasks_created", "cost_usd"}
    check(tracker, fix=True)
    assert check(tracker) == []
    assert tracker.get(session.id).tasks_created == 1


def test_forget_deletes_the_session_and_what_it_owns(tracker: Tracker) -> None:
    session = tracker.start(project="p")
    tracker.add_task(session.id, "t")
    tracker.touch_file(session.id, "a.py", added=1)
    tracker.forget(session.id)
    with pytest.raises(NotFound):
        tracker.get(session.id)
    assert tracker.sessions() == []


def test_attach_maps_one_agent_session_to_one_stint_session(
    tracker: Tracker, tmp_path: Path
) -> None:
    first = tracker.attach(
        agent="claude_code", agent_session_id="s-1", cwd=str(tmp_path), model="claude-sonnet-4-5"
    )
    again = tracker.attach(agent="claude_code", agent_session_id="s-1", cwd=str(tmp_path))
    assert again.id == first.id
    tracker.end(first.id, reason="logout")
    reopened = tracker.attach(agent="claude_code", agent_session_id="s-1", cwd=str(tmp_path))
    assert reopened.id == first.id and reopened.status == "active"
    assert tracker.attach(agent="claude_code", agent_session_id="s-2").id != first.id


def test_default_project_is_the_fallback(tracker: Tracker, tmp_path: Path) -> None:
    tracker.set_default_project("home")
    tracker.set_default_project("main-work")
    assert [p.name for p in tracker.projects() if p.is_default] == ["main-work"]
    assert tracker.start(cwd=str(tmp_path)).project == "main-work"


def test_a_uuid_prefix_of_digits_is_not_taken_for_a_missing_number(tracker: Tracker) -> None:
    session = tracker.start(project="p")
    with tracker.store.write() as conn:
        conn.execute(
            schema.sessions.update()
            .where(schema.sessions.c.id == session.id)
            .values(uuid="10753556-0000-4000-8000-000000000000")
        )
    assert tracker.get("10753556").id == session.id
    assert tracker.get("1").id == session.id  # its number still wins
    with pytest.raises(NotFound, match="no session #99"):
        tracker.get("99")
