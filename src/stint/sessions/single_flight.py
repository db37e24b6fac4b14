"""Concurrent callers of one slow, read-only measurement share a single run of it: the
first runs it, those arriving while it runs wait for its result instead of starting their
own. A result is then at most one run older than the caller's arrival; sequential callers
each run it afresh. Used for the live card's git measurement, which 32 dashboard clients
would otherwise run 32 times at once."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from typing import TypeVar

T = TypeVar("T")

_lock = threading.Lock()
_running: dict[Hashable, Future[object]] = {}


def share(key: Hashable, measure: Callable[[], T]) -> T:
    with _lock:
        running = _running.get(key)
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
        return result
    finally:
        with _lock:
            _running.pop(key, None)
