"""Sessions entered by hand (issue 10): back-dating, per-session task numbers, ordering by
start time, outcome fields at the end, environment / component / status aliases, and the
panel's agent line."""

from __future__ import annotations

import json
import os
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text

from conftest import git, run_stint
from stint.model.timeparse import utcnow
from stint.model.types import StintError
from stint.store import schema
from stint.store.engine import make_engine, upgrade
from stint.store.sessions import SessionFilter
from stint.tracker import Tracker

# ------------------------------------------------------------------ back-dating


def test_a_back_dated_start_survives_the_next_command_and_ends_as_given() -> None:
    started = run_stint("start", "-g", "x", "--project", "p", "--at", "-6h", "--json")
    assert started.returncode == 0, started.stderr
    added = run_stint("task", "add", "write it")
    assert added.returncode == 0, added.stderr
    status = json.loads(run_stint("status", "--json").stdout)
    assert status is not None and status["status"] == "active"
    ended = run_stint("end", "--at", "-3h", "--json")
    assert ended.returncode == 0, ended.stderr
    data = json.loads(ended.stdout)
    assert data["status"] == "ended"
    assert abs(data["duration_seconds"] - 3 * 3600) < 120


def test_the_sweep_reads_presence_not_the_given_start(tracker: Tracker) -> None:
    now = utcnow()
    session = tracker.start(project="p", goal="x", at=now - timedelta(hours=6))
    assert tracker.sweep() == []
    assert tracker.get(session.id).status == "active"
    assert tracker.get(session.id).started_at == now - timedelta(hours=6)
    # Nobody comes back: the sweep still ends it, at its last activity (the given start).
    assert tracker.sweep(now + timedelta(hours=3)) == [session.id]
    timed_out = tracker.get(session.id)
    assert timed_out.status == "timeout"
    assert timed_out.ended_at == now - timedelta(hours=6)


def test_events_after_the_given_end_are_not_counted_into_it(tracker: Tracker) -> None:
    from stint.model.types import EventIn

    now = utcnow()
    start = now - timedelta(hours=6)
    session = tracker.start(project="p", at=start)
    for minutes in (5, 10, 15):
        tracker.record(
            session.id,
            EventIn(
                "command_executed", description="ls", occurred_at=start + timedelta(minutes=minutes)
            ),
        )
    tracker.record(
        session.id,
        EventIn("command_executed", description="late", occurred_at=now - timedelta(hours=1)),
    )
    ended = tracker.end(session.id, at=now - timedelta(hours=3))
    assert ended.ended_at == now - timedelta(hours=3)
    assert ended.last_activity_at is not None and ended.last_activity_at <= ended.ended_at
    # 15 minutes of events within the pulse; the late event adds nothing.
    assert ended.active_seconds == pytest.approx(15 * 60, abs=1)


def _commit(root: Path, name: str, when: str) -> str:
    (root / name).write_text(f"{name}\n")
    git(root, "add", name)
    env = {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    import subprocess

    subprocess.run(
        ["git", "commit", "-q", "-m", name],
        cwd=root,
        check=True,
        env={**os.environ, **env},
    )
    return git(root, "rev-parse", "HEAD").strip()


def test_a_back_dated_start_commit_and_commits_after_the_end(repo: Path) -> None:
    now = utcnow()
    stamp = lambda hours: f"@{int((now - timedelta(hours=hours)).timestamp())} +0000"  # noqa: E731
    before = _commit(repo, "a.txt", stamp(10))
    during = _commit(repo, "b.txt", stamp(4))
    _commit(repo, "c.txt", stamp(0))
    started = run_stint("start", "--at", "-6h", "--json", cwd=repo)
    assert started.returncode == 0, started.stderr
    assert json.loads(started.stdout)["start_commit"] == before
    ended = run_stint("end", "--at", "-3h", "--json", cwd=repo)
    assert ended.returncode == 0, ended.stderr
    data = json.loads(ended.stdout)
    assert data["commits_made"] == 1
    assert data["end_commit"] == during
    assert data["loc_added"] == 1


# ------------------------------------------------------------ per-session tasks


def test_task_numbers_start_at_one_in_every_session() -> None:
    assert run_stint("start", "--project", "p").returncode == 0
    assert "Task 1" in run_stint("task", "add", "one").stdout
    assert "Task 2" in run_stint("task", "add", "two").stdout
    assert run_stint("end").returncode == 0
    assert run_stint("start", "--project", "p").returncode == 0
    added = run_stint("task", "add", "three")
    assert "Task 1" in added.stdout, added.stdout
    done = run_stint("task", "done", "1")
    assert done.returncode == 0, done.stderr
    tasks = json.loads(run_stint("task", "list", "--json").stdout)
    assert [(t["number"], t["title"], t["status"]) for t in tasks] == [(1, "three", "completed")]
    assert tasks[0]["id"] == 3  # the global id stays for the API


def test_task_numbers_are_unique_under_concurrent_writers(database_url: str) -> None:
    first = Tracker.open(database_url)
    session = first.start(project="p")
    errors: list[BaseException] = []

    def add(n: int) -> None:
        t = Tracker.open(database_url)
        try:
            for i in range(5):
                t.add_task(session.id, f"t{n}-{i}")
        except BaseException as exc:
            errors.append(exc)
        finally:
            t.close()

    threads = [threading.Thread(target=add, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(task.number for task in first.tasks(session.id))
    assert numbers == list(range(1, 21))
    first.close()


def test_the_migration_numbers_existing_tasks_per_session(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine, "0004")
    now = utcnow()
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO orgs (id, name, created_at) VALUES ('local', 'local', :now)"),
            {"now": now},
        )
        for sid, number in ((1, 1), (2, 2)):
            conn.execute(
                text(
                    "INSERT INTO sessions (id, uuid, org_id, number, kind, status, "
                    "paused_seconds, commits_made, loc_added, loc_removed, files_modified, "
                    "binary_files_changed, cost_usd, needs_followup, created_at, updated_at"
                    + "".join(f", {c}" for c in schema.COUNTER_COLUMNS)
                    + ") VALUES (:id, :uuid, 'local', :n, 'coding', 'ended', 0, 0, 0, 0, 0, 0, "
                    "0, false, :now, :now" + ", 0" * len(schema.COUNTER_COLUMNS) + ")"
                ),
                {"id": sid, "uuid": f"u{sid}", "n": number, "now": now},
            )
        for task_id, sid in ((1, 1), (2, 2), (3, 1), (4, 2), (5, 2)):
            conn.execute(
                text(
                    "INSERT INTO tasks (id, org_id, session_id, title, status, created_at, "
                    "updated_at) VALUES (:id, 'local', :sid, 't', 'todo', :now, :now)"
                ),
                {"id": task_id, "sid": sid, "now": now},
            )
    upgrade(engine)
    with engine.connect() as conn:
        rows = conn.execute(
            select(schema.tasks.c.id, schema.tasks.c.number).order_by(schema.tasks.c.id)
        ).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [(1, 1), (2, 1), (3, 2), (4, 2), (5, 3)]


# --------------------------------------------------------------------- ordering


def _two_sessions_out_of_order(tracker: Tracker) -> tuple[int, int]:
    """#1 started an hour ago; #2 is an old session entered afterwards (back-dated)."""
    now = utcnow()
    recent = tracker.start(project="a", at=now - timedelta(hours=1))
    tracker.end(recent.id, at=now - timedelta(minutes=30))
    old = tracker.start(project="b", at=now - timedelta(days=3))
    tracker.end(old.id, at=now - timedelta(days=3) + timedelta(hours=1))
    return recent.id, old.id


def test_lists_and_last_follow_start_time(tracker: Tracker) -> None:
    recent, old = _two_sessions_out_of_order(tracker)
    assert [s.id for s in tracker.sessions()] == [recent, old]
    assert tracker.resolve("last") == recent
    assert [a["id"] for a in tracker.accomplishments(5)] == [recent, old]
    # Paging with the cursor keeps the same order.
    page = tracker.sessions(limit=1)
    assert [s.id for s in tracker.sessions(limit=5, before_id=page[-1].id)] == [old]


def test_list_last_summary_and_dashboard_follow_start_time() -> None:
    t = Tracker.open()
    recent, old = _two_sessions_out_of_order(t)
    t.close()
    listed = json.loads(run_stint("list", "--json").stdout)
    assert [s["id"] for s in listed] == [recent, old]
    summary = json.loads(run_stint("list", "--last", "5", "--summary", "--json").stdout)
    assert [s["id"] for s in summary] == [recent, old]
    from fastapi.testclient import TestClient

    from stint.web.app import create_app

    t = Tracker.open()
    with TestClient(create_app(t)) as client:
        body = client.get("/api/v1/sessions").json()
        page = client.get("/").text
    t.close()
    assert [s["id"] for s in body["items"]] == [recent, old]
    assert page.index("#1") < page.index("#2")


def test_the_newest_first_list_uses_an_index_on_sqlite(tmp_path: Path) -> None:
    t = Tracker.open(f"sqlite:///{tmp_path / 'plan.db'}")
    t.start(project="p")
    S = schema.sessions
    from stint.store.session_lists import list_rows

    with t.store.read() as conn:
        list_rows(conn, t.org, SessionFilter(), 5)
        query = (
            select(S.c.id)
            .where(S.c.org_id == t.org)
            .order_by(S.c.started_at.desc().nulls_last(), S.c.id.desc())
            .limit(5)
        )
        compiled = query.compile(conn, compile_kwargs={"literal_binds": True})
        plan = " ".join(str(r[-1]) for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}"))
    t.close()
    assert "TEMP B-TREE" not in plan, plan


# ------------------------------------------------------------ outcome at the end


def test_end_takes_rating_summary_learnings_and_completion() -> None:
    assert run_stint("start", "--project", "p", "-g", "ship it").returncode == 0
    ended = run_stint(
        "end",
        "--rating",
        "4",
        "--summary",
        "shipped the parser",
        "--learnings",
        "write tests first",
        "--completion",
        "80",
        "--json",
    )
    assert ended.returncode == 0, ended.stderr
    data = json.loads(ended.stdout)
    assert data["success_rating"] == 4
    assert data["summary"] == "shipped the parser"
    assert data["learnings"] == "write tests first"
    assert data["completion_percentage"] == 80


def test_a_bad_rating_is_a_one_line_error() -> None:
    assert run_stint("start", "--project", "p").returncode == 0
    bad = run_stint("end", "--rating", "9")
    assert bad.returncode != 0
    assert "Traceback" not in bad.stderr and len(bad.stderr.strip().splitlines()) <= 3


def test_a_plain_goal_is_judged_at_the_end(tracker: Tracker) -> None:
    session = tracker.start(project="p", goal="write the parser")
    tracker.add_task(session.id, "parser")
    tracker.set_task_status(session.id, 1, "completed")
    ended = tracker.end(session.id)
    assert ended.evaluation is not None
    assert ended.outcome == "achieved"
    assert ended.successfully_completed is True


def test_an_ended_session_that_did_not_achieve_is_false_not_null(tracker: Tracker) -> None:
    session = tracker.start(project="p", goal="nothing happens")
    ended = tracker.end(session.id)
    assert ended.successfully_completed is False
    plain = tracker.start(project="q")
    assert tracker.end(plain.id).successfully_completed is False


# ---------------------------------------------- environment, component, aliases


def test_an_unknown_environment_is_refused_everywhere(tracker: Tracker) -> None:
    with pytest.raises(StintError, match="environment"):
        tracker.start(project="p", environment="moon")
    assert tracker.start(project="p", environment="staging").environment == "staging"
    bad = run_stint("start", "--environment", "moon")
    assert bad.returncode != 0 and "environment" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_start_with_a_component(tracker: Tracker) -> None:
    session = tracker.start(project="web", component="api")
    with tracker.store.read() as conn:
        row = conn.execute(
            select(schema.components.c.name, schema.components.c.project_id).where(
                schema.components.c.id == session.component_id
            )
        ).one()
    assert (row[0], row[1]) == ("api", session.project_id)
    again = tracker.end(session.id)
    other = tracker.start(project="web", component="api")
    assert other.component_id == again.component_id


def test_complete_is_an_alias_of_ended(tracker: Tracker) -> None:
    session = tracker.start(project="p")
    assert tracker.end(session.id, status="complete").status == "ended"
    assert [s.id for s in tracker.sessions(SessionFilter(status="complete"))] == [session.id]
    listed = run_stint("list", "--status", "complete", "--json")
    assert listed.returncode == 0, listed.stderr


# ------------------------------------------------------------------ agent line


def test_a_model_alone_is_not_shown_as_the_agent() -> None:
    assert run_stint("start", "--project", "p", "--model", "claude-opus-4-6").returncode == 0
    panel = run_stint("status").stdout
    assert "Agent: claude-opus-4-6" not in panel
    assert "claude-opus-4-6" in panel
    ended = run_stint("end").stdout
    assert "Agent: claude-opus-4-6" not in ended


def test_an_export_from_before_task_numbers_imports_numbered(tmp_path: Path) -> None:
    import io

    source = Tracker.open(f"sqlite:///{tmp_path / 'a.db'}")
    session = source.start(project="p")
    for title in ("one", "two"):
        source.add_task(session.id, title)
    out = io.StringIO()
    source.export("all", "json", None, out)
    source.close()
    data = json.loads(out.getvalue())
    for row in data["tables"]["tasks"]:
        del row["number"]  # as an export made before migration 0005
    target = Tracker.open(f"sqlite:///{tmp_path / 'b.db'}")
    target.import_data(io.StringIO(json.dumps(data)))
    assert [(t.number, t.title) for t in target.tasks(session.id)] == [(1, "one"), (2, "two")]
    target.close()
