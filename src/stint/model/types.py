"""Domain types shared by every layer: what a session, an event, a task… is.

These are plain dataclasses; the store turns rows into them and the presenters
(CLI, MCP, API) turn them into text or JSON with `to_dict()`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from stint.model.timeparse import human_duration

if TYPE_CHECKING:
    from stint.model.channels import Channels

OPEN_STATUSES = ("active", "paused")
# Sources through which the agent itself acts (its hooks, its MCP calls, its transcript,
# its OpenTelemetry export): what arrives through them has `ai_involved` set; a person's
# CLI or API call has not.
AGENT_SOURCES = ("hook", "mcp", "import", "otlp")
STATUSES = ("scheduled", "active", "paused", "ended", "timeout", "cancelled", "failed")
# Names seed 002 uses for a status: accepted wherever a person names one.
STATUS_ALIASES = {"complete": "ended", "completed": "ended"}
OUTCOMES = ("achieved", "partial", "not_achieved")


def session_status(name: str) -> str:
    """The stored status a person means (`complete` is `ended`)."""
    cleaned = name.strip().lower()
    return STATUS_ALIASES.get(cleaned, cleaned)


TASK_STATUSES = ("todo", "in_progress", "completed")
SOURCES = ("cli", "hook", "mcp", "api", "import", "library", "otlp")


class StintError(Exception):
    """A domain error with a message fit to show a person as one line."""


class NotFound(StintError):
    """The session, task or project asked for does not exist."""


class Conflict(StintError):
    """The request contradicts the current state (a second open session, ending twice…)."""


@dataclass
class EventIn:
    """One thing that happened in a session, as a capture source reports it.

    `key` makes recording idempotent: an event whose key was already stored is ignored.
    `payload` carries type-specific figures (see `stint.model.projection` for the ones that move
    counters: `added`/`removed` for `file_modified`, `success` for `tool_call`, token counts
    and `model` for `tokens`, `mentions` for `context_added`, …).
    """

    type: str
    occurred_at: datetime | None = None
    description: str | None = None
    source: str = "cli"
    ai_involved: bool = False
    file_path: str | None = None
    task_id: int | None = None
    decision_id: int | None = None
    context_id: int | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    key: str | None = None


@dataclass
class Activity:
    id: int
    session_id: int
    type: str
    description: str | None
    occurred_at: datetime
    source: str
    ai_involved: bool
    file_path: str | None
    task_id: int | None
    payload: dict[str, Any]

    @classmethod
    def from_row(cls, row: Mapping[Any, Any]) -> Activity:
        """From an `activities` row (either read path: SQLAlchemy's or bare sqlite3's)."""
        return cls(
            id=row["id"],
            session_id=row["session_id"],
            type=row["type"],
            description=row["description"],
            occurred_at=row["occurred_at"],
            source=row["source"],
            ai_involved=bool(row["ai_involved"]),
            file_path=row["file_path"],
            task_id=row["task_id"],
            payload=row["payload"] or {},
        )

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["occurred_at"] = self.occurred_at.isoformat()
        data["activity_type"] = self.type
        data["activity_description"] = self.description
        return data


@dataclass
class FileTouch:
    path: str
    times_modified: int
    lines_added: int
    lines_removed: int
    times_mentioned: int
    git_lines_added: int | None
    git_lines_removed: int | None
    git_change: str | None
    renamed_from: str | None
    is_binary: bool
    first_touched_at: datetime
    last_touched_at: datetime

    @classmethod
    def from_row(cls, row: Mapping[Any, Any]) -> FileTouch:
        """From a `session_files` row (either read path)."""
        return cls(
            path=row["path"],
            times_modified=row["times_modified"],
            lines_added=row["lines_added"],
            lines_removed=row["lines_removed"],
            times_mentioned=row["times_mentioned"],
            git_lines_added=row["git_lines_added"],
            git_lines_removed=row["git_lines_removed"],
            git_change=row["git_change"],
            renamed_from=row["renamed_from"],
            is_binary=bool(row["is_binary"]),
            first_touched_at=row["first_touched_at"],
            last_touched_at=row["last_touched_at"],
        )

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["first_touched_at"] = self.first_touched_at.isoformat()
        data["last_touched_at"] = self.last_touched_at.isoformat()
        data["file_path"] = self.path
        data["mentioned_in_context"] = self.times_mentioned
        return data


@dataclass
class Task:
    id: int
    session_id: int
    title: str
    status: str
    external_id: str | None
    created_at: datetime
    completed_at: datetime | None
    number: int = 0  # 1, 2, 3 within the session; `id` is the global one (API, JSON)

    @classmethod
    def from_row(cls, row: Mapping[Any, Any]) -> Task:
        """From a `tasks` row (either read path)."""
        return cls(
            id=row["id"],
            session_id=row["session_id"],
            title=row["title"],
            status=row["status"],
            external_id=row["external_id"],
            number=row["number"],
            created_at=row["created_at"],
            completed_at=row["completed_at"],
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "number": self.number,
            "session_id": self.session_id,
            "title": self.title,
            "status": self.status,
            "external_id": self.external_id,
            "created_at": self.created_at.isoformat(),
            "completed_at": self.completed_at.isoformat() if self.completed_at else None,
        }


@dataclass
class Record:
    """A decision or a context item: a short text recorded in a session."""

    id: int
    session_id: int
    text: str
    created_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "session_id": self.session_id,
            "text": self.text,
            "created_at": self.created_at.isoformat(),
        }


@dataclass
class Project:
    id: int
    name: str
    repo_root: str | None
    is_default: bool
    created_at: datetime

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["created_at"] = self.created_at.isoformat()
        return data


@dataclass
class Session:
    """A session with its counters. Built from a `sessions` row plus project name and tags;
    `row` keeps every column so later fields need no change here."""

    row: dict[str, Any]
    project: str | None
    tags: list[str]
    duration_seconds: float
    active_seconds: float
    score: float | None = None
    score_breakdown: dict[str, float] | None = None
    # The time by channel (person, agent, both, idle): what the end stored, or for one
    # session read on its own, computed from its events (None in a list of open ones).
    channels: Channels | None = None

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["row"][name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def is_open(self) -> bool:
        return self.row["status"] in OPEN_STATUSES

    @property
    def ref(self) -> str:
        return f"#{self.row['number']}"

    @property
    def has_goal_data(self) -> bool:
        """Whether `stint show` has a goal section for it (indicators, interactions,
        artifacts, a schedule or an evaluation)."""
        row = self.row
        return bool(
            row["success_indicators"]
            or row["completion_indicators"]
            or row["interactions_count"]
            or row["artifacts_count"]
            or row["scheduled_at"]
            or row["evaluation"]
        )

    @property
    def net_loc(self) -> int:
        return int(self.row["loc_added"]) - int(self.row["loc_removed"])

    def to_dict(self) -> dict[str, Any]:
        """The whole session as JSON-ready data; field names follow the seeds."""
        data: dict[str, Any] = {}
        for key, value in self.row.items():
            data[key] = value.isoformat() if isinstance(value, datetime) else value
        data.pop("open_key", None)
        data.update(
            project=self.project,
            tags=self.tags,
            net_loc=self.net_loc,
            lines_added=self.row["loc_added"],
            lines_removed=self.row["loc_removed"],
            duration_seconds=round(self.duration_seconds, 3),
            duration_minutes=int(self.duration_seconds // 60),
            duration=human_duration(self.duration_seconds),
            active_seconds=round(self.active_seconds, 3),
            active_duration=human_duration(self.active_seconds),
            session_duration_seconds=int(self.duration_seconds),
            productivity_score=self.score,
            score_breakdown=self.score_breakdown,
            session_goals=self.row["goal"],
            overall_goal=self.row["goal"],
            session_notes=self.row["notes"],
            commit_hash=self.row["start_commit"],
        )
        if self.channels is not None:
            split = self.channels.to_dict()
            data.update(split, channels_basis=split.pop("basis"))
            data["channels"] = self.channels.to_dict()
        return data


# Counters kept on each session; `stint.model.projection` says which event moves which.
COUNTER_COLUMNS = (
    "tasks_created",
    "tasks_completed",
    "tasks_in_progress",
    "tasks_todo",
    "context_items_added",
    "decisions_made",
    "message_count",
    "tool_call_count",
    "tool_failures",
    "commands_executed",
    "memories_used",
    "notes_count",
    "interactions_count",
    "artifacts_count",
    "subagents_started",
    "files_mentioned",
    "edit_lines_added",
    "edit_lines_removed",
    "input_tokens",
    "output_tokens",
    "cache_creation_tokens",
    "cache_read_tokens",
)
