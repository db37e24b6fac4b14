"""A measurement that may be a moment old: the latest run's result is handed to callers
arriving up to `seconds` after that run began, or while the next run is under way; else
they run it (concurrent callers sharing one run, `single_flight`). For the dashboard's
live card, redrawn every 5 s, whose `git status` per page was most of the overview's
time: 32 clients now take the work tree's state of about the last second. Callers that
need it as of now (`stint status`, `Tracker.live` by default) do not come here."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Hashable
from typing import TypeVar

from stint.sessions import single_flight

T = TypeVar("T")

_LIMIT = 256  # keys remembered (work trees measured by one process: a handful)
_lock = threading.Lock()
_latest: dict[Hashable, tuple[float, object]] = {}  # key → (when its run began, result)
_running: Counter[Hashable] = Counter()


def share(key: Hashable, measure: Callable[[], T], seconds: float) -> T:
    began = time.monotonic()
    with _lock:
        latest = _latest.get(key)
        if latest is not None and (began - latest[0] <= seconds or _running[key]):
            return latest[1]  # type: ignore[return-value]
        _running[key] += 1
    try:
        result = single_flight.share(("recent", key), measure)
    finally:
        with _lock:
            _running[key] -= 1
            if not _running[key]:
                del _running[key]
    with _lock:
        if len(_latest) >= _LIMIT:
            _latest.clear()
        _latest[key] = (began, result)
    return result
