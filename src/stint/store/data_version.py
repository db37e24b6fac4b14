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
* SQLite: `PRAGMA data_version`, which changes when another connection (or process)
  commits, and `total_changes` for the connection's own writes. Both are per connection,
  so the Store keeps one counter (an epoch) that moves whenever any of its connections
  sees either change, or a connection is seen for the first time. A token taken before
  a commit then differs from every token taken after it on any connection.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Hashable
from typing import Any

from sqlalchemy.engine import Connection

_SEEN = "stint_data_version"  # key in the DBAPI connection's info: what it saw last
_stores = itertools.count(1)  # tokens of two Stores (or a reopened one) never compare equal


class DataVersions:
    """The data version of one Store's database, as seen through its connections."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._epoch = 0
        self._store = next(_stores)

    def token(self, conn: Connection) -> Hashable:
        """A token equal to an earlier one only if nothing was committed in between.
        Take it before reading the figures it stands for: a commit between the token and
        the read makes the figures newer than the token, never older."""
        if conn.dialect.name == "sqlite":
            return self._store, self._sqlite_epoch(conn)
        snapshot = conn.exec_driver_sql("SELECT pg_current_snapshot()::text").scalar()
        return self._store, str(snapshot)

    def _sqlite_epoch(self, conn: Connection) -> int:
        raw: Any = conn.connection.dbapi_connection
        # Read under the lock: a connection's reading and the epoch it moves must not be
        # overtaken by another connection's, or a token could be handed out that is newer
        # than a commit one connection has already seen.
        with self._lock:
            version = conn.exec_driver_sql("PRAGMA data_version").scalar()
            seen = (version, raw.total_changes)
            if conn.info.get(_SEEN) != seen:
                self._epoch += 1
                conn.info[_SEEN] = seen
            return self._epoch
