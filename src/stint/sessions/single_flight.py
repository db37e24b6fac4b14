"""Concurrent callers of one slow, read-only measurement share a single run of it: the
first runs it, those arriving while it runs wait for its result instead of starting their
own. A result is then at most one run older than the caller's arrival; sequential callers
each run it afresh. Used for the live card's git measurement, which 32 dashboard clients
would otherwise run 32 times at once.

`share(..., reuse_seconds=s)` also hands a run's result to callers arriving up to `s`
seconds after that run began, or while the next run is under way (the dashboard's card,
redrawn every 5 s, takes the work tree's state of about the last second instead of
running `git status` for every page)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from typing import TypeVar

T = TypeVar("T")

_lock = threading.Lock()
_running: dict[Hashable, Future[object]] = {}
# The latest successful run of each key reused within a window: (when it began, result).
_LATEST_LIMIT = 256
_latest: dict[Hashable, tuple[float, object]] = {}


def share(key: Hashable, measure: Callable[[], T], *, reuse_seconds: float = 0.0) -> T:
    began = time.monotonic()
    with _lock:
        latest = _latest.get(key) if reuse_seconds > 0 else None
        running = _running.get(key)
        if latest is not None and (began - latest[0] <= reuse_seconds or running is not None):
            # Within the window; or a newer run is under way, and this one was fresh
            # enough a moment ago: no caller waits on git while another runs it.
            return latest[1]  # type: ignore[return-value]
        if running is None:
            mine: Future[object] = Future()
            _running[key] = mine
    if running is not None:
        return running.result()  # type: ignore[return-value]
    try:
        result = measure()
    except BaseException as error:
        mine.set_exception(error)
        raise
    else:
        mine.set_result(result)
        with _lock:
            if len(_latest) >= _LATEST_LIMIT:
                _latest.clear()  # work trees measured by one process: a handful
            _latest[key] = (began, result)
        return result
    finally:
        with _lock:
            _running.pop(key, None)
