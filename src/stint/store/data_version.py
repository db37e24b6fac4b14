"""A data version: a token that stays equal while nothing was committed to the database,
so a process can keep a figure computed from the data and know, with one cheap query,
whether it still holds (the dashboard's overview: its hourly totals cost more than the
rest of the page together).

No row is written for it (a counter row every write bumps would serialise the writers):

* PostgreSQL: the current snapshot (`pg_current_snapshot()`: xmin, xmax and the
  transactions in progress). Any write transaction that commits afterwards either was in
  progress (it leaves the list) or starts later (xmax moves), so an equal snapshot means
  the same committed data. It is the whole cluster's: any write anywhere changes it,
  which only costs a recomputation.
* SQLite: `PRAGMA data_version`, which changes when another connection (of this
  process or another) commits. It is per connection, so the Store keeps a few
  connections of its own for it that never write (as many as ask at once; the pool's
  come and go with the load, and a thread's own would go with the thread) and folds
  them into one counter, an epoch, that moves whenever any of them sees a change or a
  new one is opened. A token taken before a commit then differs from every token taken
  after it, on any thread; the figures, read after their token, can only be newer.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Hashable
from typing import Any

from sqlalchemy.engine import Engine

_stores = itertools.count(1)  # tokens of two Stores (or a reopened one) never compare equal


class _Asker:
    """A connection for `PRAGMA data_version` and the value it saw last; used by one
    thread at a time (handed over under the Store's lock)."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.seen: int | None = None


class DataVersions:
    """The data version of one Store's database (`engine` reads it)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._lock = threading.Lock()
        self._epoch = 0
        self._store = next(_stores)
        self._idle: list[_Asker] = []
        self._all: list[_Asker] = []

    def token(self) -> Hashable:
        """A token equal to an earlier one only if nothing was committed in between.
        Take it before reading the figures it stands for: a commit between the token and
        the read makes the figures newer than the token, never older."""
        if self._engine.dialect.name == "sqlite":
            return self._store, self._sqlite_epoch()
        with self._engine.connect() as conn:
            snapshot = conn.exec_driver_sql("SELECT pg_current_snapshot()::text").scalar()
        return self._store, str(snapshot)

    def _sqlite_epoch(self) -> int:
        with self._lock:
            asker = self._idle.pop() if self._idle else None
        if asker is None:
            fairy = self._engine.raw_connection()  # its connect-time PRAGMAs applied
            asker = _Asker(fairy.driver_connection)
            fairy.detach()  # out of the pool: kept here until the Store closes
            with self._lock:
                self._all.append(asker)
        # Not under the lock: a query lets go of the GIL, and 32 requests would queue on
        # it. The comparison and the epoch's move are, so no move is lost.
        version = int(asker.conn.execute("PRAGMA data_version").fetchone()[0])
        with self._lock:
            if asker.seen != version:
                self._epoch += 1
                asker.seen = version
            self._idle.append(asker)
            return self._epoch

    def close(self) -> None:
        with self._lock:
            askers, self._all, self._idle = self._all, [], []
        for asker in askers:
            asker.conn.close()
