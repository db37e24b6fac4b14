"""One file of an import: whether it has anything new since the offset stored for it
(stat, then a fingerprint of what was read), and its new, complete lines read through a
parser in chunks that depend on the file alone.

Nothing here touches the store: the parse workers of a parallel import
(stint.capture.parse_pool) cut their chunks with `read_chunks` as the importing process
does, and `plan_file` and `take_chunk` go through the `ImportRun`.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from stint.capture.parsing import Parser, SessionBatch, decode
from stint.capture.summary import unchanged
from stint.store.offsets import Offset

if TYPE_CHECKING:
    from stint.capture.import_run import ImportRun

FINGERPRINT_BYTES = 4096  # hashed at a file's start and just before its offset
# Parts of a parser's state that describe what is already stored, not where the file was
# read up to; a file read again from its start keeps them. Claude Code's `usage` holds the
# figures stored for recent responses: a response first stored half-streamed must grow
# by its difference, which a fresh state would drop as a duplicate of its first key.
STORED_STATE = ("usage",)


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
