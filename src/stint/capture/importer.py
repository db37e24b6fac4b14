"""What every transcript importer shares: reading only the new, complete lines of a file,
remembering where it stopped, and turning one agent session's new lines into stint
session updates.

A parser (one per agent) sees decoded lines and hands back `SessionBatch`es; it keeps
what must survive until the next import (half-finished responses, unanswered tool calls)
in a JSON-able `state` stored with the file's offset.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import orjson

from stint.capture.redact import storable
from stint.capture.summary import PROBLEMS_KEPT as PROBLEMS_KEPT
from stint.capture.summary import ImportSummary as ImportSummary
from stint.capture.summary import unchanged as unchanged
from stint.model.timeparse import utcnow
from stint.model.types import OPEN_STATUSES, EventIn
from stint.pricing.table import PriceTable
from stint.store.offsets import Offset

# The store's side (SQLAlchemy) is imported where a run writes or reads it: the parse
# workers of a parallel import (stint.capture.parse_pool) only read files.
if TYPE_CHECKING:
    from stint.sessions.service import Sessions

log = logging.getLogger("stint.import")
# Lines per write: memory stays bounded on huge imports, and a parallel import's writer
# starts storing while its workers parse the rest (smaller flushes measured no slower).
FLUSH_LINES = 10_000
# Lines that may wait while the files of one directory are read (see `ImportRun.enter`):
# the bound on a run's memory when a project's sessions are many.
GROUP_LINES = 8 * FLUSH_LINES
FINGERPRINT_BYTES = 4096  # hashed at a file's start and just before its offset
# Parts of a parser's state that describe what is already stored, not where the file was
# read up to; a file read again from its start keeps them. Claude Code's `usage` holds the
# figures stored for recent responses: a response first stored half-streamed must grow
# by its difference, which a fresh state would drop as a duplicate of its first key.
STORED_STATE = ("usage",)
# A run of 19 digits may not fit 64 bits, which orjson would read as a float: found by
# mapping every digit to "0" and anything else to " " (C speed; a regex is ten times
# slower over tool output).
_DIGITS_ONLY = bytes(48 if 48 <= code <= 57 else 32 for code in range(256))
_LONG_RUN = b"0" * 19


@dataclass
class SessionBatch:
    """New facts about one agent session from one chunk of one file."""

    agent: str
    agent_session_id: str
    first_at: datetime
    last_at: datetime
    cwd: str | None = None
    branch: str | None = None
    model: str | None = None
    version: str | None = None
    events: list[EventIn] = field(default_factory=list)

    def saw(self, at: datetime) -> None:
        self.first_at = min(self.first_at, at)
        self.last_at = max(self.last_at, at)


class Parser(Protocol):
    state: dict[str, Any]

    def feed(self, line: dict[str, Any]) -> bool:
        """Take one decoded line; False when it is no line of this agent's format (it is
        then counted as a bad line, not silently dropped)."""
        ...

    def take(self, final: bool) -> list[SessionBatch]:
        """The batches so far (and, when `final` and the file looks finished, whatever
        was waiting for a line that will not come)."""
        ...


ParserFactory = Callable[[Path, dict[str, Any]], Parser]
# (path, state, capture policy, prices) → parser
ParserClass = Callable[[Path, dict[str, Any], str, PriceTable], Parser]


def decode(raw: bytes) -> Any:
    """One line's JSON: orjson for speed; what it refuses and the standard library takes
    (lone surrogates, NaN, integers beyond 64 bits, a byte-order mark) still decodes as
    it always did, and what both refuse raises ValueError — a bad line. orjson reads an
    integer beyond 64 bits as a float, so a line with a run of 19+ digits (rare: ids,
    hashes in text) goes to the standard library whole. Only the standard library lets
    a lone surrogate through (orjson refuses the line), so only its answer is made
    `storable` — a search of every line for `\\ud` cost a third of decoding it."""
    if _LONG_RUN not in raw.translate(_DIGITS_ONLY):
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass
    value = json.loads(raw)
    return storable(value) if _surrogate(raw) else value


def _surrogate(raw: bytes) -> bool:
    # a surrogate escape (`\ud800`…; JSON's `\u` is always lower case, so only the hex
    # digit's case varies): without copying the line to lower case
    return b"\\ud" in raw or b"\\uD" in raw


def parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value)  # 3.11 reads a trailing "Z" itself
    except ValueError:
        return None


def new_lines(path: Path, start: int) -> Iterator[tuple[int, bytes]]:
    """Complete lines from byte `start`, each with the offset just after it. A last line
    without its newline is still being written: it is left for the next import."""
    with path.open("rb") as handle:
        handle.seek(start)
        offset = start
        for raw in handle:
            if not raw.endswith(b"\n"):
                return
            offset += len(raw)
            yield offset, raw


class ImportRun:
    """One import. Parsed batches wait here, merged per agent session (a session's main
    file and its subagent files become one write), until about `FLUSH_LINES` lines are
    pending; then each session gets one bulk write, and the offsets of the files read are
    saved in one transaction after their events — a crash in between only means lines
    are read again, and their keys are already stored."""

    def __init__(self, tracker: Sessions, summary: ImportSummary) -> None:
        self.tracker = tracker
        self.summary = summary
        self.batches: dict[tuple[str, str], SessionBatch] = {}
        self.offsets: dict[str, Offset] = {}
        self.lines = 0
        # Every file's stored offset, read in one query at the start of the run (None:
        # not read yet, each file then reads its own).
        self.stored: dict[str, Offset] | None = None
        self.group: Path | None = None  # the directory whose files are read (`enter`)

    def load_offsets(self) -> None:
        from stint.store import imports

        with self.tracker.store.read() as conn:
            self.stored = imports.all_offsets(conn, self.tracker.org)

    def offset_of(self, key: str) -> Offset:
        if self.stored is not None:
            return self.stored.get(key) or Offset()
        from stint.store import imports

        with self.tracker.store.read() as conn:
            return imports.get_offset(conn, self.tracker.org, key)

    def take(self, key: str, offset: Offset, parser: Parser, *, final: bool) -> None:
        self.add(key, offset, parser.take(final))

    def enter(self, path: Path) -> None:
        """`path` is read next. The files under one directory are flushed together (up to
        GROUP_LINES): Claude Code lists a project's main files before their sessions'
        subagent files, and a session whose subagent lines came in a later flush than
        its main file had them back-dated, which folds its states from all its events
        again. A flush that is due happens when the files leave the directory."""
        if self.group is not None and path.is_relative_to(self.group):
            return
        if self.lines >= FLUSH_LINES:
            self.flush()
        self.group = path.parent

    def add(self, key: str, offset: Offset, batches: list[SessionBatch]) -> None:
        """A file's batches (merged per agent session) and where its next read starts;
        a flush once about `FLUSH_LINES` lines wait (GROUP_LINES inside a directory
        `enter` named)."""
        for batch in batches:
            known = self.batches.get((batch.agent, batch.agent_session_id))
            if known is None:
                self.batches[(batch.agent, batch.agent_session_id)] = batch
            else:
                known.saw(batch.first_at)
                known.saw(batch.last_at)
                known.events.extend(batch.events)
                for name in ("cwd", "branch", "model", "version"):
                    setattr(known, name, getattr(batch, name) or getattr(known, name))
        self.offsets[key] = offset
        if self.lines >= (FLUSH_LINES if self.group is None else GROUP_LINES):
            self.flush()

    def flush(self) -> None:
        """Sessions first (found in one read, created or re-opened where needed), then
        one write transaction for every session's events and fields and the offsets."""
        from stint.store import events as ev
        from stint.store import imports
        from stint.store import sessions as ss

        tracker, summary = self.tracker, self.summary
        batches = list(self.batches.values())
        unknown: dict[str, list[str]] = {}
        for batch in batches:
            if (batch.agent, batch.agent_session_id) not in summary.known:
                unknown.setdefault(batch.agent, []).append(batch.agent_session_id)
        if unknown:
            with tracker.store.read() as conn:
                for agent, ids in unknown.items():
                    rows = imports.agent_sessions(conn, tracker.org, agent, ids)
                    summary.known.update({(agent, sid): row for sid, row in rows.items()})
        writes = [(batch, *session_for(tracker, batch, summary)) for batch in batches]
        now = utcnow()
        if writes or self.offsets:
            with tracker.store.write() as conn:
                for batch, session_id, fields in writes:
                    if fields:
                        ss.update_session(
                            conn, tracker.org, session_id, {**fields, "updated_at": now}
                        )
                    events = [(event, event.occurred_at or now) for event in batch.events]
                    summary.events_stored += ev.append_many(
                        tracker.store, conn, tracker.org, session_id, events
                    )
                imports.set_offsets(tracker.store, conn, tracker.org, self.offsets, now)
        if self.stored is not None:
            self.stored.update(self.offsets)
        self.batches, self.offsets, self.lines = {}, {}, 0


_JSON_TYPES = {list: "array", str: "string", int: "number", float: "number", bool: "boolean"}


def fingerprint(path: Path, offset: int) -> str:
    """What the first `offset` bytes of `path` are, cheaply: a hash of up to
    FINGERPRINT_BYTES at the start and as many just before `offset` (where the next
    read would join on, so an edit there is seen too)."""
    with path.open("rb") as handle:
        head = handle.read(min(FINGERPRINT_BYTES, offset))
        tail_from = max(len(head), offset - FINGERPRINT_BYTES)
        handle.seek(tail_from)
        tail = handle.read(max(0, offset - tail_from))
    return hashlib.sha256(head + tail).hexdigest()


def replaced(path: Path, known: Offset, size: int, inode: int) -> bool:
    """Whether the bytes read up to `known.offset` are no longer the ones there: the file
    shrank, is another file under the same name (inode), or was rewritten in place (its
    fingerprint). Size alone cannot tell a file that grew from one replaced by longer
    content. A row from before fingerprints were kept is trusted."""
    if known.offset == 0:
        return False
    if size < known.offset:
        return True
    if known.inode is not None and known.inode != inode:
        return True
    return known.fingerprint is not None and fingerprint(path, known.offset) != known.fingerprint


def count_lines(path: Path, end: int) -> int:
    """Lines in the first `end` bytes (only when a bad line needs its number and the
    stored offset predates line counts)."""
    lines, left = 0, end
    with path.open("rb") as handle:
        while left > 0:
            chunk = handle.read(min(left, 1 << 20))
            if not chunk:
                break
            lines += chunk.count(b"\n")
            left -= len(chunk)
    return lines


@dataclass
class FileJob:
    """A file with new bytes to read: its path and key, the offset stored for it (or a
    fresh one when it was replaced) and what stat said before reading."""

    path: Path
    key: str
    known: Offset
    size: int
    inode: int
    mtime: int

    @property
    def new_bytes(self) -> int:
        return max(0, self.size - self.known.offset)


@dataclass
class FileChunk:
    """What reading part of one file gave: the parser's batches, where the file's next
    read starts, the lines and bytes read and the bad lines (line number, problem).
    Picklable: the parallel import (stint.capture.parse_pool) sends it between
    processes."""

    batches: list[SessionBatch]
    offset: Offset
    lines: int
    bytes: int
    problems: list[tuple[int, str]] = field(default_factory=list)
    unknown_models: set[str] = field(default_factory=set)


def plan_file(path: Path, run: ImportRun) -> FileJob | None:
    """Whether `path` has anything new to read (None: skipped, counted so). A file
    replaced since the last import (see `replaced`) is read again from the start, with a
    fresh parser state; event keys keep that idempotent, so nothing already stored is
    counted twice."""
    summary = run.summary
    if not path.is_file():  # gone since it was listed (or a hook named a deleted file)
        summary.files_skipped += 1
        return None
    key = str(path.resolve())
    stat = path.stat()
    size, inode, mtime = stat.st_size, stat.st_ino, stat.st_mtime_ns
    known = run.offset_of(key)
    if unchanged(known, size, inode, mtime):  # not even opened
        summary.files_skipped += 1
        return None
    if replaced(path, known, size, inode):
        kept = {k: v for k, v in known.state.items() if k in STORED_STATE}
        known = Offset(state=kept)
        summary.files_replaced += 1
    elif size == known.offset:
        summary.files_skipped += 1
        if known.mtime_ns != mtime:  # touched, same bytes: next time the stat says so
            run.offsets[key] = dataclasses.replace(known, mtime_ns=mtime)
        return None
    summary.files_read += 1
    return FileJob(path, key, known, size, inode, mtime)


def read_chunks(job: FileJob, parser: Parser, chunk_lines: int) -> Iterator[FileChunk]:
    """The file's new lines through `parser`, a chunk every `chunk_lines` lines and one
    at its end. Chunks depend on the file alone (not on what other files an import
    read before it), so files parsed apart, in other processes, give what one process
    gives."""
    path, known = job.path, job.known
    offset = known.offset
    before = known.lines if known.offset else 0  # None: not counted yet
    read = lines = size = 0
    problems: list[tuple[int, str]] = []

    def chunk(final: bool, file_size: int) -> FileChunk:
        nonlocal lines, size, problems
        counted = None if before is None else before + read
        mark = fingerprint(path, offset)
        # the mtime stat saw before reading: a line appended since changes it, so a
        # later import looks again rather than trusting a stale stat
        saved = Offset(file_size, offset, parser.state, mark, job.inode, counted, job.mtime)
        done = FileChunk(parser.take(final), saved, lines, size, problems)
        lines, size, problems = 0, 0, []
        return done

    for end, raw in new_lines(path, known.offset):
        size += end - offset
        offset = end
        lines += 1
        read += 1
        problem = None
        try:
            line = decode(raw)
        except ValueError:
            problem = "not valid JSON"
        else:
            if not isinstance(line, dict):
                problem = f"a JSON {_JSON_TYPES.get(type(line), 'value')}, not an object"
            elif not parser.feed(line):
                problem = "not a transcript line (no record type)"
        if problem is not None:
            if before is None:
                before = count_lines(path, known.offset)
            problems.append((before + read, problem))
        if lines >= chunk_lines:
            yield chunk(False, job.size)
    yield chunk(True, max(job.size, offset))


def take_chunk(run: ImportRun, job: FileJob, chunk: FileChunk) -> None:
    """One chunk into the run: counted, its bad lines named, its batches merged."""
    summary = run.summary
    summary.bytes_read += chunk.bytes
    summary.new_lines += chunk.lines
    run.lines += chunk.lines
    for line, problem in chunk.problems:
        summary.problem(job.path, line, problem)
    run.add(job.key, chunk.offset, chunk.batches)


def import_file(
    tracker: Sessions, path: Path, parser_factory: ParserFactory, run: ImportRun
) -> None:
    """Read what is new in one file into `run` (see `plan_file` and `read_chunks`)."""
    job = plan_file(path, run)
    if job is None:
        return
    parser = parser_factory(path, job.known.state)
    for chunk in read_chunks(job, parser, FLUSH_LINES):
        take_chunk(run, job, chunk)


def session_for(
    tracker: Sessions, batch: SessionBatch, summary: ImportSummary
) -> tuple[int, dict[str, Any]]:
    """The stint session of an agent session — created, or re-opened, or as it is — and
    the fields the batch changes on it. A closed session is re-opened only when a prompt
    comes after its end (the agent resumed it — the hooks' rule too); other lines (the
    tail of a transcript the hooks already ended, a late subagent file) just add their
    events. `summary.known` holds what this run knows of the session already."""
    from stint.store import imports

    agent = batch.agent
    found = summary.known.get((agent, batch.agent_session_id))
    ended = (
        found["ended_at"] if found is not None and found["status"] not in OPEN_STATUSES else None
    )
    resumed = ended is not None and any(
        e.type == "message" and e.occurred_at is not None and e.occurred_at > ended
        for e in batch.events
    )
    if found is None or resumed:
        attached = tracker.attach_id(
            agent=agent,
            agent_session_id=batch.agent_session_id,
            cwd=batch.cwd,
            model=batch.model,
            at=batch.first_at,
            source="import",
        )
        if found is None:
            summary.sessions_created += 1
        with tracker.store.read() as conn:  # not the whole session read back: its columns
            row: dict[str, Any] = imports.known_columns(conn, tracker.org, attached)
    else:
        row = found
    session_id = int(row["id"])
    if found is not None and session_id not in summary.touched:
        summary.sessions_updated += 1
    summary.touched.add(session_id)
    fields: dict[str, Any] = {}
    if batch.branch and batch.branch != row["branch"]:
        fields["branch"] = batch.branch
    if batch.model and batch.model != row["ai_model"]:
        fields["ai_model"] = batch.model
    if batch.version and not row["agent_version"]:
        fields["agent_version"] = batch.version
    summary.known[(agent, batch.agent_session_id)] = {**row, **fields}
    for event in batch.events:
        if event.type == "tokens":
            summary.count_tokens(event)
    return session_id, fields


def end_stale_sessions(tracker: Sessions, session_ids: set[int]) -> None:
    """End imported sessions whose last activity is older than the inactivity timeout, at
    that last activity (status `timeout`, as the sweep would: a transcript never says the
    session ended, and no git state of today belongs to an old session). A recent one is
    left running: its agent may still be at work."""
    from stint.store import imports

    idle_before = utcnow() - timedelta(seconds=tracker.settings.timeout_seconds)
    if not session_ids:
        return
    with tracker.store.read() as conn:
        stale = imports.stale_open_sessions(conn, tracker.org, session_ids, idle_before)
    if stale:  # one write transaction for all of them, not one `finish` each
        time_out_many(tracker, stale, reason="inactivity")


def time_out_many(tracker: Sessions, session_ids: Any, *, reason: str) -> None:
    """`stint.sessions.lifecycle.time_out_many`, imported when sessions are ended."""
    from stint.sessions import lifecycle

    lifecycle.time_out_many(tracker, session_ids, reason=reason)


FileReader = Callable[["Sessions", Path, ParserFactory, "ImportRun"], None]


def import_all(
    tracker: Sessions,
    files: list[Path],
    parser: ParserClass,
    progress: Any = None,
    reader: FileReader | None = None,
) -> ImportSummary:
    """Import `files` in order; `progress(bytes done, bytes total)` after each. `reader`
    reads one file into the run (default `import_file`: JSON lines). Sessions are ended
    (when stale) only at the end, once all their files are in."""
    prices = PriceTable.load(tracker.settings.home)
    policy = tracker.settings.capture_policy
    summary = ImportSummary()
    sizes = {path: path.stat().st_size for path in files if path.is_file()}
    summary.files_skipped += len(files) - len(sizes)
    total, done = sum(sizes.values()), 0
    run = ImportRun(tracker, summary)
    if len(sizes) > 1:  # one file (a hook naming its transcript) reads just its own
        run.load_offsets()
    if progress is not None:
        progress(0, total)
    if reader is None:
        _read_lines(run, sizes, parser, prices, progress)
    else:
        for path, size in sizes.items():
            reader(tracker, path, lambda p, state: parser(p, state, policy, prices), run)
            done += size
            if progress is not None:
                progress(done, total)
    run.flush()
    end_stale_sessions(tracker, summary.touched)
    summary.unknown_models |= prices.unknown
    for model in sorted(prices.unknown):
        message = f"no price for model {model!r}: its cost is counted as 0"
        summary.warnings.append(message)
        log.warning(message)
        log_line(tracker.settings.log_file, message)
    return summary


def _read_lines(
    run: ImportRun,
    sizes: dict[Path, int],
    parser: ParserClass,
    prices: PriceTable,
    progress: Any,
) -> None:
    """JSON-lines files into `run`, in order: every file's stat and stored offset first
    (`plan_file`), then the new lines of those that have any, parsed here or, for a big
    enough import, in worker processes (stint.capture.parse_pool) — either way taken
    chunk by chunk in the files' order, so both store the same."""
    from stint.capture import parse_pool  # deferred: it imports this module

    settings = run.tracker.settings
    policy = settings.capture_policy
    planned = [(size, plan_file(path, run)) for path, size in sizes.items()]
    jobs = [job for _, job in planned if job is not None]
    chunks: Iterator[Iterator[FileChunk] | list[FileChunk]]
    if parse_pool.wanted(jobs):
        chunks = parse_pool.parse_files(jobs, parser, settings.home, policy, FLUSH_LINES)
    else:  # lazily, one file at a time: each chunk is taken before the next is read
        chunks = (
            read_chunks(job, parser(job.path, job.known.state, policy, prices), FLUSH_LINES)
            for job in jobs
        )
    total, done = sum(sizes.values()), 0
    for size, job in planned:
        if job is not None:
            run.enter(job.path)
            for chunk in next(chunks):
                prices.unknown |= chunk.unknown_models
                take_chunk(run, job, chunk)
        done += size
        if progress is not None:
            progress(done, total)


def log_line(path: Path, message: str) -> None:
    """One line in stint's log file (`$STINT_HOME/stint.log`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"{utcnow().isoformat(timespec='seconds')} import: {message}\n")
