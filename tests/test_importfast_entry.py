"""`stint import claude-code` with nothing new is answered by `stint.entry` before Click
and the plugins load (`stint.capture.quick_import.main`), printing what the CLI prints;
anything it cannot answer goes on to the CLI."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from entry_probe import imported, run_entry
from stint.capture import quick_import
from stint.cli import cli
from transcripts import Transcript

SID = "0b5f7a52-3333-4c2e-9d1a-5a0c2a4a7e01"
HEAVY = ("click", "sqlalchemy", "genai_prices", "stint.tracker", "stint.cli", "pluggy")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    t = Transcript(SID, str(tmp_path))
    t.prompt("start")
    t.response("msg_1", usage=(2, 70, 100, 900))
    path = tmp_path / "claude" / "projects" / "-home-u-a" / f"{SID}.jsonl"
    path.parent.mkdir(parents=True)
    path.write_text(t.text())
    return tmp_path / "claude"


def _entry(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_entry(home, *args, watch=HEAVY)


def _cli(home: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    monkeypatch.setenv("STINT_HOME", str(home))
    monkeypatch.delenv("STINT_DATABASE_URL", raising=False)
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_a_reimport_with_nothing_new_loads_nothing_heavy_and_prints_the_same(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    first = _entry(home, "import", "claude-code", str(corpus))
    assert first.returncode == 0 and "Read 1 file," in first.stdout
    assert imported(first) != []  # the full import ran
    for extra in [(), ("--json",)]:
        quick = _entry(home, "import", "claude-code", str(corpus), *extra)
        assert quick.returncode == 0
        assert imported(quick) == [], quick.stderr  # none of them
        monkeypatch.setattr(quick_import, "nothing_new", lambda *_: None)
        full = _cli(home, monkeypatch, "import", "claude-code", str(corpus), *extra)
        monkeypatch.undo()
        assert quick.stdout == full
    summary = json.loads(_entry(home, "import", "claude_code", str(corpus), "--json").stdout)
    assert summary["files_skipped"] == 1 and summary["files_read"] == 0


@pytest.mark.parametrize("extra", [["--help"], ["missing-path"], ["--bogus"]])
def test_what_the_quick_path_cannot_parse_goes_to_the_cli(
    corpus: Path, tmp_path: Path, extra: list[str]
) -> None:
    home = tmp_path / "home"
    assert _entry(home, "import", "claude-code", str(corpus)).returncode == 0
    assert quick_import.main([str(corpus), *extra]) is None


def test_a_new_line_takes_the_full_import(corpus: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert _entry(home, "import", "claude-code", str(corpus)).returncode == 0
    path = next(corpus.rglob("*.jsonl"))
    with path.open("a") as handle:
        handle.write("{}\n")
    again = _entry(home, "import", "claude-code", str(corpus))
    assert again.returncode == 0 and "Read 1 file," in again.stdout
    assert imported(again) != []
