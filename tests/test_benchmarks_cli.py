"""The benchmark scripts' command lines (not their timings): every script answers
`--help` quickly without writing anything, and run_all runs one cheap row."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
SCRIPTS = sorted(BENCHMARKS.glob("*.py"))
ENV = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}


def _listing() -> set[str]:
    return {p.name for p in BENCHMARKS.iterdir() if p.name != "__pycache__"}


def test_there_are_scripts() -> None:
    assert {"harness.py", "seed.py", "run_all.py", "claude_corpus.py"} <= {p.name for p in SCRIPTS}


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_help_exits_0_and_writes_nothing(script: Path, tmp_path: Path) -> None:
    tmp_path = tmp_path / "empty"  # conftest puts a workdir in tmp_path itself
    tmp_path.mkdir()
    before = _listing()
    done = subprocess.run(
        [sys.executable, str(script), "--help"],
        cwd=tmp_path,
        env={**ENV, "TMPDIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0, done.stderr
    assert "usage:" in done.stdout
    assert list(tmp_path.iterdir()) == []  # no corpus in a directory named --help
    assert _listing() == before


def test_run_all_quick_one_row(tmp_path: Path) -> None:
    tmp_path = tmp_path / "empty"
    tmp_path.mkdir()
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "run_all.py"), "--quick", "--only", "record"],
        cwd=tmp_path,
        env={**ENV, "TMPDIR": str(tmp_path), "STINT_HOME": str(tmp_path / "home")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "`Tracker.record`, one event per call" in done.stdout
    assert "load average" in done.stdout
    assert "QUICK run" in done.stdout
    leftovers = [p.name for p in tmp_path.iterdir()]
    assert leftovers == [] or leftovers == ["home"]
