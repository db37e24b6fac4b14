"""Which sessions a list shows: the filter every session list takes (CLI, API, MCP). Kept
apart from the store's queries so a read command can build one without loading them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class SessionFilter:
    project: str | None = None
    tag: str | None = None
    status: str | None = None
    kind: str | None = None
    model: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    search: str | None = None
    followups: bool = False
    # Team mode: only this user's sessions (a member's or viewer's own; see SessionReader).
    user_id: int | None = None
