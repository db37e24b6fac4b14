"""The tables: the whole data model of DESIGN.md, as SQLAlchemy Core.

Every row carries `org_id`. Times are UTC with time zone; durations are seconds.
The activity log is the source of truth; counters on `sessions` and the tallies in
`session_files` are a projection of it (see `stint.model.projection`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# SQLite has no 64-bit autoincrement type under that name; INTEGER is its rowid alias.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use UTC-aware datetimes")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        moment: datetime = value
        if moment.tzinfo is None:
            return moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)


def _org() -> Column[str]:
    return Column("org_id", String(64), ForeignKey("orgs.id", ondelete="CASCADE"), nullable=False)


def _created() -> Column[datetime]:
    return Column("created_at", UTCDateTime, nullable=False)


orgs = Table(
    "orgs",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    _created(),
)

users = Table(
    "users",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    _org(),
    Column("name", String(200), nullable=False),
    Column("email", String(320)),
    _created(),
    UniqueConstraint("org_id", "name"),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    _org(),
    Column("user_id", BigId, ForeignKey("users.id", ondelete="SET NULL")),
    Column("name", String(200), nullable=False),
    Column("prefix", String(16), nullable=False),
    Column("key_hash", String(128), nullable=False, unique=True),
    _created(),
    Column("last_used_at", UTCDateTime),
    Column("revoked_at", UTCDateTime),
)

projects = Table(
    "projects",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    _org(),
    Column("name", String(200), nullable=False),
    Column("repo_root", Text),
    Column("remote_url", Text),
    Column("is_default", Boolean, nullable=False, default=False),
    _created(),
    UniqueConstraint("org_id", "name"),
    Index("ix_projects_repo_root", "org_id", "repo_root"),
)

components = Table(
    "components",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    _org(),
    Column("project_id", BigId, ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(200), nullable=False),
    _created(),
    UniqueConstraint("project_id", "name"),
)

templates = Table(
    "templates",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    _org(),
    Column("name", String(200), nullable=False),
    Column("description", Text),
    Column("kind", String(50)),
    Column("default_intention", Text),
    Column("default_success_indicators", JSON),
    Column("default_completion_indicators", JSON),
    Column("default_constraints", JSON),
    Column("default_procedure_notes", Text),
    Column("default_duration_minutes", Integer),
    Column("default_tags", JSON),
    Column("default_state", JSON),
    Column("suggested_for", JSON),
    Column("is_active", Boolean, nullable=False, default=True),
    _created(),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("org_id", "name"),
)

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

sessions = Table(
    "sessions",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("uuid", String(36), nullable=False, unique=True),
    _org(),
    Column("number", Integer, nullable=False),
    Column("project_id", BigId, ForeignKey("projects.id", ondelete="SET NULL")),
    Column("component_id", BigId, ForeignKey("components.id", ondelete="SET NULL")),
    Column("user_id", BigId, ForeignKey("users.id", ondelete="SET NULL")),
    Column("template_id", BigId, ForeignKey("templates.id", ondelete="SET NULL")),
    Column("previous_session_id", BigId, ForeignKey("sessions.id", ondelete="SET NULL")),
    Column("kind", String(50), nullable=False, default="coding"),
    Column("name", String(200)),
    Column("goal", Text),
    Column("success_indicators", JSON),
    Column("completion_indicators", JSON),
    Column("constraints", JSON),
    Column("procedure_notes", Text),
    Column("state", JSON),
    Column("status", String(20), nullable=False),
    # Non-null only while active or paused: a unique guard for "one open session per
    # project and agent session" that holds even for two concurrent starts.
    Column("open_key", String(300)),
    Column("outcome", String(20)),
    Column("successfully_completed", Boolean),
    Column("end_reason", String(50)),
    Column("agent", String(50)),
    Column("agent_version", String(50)),
    Column("agent_session_id", String(200)),
    Column("ai_model", String(100)),
    Column("ai_provider", String(50)),
    Column("environment", String(50)),
    Column("mcp_connection_id", String(200)),
    Column("cwd", Text),
    Column("scheduled_at", UTCDateTime),
    Column("scheduled_duration_minutes", Integer),
    Column("started_at", UTCDateTime),
    Column("ended_at", UTCDateTime),
    Column("last_activity_at", UTCDateTime),
    Column("paused_at", UTCDateTime),
    Column("paused_seconds", Float, nullable=False, default=0.0),
    Column("active_seconds", Float),
    Column("repo_root", Text),
    Column("branch", String(250)),
    Column("start_commit", String(64)),
    Column("end_commit", String(64)),
    Column("commits_made", Integer, nullable=False, default=0),
    *[Column(name, BigInteger, nullable=False, default=0) for name in COUNTER_COLUMNS],
    # Effective lines: git's figures once measured, else the edits' own (see projection).
    Column("git_lines_added", Integer),
    Column("git_lines_removed", Integer),
    Column("loc_added", BigInteger, nullable=False, default=0),
    Column("loc_removed", BigInteger, nullable=False, default=0),
    Column("files_modified", Integer, nullable=False, default=0),
    Column("binary_files_changed", Integer, nullable=False, default=0),
    Column("cost_usd", Float, nullable=False, default=0.0),
    Column("productivity_score", Float),
    Column("score_breakdown", JSON),
    Column("notes", Text),
    Column("summary", Text),
    Column("learnings", Text),
    Column("success_rating", Integer),
    Column("completion_percentage", Integer),
    Column("needs_followup", Boolean, nullable=False, default=False),
    Column("followup_notes", Text),
    Column("next_session_suggestion", Text),
    Column("evaluation", JSON),
    _created(),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("org_id", "number"),
    UniqueConstraint("org_id", "open_key"),
    Index("ix_sessions_org_id", "org_id", "id"),
    Index("ix_sessions_org_started", "org_id", "started_at"),
    Index("ix_sessions_org_status_activity", "org_id", "status", "last_activity_at"),
    Index("ix_sessions_agent_session", "org_id", "agent", "agent_session_id"),
    Index("ix_sessions_project", "project_id", "started_at"),
    # Covers the per-day/weekday/hour counts and scores of stint.store.analytics.
    Index(
        "ix_sessions_analytics", "org_id", "started_at", "status", "ai_model", "productivity_score"
    ),
    # Covers the per-session figures `compare --cohort model=…` reads (stint.store.cohorts).
    Index(
        "ix_sessions_cohorts",
        "org_id",
        "ai_model",
        "started_at",
        "status",
        "productivity_score",
        "active_seconds",
        "cost_usd",
        "loc_added",
        "loc_removed",
        "tasks_created",
        "tasks_completed",
    ),
)

session_tags = Table(
    "session_tags",
    metadata,
    Column("session_id", BigId, ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("tag", String(100), primary_key=True),
    _org(),
    Index("ix_session_tags_tag", "org_id", "tag"),
)

activities = Table(
    "activities",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    _org(),
    Column("session_id", BigId, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("type", String(50), nullable=False),
    Column("description", Text),
    Column("occurred_at", UTCDateTime, nullable=False),
    Column("source", String(20), nullable=False, default="cli"),
    Column("ai_involved", Boolean, nullable=False, default=False),
    Column("file_path", Text),
    Column("task_id", BigId),
    Column("decision_id", BigId),
    Column("context_id", BigId),
    Column("payload", JSON),
    Column("idem_key", String(300)),
    UniqueConstraint("org_id", "idem_key"),
    Index("ix_activities_session_time", "session_id", "occurred_at"),
    Index("ix_activities_type", "org_id", "type"),
)

session_files = Table(
    "session_files",
    metadata,
    Column("session_id", BigId, ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("path", Text, primary_key=True),
    _org(),
    Column("times_modified", Integer, nullable=False, default=0),
    Column("lines_added", Integer, nullable=False, default=0),
    Column("lines_removed", Integer, nullable=False, default=0),
    Column("times_mentioned", Integer, nullable=False, default=0),
    # What git said at session end (None: git was not asked or the file was not changed).
    Column("git_lines_added", Integer),
    Column("git_lines_removed", Integer),
    Column("git_change", String(20)),
    Column("renamed_from", Text),
    Column("is_binary", Boolean, nullable=False, default=False),
    Column("first_touched_at", UTCDateTime, nullable=False),
    Column("last_touched_at", UTCDateTime, nullable=False),
)

tasks = Table(
    "tasks",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    _org(),
    Column("session_id", BigId, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("project_id", BigId, ForeignKey("projects.id", ondelete="SET NULL")),
    Column("external_id", String(200)),
    Column("title", Text, nullable=False),
    Column("status", String(20), nullable=False, default="todo"),
    _created(),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("completed_at", UTCDateTime),
    UniqueConstraint("session_id", "external_id"),
    Index("ix_tasks_session", "session_id"),
)

decisions = Table(
    "decisions",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    _org(),
    Column("session_id", BigId, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("text", Text, nullable=False),
    Column("rationale", Text),
    _created(),
    Index("ix_decisions_session", "session_id"),
)

context_items = Table(
    "context_items",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    _org(),
    Column("session_id", BigId, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("text", Text, nullable=False),
    Column("mentions", JSON),
    _created(),
    Index("ix_context_items_session", "session_id"),
)

interactions = Table(
    "interactions",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    _org(),
    Column("session_id", BigId, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("sequence", Integer, nullable=False),
    Column("type", String(30), nullable=False),
    Column("role", String(30)),
    Column("content", Text),
    Column("response", Text),
    Column("category", String(100)),
    Column("response_method", String(50)),
    Column("tool_name", String(200)),
    Column("subject_key", String(200)),
    Column("duration_seconds", Float),
    Column("input_tokens", BigInteger),
    Column("output_tokens", BigInteger),
    Column("model", String(100)),
    Column("sentiment", String(50)),
    Column("themes", JSON),
    Column("people", JSON),
    Column("places", JSON),
    Column("payload", JSON),
    Column("idem_key", String(300)),
    _created(),
    UniqueConstraint("session_id", "sequence"),
    UniqueConstraint("org_id", "idem_key"),
)

artifacts = Table(
    "artifacts",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    _org(),
    Column("session_id", BigId, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("type", String(50), nullable=False),
    Column("name", String(200)),
    Column("content", Text),
    Column("data", JSON),
    Column("subject_key", String(200)),
    Column("is_provisional", Boolean, nullable=False, default=True),
    Column("is_approved", Boolean, nullable=False, default=False),
    Column("approved_at", UTCDateTime),
    Column("included_in_synthesis", Boolean, nullable=False, default=False),
    _created(),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_artifacts_session_type", "session_id", "type"),
)

notes = Table(
    "notes",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    _org(),
    Column("session_id", BigId, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("type", String(50), nullable=False, default="observation"),
    Column("content", Text, nullable=False),
    Column("at_interaction", Integer),
    Column("is_important", Boolean, nullable=False, default=False),
    Column("requires_followup", Boolean, nullable=False, default=False),
    Column("noted_by", String(100), nullable=False, default="user"),
    _created(),
    Index("ix_notes_session", "session_id"),
)

subjects = Table(
    "subjects",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    _org(),
    Column("key", String(200), nullable=False),
    Column("name", String(200)),
    Column("kind", String(50)),
    _created(),
    UniqueConstraint("org_id", "key"),
)

session_subjects = Table(
    "session_subjects",
    metadata,
    Column("session_id", BigId, ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("subject_id", BigId, ForeignKey("subjects.id", ondelete="CASCADE"), primary_key=True),
    _org(),
    Column("is_primary", Boolean, nullable=False, default=False),
    Column("coverage_level", String(50)),
    Column("prompts_completed", Integer, nullable=False, default=0),
    Column("notes", Text),
    _created(),
)

token_usage = Table(
    "token_usage",
    metadata,
    Column("session_id", BigId, ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("model", String(100), primary_key=True),
    _org(),
    Column("input_tokens", BigInteger, nullable=False, default=0),
    Column("output_tokens", BigInteger, nullable=False, default=0),
    Column("cache_creation_tokens", BigInteger, nullable=False, default=0),
    Column("cache_read_tokens", BigInteger, nullable=False, default=0),
    Column("cost_usd", Float, nullable=False, default=0.0),
)

commits = Table(
    "commits",
    metadata,
    Column("session_id", BigId, ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("sha", String(64), primary_key=True),
    _org(),
    Column("subject", Text),
    Column("author", String(200)),
    Column("committed_at", UTCDateTime),
    Column("lines_added", Integer, nullable=False, default=0),
    Column("lines_removed", Integer, nullable=False, default=0),
)

import_offsets = Table(
    "import_offsets",
    metadata,
    Column("org_id", String(64), ForeignKey("orgs.id", ondelete="CASCADE"), primary_key=True),
    Column("path", Text, primary_key=True),
    Column("size", BigInteger, nullable=False, default=0),
    Column("offset", BigInteger, nullable=False, default=0),
    Column("state", JSON),
    Column("updated_at", UTCDateTime, nullable=False),
)
