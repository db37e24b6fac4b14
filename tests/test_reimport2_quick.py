"""The re-import's quick path on the standard library only: what it must not import, the
summary it builds without the dataclass, the walk that stands for `transcript_files`, and
the sweep's rule read as the reader reads it (one SQL text, `stint.store.bare`)."""

from __future__ import annotations

import sqlite3
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from entry_probe import imported, run_entry
from stint.capture import quick_import
from stint.capture.claude_files import transcript_files, walk_transcripts
from stint.capture.import_report import unchanged_summary
from stint.capture.summary import ImportSummary
from stint.store import bare, engine, imports
from transcripts import Transcript

SID = "0b5f7a52-4444-4c2e-9d1a-5a0c2a4a7e01"
# What the quick path must not import: the heavy side, and the costly parts of the light
# one (the reader, the bare-sqlite3 store, the model's types and channels, the settings'
# dataclass, `typing`, `pathlib`, `json`, `tomllib`, `dataclasses`).
NOT_IMPORTED = (
    "click",
    "sqlalchemy",
    "genai_prices",
    "pluggy",
    "stint.tracker",
    "stint.cli",
    "stint.sessions.reading",
    "stint.sessions.quick",
    "stint.store.lite",
    "stint.store.engine",
    "stint.model.types",
    "stint.model.channels",
    "stint.model.config",
    "stint.capture.summary",
    "typing",
    "pathlib",
    "json",
    "tomllib",
    "dataclasses",
)


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


def _entry(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return run_entry(home, *args, watch=NOT_IMPORTED, **env)


def test_the_quick_path_imports_none_of_the_costly_modules(corpus: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    first = _entry(home, "import", "claude-code", str(corpus))
    assert first.returncode == 0 and "Read 2 files," in first.stdout
    assert "sqlalchemy" in imported(first)  # the full import ran: the probe can see it
    again = _entry(home, "import", "claude-code", str(corpus))
    assert again.returncode == 0 and "(2 unchanged)" in again.stdout
    assert imported(again) == []
    as_json = _entry(home, "import", "claude-code", str(corpus), "--json")
    assert as_json.returncode == 0 and '"files_skipped": 2' in as_json.stdout
    assert imported(as_json) == ["json"]  # only the JSON form needs it


def test_a_setting_in_the_environment_takes_the_settings_and_still_answers(
    corpus: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    assert _entry(home, "import", "claude-code", str(corpus)).returncode == 0
    again = _entry(home, "import", "claude-code", str(corpus), STINT_TIMEOUT_MINUTES="30")
    assert again.returncode == 0 and "(2 unchanged)" in again.stdout
    assert "stint.model.config" in imported(again) and "sqlalchemy" not in imported(again)
    bad = _entry(home, "import", "claude-code", str(corpus), STINT_TIMEOUT_MINUTES="soon")
    assert bad.returncode != 0 and "timeout_minutes" in bad.stderr  # the CLI's error


def test_the_summary_without_the_dataclass_is_the_dataclass_one() -> None:
    for skipped in (0, 1, 1109):
        mine, theirs = unchanged_summary(skipped), ImportSummary(files_skipped=skipped).to_dict()
        assert list(mine.items()) == list(theirs.items())  # the keys' order too (--json)


def test_the_shared_constants_agree() -> None:
    assert engine.SCHEMA_REVISION == bare.SCHEMA_REVISION
    assert bare.MTIME_KEY == imports.MTIME_KEY


def test_the_walk_finds_what_transcript_files_finds(tmp_path: Path) -> None:
    root = tmp_path / "claude"
    projects = root / "projects"
    (projects / "-a" / "sub" / "subagents").mkdir(parents=True)
    (projects / ".hidden").mkdir()
    (projects / "dir.jsonl").mkdir()  # a directory with the suffix: entered, not a file
    for name in ("-a/one.jsonl", "-a/sub/subagents/two.jsonl", ".hidden/three.jsonl"):
        (projects / name).write_text("{}\n")
    (projects / "dir.jsonl" / "four.jsonl").write_text("{}\n")
    (projects / "-a" / "notes.txt").write_text("x")
    outside = tmp_path / "outside"
    (outside / "deep").mkdir(parents=True)
    (outside / "linked.jsonl").write_text("{}\n")
    (outside / "deep" / "five.jsonl").write_text("{}\n")
    (projects / "-a" / "link.jsonl").symlink_to(outside / "linked.jsonl")  # a linked file
    (projects / "linkdir").symlink_to(outside / "deep")  # a linked directory: not entered
    (projects / "-a" / "dangling.jsonl").symlink_to(tmp_path / "nowhere.jsonl")
    single = outside / "linked.jsonl"
    for roots in ([root], [projects], [root, projects], [single], [tmp_path / "none"]):
        expected = {str(p): (str(p.resolve()), p.stat().st_ino) for p in transcript_files(roots)}
        walked = walk_transcripts([str(r) for r in roots])
        assert walked is not None
        assert {k: (where, stat.st_ino) for k, (where, stat) in walked.items()} == expected
    assert walk_transcripts([str(root) + "/"]) is None  # a root pathlib would write otherwise
    nothing = quick_import._transcripts([str(root) + "/"])
    assert nothing is not None and len(nothing) == len(transcript_files([root]))


def _store(home: Path) -> sqlite3.Connection:
    return sqlite3.connect(home / "stint.db", isolation_level=None)


def _quick_answers(corpus: Path) -> bool:
    """Whether the quick path answers, checked against the reader's own sweep check."""
    from stint.sessions.quick import open_reader

    answered = quick_import.nothing_new(None, [corpus]) is not None
    reader = open_reader(None, pending=lambda _: False)
    if reader is not None:
        reader.close()
    assert answered == (reader is not None)  # due for the reader ⇔ due for the quick path
    return answered


def test_the_sweep_rule_is_the_readers(corpus: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert _entry(home, "import", "claude-code", str(corpus)).returncode == 0
    url = f"sqlite:///{home / 'stint.db'}"
    env = {"STINT_HOME": str(home)}
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        patch.delenv("STINT_DATABASE_URL", raising=False)
        assert _quick_answers(corpus)
        now = datetime.now(UTC)
        with _store(home) as conn:
            session = conn.execute("SELECT min(id) FROM sessions").fetchone()[0]
            # Active of late, its latest event the agent's: not due; the reader says so.
            conn.execute(
                "UPDATE sessions SET status = 'active', ended_at = NULL, seen_at = NULL, "
                "last_activity_at = ? WHERE id = ?",
                (bare.bind_moment(now), session),
            )
        assert _quick_answers(corpus)
        assert quick_import.nothing_new(url, [corpus]) is not None
        with _store(home) as conn:  # idle past the timeout: the sweep is due
            conn.execute(
                "UPDATE sessions SET last_activity_at = ? WHERE id = ?",
                (bare.bind_moment(now - timedelta(hours=3)), session),
            )
        assert not _quick_answers(corpus)
        with _store(home) as conn:  # seen since (`seen_at`): not idle by the reader's rule
            conn.execute(
                "UPDATE sessions SET seen_at = ? WHERE id = ?", (bare.bind_moment(now), session)
            )
        assert _quick_answers(corpus)
