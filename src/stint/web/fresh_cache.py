"""Values computed from the data, kept in this process with the data version they were
computed at (`Tracker.data_version`: one cheap query) and served while it is unchanged.
A request after any commit sees a new version and computes afresh, so a page after a
write shows the write; nothing is kept in the database, and nothing waits on a writer.

Concurrent misses of one key at one version share a single computation (the overview's
32 clients after a write would otherwise all compute it at once)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from stint.sessions import single_flight

T = TypeVar("T")


class FreshCache(Generic[T]):
    """Up to `size` keys, each with the value of its latest version; the least recently
    used key goes first."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, tuple[Hashable, T]] = OrderedDict()

    def get(self, key: Hashable, version: Hashable, compute: Callable[[], T]) -> T:
        """The value of `key` at data `version`: kept, or computed now. `version` must have
        been taken before `compute` reads (a commit in between then only makes the value
        newer than its version, and the next request computes it again)."""
        with self._lock:
            kept = self._entries.get(key)
            if kept is not None and kept[0] == version:
                self._entries.move_to_end(key)
                return kept[1]
        value = single_flight.share((id(self), key, version), compute)
        with self._lock:
            self._entries[key] = (version, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
