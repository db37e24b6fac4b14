"""Git metrics of a session, end to end through the CLI, in real repositories."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import git, run_stint


def _numstat_total(root: Path, start: str) -> tuple[int, int]:
    added = removed = 0
    for line in git(root, "diff", "--numstat", start).splitlines():
        a, r, _ = line.split("\t", 2)
        if a != "-":
            added, removed = added + int(a), removed + int(r)
    return added, removed


def test_a_coding_session_measures_what_git_says(repo: Path) -> None:
    (repo / "app.py").write_text("a\nb\nc\n")
    (repo / "old.txt").write_text("x\ny\nz\nw\n")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "before the session")
    start = git(repo, "rev-parse", "HEAD").strip()

    started = json.loads(run_stint("start", "--goal", "refactor", "--json", cwd=repo).stdout)
    assert started["project"] == "myrepo" and started["branch"] == "main"
    assert started["start_commit"] == start

    (repo / "app.py").write_text("a\nB\nc\nd\n")  # +2 -1, committed
    git(repo, "commit", "-q", "-am", "edit app")
    git(repo, "mv", "old.txt", "new.txt")  # rename, uncommitted
    (repo / "README.md").write_text("hello\n")  # -1, uncommitted
    (repo / "notes.md").write_text("one\ntwo\nthree\n")  # untracked: +3
    (repo / "logo.bin").write_bytes(b"\x00\x01\x02binary")  # untracked binary
    assert run_stint("task", "add", "split module", cwd=repo).returncode == 0
    assert run_stint("task", "done", "1", cwd=repo).returncode == 0
    assert run_stint("decision", "keep the API", cwd=repo).returncode == 0

    ended = run_stint("end", "--json", cwd=repo)
    assert ended.returncode == 0, ended.stderr
    data = json.loads(ended.stdout)
    tracked_added, tracked_removed = _numstat_total(repo, start)
    assert (data["loc_added"], data["loc_removed"]) == (tracked_added + 3, tracked_removed)
    assert (data["loc_added"], data["loc_removed"]) == (5, 2)
    assert data["commits_made"] == 1 and data["binary_files_changed"] == 1
    assert data["end_commit"] == git(repo, "rev-parse", "HEAD").strip()
    assert (data["tasks_created"], data["tasks_completed"], data["decisions_made"]) == (1, 1, 1)

    shown = json.loads(run_stint("show", "last", "--json", cwd=repo).stdout)
    files = {f["path"]: f for f in shown["files"]}
    assert files["new.txt"]["git_change"] == "renamed"
    assert files["new.txt"]["renamed_from"] == "old.txt"
    assert files["logo.bin"]["is_binary"] is True
    assert files["notes.md"]["git_change"] == "untracked"
    assert (files["app.py"]["git_lines_added"], files["app.py"]["git_lines_removed"]) == (2, 1)
    assert shown["files_modified"] == 5
    assert [c["subject"] for c in shown["commits"]] == ["edit app"]
    assert run_stint("doctor", cwd=repo).returncode == 0


def test_a_directory_without_git_still_tracks(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    data = json.loads(run_stint("start", "--json", cwd=plain).stdout)
    assert data["repo_root"] is None and data["project"] == "plain"
    assert (
        run_stint("log", "file_modified", "--file", "x.py", "--added", "4", cwd=plain).returncode
        == 0
    )
    ended = json.loads(run_stint("end", "--json", cwd=plain).stdout)
    assert (ended["loc_added"], ended["files_modified"]) == (4, 1)


def test_a_repository_with_no_commits_yet(tmp_path: Path) -> None:
    root = tmp_path / "fresh"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    started = json.loads(run_stint("start", "--json", cwd=root).stdout)
    assert started["start_commit"] is None and started["project"] == "fresh"
    (root / "a.txt").write_text("1\n2\n")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "first")
    (root / "b.txt").write_text("3\n")
    ended = json.loads(run_stint("end", "--json", cwd=root).stdout)
    assert (ended["loc_added"], ended["commits_made"]) == (3, 1)


def test_the_same_repository_maps_to_the_same_project(repo: Path) -> None:
    sub = repo / "pkg"
    sub.mkdir()
    first = json.loads(run_stint("start", "--project", "webapp", "--json", cwd=repo).stdout)
    run_stint("end", cwd=repo)
    run_stint("start", "--project", "elsewhere", cwd=sub.parent.parent)
    run_stint("end", cwd=sub.parent.parent)
    second = json.loads(run_stint("start", "--json", cwd=sub).stdout)
    assert first["project"] == "webapp" and second["project"] == "webapp"
