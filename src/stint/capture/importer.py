"""What every transcript importer shares, end to end: `import_all` reads a list of files
— only their new, complete lines, parsed here or in worker processes — into one
`ImportRun`, flushes it and ends the sessions gone stale.

Its parts: `stint.capture.parsing` (what a parser sees and hands back: decoded lines,
`SessionBatch`), `stint.capture.import_files` (whether a file has anything new; its
lines read in chunks) and `stint.capture.import_run` (the batches merged and written).
A plugin's importer uses `import_all`, `SessionBatch` and `ImportSummary` from here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stint.capture import import_run
from stint.capture.import_files import FileChunk, plan_file, read_chunks, take_chunk
from stint.capture.import_run import ImportRun
from stint.capture.parsing import ParserClass, ParserFactory
from stint.capture.parsing import SessionBatch as SessionBatch  # the plugins' name for it
from stint.capture.summary import ImportSummary as ImportSummary
from stint.model.timeparse import utcnow
from stint.pricing.table import PriceTable

# The store's side (SQLAlchemy) is imported where a run writes or reads it: the parse
# workers of a parallel import (stint.capture.parse_pool) only read files.
if TYPE_CHECKING:
    from stint.sessions.service import Sessions

log = logging.getLogger("stint.import")


def import_file(
    tracker: Sessions, path: Path, parser_factory: ParserFactory, run: ImportRun
) -> None:
    """Read what is new in one file into `run` (see `plan_file` and `read_chunks`)."""
    job = plan_file(path, run)
    if job is None:
        return
    parser = parser_factory(path, job.known.state)
    for chunk in read_chunks(job, parser, import_run.FLUSH_LINES):
        take_chunk(run, job, chunk)


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
    from stint.capture import parse_pool  # deferred: loaded only when a run reads JSON lines

    settings = run.tracker.settings
    policy = settings.capture_policy
    chunk_lines = import_run.FLUSH_LINES  # looked up here: tests make it small
    planned = [(size, plan_file(path, run)) for path, size in sizes.items()]
    jobs = [job for _, job in planned if job is not None]
    chunks: Iterator[Iterator[FileChunk] | list[FileChunk]]
    if parse_pool.wanted(jobs):
        chunks = parse_pool.parse_files(jobs, parser, settings.home, policy, chunk_lines)
    else:  # lazily, one file at a time: each chunk is taken before the next is read
        chunks = (
            read_chunks(job, parser(job.path, job.known.state, policy, prices), chunk_lines)
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
