"""gitstats against real repositories built in tmp_path."""

from __future__ import annotations

import os
import stat
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from stint.sessions import gitstats
from stint.sessions.gitstats import DiffStats, FileChange, diff_since, repo_state


@pytest.fixture(autouse=True)
def git_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Ada Tester")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "ada@example.com")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Ada Tester")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "ada@example.com")
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2024-05-01T12:00:00+02:00")
    # The developer's own git config (excludes, renames, hooks) must not leak into the tests.
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True, encoding="utf-8"
    )
    return done.stdout


def write(repo: Path, name: str, text: str) -> None:
    path = repo / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def commit_all(repo: Path, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    return root


@pytest.fixture
def started(repo: Path) -> tuple[Path, str]:
    """A repository with one commit: the state at the start of a session."""
    write(repo, "keep.txt", "one\ntwo\nthree\n")
    write(repo, "gone.txt", "a\nb\n")
    return repo, commit_all(repo, "initial")


def by_path(stats: DiffStats) -> dict[str, FileChange]:
    return {f.path: f for f in stats.files}


def numstat_totals(repo: Path, start: str) -> tuple[int, int]:
    added = removed = 0
    for row in git(repo, "diff", "--numstat", start).splitlines():
        a, r, _ = row.split("\t", 2)
        added, removed = added + int(a), removed + int(r)
    return added, removed


def test_not_a_repository(tmp_path: Path) -> None:
    assert repo_state(tmp_path) is None
    assert repo_state(tmp_path / "does-not-exist") is None
    assert diff_since(tmp_path, None) == DiffStats(None, [], [], 0, 0, 0)


def test_repository_without_commits(repo: Path) -> None:
    write(repo, "a.txt", "1\n2\n3\n")
    write(repo, "src/b.py", "x = 1\ny = 2")  # no trailing newline: still 2 lines
    git(repo, "add", "a.txt")

    state = repo_state(repo)
    assert state is not None
    assert (state.root, state.name) == (str(repo), "proj")
    assert (state.branch, state.head, state.remote_url) == ("main", None, None)

    stats = diff_since(repo, None)
    assert stats.end_commit is None
    assert stats.commits == []
    files = by_path(stats)
    assert files["a.txt"] == FileChange("a.txt", 3, 0, "added", None, False)
    assert files["src/b.py"] == FileChange("src/b.py", 2, 0, "untracked", None, False)
    assert (stats.lines_added, stats.lines_removed, stats.binary_files) == (5, 0, 0)


def test_repo_state_from_subdirectory_with_remote(started: tuple[Path, str]) -> None:
    repo, head = started
    git(repo, "remote", "add", "origin", "https://example.com/team/proj.git")
    (repo / "deep" / "er").mkdir(parents=True)
    state = repo_state(repo / "deep" / "er")
    assert state == gitstats.RepoState(
        str(repo), "main", head, "https://example.com/team/proj.git", "proj"
    )


def test_commits_made_during_session(started: tuple[Path, str]) -> None:
    repo, start = started
    write(repo, "keep.txt", "one\nTWO\nthree\nfour\n")
    first = commit_all(repo, "edit keep")
    write(repo, "new.txt", "n1\nn2\n")
    (repo / "gone.txt").unlink()
    second = commit_all(repo, "add new, drop gone")

    stats = diff_since(repo, start)
    assert stats.end_commit == second
    assert [(c.sha, c.subject, c.added, c.removed) for c in stats.commits] == [
        (first, "edit keep", 2, 1),
        (second, "add new, drop gone", 2, 2),
    ]
    assert stats.commits[0].author == "Ada Tester"
    assert stats.commits[0].committed_at == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    assert (stats.lines_added, stats.lines_removed) == numstat_totals(repo, start) == (4, 3)
    assert {f.path: f.change for f in stats.files} == {
        "gone.txt": "deleted",
        "keep.txt": "modified",
        "new.txt": "added",
    }


def test_start_none_counts_all_history(started: tuple[Path, str]) -> None:
    repo, first = started
    write(repo, "more.txt", "m\n")
    second = commit_all(repo, "more")
    stats = diff_since(repo, None)
    assert [c.sha for c in stats.commits] == [first, second]
    assert [(c.added, c.removed) for c in stats.commits] == [(5, 0), (1, 0)]
    assert (stats.lines_added, stats.lines_removed) == (6, 0)
    assert {f.change for f in stats.files} == {"added"}


def test_unstaged_and_staged_edits(started: tuple[Path, str]) -> None:
    repo, start = started
    write(repo, "keep.txt", "one\nthree\nfour\nfive\n")  # -two +four +five, unstaged
    write(repo, "gone.txt", "a\nb\nc\n")
    git(repo, "add", "gone.txt")  # +c, staged
    stats = diff_since(repo, start)
    assert stats.commits == []
    assert stats.end_commit == start
    files = by_path(stats)
    assert files["keep.txt"] == FileChange("keep.txt", 2, 1, "modified", None, False)
    assert files["gone.txt"] == FileChange("gone.txt", 1, 0, "modified", None, False)
    assert (stats.lines_added, stats.lines_removed) == numstat_totals(repo, start) == (3, 1)


def test_untracked_counted_and_ignored_not(started: tuple[Path, str]) -> None:
    repo, start = started
    write(repo, ".gitignore", "*.log\nbuild/\n")
    write(repo, "debug.log", "x\n" * 50)
    write(repo, "build/out.txt", "y\n" * 50)
    write(repo, "notes/todo.md", "- a\n- b\n\n- c")  # 4 lines, last without newline
    write(repo, "empty.txt", "")
    stats = diff_since(repo, start)
    files = by_path(stats)
    assert set(files) == {".gitignore", "notes/todo.md", "empty.txt"}
    assert files["notes/todo.md"] == FileChange("notes/todo.md", 4, 0, "untracked", None, False)
    assert files[".gitignore"].added == 2
    assert files["empty.txt"].added == 0
    assert (stats.lines_added, stats.lines_removed, stats.binary_files) == (6, 0, 0)


def test_binary_files_counted_apart(started: tuple[Path, str]) -> None:
    repo, start = started
    (repo / "logo.png").write_bytes(b"\x89PNG\r\n\x00\x00\n" * 10)
    git(repo, "add", "logo.png")
    (repo / "blob.bin").write_bytes(b"\n\n\x00\n")  # untracked binary
    write(repo, "keep.txt", "one\ntwo\nthree\nfour\n")
    stats = diff_since(repo, start)
    files = by_path(stats)
    assert files["logo.png"] == FileChange("logo.png", 0, 0, "added", None, True)
    assert files["blob.bin"] == FileChange("blob.bin", 0, 0, "untracked", None, True)
    assert (stats.lines_added, stats.lines_removed, stats.binary_files) == (1, 0, 2)


def test_rename_and_delete(started: tuple[Path, str]) -> None:
    repo, start = started
    git(repo, "mv", "keep.txt", "kept.txt")
    write(repo, "kept.txt", "one\ntwo\nthree\nfour\n")
    git(repo, "rm", "-q", "gone.txt")
    stats = diff_since(repo, start)
    assert stats.files == [
        FileChange("gone.txt", 0, 2, "deleted", None, False),
        FileChange("kept.txt", 1, 0, "renamed", "keep.txt", False),
    ]
    assert (stats.lines_added, stats.lines_removed) == (1, 2)


def test_committed_rename_counts_once(started: tuple[Path, str]) -> None:
    repo, start = started
    (repo / "dir with space").mkdir()
    git(repo, "mv", "keep.txt", "dir with space/kept.txt")
    commit_all(repo, "move")
    stats = diff_since(repo, start)
    assert stats.files == [
        FileChange("dir with space/kept.txt", 0, 0, "renamed", "keep.txt", False)
    ]
    assert [(c.added, c.removed) for c in stats.commits] == [(0, 0)]


def test_detached_head(started: tuple[Path, str]) -> None:
    repo, start = started
    write(repo, "keep.txt", "changed\n")
    second = commit_all(repo, "second")
    git(repo, "checkout", "-q", "--detach", start)
    state = repo_state(repo)
    assert state is not None
    assert (state.branch, state.head) == (None, start)
    stats = diff_since(repo, second)
    assert stats.end_commit == start
    assert stats.commits == []  # second..HEAD is empty once HEAD moved back
    assert (stats.lines_added, stats.lines_removed) == (3, 1)


def test_awkward_file_names(started: tuple[Path, str]) -> None:
    repo, start = started
    names = ["with space.txt", "ünïcødé/日本語.md", "tab\there.txt", 'quote"d.txt']
    for name in names[:2]:
        write(repo, name, "1\n2\n")
    commit_all(repo, "tracked awkward names")
    for name in names[2:]:
        write(repo, name, "1\n2\n3\n")
    git(repo, "mv", "with space.txt", "with more space.txt")
    stats = diff_since(repo, start)
    files = by_path(stats)
    assert files["with more space.txt"].change == "added"  # renamed within the session: new
    assert files["ünïcødé/日本語.md"] == FileChange("ünïcødé/日本語.md", 2, 0, "added", None, False)
    assert files["tab\there.txt"] == FileChange("tab\there.txt", 3, 0, "untracked", None, False)
    assert files['quote"d.txt'].added == 3
    assert (stats.lines_added, stats.lines_removed) == (10, 0)


def test_rename_with_awkward_names(started: tuple[Path, str]) -> None:
    repo, start = started
    git(repo, "mv", "keep.txt", "ça va\tbien.txt")
    stats = diff_since(repo, start)
    assert stats.files == [FileChange("ça va\tbien.txt", 0, 0, "renamed", "keep.txt", False)]


@pytest.mark.parametrize("bad", ["0" * 40, "no-such-ref", "--output=/tmp/x", ""])
def test_invalid_start_commit(started: tuple[Path, str], bad: str) -> None:
    repo, head = started
    write(repo, "keep.txt", "rewritten\n")
    stats = diff_since(repo, bad)
    assert stats == DiffStats(head, [], [], 0, 0, 0)


def test_history_rewritten_start_gone(started: tuple[Path, str]) -> None:
    repo, _ = started
    write(repo, "keep.txt", "x\n")
    lost = commit_all(repo, "to be lost")
    git(repo, "reset", "-q", "--hard", "HEAD~1")
    git(repo, "reflog", "expire", "--expire=now", "--all")
    git(repo, "gc", "-q", "--prune=now")
    assert diff_since(repo, lost).files == []


def test_git_missing_from_path(
    started: tuple[Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo, start = started
    empty = tmp_path / "nobin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert repo_state(repo) is None
    assert diff_since(repo, start) == DiffStats(None, [], [], 0, 0, 0)


def test_hanging_git_times_out(
    started: tuple[Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo, start = started
    fake = tmp_path / "fakebin"
    fake.mkdir()
    script = fake / "git"
    # A child that outlives the shell would keep the pipe open if only the shell were killed.
    script.write_text("#!/bin/sh\n/bin/sleep 30 &\n/bin/sleep 30\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", str(fake))
    monkeypatch.setattr(gitstats, "GIT_TIMEOUT", 0.3)
    began = time.monotonic()
    assert repo_state(repo) is None
    assert diff_since(repo, start) == DiffStats(None, [], [], 0, 0, 0)
    assert time.monotonic() - began < 5
