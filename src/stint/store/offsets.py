"""Where an imported file was read up to, as a value (`Offset`): kept apart from the
queries of `stint.store.imports` so that the parse workers of a parallel import
(`stint.capture.parse_pool`) pass it around without loading SQLAlchemy."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Offset:
    size: int = 0
    offset: int = 0
    state: dict[str, Any] = field(default_factory=dict)
    # A hash of the bytes at the file's start and just before `offset`, and the file's
    # inode, when they were read; None on rows from before they were kept.
    fingerprint: str | None = None
    inode: int | None = None
    # Lines before `offset` (None: not counted yet), to name a bad line by its number.
    lines: int | None = None
    # The file's modification time (ns) as stat saw it before the read: the same size,
    # inode and mtime mean unchanged, without opening the file. Kept inside the `state`
    # column under MTIME_KEY (no schema change); None on older rows.
    mtime_ns: int | None = None
