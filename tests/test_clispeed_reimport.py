"""A Claude Code re-import with nothing new answers without the Tracker, with the summary
the full import gives; anything new, touched or not yet known takes the full import."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from stint.capture import quick_import
from stint.cli import cli
from stint.store import imports, lite
from stint.tracker import Tracker
from transcripts import Transcript

SID = "0b5f7a52-2222-4c2e-9d1a-5a0c2a4a7e01"


def test_the_mtime_key_is_the_stores() -> None:
    assert lite.MTIME_KEY == imports.MTIME_KEY


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    t = Transcript(SID, str(tmp_path))
    t.prompt("start")
    t.response("msg_1", usage=(2, 70, 100, 900))
    for n, name in enumerate(("a", "b")):
        path = tmp_path / "claude" / "projects" / f"-home-u-{name}" / f"{n}{SID[1:]}.jsonl"
        path.parent.mkdir(parents=True)
        path.write_text(t.text())
    return tmp_path / "claude"


def _import(url: str, root: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        cli, ["--database", url, "import", "claude-code", str(root), *extra]
    )
    return result.exit_code, result.output


def test_nothing_new_prints_what_the_full_import_prints(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'stint.db'}"
    Tracker.open(url).close()
    assert quick_import.nothing_new(url, [corpus]) is None  # never imported
    first = _import(url, corpus)
    assert first[0] == 0 and "Read 2 files" in first[1]
    quick = {args: _import(url, corpus, *args) for args in [(), ("--json",)]}
    assert quick_import.nothing_new(url, [corpus]) is not None
    monkeypatch.setattr(quick_import, "nothing_new", lambda *_: None)
    full = {args: _import(url, corpus, *args) for args in [(), ("--json",)]}
    assert quick == full
    assert "(2 unchanged)" in quick[()][1]


def test_a_touched_or_grown_file_takes_the_full_import(corpus: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'stint.db'}"
    assert _import(url, corpus)[0] == 0
    assert quick_import.nothing_new(url, [corpus]) is not None
    path = next(corpus.rglob("*.jsonl"))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert quick_import.nothing_new(url, [corpus]) is None
    assert _import(url, corpus)[0] == 0  # the full import notes the new time
    assert quick_import.nothing_new(url, [corpus]) is not None
    with path.open("a") as handle:
        handle.write("{}\n")
    assert quick_import.nothing_new(url, [corpus]) is None
    assert quick_import.nothing_new(url, [tmp_path / "empty"]) is None
    assert (
        quick_import.nothing_new("postgresql+psycopg://postgres@127.0.0.1/test", [corpus]) is None
    )
