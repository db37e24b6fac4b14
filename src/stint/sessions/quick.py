"""The read commands' reader: `stint status`, `list` and `show` on a SQLite store with
nothing to drain and nothing to sweep read through bare sqlite3 (`stint.store.lite`), so
they import no SQLAlchemy. Whenever a write is due first (a spooled hook event, a session
idle past the timeout, a schema to upgrade) or the store is not SQLite, `open_reader`
says None and the command opens the Tracker as before."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, cast

from stint.model.config import load_settings
from stint.model.timeparse import utcnow
from stint.sessions.reading import SessionReader
from stint.store.lite import LiteStore, open_lite

if TYPE_CHECKING:
    from stint.store import Store


class QuickReader(SessionReader):
    """A `SessionReader` over a read-only sqlite3 connection."""

    def close(self) -> None:
        self.store.dispose()


def open_reader(
    url: str | None, *, pending: Callable[[str], bool], home: Path | None = None
) -> QuickReader | None:
    """The quick reader for `url` (default: the settings'), or None when the Tracker must
    serve. `pending(home)` says whether the hook spool has events to drain."""
    settings = load_settings(home, database_url=url)
    lite = open_lite(settings.database_url, settings.org_id)
    if lite is None:
        return None
    reader = QuickReader(_as_store(lite), settings)
    if pending(str(settings.home)) or reader.stale_ids(utcnow()):
        reader.close()
        return None
    return reader


def _as_store(lite: LiteStore) -> Store:
    # The reader needs only `read()`, `reads`, `dispose()` and `pulse_seconds`, which a
    # LiteStore has as a Store does.
    return cast("Store", lite)
