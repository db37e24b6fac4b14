"""The transcript import's bulk paths: a re-import with nothing new reads every offset
in one query and opens no file; writes go in batches; stale sessions are found in one
read; JSON is decoded fast with the old fallback for odd lines. Same results."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from stint.capture import import_files, importer, parsing
from stint.tracker import Tracker
from transcripts import Transcript

SID = "0b5f7a52-2222-4c2e-9d1a-5a0c2a4a7e0{}"


def run(tracker: Tracker, *paths: Path) -> dict[str, Any]:
    return tracker.import_transcripts("claude-code", list(paths))


def corpus(root: Path, sessions: int = 3) -> Path:
    for n in range(sessions):
        transcript(root, n).write(file_of(root, n))
    return root / "claude"


def transcript(root: Path, n: int) -> Transcript:
    t = Transcript(SID.format(n), str(root))
    t.prompt(f"task {n}")
    t.response(f"msg_{n}", usage=(3, 200 + n, 1500, 11442), partial_outputs=(10,))
    return t


def file_of(root: Path, n: int) -> Path:
    return root / "claude" / "projects" / "-home-u-app" / f"{SID.format(n)}.jsonl"


@contextmanager
def statements(tracker: Tracker) -> Iterator[list[str]]:
    """The SQL sent to the database (both engines) while inside. On SQLite, sqlite3's own
    trace: the hot write paths run compiled statements on the DBAPI cursor, past
    SQLAlchemy's events (stint.store.prepared)."""
    seen: list[str] = []

    def hook(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    def traced(dbapi_connection: Any, *args: Any) -> None:
        dbapi_connection.set_trace_callback(seen.append)

    engines = {id(e): e for e in (tracker.store.engine, tracker.store._writer)}.values()
    sqlite = tracker.store.is_sqlite
    for engine in engines:
        if sqlite:
            event.listen(engine.pool, "checkout", traced)
        else:
            event.listen(engine, "before_cursor_execute", hook)
    try:
        yield seen
    finally:
        for engine in engines:
            if sqlite:
                event.remove(engine.pool, "checkout", traced)
            else:
                event.remove(engine, "before_cursor_execute", hook)
        if sqlite:
            for engine in engines:
                with engine.connect() as conn:
                    conn.connection.driver_connection.set_trace_callback(None)  # type: ignore[union-attr]


def test_reimport_of_unchanged_files_reads_offsets_once_and_opens_no_file(
    tracker: Tracker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = corpus(tmp_path)
    first = run(tracker, root)
    assert first["files_read"] == 3

    def never(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("an unchanged file was opened")

    monkeypatch.setattr(import_files, "fingerprint", never)
    monkeypatch.setattr(import_files, "new_lines", never)
    with statements(tracker) as seen:
        again = run(tracker, root)
    assert again["files_skipped"] == 3 and again["files_read"] == 0
    assert again["events_stored"] == 0
    offset_reads = [s for s in seen if "import_offsets" in s]
    assert len(offset_reads) == 1, offset_reads
    # nothing changed: no session is read, swept or written
    assert not [s for s in seen if "sessions" in s], seen


def test_a_touched_file_is_checked_by_fingerprint_then_trusted_by_stat(
    tracker: Tracker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = corpus(tmp_path, sessions=1)
    run(tracker, root)
    path = next(root.rglob("*.jsonl"))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    again = run(tracker, root)  # same bytes, new mtime: the fingerprint says unchanged
    assert again["files_skipped"] == 1 and again["files_replaced"] == 0

    def never(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("opened although stat says unchanged")

    monkeypatch.setattr(import_files, "fingerprint", never)
    assert run(tracker, root)["files_skipped"] == 1


def test_same_size_rewrite_with_a_new_mtime_is_still_seen(tracker: Tracker, tmp_path: Path) -> None:
    root = corpus(tmp_path, sessions=1)
    run(tracker, root)
    path = next(root.rglob("*.jsonl"))
    data = path.read_bytes()
    stat = path.stat()
    # the same length, other bytes (a digit of the prompt changed), a later mtime
    path.write_bytes(data.replace(b"task 0", b"task 9"))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    again = run(tracker, root)
    assert again["files_replaced"] == 1


def test_new_lines_of_many_sessions_are_written_in_one_transaction(
    tracker: Tracker, tmp_path: Path
) -> None:
    root = corpus(tmp_path, sessions=3)
    run(tracker, root)
    before = {n: tracker.find_agent_session("claude_code", SID.format(n)) for n in range(3)}
    for n in range(3):  # a later response in each: no prompt, so nothing is re-opened
        t = transcript(tmp_path, n)
        t.response(f"more_{n}", usage=(4, 50, 0, 900))
        t.write(file_of(tmp_path, n))
    writes: list[int] = []
    writer = tracker.store._writer

    def began(conn: Any) -> None:
        writes.append(1)

    event.listen(writer, "begin", began)
    try:
        with statements(tracker) as seen:
            again = run(tracker, root)
    finally:
        event.remove(writer, "begin", began)
    assert again["files_read"] == 3 and again["sessions_updated"] == 3
    assert again["events_stored"] == 3 and again["output_tokens"] == 150
    if tracker.store.is_sqlite:  # PostgreSQL reads and writes on one engine
        assert len(writes) == 1, "one write transaction for the whole batch"
    session_reads = [
        s for s in seen if s.lstrip().upper().startswith("SELECT") and "FROM sessions" in s
    ]
    # Each written session's pulse state is read under its row lock (active time is kept
    # on the row); besides those, one read of the batch's sessions and the stale check.
    pulse_reads = [s for s in session_reads if "pulse_last_at" in s]
    assert len(pulse_reads) == 3, pulse_reads
    assert len(session_reads) - len(pulse_reads) == 2, session_reads
    for n in range(3):
        after = tracker.find_agent_session("claude_code", SID.format(n))
        assert after is not None and before[n] is not None
        assert after.output_tokens == before[n].output_tokens + 50
        assert after.status == before[n].status == "timeout"


def test_stale_sessions_are_found_in_one_read_not_one_per_session(
    tracker: Tracker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = corpus(tmp_path, sessions=4)
    ended: list[int] = []
    sent: list[str] = []
    real_end = importer.end_stale_sessions

    def end(core: Any, session_ids: set[int]) -> None:
        with statements(tracker) as seen:
            real_end(core, session_ids)
        sent.extend(seen)

    monkeypatch.setattr(importer, "time_out_many", lambda core, ids, **kw: ended.extend(ids))
    monkeypatch.setattr(importer, "end_stale_sessions", end)
    summary = run(tracker, root)
    assert summary["sessions_created"] == 4
    assert len(ended) == 4  # every old session is stale
    assert len([s for s in sent if s.lstrip().upper().startswith("SELECT")]) == 1, sent
    monkeypatch.undo()
    real_end(tracker, set(ended))
    for n in range(4):
        session = tracker.find_agent_session("claude_code", SID.format(n))
        assert session is not None and session.status == "timeout"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b'{"a": 1}', {"a": 1}),
        (b'{"a": NaN}', "nan"),  # orjson refuses, json takes it: as before
        (b'{"a": 123456789012345678901234567890}', {"a": 123456789012345678901234567890}),
        # a lone surrogate: made storable (as the import always stored it)
        (b'{"t": "\\ud83d"}', {"t": "?"}),
        (b"\xef\xbb\xbf" + b'{"a": 2}', {"a": 2}),  # a byte-order mark
    ],
)
def test_decode_agrees_with_the_standard_library(raw: bytes, expected: Any) -> None:
    got = parsing.decode(raw)
    if expected == "nan":
        assert got["a"] != got["a"]
    else:
        assert got == expected


@pytest.mark.parametrize("raw", [b"{not json", b'{"a": 1', b"\xff\xfe{}", b""])
def test_decode_refuses_what_both_refuse(raw: bytes) -> None:
    with pytest.raises(ValueError):
        parsing.decode(raw)


@pytest.mark.parametrize(
    ("raw", "expected"), [(b'"\\ud83d"', True), (b'"\\uD83D"', True), (b'"\\u00e9"', False)]
)
def test_surrogate_escapes_are_seen_in_either_case(raw: bytes, expected: bool) -> None:
    assert parsing._surrogate(raw) is expected
