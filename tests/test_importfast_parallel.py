"""The parallel import (stint.capture.parse_pool): files parsed in worker processes store
exactly what one process stores — every table's rows, on SQLite and PostgreSQL — and
the workers load no store."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from conftest import pg_schema_url
from stint.capture import import_files, import_run, parse_pool
from stint.store import schema
from stint.store.offsets import Offset
from stint.tracker import Tracker
from transcripts import Transcript

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import claude_corpus

# Wall-clock columns (when a row was written, not what the transcripts say) and random
# ids differ between any two imports; everything else must be equal.
CLOCK = {"created_at", "updated_at", "seen_at", "last_seen_at", "last_used_at", "measured_at"}
RANDOM = {"uuid"}


def _corpus(root: Path) -> Path:
    """The benchmark's generated transcripts (tools, subagents, compactions, streamed
    responses, several models), plus a file with the lines a parser must survive."""
    claude_corpus.generate(root, 0.6, seed=3)
    odd = Transcript("0b5f7a52-2222-4c2e-9d1a-5a0c2a4a7e02", str(root))
    odd.prompt("look at @src/app.py with password=hunter22hunter")
    odd.response("msg_odd", usage=(3, 40, 10, 100), partial_outputs=(5,))
    path = odd.write(root / "projects" / "-home-odd" / "odd.jsonl")
    with path.open("ab") as handle:
        handle.write(b"{not json\n")
        handle.write(b'{"type": "user", "text": "\\ud83d lone"}\n')  # stored as "?"
        handle.write(b"[1, 2]\n")
    return root


def _rows(tracker: Tracker) -> dict[str, list[tuple[Any, ...]]]:
    found: dict[str, list[tuple[Any, ...]]] = {}
    with tracker.store.read() as conn:
        for table in schema.metadata.sorted_tables:
            columns = [c for c in table.columns if c.name not in CLOCK | RANDOM]
            rows = conn.execute(select(*columns)).all()
            found[table.name] = sorted((tuple(row) for row in rows), key=repr)
    return found


def _import(url: str, corpus: Path, parallel: bool, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(parse_pool, "PARALLEL_BYTES", 0 if parallel else 1 << 60)
    monkeypatch.setattr(parse_pool, "free_cores", lambda: 2.0)  # a busy test machine too
    used: list[bool] = []
    real = parse_pool.parse_files

    def spy(*args: Any, **kwargs: Any) -> Iterator[Any]:
        used.append(True)
        return real(*args, **kwargs)

    monkeypatch.setattr(parse_pool, "parse_files", spy)
    tracker = Tracker.open(url)
    try:
        summary = tracker.import_transcripts("claude-code", [corpus])
        assert bool(used) == parallel  # the path meant was the one taken
        return summary, _rows(tracker)
    finally:
        tracker.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def two_urls(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'serial.db'}", f"sqlite:///{tmp_path / 'parallel.db'}"
        return
    first, second = pg_schema_url(), pg_schema_url()
    try:
        yield next(first), next(second)
    finally:
        first.close()
        second.close()


def test_a_parallel_import_stores_what_a_serial_one_stores(
    two_urls: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = _corpus(tmp_path / "claude")
    # Small chunks and flushes: files are cut mid-way and sessions written over several
    # flushes, in both runs alike.
    monkeypatch.setattr(import_run, "FLUSH_LINES", 40)
    serial_summary, serial = _import(two_urls[0], corpus, False, monkeypatch)
    parallel_summary, parallel = _import(two_urls[1], corpus, True, monkeypatch)
    assert serial["activities"] and serial["sessions"] and serial["token_usage"]
    assert len(serial["import_offsets"]) >= 5
    assert parallel == serial
    assert parallel_summary == serial_summary
    assert serial_summary["bad_lines"] == 1 and serial_summary["wrong_shape_lines"] == 1
    # the parse that ran elsewhere still redacted what it stored
    assert "hunter22hunter" not in repr(parallel)


def test_a_re_import_after_a_parallel_one_stores_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = _corpus(tmp_path / "claude")
    url = f"sqlite:///{tmp_path / 'again.db'}"
    summary, before = _import(url, corpus, True, monkeypatch)
    assert summary["events_stored"] > 100
    again, after = _import(url, corpus, False, monkeypatch)
    assert again["events_stored"] == 0 and again["files_read"] == 0
    assert after == before


def test_a_small_import_or_a_busy_machine_stays_in_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parse_pool, "free_cores", lambda: 1.5)
    t = Transcript("0b5f7a52-3333-4c2e-9d1a-5a0c2a4a7e03", str(tmp_path))
    t.prompt("hi")
    path = t.write(tmp_path / "one.jsonl")
    job = import_files.FileJob(path, str(path), Offset(), path.stat().st_size, 1, 1)
    assert not parse_pool.wanted([job, job])  # a few KB: starting workers costs more
    big = import_files.FileJob(path, str(path), Offset(), parse_pool.PARALLEL_BYTES, 1, 1)
    assert parse_pool.wanted([big, job]) == (parse_pool.WORKERS > 1)
    monkeypatch.setattr(parse_pool, "free_cores", lambda: 0.3)  # the cores are busy
    assert not parse_pool.wanted([big, job])


def test_the_parse_workers_load_no_store() -> None:
    code = (
        "import sys, stint.capture.parse_pool, stint.capture.claude_code, stint.capture.codex;"
        "print(sorted(m for m in ('sqlalchemy', 'alembic', 'click', 'rich') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_chunks_depend_on_the_file_alone(tmp_path: Path) -> None:
    """A file's chunks are cut every `chunk_lines` of its own lines, whatever was read
    before it: what makes a worker's chunks the ones one process would cut."""
    from stint.capture.claude_code import ClaudeParser
    from stint.pricing.table import PriceTable

    t = Transcript("0b5f7a52-4444-4c2e-9d1a-5a0c2a4a7e04", str(tmp_path))
    for n in range(5):
        t.prompt(f"step {n}")
        t.response(f"msg_{n}", usage=(1, 2, 3, 4))
    path = t.write(tmp_path / "five.jsonl")
    lines = len(path.read_bytes().splitlines())
    job = import_files.FileJob(path, str(path), Offset(), path.stat().st_size, 1, 1)
    parser = ClaudeParser(path, {}, "metadata", PriceTable.load(tmp_path))
    chunks = list(import_files.read_chunks(job, parser, 3))
    assert [c.lines for c in chunks] == [3] * (lines // 3) + [lines % 3]
    assert chunks[-1].offset.offset == path.stat().st_size
    assert sum(len(b.events) for c in chunks for b in c.batches) > 5
    assert datetime.now(UTC) > max(b.last_at for c in chunks for b in c.batches)
