"""Concurrent callers of one slow, read-only measurement share a single run of it: the
first runs it, those arriving while it runs wait for its result instead of starting their
own. A result is then at most one run older than the caller's arrival; sequential callers
each run it afresh. Used for the live card's git measurement, which 32 dashboard clients
would otherwise run 32 times at once."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import TypeVar

T = TypeVar("T")


class _Run:
    """One run's outcome, for those waiting on it (not concurrent.futures.Future: its
    import, logging included, is a tenth of `stint status`, which calls this once)."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.result: object = None
        self.error: BaseException | None = None

    def wait(self) -> object:
        self.done.wait()
        if self.error is not None:
            raise self.error
        return self.result


_lock = threading.Lock()
_running: dict[Hashable, _Run] = {}


def share(key: Hashable, measure: Callable[[], T]) -> T:
    with _lock:
        running = _running.get(key)
        if running is None:
            mine = _Run()
            _running[key] = mine
    if running is not None:
        return running.wait()  # type: ignore[return-value]
    try:
        result = measure()
    except BaseException as error:
        mine.error = error
        raise
    else:
        mine.result = result
        return result
    finally:
        with _lock:
            _running.pop(key, None)
        mine.done.set()
