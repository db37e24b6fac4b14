"""lizard's figures are cached by content: a second measurement of the same versions parses
nothing, and a different threshold or extension is a different entry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import git
from stint.sessions import gitstats, health, health_files
from stint.sessions.health_cache import FILE_NAME, object_id

BRANCHY = (
    "def classify(x):\n"
    + "".join(f"    if x == {i}:\n        return {i}\n" for i in range(16))
    + "    return -1\n"
)


def _changes(repo: Path) -> tuple[str, list[gitstats.FileChange]]:
    start = git(repo, "rev-parse", "HEAD").strip()
    return start, gitstats.diff_since(repo, start).files


def test_a_second_measurement_reads_the_cache(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo / "a.py").write_text("def f(x):\n    return x\n")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "a")
    (repo / "a.py").write_text(BRANCHY)
    start, changes = _changes(repo)
    home = tmp_path / "home"
    first = health.measure(str(repo), start, changes, cache_home=home)
    assert (home / FILE_NAME).exists()

    def no_parsing(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("parsed again")

    monkeypatch.setattr(health_files, "analyse", no_parsing)
    second = health.measure(str(repo), start, changes, cache_home=home)
    assert second.summary() == first.summary() and second.summary()["ccn_after"] == 17
    assert second.files[0].complex_added == ("classify( x )",)
    # Another threshold is another entry: it must parse (and here, fail as unparsable).
    other = health.measure(str(repo), start, changes, cache_home=home, threshold=10)
    assert other.files[0].skip_reason == "unparsable"


def test_the_work_tree_key_is_gits_object_id(repo: Path) -> None:
    data = (repo / "README.md").read_bytes()
    assert object_id(data) == git(repo, "hash-object", "README.md").strip()


def test_an_unreadable_cache_is_not_used(repo: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / FILE_NAME).write_text("this is not a database")
    (repo / "a.py").write_text(BRANCHY)
    start, changes = _changes(repo)
    found = health.measure(str(repo), start, changes, cache_home=home)
    assert found.status == "measured" and found.summary()["ccn_after"] == 17
