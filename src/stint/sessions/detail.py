"""What `stint show` prints of one session, read in one go (`SessionReader.detail`): the
session, its files, latest activity, quality indicators, stored health, tasks, decisions
and context (and its commits when asked), all from one read transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stint.model.health_line import summary_line
from stint.model.types import Activity, FileTouch, Record, Session, Task


@dataclass(frozen=True)
class SessionDetail:
    session: Session
    files: list[FileTouch]
    recent: list[Activity]  # the newest first
    indicators: dict[str, dict[str, Any]]
    health: dict[str, Any] | None  # the stored code-health summary
    tasks: list[Task]
    decisions: list[Record]
    context: list[Record]
    commits: list[dict[str, Any]] | None = None  # read only when asked

    @property
    def health_line(self) -> str | None:
        """The stored health as one line, as `SessionReader.health_line` gives it."""
        return summary_line(self.health)
