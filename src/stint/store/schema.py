"""The tables: the whole data model of DESIGN.md, as SQLAlchemy Core.

Every row carries `org_id`. Times are UTC with time zone; durations are seconds.
The activity log is the source of truth; counters on `sessions` and the tallies in
`session_files` are a projection of it (see `stint.model.projection`).
The shared column kinds are in `stint.store.columns`, the goal-oriented tables in
`stint.store.goal_schema` (re-exported here).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from stint.model.types import COUNTER_COLUMNS
from stint.store.columns import BigId, UTCDateTime, created_column, metadata, org_column
from stint.store.goal_schema import artifacts as artifacts
from stint.store.goal_schema import interactions as interactions
from stint.store.goal_schema import notes as notes
from stint.store.goal_schema import session_subjects as session_subjects
from stint.store.goal_schema import subjects as subjects

__all__ = ["COUNTER_COLUMNS", "BigId", "UTCDateTime", "metadata"]

orgs = Table(
    "orgs",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    created_column(),
)

users = Table(
    "users",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    org_column(),
    Column("name", String(200), nullable=False),
    Column("email", String(320)),
    created_column(),
    UniqueConstraint("org_id", "name"),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    org_column(),
    Column("user_id", BigId, ForeignKey("users.id", ondelete="SET NULL")),
    Column("name", String(200), nullable=False),
    Column("prefix", String(16), nullable=False),
    Column("key_hash", String(128), nullable=False, unique=True),
    created_column(),
    Column("last_used_at", UTCDateTime),
    Column("revoked_at", UTCDateTime),
)

projects = Table(
    "projects",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    org_column(),
    Column("name", String(200), nullable=False),
    Column("repo_root", Text),
    Column("remote_url", Text),
    Column("is_default", Boolean, nullable=False, default=False),
    created_column(),
    UniqueConstraint("org_id", "name"),
    Index("ix_projects_repo_root", "org_id", "repo_root"),
)

components = Table(
    "components",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    org_column(),
    Column("project_id", BigId, ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(200), nullable=False),
    created_column(),
    UniqueConstraint("project_id", "name"),
)

templates = Table(
    "templates",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    org_column(),
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
    created_column(),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("org_id", "name"),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("uuid", String(36), nullable=False, unique=True),
    org_column(),
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
    created_column(),
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
    org_column(),
    Index("ix_session_tags_tag", "org_id", "tag"),
)

activities = Table(
    "activities",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    org_column(),
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
    org_column(),
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
    org_column(),
    Column("session_id", BigId, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("project_id", BigId, ForeignKey("projects.id", ondelete="SET NULL")),
    Column("external_id", String(200)),
    Column("title", Text, nullable=False),
    Column("status", String(20), nullable=False, default="todo"),
    created_column(),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("completed_at", UTCDateTime),
    UniqueConstraint("session_id", "external_id"),
    Index("ix_tasks_session", "session_id"),
)

decisions = Table(
    "decisions",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    org_column(),
    Column("session_id", BigId, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("text", Text, nullable=False),
    Column("rationale", Text),
    created_column(),
    Index("ix_decisions_session", "session_id"),
)

context_items = Table(
    "context_items",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    org_column(),
    Column("session_id", BigId, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("text", Text, nullable=False),
    Column("mentions", JSON),
    created_column(),
    Index("ix_context_items_session", "session_id"),
)

token_usage = Table(
    "token_usage",
    metadata,
    Column("session_id", BigId, ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("model", String(100), primary_key=True),
    org_column(),
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
    org_column(),
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
