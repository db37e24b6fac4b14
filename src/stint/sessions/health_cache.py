"""lizard's figures per file content, kept in `$STINT_HOME/health-cache.sqlite`.

A session's start commit is usually the commit an earlier session ended on, so its files'
"before" figures were measured then: keyed by the content's git object id (with the file's
extension, the threshold and lizard's version, which all change the figures), they are read
back instead of parsed again. Best effort: a cache that cannot be opened, read or written
is simply not used.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

FILE_NAME = "health-cache.sqlite"
_KEEP = 50_000  # rows; the oldest go first


def object_id(data: bytes) -> str:
    """The id git gives `data` as a blob (SHA-1 repositories): `git hash-object`'s answer."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def key(oid: str, path: str, threshold: int) -> str:
    import lizard  # deferred: lizard loads only to measure

    suffix = path.rsplit("/", 1)[-1].rsplit(".", 1)[-1] if "." in path else ""
    return f"{oid}:{suffix}:{threshold}:{lizard.version}"


class FigureCache:
    """Load the wanted keys in one query, remember new figures, write them in one go."""

    def __init__(self, home: Path | None) -> None:
        self.path = home / FILE_NAME if home is not None else None
        self.found: dict[str, list[Any]] = {}
        self.new: dict[str, list[Any]] = {}

    def load(self, keys: Iterable[str]) -> None:
        wanted = list(set(keys))
        if self.path is None or not wanted or not self.path.exists():
            return
        try:
            with contextlib.closing(sqlite3.connect(self.path, timeout=1.0)) as db:
                for start in range(0, len(wanted), 500):
                    chunk = wanted[start : start + 500]
                    marks = ",".join("?" * len(chunk))
                    query = f"SELECT key, figures FROM figures WHERE key IN ({marks})"
                    for k, figures in db.execute(query, chunk):
                        self.found[k] = json.loads(figures)
        except (sqlite3.Error, ValueError, OSError) as exc:
            log.info("health cache not read: %r", exc)

    def get(self, k: str) -> list[Any] | None:
        return self.found.get(k) or self.new.get(k)

    def put(self, k: str, figures: list[Any]) -> None:
        self.new[k] = figures

    def save(self) -> None:
        if self.path is None or not self.new:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with contextlib.closing(sqlite3.connect(self.path, timeout=1.0)) as db, db:
                db.execute(
                    "CREATE TABLE IF NOT EXISTS figures (key TEXT PRIMARY KEY, figures TEXT)"
                )
                db.executemany(
                    "INSERT OR REPLACE INTO figures (key, figures) VALUES (?, ?)",
                    [(k, json.dumps(v)) for k, v in self.new.items()],
                )
                db.execute(
                    "DELETE FROM figures WHERE rowid <= (SELECT MAX(rowid) FROM figures) - ?",
                    (_KEEP,),
                )
        except (sqlite3.Error, OSError) as exc:
            log.info("health cache not written: %r", exc)
