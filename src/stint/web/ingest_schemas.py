"""Pydantic models of `POST /api/v1/ingest`: groups of structured events and raw hook
records, and what an ingest stored."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field

from stint.web.schemas import Doc, Short, Text, When


class EventRecord(Doc):
    """One captured event; `key` makes it idempotent (sent twice, stored once)."""

    model_config = ConfigDict(extra="forbid")

    type: Annotated[str, Field(min_length=1, max_length=50)]
    """Activity type (`message`, `tool_call`, `file_modified`, …)"""
    key: Annotated[str, Field(min_length=1, max_length=300)] | None = None
    """Idempotency key: the same key is stored once"""
    occurred_at: When | None = None
    """When (default: when received)"""
    description: Text | None = None
    """What happened, in one line"""
    source: Literal["hook", "import", "api", "mcp", "cli", "library", "otlp"] = "api"
    """Where it came from"""
    ai_involved: bool = False
    """Whether the AI did it"""
    file_path: Annotated[str, Field(max_length=4000)] | None = None
    """The file it concerns, if any"""
    payload: dict[str, Any] = Field(default_factory=dict)
    """Type-specific details (`tokens`: `model`, `input_tokens`, …)"""


class IngestGroup(Doc):
    """The events of one agent session, as a remote machine's hook spooled them."""

    model_config = ConfigDict(extra="forbid")

    agent: Short
    """The AI agent (`claude_code`, `codex`, …)"""
    agent_session_id: Short
    """The agent's own session id"""
    cwd: Annotated[str, Field(max_length=4000)] | None = None
    """The agent's working directory (picks the project)"""
    model: Short | None = None
    """AI model name"""
    events: list[EventRecord] = Field(max_length=2000)
    """The events, oldest first"""


class HookRecord(Doc):
    """One raw agent hook record exactly as the local hook spools it (the agent's hook
    JSON), with the time it was received; stint maps it as a local drain would."""

    model_config = ConfigDict(extra="forbid")

    agent: Short = "claude_code"
    """The agent whose hook produced it: one with a hook mapper (`stint plugins`), such as
    `claude_code` or `gemini_cli`; a record of another agent is refused on its own"""
    received_at: float = Field(ge=0, le=2e10, description="Unix time the hook fired")
    hook: dict[str, Any]
    """The hook's JSON as the agent sent it"""


class IngestBatch(Doc):
    """Structured groups of events and/or raw hook records; either may be empty."""

    model_config = ConfigDict(extra="forbid")

    sessions: list[IngestGroup] = Field(default_factory=list, max_length=50)
    """Groups of structured events"""
    records: list[HookRecord] = Field(default_factory=list, max_length=2000)
    """Raw hook records"""


class RefusedRecord(Doc):
    """A raw hook record the server could not map."""

    index: int = Field(description="Position of the record in the batch's `records`")
    reason: str
    """Why it could not be mapped"""


class IngestResult(Doc):
    """What an ingest stored."""

    received: int = Field(description="Events in `sessions` groups")
    stored: int = Field(description="Of those, how many were new")
    duplicates: int = Field(description="Of those, how many were already stored (by key)")
    session_ids: list[int]
    """Ids of the sessions the events went to"""
    hook_records: int = Field(0, description="Raw hook records applied")
    refused_records: list[RefusedRecord] = Field(
        default_factory=list, description="Raw hook records that could not be mapped"
    )
