"""The "session context for AI" digest and the Tracker methods the MCP server adds."""

from __future__ import annotations

from stint.sessions.context import render_context
from stint.tracker import Tracker


def test_context_digest_has_progress_files_and_hints(tracker: Tracker) -> None:
    session = tracker.start(agent="claude_code", agent_session_id="s-1")
    first = tracker.add_task(session.id, "Parse input")
    tracker.add_task(session.id, "Write tests")
    tracker.set_task_status(session.id, first.id, "completed")
    tracker.add_decision(session.id, "Keep the old API")
    for _ in range(5):
        tracker.touch_file(session.id, "auth-middleware.js", added=3, removed=1)
    tracker.touch_file(session.id, "README.md")

    context = tracker.session_context(session.id)
    assert context["session"]["ref"] == session.ref
    assert context["tasks"]["total"] == 2 and context["tasks"]["completed"] == 1
    assert context["tasks"]["todo"] == ["Write tests"]
    assert context["decisions"] == ["Keep the old API"]
    assert context["files"][0]["path"] == "auth-middleware.js"
    assert context["files"][0]["times_modified"] == 5
    assert context["hints"][0] == (
        "You've modified auth-middleware.js 5 times — need help with it?"
    )
    assert "1 of 2 tasks done — tackle the rest? Next: Write tests" in context["hints"]
    assert any("No goal set" in hint for hint in context["hints"])
    assert context["recent_activity"][0]["type"] == "file_modified"

    text = render_context(context)
    assert "## Tasks: 1 of 2 done" in text
    assert "- [x] Parse input" in text and "- [ ] Write tests" in text
    assert "auth-middleware.js: modified 5×" in text

    tracker.set_goal(session.id, "Fix login")
    tracker.set_task_status(session.id, "2", "completed")
    hints = tracker.session_context(session.id)["hints"]
    assert "All 2 tasks done — time to end the session?" in hints
    assert not any("No goal set" in hint for hint in hints)


def test_find_agent_session_returns_the_newest(tracker: Tracker) -> None:
    assert tracker.find_agent_session("codex", "abc") is None
    first = tracker.start(agent="codex", agent_session_id="abc")
    tracker.end(first.id)
    second = tracker.start(agent="codex", agent_session_id="abc")
    found = tracker.find_agent_session("codex", "abc")
    assert found is not None and found.id == second.id and found.is_open
    assert tracker.find_agent_session("claude_code", "abc") is None
