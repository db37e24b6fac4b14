"""Pydantic models for every request and response of the HTTP API.

Responses carry the seed field names of `Session.to_dict()`; the main fields are typed
here and the rest pass through (`extra="allow"`), so new columns need no change.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field


def _utc(value: datetime) -> datetime:
    """Naive times are taken as UTC; times the store cannot hold are bad input."""
    try:
        moment = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except (OverflowError, ValueError) as exc:
        raise ValueError("time out of range") from exc
    if not 1970 <= moment.year <= 9000:
        raise ValueError("time out of range")
    return moment


When = Annotated[datetime, AfterValidator(_utc)]
Text = Annotated[str, Field(max_length=20_000)]
Short = Annotated[str, Field(min_length=1, max_length=200)]
Outcome = Literal["achieved", "partial", "not_achieved"]
TaskStatus = Literal["todo", "in_progress", "completed"]


class Problem(BaseModel):
    """An error as an RFC 9457 problem object."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None


class Health(BaseModel):
    status: Literal["ok"]
    version: str
    database: str
    open_sessions: int


class SessionOut(BaseModel):
    """A session with its counters; every other seed field passes through."""

    model_config = ConfigDict(extra="allow")

    id: int
    uuid: str
    number: int
    ref: str
    project: str | None = None
    kind: str
    name: str | None = None
    goal: str | None = None
    status: str
    outcome: str | None = None
    agent: str | None = None
    ai_model: str | None = None
    started_at: str | None = None
    ended_at: str | None = None
    last_activity_at: str | None = None
    duration_seconds: float
    active_seconds: float
    productivity_score: float | None = None
    score_breakdown: dict[str, float] | None = None
    tags: list[str]
    notes: str | None = None
    lines_added: int
    lines_removed: int
    files_modified: int
    tasks_created: int
    tasks_completed: int
    decisions_made: int
    context_items_added: int
    input_tokens: int
    output_tokens: int
    cost_usd: float


class SessionPage(BaseModel):
    items: list[SessionOut]
    next_cursor: int | None = Field(
        None, description="Pass as `cursor` for the next (older) page; null on the last page."
    )


class SessionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    project: Short | None = None
    goal: Text | None = None
    tags: list[Short] = Field(default_factory=list, max_length=50)
    kind: Short = "coding"
    agent: Short | None = None
    agent_session_id: Short | None = None
    model: Short | None = None
    environment: Short | None = None
    name: Short | None = None
    at: When | None = None


class SessionEnd(BaseModel):
    model_config = ConfigDict(extra="forbid")

    notes: Text | None = None
    outcome: Outcome | None = None
    at: When | None = None


class SessionPatch(BaseModel):
    """Fields to change; `tags` replaces the tag set, `notes` is appended as a note."""

    model_config = ConfigDict(extra="forbid")

    goal: Text | None = None
    name: Short | None = None
    tags: list[Short] | None = Field(None, max_length=50)
    notes: Text | None = None
    outcome: Outcome | None = None
    success_rating: int | None = Field(None, ge=1, le=5)
    summary: Text | None = None
    learnings: Text | None = None


class ActivityOut(BaseModel):
    id: int
    session_id: int
    type: str
    description: str | None
    occurred_at: str
    source: str
    ai_involved: bool
    file_path: str | None
    task_id: int | None
    payload: dict[str, Any]


class FileOut(BaseModel):
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
    first_touched_at: str
    last_touched_at: str


class TaskOut(BaseModel):
    id: int
    number: int
    session_id: int
    title: str
    status: str
    external_id: str | None
    created_at: str
    completed_at: str | None


class TaskIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Annotated[str, Field(min_length=1, max_length=2000)]
    status: TaskStatus = "todo"
    external_id: Short | None = None


class TaskPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: TaskStatus


class RecordOut(BaseModel):
    """A decision or a context item."""

    id: int
    session_id: int
    text: str
    created_at: str


class RecordIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: Annotated[str, Field(min_length=1, max_length=20_000)]
    rationale: Text | None = None


class CommitOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    sha: str
    subject: str | None = None


class CurrentOut(BaseModel):
    session: SessionOut | None
    recent_activities: list[ActivityOut]


class EventRecord(BaseModel):
    """One captured event; `key` makes it idempotent (sent twice, stored once)."""

    model_config = ConfigDict(extra="forbid")

    type: Annotated[str, Field(min_length=1, max_length=50)]
    key: Annotated[str, Field(min_length=1, max_length=300)] | None = None
    occurred_at: When | None = None
    description: Text | None = None
    source: Literal["hook", "import", "api", "mcp", "cli", "library"] = "api"
    ai_involved: bool = False
    file_path: Annotated[str, Field(max_length=4000)] | None = None
    payload: dict[str, Any] = Field(default_factory=dict)


class IngestGroup(BaseModel):
    """The events of one agent session, as a remote machine's hook spooled them."""

    model_config = ConfigDict(extra="forbid")

    agent: Short
    agent_session_id: Short
    cwd: Annotated[str, Field(max_length=4000)] | None = None
    model: Short | None = None
    events: list[EventRecord] = Field(max_length=2000)


class HookRecord(BaseModel):
    """One raw agent hook record exactly as the local hook spools it (Claude Code's hook
    JSON), with the time it was received; stint maps it as a local drain would."""

    model_config = ConfigDict(extra="forbid")

    agent: Literal["claude_code"] = "claude_code"
    received_at: float = Field(ge=0, le=2e10, description="Unix time the hook fired")
    hook: dict[str, Any]


class IngestBatch(BaseModel):
    """Structured groups of events and/or raw hook records; either may be empty."""

    model_config = ConfigDict(extra="forbid")

    sessions: list[IngestGroup] = Field(default_factory=list, max_length=50)
    records: list[HookRecord] = Field(default_factory=list, max_length=2000)


class RefusedRecord(BaseModel):
    index: int = Field(description="Position of the record in the batch's `records`")
    reason: str


class IngestResult(BaseModel):
    received: int = Field(description="Events in `sessions` groups")
    stored: int = Field(description="Of those, how many were new")
    duplicates: int = Field(description="Of those, how many were already stored (by key)")
    session_ids: list[int]
    hook_records: int = Field(0, description="Raw hook records applied")
    refused_records: list[RefusedRecord] = Field(
        default_factory=list, description="Raw hook records that could not be mapped"
    )


class Analytics(BaseModel):
    """Figures computed by `stint.analytics`; their shape follows `stint stats --json`."""

    model_config = ConfigDict(extra="allow")
