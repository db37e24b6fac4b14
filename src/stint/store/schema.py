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
from stint.store.columns import (
    BigId,
    RedactedJSON,
    RedactedString,
    RedactedText,
    UTCDateTime,
    created_column,
    metadata,
    org_column,
)
from stint.store.goal_schema import artifacts as artifacts
from stint.store.goal_schema import interactions as interactions
from stint.store.goal_schema import notes as notes
from stint.store.goal_schema import session_subjects as session_subjects
from stint.store.goal_schema import subjects as subjects
from stint.store.health_schema import session_health as session_health
from stint.store.health_schema import session_health_files as session_health_files

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
    # An argon2 hash (pwdlib) for the dashboard's sign-in; None: signs in with a key only.
    Column("password_hash", String(255)),
    created_column(),
    UniqueConstraint("org_id", "name"),
)

# The server's own secrets, made once (e.g. the key signing sign-in cookies), so several
# server processes on one database agree. Of the server, not of an org: no org_id.
server_secrets = Table(
    "server_secrets",
    metadata,
    Column("name", String(50), primary_key=True),
    Column("value", String(128), nullable=False),
    created_column(),
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
    # What the key may do: a JSON list of "ingest", "read", "admin" (stint.team.roles).
    Column("scopes", JSON, nullable=False),
    created_column(),
    Column("expires_at", UTCDateTime),
    Column("last_used_at", UTCDateTime),
    Column("revoked_at", UTCDateTime),
    # The prefix is what a request's token is looked up by (see stint.team.keys).
    Index("ix_api_keys_prefix", "prefix"),
)

# A user's role in an org: owner, admin, member or viewer. A user belongs to the org it was
# created in (users.org_id) and may be a member of others.
memberships = Table(
    "memberships",
    metadata,
    Column("org_id", String(64), ForeignKey("orgs.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", BigId, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("role", String(20), nullable=False),
    created_column(),
    Index("ix_memberships_user", "user_id"),
)

# A laptop that syncs to a server: `uuid` is the machine's own stable id (generated once,
# kept in its config dir), unique within an org; `name` is what people read.
machines = Table(
    "machines",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    org_column(),
    Column("uuid", String(36), nullable=False),
    Column("user_id", BigId, ForeignKey("users.id", ondelete="SET NULL")),
    Column("name", String(200), nullable=False),
    created_column(),
    Column("last_seen_at", UTCDateTime),
    UniqueConstraint("org_id", "uuid"),
)

projects = Table(
    "projects",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    org_column(),
    Column("name", RedactedString(200), nullable=False),
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
    Column("description", RedactedText),
    Column("kind", String(50)),
    Column("default_intention", RedactedText),
    Column("default_success_indicators", RedactedJSON),
    Column("default_completion_indicators", RedactedJSON),
    Column("default_constraints", RedactedJSON),
    Column("default_procedure_notes", RedactedText),
    Column("default_duration_minutes", Integer),
    Column("default_tags", RedactedJSON),
    Column("default_state", RedactedJSON),
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
    # The laptop a synced session came from (migration 0009); NULL when recorded here.
    Column("machine_id", BigId, ForeignKey("machines.id", ondelete="SET NULL")),
    Column("template_id", BigId, ForeignKey("templates.id", ondelete="SET NULL")),
    Column("previous_session_id", BigId, ForeignKey("sessions.id", ondelete="SET NULL")),
    Column("kind", String(50), nullable=False, default="coding"),
    Column("name", RedactedString(200)),
    Column("goal", RedactedText),
    Column("success_indicators", RedactedJSON),
    Column("completion_indicators", RedactedJSON),
    Column("constraints", RedactedJSON),
    Column("procedure_notes", RedactedText),
    Column("state", RedactedJSON),
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
    # Wall-clock presence: when a person or live caller last acted on it (the sweep reads
    # it beside last_activity_at, which follows the events' own, possibly back-dated, times).
    Column("seen_at", UTCDateTime),
    Column("paused_at", UTCDateTime),
    Column("paused_seconds", Float, nullable=False, default=0.0),
    Column("active_seconds", Float),
    # The pulse state the projection keeps as events arrive (migration 0007): active
    # time up to the latest event, its time, a pause in force, and the pulse used.
    Column("pulse_active_seconds", Float),
    Column("pulse_last_at", UTCDateTime),
    Column("pulse_paused", Boolean),
    Column("pulse_seconds", Float),
    # Active time by channel (migration 0015, stint.model.channels): the person alone, the
    # agent alone, both at once; set when the session ends (and by `stint doctor --fix`).
    # Idle is the duration less the three; active_seconds stays their union.
    Column("person_seconds", Float),
    Column("agent_seconds", Float),
    Column("both_seconds", Float),
    # "events" or "telemetry" (Claude Code's own active time, preferred when it arrived).
    Column("channels_basis", String(20)),
    # The channel state the projection keeps as events arrive (migration 0017,
    # stint.model.channels.ChannelPulse), valid with pulse_seconds: per channel its latest
    # moment and the start of the run ending there (POSIX seconds) and its active time;
    # the time both were active; a pause in force. An open session's split reads these.
    *[
        Column(f"chan_{channel}_{part}", Float)
        for channel in ("person", "agent")
        for part in ("last", "run", "active")
    ],
    Column("chan_both", Float),
    Column("chan_paused", Boolean),
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
    Column("notes", RedactedText),
    Column("summary", RedactedText),
    Column("learnings", RedactedText),
    Column("success_rating", Integer),
    Column("completion_percentage", Integer),
    Column("needs_followup", Boolean, nullable=False, default=False),
    Column("followup_notes", RedactedText),
    Column("next_session_suggestion", RedactedText),
    Column("evaluation", RedactedJSON),
    created_column(),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("org_id", "number"),
    UniqueConstraint("org_id", "open_key"),
    Index("ix_sessions_org_id", "org_id", "id"),
    Index("ix_sessions_org_started", "org_id", "started_at"),
    # Not with last_activity_at, which every event moves (migration 0021): the queries
    # on it name an open status, and open sessions are few.
    Index("ix_sessions_org_status", "org_id", "status"),
    Index("ix_sessions_agent_session", "org_id", "agent", "agent_session_id"),
    Index("ix_sessions_project", "project_id", "started_at"),
    Index("ix_sessions_machine", "org_id", "machine_id"),
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
    Column("tag", RedactedString(100), primary_key=True),
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
    Column("description", RedactedText),
    Column("occurred_at", UTCDateTime, nullable=False),
    Column("source", String(20), nullable=False, default="cli"),
    Column("ai_involved", Boolean, nullable=False, default=False),
    Column("file_path", RedactedText),
    Column("task_id", BigId),
    Column("decision_id", BigId),
    Column("context_id", BigId),
    Column("payload", RedactedJSON),
    Column("idem_key", String(300)),
    UniqueConstraint("org_id", "idem_key"),
    Index("ix_activities_session_time", "session_id", "occurred_at"),
    # No (org_id, type) index (dropped in 0021): the unique key serves the org prefix.
)

session_files = Table(
    "session_files",
    metadata,
    Column("session_id", BigId, ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("path", RedactedText, primary_key=True),
    org_column(),
    Column("times_modified", Integer, nullable=False, default=0),
    Column("lines_added", Integer, nullable=False, default=0),
    Column("lines_removed", Integer, nullable=False, default=0),
    Column("times_mentioned", Integer, nullable=False, default=0),
    # What git said at session end (None: git was not asked or the file was not changed).
    Column("git_lines_added", Integer),
    Column("git_lines_removed", Integer),
    Column("git_change", String(20)),
    Column("renamed_from", RedactedText),
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
    # 1, 2, 3 within the session (what a person types: `stint task done 1`).
    Column("number", Integer, nullable=False),
    Column("title", RedactedText, nullable=False),
    Column("status", String(20), nullable=False, default="todo"),
    created_column(),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("completed_at", UTCDateTime),
    UniqueConstraint("session_id", "external_id"),
    UniqueConstraint("session_id", "number"),
    Index("ix_tasks_session", "session_id"),
)

decisions = Table(
    "decisions",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    org_column(),
    Column("session_id", BigId, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("text", RedactedText, nullable=False),
    Column("rationale", RedactedText),
    created_column(),
    Index("ix_decisions_session", "session_id"),
)

context_items = Table(
    "context_items",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    org_column(),
    Column("session_id", BigId, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("text", RedactedText, nullable=False),
    Column("mentions", RedactedJSON),
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

# OpenTelemetry metric points of a session (`stint.store.telemetry`): a delta point is
# one row per (stream, interval), so a re-sent batch adds nothing; a cumulative stream is
# one row holding its latest value. Totals are sums by `total` (migration 0011).
telemetry_metrics = Table(
    "telemetry_metrics",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    org_column(),
    Column("session_id", BigId, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("point_key", String(100), nullable=False),
    Column("total", String(60), nullable=False),
    Column("value", Float, nullable=False),
    Column("cumulative", Boolean, nullable=False),
    Column("time_ns", BigInteger, nullable=False),
    UniqueConstraint("org_id", "session_id", "point_key"),
)

commits = Table(
    "commits",
    metadata,
    Column("session_id", BigId, ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("sha", String(64), primary_key=True),
    org_column(),
    Column("subject", RedactedText),
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
    # What the bytes before `offset` were (see store/imports.py); NULL on rows older
    # than migration 0006.
    Column("fingerprint", String(64)),
    Column("inode", BigInteger),
    Column("lines", BigInteger),
)

# A laptop's push cursor per remote and session (`stint sync`, migration 0009): the
# session's `updated_at` and the last activity id the remote has stored.
sync_cursors = Table(
    "sync_cursors",
    metadata,
    Column("remote", String(100), primary_key=True),
    Column("session_id", BigId, ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
    org_column(),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("activity_id", BigId, nullable=False),
    Column("pushed_at", UTCDateTime, nullable=False),
)
