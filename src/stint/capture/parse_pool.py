"""The parallel import: transcript files parsed in worker processes while the one writer
(the importing process) stores their chunks in file order.

Only what is pure is sent to a worker: a file's path and stored offset (`FileJob`) and
its parser's class; it answers with the file's chunks (`read_chunks`, pickled as each is
cut, so a chunk holds the parser state of its moment as in one process). The importing
process takes them in the order the files were listed, exactly as it takes its own
chunks, so a parallel import stores what a serial one stores. Workers load no store
(no SQLAlchemy): `stint.capture.import_files` and `stint.capture.parsing` import no
store, and `stint.capture.import_run` imports it only where a run writes.

A pool costs a process start, the import of the parsers and the pickling of every chunk,
so a small import (a hook's one transcript, a re-import with a few new lines) stays
serial, and so does any import on a machine with no core free; the pool is used from
`PARALLEL_BYTES` new bytes, with up to `WORKERS` processes.
"""

from __future__ import annotations

import logging
import os
import pickle
from collections import deque
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stint.capture.import_files import FileChunk, FileJob, read_chunks
from stint.capture.parsing import ParserClass
from stint.pricing.table import PriceTable

if TYPE_CHECKING:
    from concurrent.futures import Future

# Below this many new bytes the parse is shorter than starting workers (measured with
# benchmarks/import_speed.py on a 2-core machine; see docs/import.md).
PARALLEL_BYTES = 24 * 1024 * 1024
WORKERS = min(4, os.cpu_count() or 1)
AHEAD_BYTES = 32 * 1024 * 1024  # parsed ahead of the writer (memory stays bounded)

_worker: dict[str, Any] = {}


def wanted(jobs: Sequence[FileJob]) -> bool:
    """Whether to parse `jobs` in workers: enough new bytes to pay for starting them,
    and a core free for them — on a machine already busy (the 1-minute load average
    leaves no core idle) workers only add their start-up and the chunks' pickling to the
    CPU the import competes for (measured: ~15% more CPU, slower wall), so it stays in
    one process."""
    if WORKERS < 2 or len(jobs) < 2 or sum(job.new_bytes for job in jobs) < PARALLEL_BYTES:
        return False
    return free_cores() >= 1


def free_cores() -> float:
    """Cores this process may use minus the 1-minute load average (all of them where
    the system reports no load average)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        cores = os.cpu_count() or 1
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):
        load = 0.0
    return cores - load


def parse_files(
    jobs: Sequence[FileJob], parser: ParserClass, home: Path, policy: str, chunk_lines: int
) -> Iterator[list[FileChunk]]:
    """Each job's chunks, in the jobs' order, parsed up to `AHEAD_BYTES` ahead."""
    import multiprocessing  # deferred, as the pool: a serial import needs neither
    from concurrent.futures import ProcessPoolExecutor

    context: Any
    if "forkserver" in multiprocessing.get_all_start_methods():
        # The server imports the parsers once; each worker is a fork of it, not a fresh
        # interpreter (no fork of this process: it holds the store's connections).
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__, getattr(parser, "__module__", __name__)])
    else:
        context = multiprocessing.get_context("spawn")
    workers = min(WORKERS, len(jobs))
    with ProcessPoolExecutor(workers, context, initializer=_start, initargs=(home, policy)) as pool:
        pending: deque[tuple[int, Future[list[bytes]]]] = deque()
        queue = iter(jobs)
        ahead = 0  # new bytes handed out and not yet taken

        def hand_out() -> None:
            nonlocal ahead
            # Workers parse on while this process writes a flush, up to AHEAD_BYTES.
            while len(pending) < workers or ahead < AHEAD_BYTES:
                job = next(queue, None)
                if job is None:
                    return
                pending.append((job.new_bytes, pool.submit(_parse, parser, job, chunk_lines)))
                ahead += job.new_bytes

        hand_out()
        while pending:
            size, future = pending.popleft()
            chunks = [pickle.loads(data) for data in future.result()]
            ahead -= size
            hand_out()
            yield chunks


def _start(home: Path, policy: str) -> None:
    """A worker's set-up: its own price table (the same files give the same prices);
    the importing process reports unknown models once, from every worker's list."""
    logging.getLogger("stint.pricing").setLevel(logging.ERROR)
    _worker["prices"] = PriceTable.load(home)
    _worker["policy"] = policy


def _parse(parser: ParserClass, job: FileJob, chunk_lines: int) -> list[bytes]:
    prices: PriceTable = _worker["prices"]
    found = parser(job.path, job.known.state, _worker["policy"], prices)
    out = []
    for chunk in read_chunks(job, found, chunk_lines):
        chunk.unknown_models = set(prices.unknown)
        out.append(pickle.dumps(chunk, pickle.HIGHEST_PROTOCOL))
    return out
