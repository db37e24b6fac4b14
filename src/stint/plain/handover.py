"""What a plain command read but cannot draw exactly as Rich would (a wide character, a
terminal too narrow for a box): `stint.entry` has it drawn by the click commands' own Rich
views (`stint.cli.session_views`, `stint.cli.stats_views`), so the store is read once and
the click command does not run."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from stint.model.types import Activity, FileTouch, Record, Session, Task
from stint.sessions.detail import SessionDetail


class Handover:
    """A view read by the plain path, for Rich to draw."""

    __slots__ = ()


class StatusCard(Handover):
    """`stint status`: the card of the open session."""

    __slots__ = ("files", "session")

    def __init__(self, session: Session, files: Sequence[FileTouch]) -> None:
        self.session = session
        self.files = files


class SessionList(Handover):
    """`stint list`: the table of sessions."""

    __slots__ = ("sessions",)

    def __init__(self, sessions: Sequence[Session]) -> None:
        self.sessions = sessions


class Summary(Handover):
    """`stint show`: the summary panel, the records and the cost line (no goal section:
    a session with one goes to click, whose goal service reads it)."""

    __slots__ = (
        "context",
        "decisions",
        "files",
        "health",
        "indicators",
        "recent",
        "session",
        "tasks",
    )

    def __init__(
        self,
        session: Session,
        files: Sequence[FileTouch],
        recent: Sequence[Activity],
        indicators: dict[str, dict[str, Any]],
        health: str | None,
        tasks: Sequence[Task],
        decisions: Sequence[Record],
        context: Sequence[Record],
    ) -> None:
        self.session = session
        self.files = files
        self.recent = recent
        self.indicators = indicators
        self.health = health
        self.tasks = tasks
        self.decisions = decisions
        self.context = context

    @classmethod
    def of(cls, detail: SessionDetail) -> Summary:
        """The summary of what `SessionReader.detail` read."""
        return cls(
            detail.session,
            detail.files,
            detail.recent,
            detail.indicators,
            detail.health_line,
            detail.tasks,
            detail.decisions,
            detail.context,
        )


class StatsPanel(Handover):
    """`stint stats [--period P]`: the statistics panel."""

    __slots__ = ("data",)

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data


class StatsGroups(Handover):
    """`stint stats --by GROUP`: the table of groups (never empty)."""

    __slots__ = ("by", "rows")

    def __init__(self, rows: Sequence[dict[str, Any]], by: str) -> None:
        self.rows = rows
        self.by = by


class Heatmap(Handover):
    """`stint stats --by weekday-hour`: the weekday × hour heatmap."""

    __slots__ = ("data",)

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data


class Cohorts(Handover):
    """`stint compare --cohort A --cohort B`: the distributions and the rank tests."""

    __slots__ = ("data",)

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
