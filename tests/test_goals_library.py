"""The library API for assistant apps, through the seeds' own scenarios, on SQLite and
PostgreSQL: seed 004 (scheduled interview), seed 002 (workflow), seed 003 (conversation)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from stint import SessionHandle, Tracker
from stint.model.timeparse import utcnow
from stint.model.types import Conflict, StintError
from stint.sessions.doctor import check
from stint.store.sessions import SessionFilter

CHILDHOOD = {
    "kind": "interview",
    "intention": "Capture 3-5 specific childhood scenes with rich sensory details",
    "success_indicators": [
        "artifacts[type=scene_capture] >= 3",
        "Key family members identified with descriptions",
    ],
    "completion_indicators": [
        "interactions >= 12",
        {
            "text": "Two scenes approved by the storyteller",
            "check": "artifacts[scene_capture,approved] >= 2",
        },
    ],
    "constraints": ["Keep session to 30 minutes max", "Allow storyteller to skip any question"],
    "procedure_notes": "1. Scene-setting 2. General to specific 3. Reflection question",
    "duration_minutes": 30,
    "tags": ["memoir"],
}


def test_seed_004_scheduled_interview_end_to_end(tracker: Tracker) -> None:
    tracker.add_template("Childhood exploration", **CHILDHOOD)
    when = utcnow() + timedelta(days=1)
    s = tracker.schedule(
        template="Childhood exploration",
        scheduled_at=when,
        name="Childhood in Boston",
        state={"storyteller": "ruth"},
        subjects=[
            {"key": "childhood", "name": "Childhood", "primary": True, "coverage": "deep_dive"}
        ],
    )
    scheduled = s.session
    assert scheduled.status == "scheduled" and scheduled.started_at is None
    assert scheduled.scheduled_duration_minutes == 30 and scheduled.tags == ["memoir"]
    assert scheduled.constraints[0] == "Keep session to 30 minutes max"
    assert tracker.goals.template("Childhood exploration")["id"] == scheduled.template_id
    with pytest.raises(Conflict, match="scheduled"):
        s.interaction("prompt", "too early")

    s.link_subject("family", name="Family relationships")
    s.start()
    started = s.session
    assert started.status == "active" and started.started_at is not None

    for n in range(6):
        s.interaction(
            "prompt",
            f"Where did you live when you were {n + 5}?",
            role="agent",
            category="scene",
            subject="childhood",
        )
        s.interaction(
            "response",
            f"On Elm Street, memory {n}",
            role="storyteller",
            subject="childhood",
            response_method="voice",
            sentiment="positive",
            themes=["family", "home"],
            people=["Grandma Rose"],
            places=["Boston"],
            duration_seconds=40,
        )
        if n == 2:
            early = s.progress()
            assert early["can_complete"] is False
            assert early["completion_indicators"][0]["status"] == "not_met"
    ids = [s.artifact("scene_capture", f"Scene {n}", name=f"Kitchen {n}")["id"] for n in range(3)]
    approved = s.approve(ids[0])
    assert approved["is_approved"] and not approved["is_provisional"] and approved["approved_at"]
    s.approve(ids[1])
    s.note(
        "Grandma Rose comes up in every story", type="insight", important=True, at_interaction=-1
    )
    s.note("Ask about the move to Ohio", requires_followup=True, noted_by="agent")

    s.pause()
    s.resume()
    assert s.session.started_at == started.started_at  # resuming never resets started_at

    report = s.progress()
    assert [i["status"] for i in report["success_indicators"]] == ["met", "unknown"]
    assert [i["status"] for i in report["completion_indicators"]] == ["met", "met"]
    assert report["can_complete"] is True and report["interactions_count"] == 12

    ended = s.complete(next_session_suggestion="Teenage years in Ohio", llm=False)
    assert ended.status == "ended" and ended.outcome == "achieved"
    assert ended.successfully_completed is True and ended.completion_percentage == 100
    evaluation = ended.evaluation
    assert evaluation["evaluator"] == "deterministic" and evaluation["outcome"] == "achieved"
    assert "met: artifacts[type=scene_capture] >= 3 (3 >= 3)" in evaluation["reasons"]
    assert any(r.startswith("not judged: Key family members") for r in evaluation["reasons"])
    assert ended.needs_followup is True  # from the note that requires follow-up
    assert ended.interactions_count == 12 and ended.artifacts_count == 3
    assert ended.message_count == 12 and ended.notes_count == 2

    interactions = s.interactions()
    assert [i["sequence"] for i in interactions] == list(range(1, 13))
    assert interactions[1]["people"] == ["Grandma Rose"]
    notes = s.notes()
    assert notes[0]["at_interaction"] == 12 and notes[0]["is_important"]
    subjects = {x["key"]: x for x in s.subjects()}
    assert subjects["childhood"]["is_primary"] and subjects["childhood"]["prompts_completed"] == 6
    assert subjects["family"]["coverage_level"] is None

    summary = s.summary()
    assert summary["artifacts"] == {"total": 3, "approved": 2, "by_type": {"scene_capture": 3}}
    assert summary["themes"][:2] == ["family", "home"]
    assert "12 interactions" in summary["text"] and "Outcome: achieved" in summary["text"]
    assert "Teenage years in Ohio" in summary["text"]
    assert tracker.sessions(SessionFilter(followups=True))[0].id == s.id
    assert check(tracker) == []  # counters agree with the event log


def test_seed_002_workflow_with_commands_fails_on_exception(tracker: Tracker) -> None:
    with (
        pytest.raises(RuntimeError),
        tracker.session(
            kind="workflow",
            intention="Generate the accounts component and make its tests pass",
            success_indicators=["tests_passed", "results.failed == 0"],
            state={"workflow": "component_design", "step": "generate"},
        ) as s,
    ):
        assert isinstance(s, SessionHandle) and s.status == "active"
        s.interaction("command", "mix phx.gen.context Accounts", role="agent")
        s.interaction("result", "* creating lib/accounts.ex", exit_code=0)
        s.interaction("tool_call", "read_file", tool_name="Read", role="agent")
        s.interaction("tool_result", "…", tool_name="Read", success=True)
        s.interaction("command", "mix test", role="agent")
        s.interaction("result", "2 tests, 1 failure", exit_code=1, duration_seconds=3.5)
        s.set_state(step="test", retries=1)
        raise RuntimeError("test step failed")
    session = s.session
    assert session.status == "failed" and session.end_reason == "exception: RuntimeError"
    assert session.state == {"workflow": "component_design", "step": "test", "retries": 1}
    assert session.commands_executed == 2 and session.tool_call_count == 1
    assert session.tool_failures == 1 and session.interactions_count == 6
    assert session.outcome == "not_achieved"
    reasons = session.evaluation["reasons"]
    assert "not met: tests_passed (tests_passed = False)" in reasons
    assert "against: the session failed" in reasons
    assert any("last command result failed" in r for r in reasons)
    with pytest.raises(Conflict, match="cannot complete session #1: it is failed"):
        s.complete()


def test_seed_003_conversation_stats(tracker: Tracker) -> None:
    start = utcnow() - timedelta(minutes=10)
    s = tracker.begin(
        kind="conversation",
        intention="Answer questions about the trip",
        state={"conversation_id": "ac_123", "channel": "voice"},
        at=start,
    )
    for n in range(3):
        s.interaction("prompt", f"question {n}", role="user", at=start + timedelta(minutes=n))
        s.interaction(
            "response",
            f"answer {n}",
            role="assistant",
            model="claude-haiku-4-5",
            input_tokens=100,
            output_tokens=50,
            at=start + timedelta(minutes=n, seconds=20),
        )
    s.interaction("tool_call", "weather(Lisbon)", tool_name="weather", role="assistant")
    s.interaction("tool_call", "calendar()", tool_name="calendar", role="assistant")
    assert s.memory_used("mem_1") is True
    assert s.memory_used("mem_2") is True
    assert s.memory_used("mem_1") is False  # the same memory counts once
    ended = s.complete(at=start + timedelta(minutes=10))
    data = ended.to_dict()
    assert data["message_count"] == 6 and data["tool_call_count"] == 2
    assert data["memories_used"] == 2 and data["session_duration_seconds"] == 600
    assert data["input_tokens"] == 300 and data["output_tokens"] == 150
    assert data["kind"] == "conversation" and data["state"]["conversation_id"] == "ac_123"
    summary = s.summary()
    assert summary["counters"] == {
        "message_count": 6,
        "tool_call_count": 2,
        "memories_used": 2,
        "duration_seconds": 600.0,
    }
    # Two conversations at once in one project: library sessions never block each other.
    a = tracker.begin(kind="conversation")
    b = tracker.begin(kind="conversation")
    assert a.status == b.status == "active" and a.session.project == b.session.project
    listed = tracker.sessions(SessionFilter(kind="conversation"))
    assert len(listed) == 3


def test_illegal_transitions_are_refused(tracker: Tracker) -> None:
    s = tracker.schedule(scheduled_at=utcnow() + timedelta(hours=2), kind="interview")
    with pytest.raises(Conflict, match=r"cannot complete session #1: it is scheduled"):
        s.complete()
    with pytest.raises(Conflict, match=r"cannot pause session #1: it is scheduled"):
        s.pause()
    s.cancel()
    assert s.session.status == "cancelled" and s.session.started_at is None
    with pytest.raises(
        Conflict, match=r"cannot complete session #1: it is cancelled \(cancelled → ended"
    ):
        s.complete()
    with pytest.raises(Conflict, match="cannot start or resume session #1: it is cancelled"):
        s.start()

    done = tracker.begin(kind="workflow")
    done.complete(evaluate=False)
    with pytest.raises(Conflict, match="cannot start or resume session #2: it is ended"):
        done.resume()
    with pytest.raises(Conflict, match="cannot cancel session #2: it is ended"):
        done.cancel()
    with pytest.raises(Conflict, match="is ended; nothing can be recorded"):
        done.interaction("command", "ls")
    active = tracker.begin(kind="workflow")
    with pytest.raises(Conflict, match="not paused"):
        active.resume()
    active.pause()
    with pytest.raises(Conflict, match="cannot pause session #3: it is paused"):
        active.pause()
    assert active.cancel().status == "cancelled"
    assert check(tracker) == []  # scheduled and cancelled-before-start sessions are consistent


def test_paused_time_is_not_active_time(tracker: Tracker) -> None:
    start = utcnow() - timedelta(minutes=30)
    s = tracker.begin(kind="conversation", at=start)
    s.interaction("prompt", "hi", at=start + timedelta(minutes=1))
    s.pause(at=start + timedelta(minutes=2))
    s.resume(at=start + timedelta(minutes=22))
    s.interaction("prompt", "back", at=start + timedelta(minutes=23))
    ended = s.complete(at=start + timedelta(minutes=24), evaluate=False)
    assert ended.started_at == start
    assert ended.duration_seconds == pytest.approx(4 * 60)  # 24 minutes less 20 paused
    assert ended.active_seconds <= 4 * 60


def test_kinds_validate_state_and_apps_register_their_own(tracker: Tracker) -> None:
    from stint import register_kind

    with pytest.raises(StintError, match="conversation state has no key 'colour'"):
        tracker.begin(kind="conversation", state={"colour": "red"})
    with pytest.raises(StintError, match="'steps_total' must be int"):
        tracker.begin(kind="workflow", state={"steps_total": "three"})
    register_kind(
        "tutoring",
        state_schema={"student": str, "level": int},
        required=["student"],
        counters=["interactions_count"],
        replace=True,
    )
    with pytest.raises(StintError, match="tutoring state needs student"):
        tracker.begin(kind="tutoring", state={"level": 2})
    s = tracker.begin(kind="tutoring", state={"student": "ana", "level": 2})
    s.interaction("prompt", "What is 7 x 8?")
    assert s.summary()["counters"] == {"interactions_count": 1}
    free = tracker.begin(kind="karaoke", state={"anything": [1, 2]})  # unregistered: free-form
    assert free.session.state == {"anything": [1, 2]}


def test_capture_policy_and_redaction(tracker: Tracker) -> None:
    s = tracker.begin(kind="conversation", capture="metadata")
    stored = s.interaction("prompt", "my private question", role="user")
    assert stored["content"] is None and stored["payload"]["content"]["chars"] == 19
    full = tracker.handle(s.id)  # a handle stores what the app passes, by default
    kept = full.interaction("command", "curl -H 'api_key=sk-abcdefghijklmnopqrstuv' x")
    assert "sk-abc" not in kept["content"] and "[REDACTED]" in kept["content"]
    # Tracker.add_interaction follows the configured policy (metadata by default).
    assert tracker.goals.add_interaction(s.id, "response", "hello")["content"] is None
    assert [i["content"] for i in s.interactions()] == [None, kept["content"], None]


def test_start_keeps_returning_a_session_with_goal_keywords(tracker: Tracker) -> None:
    first = tracker.start(
        intention="Refactor the parser",
        success_indicators=["tasks.completed >= tasks.created", "lines.net > 0"],
        project="alpha",
    )
    assert first.goal == "Refactor the parser" and first.status == "active"
    task = tracker.add_task(first.id, "split module")
    tracker.set_task_status(first.id, task.id, "completed")
    tracker.touch_file(first.id, "parser.py", added=30, removed=10)
    result = tracker.goals.evaluate(first.id, llm=False)
    assert result["outcome"] == "achieved"
    assert "evidence: all 1 tasks completed" in result["reasons"]
    assert tracker.get(first.id).outcome == "achieved"
    with pytest.raises(StintError, match="not both"):
        tracker.start(intention="a", goal="b", project="beta")
    later = tracker.start(project="gamma", scheduled_at=utcnow() + timedelta(days=2))
    assert later.status == "scheduled" and later.started_at is None
    assert tracker.goals.start_scheduled(later.id).status == "active"


def test_long_values_are_refused_clearly_and_long_ids_still_dedupe(tracker: Tracker) -> None:
    s = tracker.begin(kind="conversation")
    with pytest.raises(StintError, match="model is longer than 100 characters"):
        s.interaction("response", "hi", model="m" * 101)
    with pytest.raises(StintError, match="type is longer than 50 characters"):
        s.artifact("x" * 51)
    long_id = "memory/" + "x" * 400
    assert s.memory_used(long_id) is True and s.memory_used(long_id) is False
    assert s.interaction("prompt", "a", key="k" * 400)["sequence"] == 1
    assert s.interaction("prompt", "a", key="k" * 400)["sequence"] == 1
    assert s.session.memories_used == 1 and s.session.interactions_count == 1
