"""Pydantic models for the requests and responses of the HTTP API (the ingest batch's are
in `stint.web.ingest_schemas`).

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


class Doc(BaseModel):
    """A model whose attribute docstrings become its fields' OpenAPI descriptions."""

    model_config = ConfigDict(use_attribute_docstrings=True)


class Problem(Doc):
    """An error as an RFC 9457 problem object."""

    type: str = "about:blank"
    """A URI naming the kind of problem; `about:blank` when the status says it all"""
    title: str
    """Short summary of the status"""
    status: int
    """The HTTP status code"""
    detail: str | None = None
    """What went wrong, in one line"""


class Health(Doc):
    """The server is up; which database it uses."""

    status: Literal["ok"]
    """Always `ok` when the server answers"""
    version: str
    """stint's version"""
    database: str
    """The database backend (`sqlite` or `postgresql`)"""
    open_sessions: int
    """Sessions active or paused now"""


class SessionOut(Doc):
    """A session with its counters; every other seed field passes through."""

    model_config = ConfigDict(extra="allow")

    id: int
    """Global id (stable, for the API)"""
    uuid: str
    """The session's uuid"""
    number: int
    """The human number (`#12`)"""
    ref: str
    """How to name it in paths: `#12`"""
    project: str | None = None
    """Project name"""
    kind: str
    """`coding`, `conversation`, `interview`, …"""
    name: str | None = None
    """Optional short name"""
    goal: str | None = None
    """What the session set out to do"""
    status: str
    """`active`, `paused`, `ended`, `timeout`, …"""
    outcome: str | None = None
    """`achieved`, `partial`, `not_achieved` or null (unset)"""
    agent: str | None = None
    """The AI agent (`claude_code`, `codex`, …)"""
    ai_model: str | None = None
    """The AI model used most"""
    started_at: str | None = None
    """Start time (ISO 8601, UTC)"""
    ended_at: str | None = None
    """End time (ISO 8601, UTC); null while open"""
    last_activity_at: str | None = None
    """Time of the last recorded activity"""
    duration_seconds: float
    """Wall time from start to end (or now), pauses excluded"""
    active_seconds: float
    """Time with activity, idle gaps excluded"""
    person_seconds: float | None = None
    """Time only the person was active (prompts, permission answers, hand entries)"""
    agent_seconds: float | None = None
    """Time only the agent was active (tool calls, responses, its edits)"""
    both_seconds: float | None = None
    """Time both were active at once"""
    idle_seconds: float | None = None
    """Time neither was: the duration less the three above"""
    channels_basis: str | None = None
    """`events` (the pulse rule per channel) or `telemetry` (Claude Code's active time)"""
    productivity_score: float | None = None
    """0–100 (tasks, decisions, context, lines, duration)"""
    score_breakdown: dict[str, float] | None = None
    """The score's parts by name"""
    tags: list[str]
    """Tags"""
    notes: str | None = None
    """Free-text notes"""
    lines_added: int
    """Lines added (git, since the start commit)"""
    lines_removed: int
    """Lines removed"""
    files_modified: int
    """Files changed"""
    tasks_created: int
    """Tasks added in this session"""
    tasks_completed: int
    """Of those, completed"""
    decisions_made: int
    """Decisions recorded"""
    context_items_added: int
    """Context items recorded"""
    input_tokens: int
    """Input tokens used"""
    output_tokens: int
    """Output tokens used"""
    cost_usd: float
    """Cost in US dollars"""


class SessionPage(Doc):
    """One page of sessions."""

    items: list[SessionOut]
    """Sessions, newest first"""
    next_cursor: int | None = Field(
        None, description="Pass as `cursor` for the next (older) page; null on the last page."
    )


class SessionCreate(Doc):
    """A session to start."""

    model_config = ConfigDict(extra="forbid")

    project: Short | None = None
    """Project name (default: from the working directory)"""
    goal: Text | None = None
    """What the session sets out to do"""
    tags: list[Short] = Field(default_factory=list, max_length=50)
    """Tags"""
    kind: Short = "coding"
    """`coding`, `conversation`, `interview`, …"""
    agent: Short | None = None
    """The AI agent (`claude_code`, `codex`, …)"""
    agent_session_id: Short | None = None
    """The agent's own session id (re-attaches instead of duplicating)"""
    model: Short | None = None
    """AI model name"""
    environment: Short | None = None
    """`local`, `vscode`, `ci`, `development`, `staging`, `production`"""
    name: Short | None = None
    """Optional short name"""
    at: When | None = None
    """Start time (default now); for back-dating"""


class SessionEnd(Doc):
    """How the session ended (all optional)."""

    model_config = ConfigDict(extra="forbid")

    notes: Text | None = None
    """Notes to add at the end"""
    outcome: Outcome | None = None
    """`achieved`, `partial` or `not_achieved`"""
    at: When | None = None
    """End time (default now)"""
    rating: int | None = Field(None, ge=1, le=5)
    """The person's success rating, 1 (poor) to 5 (excellent)"""
    summary: Text | None = None
    """What the session did, in a few lines"""
    learnings: Text | None = None
    """What was learnt"""
    completion: int | None = Field(None, ge=0, le=100)
    """How much of the goal was completed, in percent"""


class SessionPatch(Doc):
    """Fields to change; `tags` replaces the tag set, `notes` is appended as a note."""

    model_config = ConfigDict(extra="forbid")

    goal: Text | None = None
    """New goal"""
    name: Short | None = None
    """New name"""
    tags: list[Short] | None = Field(None, max_length=50)
    """The new tag set (replaces the old one)"""
    notes: Text | None = None
    """A note to append"""
    outcome: Outcome | None = None
    """`achieved`, `partial` or `not_achieved`"""
    success_rating: int | None = Field(None, ge=1, le=5)
    """1 (poor) to 5 (excellent)"""
    summary: Text | None = None
    """What the session did, in a few lines"""
    learnings: Text | None = None
    """What was learnt"""


class ActivityOut(Doc):
    """One entry of a session's activity log."""

    id: int
    """Activity id"""
    session_id: int
    """The session's id"""
    type: str
    """Activity type (`message`, `tool_call`, `file_modified`, …)"""
    description: str | None
    """What happened, in one line"""
    occurred_at: str
    """When (ISO 8601, UTC)"""
    source: str
    """Where it came from: `hook`, `cli`, `mcp`, `api`, `import`, `library`"""
    ai_involved: bool
    """Whether the AI did it"""
    file_path: str | None
    """The file it concerns, if any"""
    task_id: int | None
    """The task it concerns, if any"""
    payload: dict[str, Any]
    """Type-specific details"""


class FileOut(Doc):
    """A file the session touched."""

    path: str
    """Path relative to the repository"""
    times_modified: int
    """Edits recorded"""
    lines_added: int
    """Lines added by the recorded edits"""
    lines_removed: int
    """Lines removed by the recorded edits"""
    times_mentioned: int
    """Times @mentioned"""
    git_lines_added: int | None
    """Lines added per git since the start commit (null: not measured)"""
    git_lines_removed: int | None
    """Lines removed per git"""
    git_change: str | None
    """Git's change letter (`A`, `M`, `D`, `R`)"""
    renamed_from: str | None
    """The old path of a rename"""
    is_binary: bool
    """A binary file (no line counts)"""
    first_touched_at: str
    """First edit (ISO 8601, UTC)"""
    last_touched_at: str
    """Last edit (ISO 8601, UTC)"""


class TaskOut(Doc):
    """A task of a session."""

    id: int
    """Task id"""
    number: int
    """The task's number within its session (1, 2, 3 …)"""
    session_id: int
    """The session's id"""
    title: str
    """What to do"""
    status: str
    """`todo`, `in_progress` or `completed`"""
    external_id: str | None
    """An id in another tracker (issue number, …)"""
    created_at: str
    """When it was added (ISO 8601, UTC)"""
    completed_at: str | None
    """When it was completed; null if not"""


class TaskIn(Doc):
    """A task to add."""

    model_config = ConfigDict(extra="forbid")

    title: Annotated[str, Field(min_length=1, max_length=2000)]
    """What to do"""
    status: TaskStatus = "todo"
    """`todo`, `in_progress` or `completed`"""
    external_id: Short | None = None
    """An id in another tracker (issue number, …)"""


class TaskPatch(Doc):
    """A task's new status."""

    model_config = ConfigDict(extra="forbid")

    status: TaskStatus
    """`todo`, `in_progress` or `completed`"""


class RecordOut(Doc):
    """A decision or a context item."""

    id: int
    """Record id"""
    session_id: int
    """The session's id"""
    text: str
    """The decision or context text"""
    created_at: str
    """When it was recorded (ISO 8601, UTC)"""


class RecordIn(Doc):
    """A decision or a context item to record."""

    model_config = ConfigDict(extra="forbid")

    text: Annotated[str, Field(min_length=1, max_length=20_000)]
    """The decision or context text"""
    rationale: Text | None = None
    """Why (decisions only)"""


class CommitOut(Doc):
    """A commit made during the session; other git fields pass through."""

    model_config = ConfigDict(extra="allow")

    sha: str
    """The commit's hash"""
    subject: str | None = None
    """Its first message line"""


class CurrentOut(Doc):
    """The open session (if any) and its latest activities."""

    session: SessionOut | None
    """The open session, or null"""
    recent_activities: list[ActivityOut]
    """Its latest activities"""


class Analytics(BaseModel):
    """Figures computed by `stint.analytics`; their shape follows `stint stats --json`."""

    model_config = ConfigDict(extra="allow")
