"""Live git numbers: while a session is open, `stint status`, the status line and the
dashboard's live card show the code changed since the start commit — committed, uncommitted
and untracked — exactly as `stint end` will store it, cached by the work tree's state."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from capture_records import SID, first_part, send
from conftest import git, run_stint
from stint.sessions import gitstats
from stint.tracker import Tracker
from stint.web import create_app
from test_capture_fastpath import HEAVY


def _work(repo: Path) -> None:
    """One commit (+3 lines in a new file), an unstaged edit (README: -1 +2) and an
    untracked file of 2 lines: 7 added, 1 removed, 3 files, 1 commit."""
    (repo / "app.py").write_text("a = 1\nb = 2\nc = 3\n")
    git(repo, "add", "app.py")
    git(repo, "commit", "-q", "-m", "add app")
    (repo / "README.md").write_text("hello\nthere\nplanet\n")
    (repo / "notes.txt").write_text("one\ntwo\n")


def test_status_shows_the_code_changed_since_the_start_commit(repo: Path) -> None:
    assert run_stint("start", "-g", "live numbers", cwd=repo).returncode == 0
    _work(repo)

    shown = run_stint("status", "--json", cwd=repo)
    assert shown.returncode == 0, shown.stderr
    live = json.loads(shown.stdout)
    assert (live["loc_added"], live["loc_removed"]) == (7, 1)
    assert (live["files_modified"], live["commits_made"]) == (3, 1)

    panel = run_stint("status", cwd=repo, env={"COLUMNS": "120"})
    assert re.search(r"Code: \+7 / -1 \(net \+6\) in 3 files, 1 commit\b", panel.stdout), (
        panel.stdout
    )
    plain = run_stint(cwd=repo, env={"COLUMNS": "120"})
    assert "Code: +7 / -1 (net +6) in 3 files" in plain.stdout, plain.stdout

    ended = json.loads(run_stint("end", "--json", cwd=repo).stdout)
    # What status showed is what `end` stores.
    for name in ("loc_added", "loc_removed", "files_modified", "commits_made"):
        assert ended[name] == live[name], name


def test_the_figure_is_cached_until_the_work_tree_changes(
    repo: Path, stint_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real = gitstats.diff_since

    def counting(root: str, start: str | None) -> gitstats.DiffStats:
        calls.append(root)
        return real(root, start)

    monkeypatch.setattr(gitstats, "diff_since", counting)
    tracker = Tracker.open(f"sqlite:///{stint_home / 'stint.db'}", home=stint_home)
    try:
        session = tracker.start(goal="cache", cwd=str(repo))
        _work(repo)
        first = tracker.live(tracker.get(session.id))
        again = tracker.live(tracker.get(session.id))
        assert len(calls) == 1  # nothing changed: the cached figure, no second diff
        assert (first.loc_added, again.loc_added) == (7, 7)

        # An already-changed file changed again: same `git status`, new stat.
        (repo / "notes.txt").write_text("one\ntwo\nthree\n")
        assert tracker.live(tracker.get(session.id)).loc_added == 8
        # Staged, then committed: the index and HEAD move.
        git(repo, "add", "-A")
        assert tracker.live(tracker.get(session.id)).loc_added == 8
        (repo / "more.txt").write_text("x\n")
        git(repo, "add", "more.txt")
        git(repo, "commit", "-q", "-m", "more")
        moved = tracker.live(tracker.get(session.id))
        assert (moved.loc_added, moved.commits_made) == (9, 2)
        assert len(calls) == 4
        assert (stint_home / "livegit.json").exists()
    finally:
        tracker.close()


def test_a_closed_session_or_one_without_a_repository_keeps_its_stored_figures(
    tmp_path: Path, stint_home: Path
) -> None:
    tracker = Tracker.open(f"sqlite:///{stint_home / 'stint.db'}", home=stint_home)
    try:
        plain = tmp_path / "not-a-repo"
        plain.mkdir()
        session = tracker.start(goal="no git", cwd=str(plain))
        assert tracker.live(session) is session
        ended = tracker.end(session.id)
        assert tracker.live(ended) is ended
    finally:
        tracker.close()


def test_the_status_line_shows_lines_since_the_start_commit(repo: Path) -> None:
    send(first_part(repo)[:4], repo)
    assert run_stint("drain", "-q").returncode == 0
    _work(repo)
    status = {"session_id": SID, "cost": {"total_lines_added": 120, "total_lines_removed": 4}}
    line = run_stint("statusline", input=json.dumps(status)).stdout
    assert "+7 −1" in line and "+120" not in line, line
    (repo / "notes.txt").write_text("one\ntwo\nthree\n")
    line = run_stint("statusline", input=json.dumps(status)).stdout
    assert "+8 −1" in line, line


def test_the_status_line_measuring_git_still_imports_only_the_standard_library(
    repo: Path,
) -> None:
    send(first_part(repo)[:4], repo)
    assert run_stint("drain", "-q").returncode == 0
    _work(repo)
    probe = (
        "import sys\n"
        "from stint.capture.fastpath import main\n"
        "main(['statusline'])\n"
        "sys.stderr.write(' '.join(sorted(sys.modules)))\n"
    )
    for _ in ("measured", "cached"):
        done = subprocess.run(
            [sys.executable, "-c", probe],
            input=json.dumps({"session_id": SID}).encode(),
            capture_output=True,
            timeout=60,
            check=True,
        )
        assert "+7 −1" in done.stdout.decode()
        loaded = {m.split(".")[0] for m in done.stderr.decode().split()}
        assert not loaded & set(HEAVY), sorted(loaded)


@pytest.fixture
def client(tracker: Tracker) -> Iterator[TestClient]:
    with TestClient(create_app(tracker, housekeeping_seconds=None)) as test_client:
        yield test_client


def test_the_dashboard_live_card_shows_lines_and_files(
    repo: Path, tracker: Tracker, client: TestClient
) -> None:
    tracker.start(goal="card", cwd=str(repo))
    _work(repo)
    card = client.get("/partials/current").text
    assert "+7 −1" in card, card
    assert "<dt>Files</dt><dd>3</dd>" in card
    assert "+7 −1" in client.get("/").text
