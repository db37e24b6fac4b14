"""An import flushes the files of one directory together (`ImportRun.enter`): Claude Code
lists a project's main files before their sessions' subagent files, so a flush between
them wrote a session's subagent lines after its main file's, back-dated, and folded its
states from every event again. Each session is now one write, and what is stored is what
the earlier flushes stored, but for the order of a session's activity ids and the last
digits of float sums."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from stint.capture import import_run
from stint.sessions import doctor
from stint.store import events as ev
from stint.tracker import Tracker
from test_importfast_parallel import _rows
from test_importfast_parallel import two_urls as two_urls  # the fixture
from transcripts import OLD, Transcript

SESSIONS = tuple(f"0b5f7a52-3333-4c2e-9d1a-5a0c2a4a7e0{n}" for n in range(3))


def _project(root: Path) -> Path:
    """Three sessions of one project, each with a subagent working during it."""
    projects = root / "projects" / "-home-u-app"
    for n, sid in enumerate(SESSIONS):
        start = OLD + timedelta(hours=n)
        main = Transcript(sid, str(root), start=start)
        main.prompt("Research this")
        main.tool("toolu_task", "Task", {"subagent_type": "general-purpose", "prompt": "look"})
        main.response(f"msg_{n}", usage=(3, 40, 10, 100))
        side = Transcript(sid, str(root), start=start + timedelta(seconds=3), agent_id=f"a{n}")
        side.prompt("look")
        side.tool(f"toolu_sub{n}", "Grep", {"pattern": "TODO"})
        main.write(projects / f"{sid}.jsonl")
        side.write(projects / sid / "subagents" / f"agent-a{n}.jsonl")
    return projects


def _import(tracker: Tracker, projects: Path, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The import's writes: the session of each `append_many`."""
    writes: list[int] = []
    append_many = ev.append_many

    def spy(store: Any, conn: Any, org_id: str, session_id: int, *args: Any) -> int:
        writes.append(session_id)
        return append_many(store, conn, org_id, session_id, *args)

    monkeypatch.setattr(ev, "append_many", spy)
    tracker.import_transcripts("claude-code", [projects])
    monkeypatch.setattr(ev, "append_many", append_many)
    return writes


def _same(rows: dict[str, list[tuple[Any, ...]]]) -> dict[str, Any]:
    """`rows` as equal imports give them whatever their flushes: activities without their
    ids (the order of a session's inserts follows the flushes), sums of floats to ten
    digits (the order they were added in too)."""

    def value(item: Any) -> Any:
        return float(f"{item:.10g}") if isinstance(item, float) else item

    found: dict[str, Any] = {}
    for name, table in rows.items():
        cut = 1 if name == "activities" else 0
        found[name] = sorted((tuple(value(item) for item in row[cut:]) for row in table), key=repr)
    return found


def test_a_directory_is_flushed_whole(
    two_urls: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    projects = _project(tmp_path / "claude")
    monkeypatch.setattr(import_run, "FLUSH_LINES", 2)  # a flush due after every few lines
    grouped, apart = (Tracker.open(url) for url in two_urls)
    try:
        writes = _import(grouped, projects, monkeypatch)
        assert len(writes) == len(set(writes)) == 3  # one write per session
        # The flushes as they were: whenever FLUSH_LINES wait, subagent lines back-dated.
        monkeypatch.setattr(import_run.ImportRun, "enter", lambda run, path: None)
        assert len(_import(apart, projects, monkeypatch)) > 3
        assert _same(_rows(grouped)) == _same(_rows(apart))
        assert doctor.check(grouped) == []
    finally:
        grouped.close()
        apart.close()


def test_a_directory_past_its_bound_is_flushed_inside(
    tracker: Tracker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    projects = _project(tmp_path / "claude")
    monkeypatch.setattr(import_run, "FLUSH_LINES", 2)
    monkeypatch.setattr(import_run, "GROUP_LINES", 2)  # the memory bound, reached early
    assert len(_import(tracker, projects, monkeypatch)) > 3
    for sid in SESSIONS:
        session = tracker.find_agent_session("claude_code", sid)
        assert session is not None and session.tool_call_count == 2
    assert doctor.check(tracker) == []
