"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22 07:50:26.885777
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import stint.store.schema

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "orgs",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", stint.store.schema.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orgs")),
    )
    op.create_table(
        "import_offsets",
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("offset", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.JSON(), nullable=True),
        sa.Column("updated_at", stint.store.schema.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["orgs.id"], name=op.f("fk_import_offsets_org_id_orgs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("org_id", "path", name=op.f("pk_import_offsets")),
    )
    op.create_table(
        "projects",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("repo_root", sa.Text(), nullable=True),
        sa.Column("remote_url", sa.Text(), nullable=True),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("created_at", stint.store.schema.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["orgs.id"], name=op.f("fk_projects_org_id_orgs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_projects")),
        sa.UniqueConstraint("org_id", "name", name=op.f("uq_projects_org_id_name")),
    )
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.create_index("ix_projects_repo_root", ["org_id", "repo_root"], unique=False)

    op.create_table(
        "subjects",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("kind", sa.String(length=50), nullable=True),
        sa.Column("created_at", stint.store.schema.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["orgs.id"], name=op.f("fk_subjects_org_id_orgs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subjects")),
        sa.UniqueConstraint("org_id", "key", name=op.f("uq_subjects_org_id_key")),
    )
    op.create_table(
        "templates",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("kind", sa.String(length=50), nullable=True),
        sa.Column("default_intention", sa.Text(), nullable=True),
        sa.Column("default_success_indicators", sa.JSON(), nullable=True),
        sa.Column("default_completion_indicators", sa.JSON(), nullable=True),
        sa.Column("default_constraints", sa.JSON(), nullable=True),
        sa.Column("default_procedure_notes", sa.Text(), nullable=True),
        sa.Column("default_duration_minutes", sa.Integer(), nullable=True),
        sa.Column("default_tags", sa.JSON(), nullable=True),
        sa.Column("default_state", sa.JSON(), nullable=True),
        sa.Column("suggested_for", sa.JSON(), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", stint.store.schema.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", stint.store.schema.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["orgs.id"], name=op.f("fk_templates_org_id_orgs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_templates")),
        sa.UniqueConstraint("org_id", "name", name=op.f("uq_templates_org_id_name")),
    )
    op.create_table(
        "users",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("created_at", stint.store.schema.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["orgs.id"], name=op.f("fk_users_org_id_orgs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("org_id", "name", name=op.f("uq_users_org_id_name")),
    )
    op.create_table(
        "api_keys",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("key_hash", sa.String(length=128), nullable=False),
        sa.Column("created_at", stint.store.schema.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", stint.store.schema.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", stint.store.schema.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_id"], ["orgs.id"], name=op.f("fk_api_keys_org_id_orgs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_api_keys_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_keys_key_hash")),
    )
    op.create_table(
        "components",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column(
            "project_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", stint.store.schema.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["orgs.id"], name=op.f("fk_components_org_id_orgs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_components_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_components")),
        sa.UniqueConstraint("project_id", "name", name=op.f("uq_components_project_id_name")),
    )
    op.create_table(
        "sessions",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column(
            "project_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "component_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "template_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "previous_session_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column("kind", sa.String(length=50), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("goal", sa.Text(), nullable=True),
        sa.Column("success_indicators", sa.JSON(), nullable=True),
        sa.Column("completion_indicators", sa.JSON(), nullable=True),
        sa.Column("constraints", sa.JSON(), nullable=True),
        sa.Column("procedure_notes", sa.Text(), nullable=True),
        sa.Column("state", sa.JSON(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("open_key", sa.String(length=300), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("successfully_completed", sa.Boolean(), nullable=True),
        sa.Column("end_reason", sa.String(length=50), nullable=True),
        sa.Column("agent", sa.String(length=50), nullable=True),
        sa.Column("agent_version", sa.String(length=50), nullable=True),
        sa.Column("agent_session_id", sa.String(length=200), nullable=True),
        sa.Column("ai_model", sa.String(length=100), nullable=True),
        sa.Column("ai_provider", sa.String(length=50), nullable=True),
        sa.Column("environment", sa.String(length=50), nullable=True),
        sa.Column("mcp_connection_id", sa.String(length=200), nullable=True),
        sa.Column("cwd", sa.Text(), nullable=True),
        sa.Column("scheduled_at", stint.store.schema.UTCDateTime(timezone=True), nullable=True),
        sa.Column("scheduled_duration_minutes", sa.Integer(), nullable=True),
        sa.Column("started_at", stint.store.schema.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ended_at", stint.store.schema.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_activity_at", stint.store.schema.UTCDateTime(timezone=True), nullable=True),
        sa.Column("paused_at", stint.store.schema.UTCDateTime(timezone=True), nullable=True),
        sa.Column("paused_seconds", sa.Float(), nullable=False),
        sa.Column("active_seconds", sa.Float(), nullable=True),
        sa.Column("repo_root", sa.Text(), nullable=True),
        sa.Column("branch", sa.String(length=250), nullable=True),
        sa.Column("start_commit", sa.String(length=64), nullable=True),
        sa.Column("end_commit", sa.String(length=64), nullable=True),
        sa.Column("commits_made", sa.Integer(), nullable=False),
        sa.Column("tasks_created", sa.BigInteger(), nullable=False),
        sa.Column("tasks_completed", sa.BigInteger(), nullable=False),
        sa.Column("tasks_in_progress", sa.BigInteger(), nullable=False),
        sa.Column("tasks_todo", sa.BigInteger(), nullable=False),
        sa.Column("context_items_added", sa.BigInteger(), nullable=False),
        sa.Column("decisions_made", sa.BigInteger(), nullable=False),
        sa.Column("message_count", sa.BigInteger(), nullable=False),
        sa.Column("tool_call_count", sa.BigInteger(), nullable=False),
        sa.Column("tool_failures", sa.BigInteger(), nullable=False),
        sa.Column("commands_executed", sa.BigInteger(), nullable=False),
        sa.Column("memories_used", sa.BigInteger(), nullable=False),
        sa.Column("notes_count", sa.BigInteger(), nullable=False),
        sa.Column("interactions_count", sa.BigInteger(), nullable=False),
        sa.Column("artifacts_count", sa.BigInteger(), nullable=False),
        sa.Column("subagents_started", sa.BigInteger(), nullable=False),
        sa.Column("files_mentioned", sa.BigInteger(), nullable=False),
        sa.Column("edit_lines_added", sa.BigInteger(), nullable=False),
        sa.Column("edit_lines_removed", sa.BigInteger(), nullable=False),
        sa.Column("input_tokens", sa.BigInteger(), nullable=False),
        sa.Column("output_tokens", sa.BigInteger(), nullable=False),
        sa.Column("cache_creation_tokens", sa.BigInteger(), nullable=False),
        sa.Column("cache_read_tokens", sa.BigInteger(), nullable=False),
        sa.Column("git_lines_added", sa.Integer(), nullable=True),
        sa.Column("git_lines_removed", sa.Integer(), nullable=True),
        sa.Column("loc_added", sa.BigInteger(), nullable=False),
        sa.Column("loc_removed", sa.BigInteger(), nullable=False),
        sa.Column("files_modified", sa.Integer(), nullable=False),
        sa.Column("binary_files_changed", sa.Integer(), nullable=False),
        sa.Column("cost_usd", sa.Float(), nullable=False),
        sa.Column("productivity_score", sa.Float(), nullable=True),
        sa.Column("score_breakdown", sa.JSON(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("learnings", sa.Text(), nullable=True),
        sa.Column("success_rating", sa.Integer(), nullable=True),
        sa.Column("completion_percentage", sa.Integer(), nullable=True),
        sa.Column("needs_followup", sa.Boolean(), nullable=False),
        sa.Column("followup_notes", sa.Text(), nullable=True),
        sa.Column("next_session_suggestion", sa.Text(), nullable=True),
        sa.Column("evaluation", sa.JSON(), nullable=True),
        sa.Column("created_at", stint.store.schema.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", stint.store.schema.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["component_id"],
            ["components.id"],
            name=op.f("fk_sessions_component_id_components"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["orgs.id"], name=op.f("fk_sessions_org_id_orgs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["previous_session_id"],
            ["sessions.id"],
            name=op.f("fk_sessions_previous_session_id_sessions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_sessions_project_id_projects"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["templates.id"],
            name=op.f("fk_sessions_template_id_templates"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_sessions_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sessions")),
        sa.UniqueConstraint("org_id", "number", name=op.f("uq_sessions_org_id_number")),
        sa.UniqueConstraint("org_id", "open_key", name=op.f("uq_sessions_org_id_open_key")),
        sa.UniqueConstraint("uuid", name=op.f("uq_sessions_uuid")),
    )
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_sessions_agent_session", ["org_id", "agent", "agent_session_id"], unique=False
        )
        batch_op.create_index("ix_sessions_org_started", ["org_id", "started_at"], unique=False)
        batch_op.create_index(
            "ix_sessions_org_status_activity",
            ["org_id", "status", "last_activity_at"],
            unique=False,
        )
        batch_op.create_index("ix_sessions_project", ["project_id", "started_at"], unique=False)

    op.create_table(
        "activities",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column(
            "session_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("type", sa.String(length=50), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("occurred_at", stint.store.schema.UTCDateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("ai_involved", sa.Boolean(), nullable=False),
        sa.Column("file_path", sa.Text(), nullable=True),
        sa.Column("task_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "decision_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "context_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("payload", sa.JSON(), nullable=True),
        sa.Column("idem_key", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_id"], ["orgs.id"], name=op.f("fk_activities_org_id_orgs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_activities_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activities")),
        sa.UniqueConstraint("org_id", "idem_key", name=op.f("uq_activities_org_id_idem_key")),
    )
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.create_index(
            "ix_activities_session_time", ["session_id", "occurred_at"], unique=False
        )
        batch_op.create_index("ix_activities_type", ["org_id", "type"], unique=False)

    op.create_table(
        "artifacts",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column(
            "session_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("type", sa.String(length=50), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("content", sa.Text(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=True),
        sa.Column("subject_key", sa.String(length=200), nullable=True),
        sa.Column("is_provisional", sa.Boolean(), nullable=False),
        sa.Column("is_approved", sa.Boolean(), nullable=False),
        sa.Column("approved_at", stint.store.schema.UTCDateTime(timezone=True), nullable=True),
        sa.Column("included_in_synthesis", sa.Boolean(), nullable=False),
        sa.Column("created_at", stint.store.schema.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", stint.store.schema.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["orgs.id"], name=op.f("fk_artifacts_org_id_orgs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_artifacts_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_artifacts")),
    )
    with op.batch_alter_table("artifacts", schema=None) as batch_op:
        batch_op.create_index("ix_artifacts_session_type", ["session_id", "type"], unique=False)

    op.create_table(
        "commits",
        sa.Column(
            "session_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("sha", sa.String(length=64), nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.Text(), nullable=True),
        sa.Column("author", sa.String(length=200), nullable=True),
        sa.Column("committed_at", stint.store.schema.UTCDateTime(timezone=True), nullable=True),
        sa.Column("lines_added", sa.Integer(), nullable=False),
        sa.Column("lines_removed", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["orgs.id"], name=op.f("fk_commits_org_id_orgs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_commits_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", "sha", name=op.f("pk_commits")),
    )
    op.create_table(
        "context_items",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column(
            "session_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("mentions", sa.JSON(), nullable=True),
        sa.Column("created_at", stint.store.schema.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["orgs.id"], name=op.f("fk_context_items_org_id_orgs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_context_items_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_context_items")),
    )
    with op.batch_alter_table("context_items", schema=None) as batch_op:
        batch_op.create_index("ix_context_items_session", ["session_id"], unique=False)

    op.create_table(
        "decisions",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column(
            "session_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=True),
        sa.Column("created_at", stint.store.schema.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["orgs.id"], name=op.f("fk_decisions_org_id_orgs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_decisions_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decisions")),
    )
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.create_index("ix_decisions_session", ["session_id"], unique=False)

    op.create_table(
        "interactions",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column(
            "session_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=30), nullable=False),
        sa.Column("role", sa.String(length=30), nullable=True),
        sa.Column("content", sa.Text(), nullable=True),
        sa.Column("response", sa.Text(), nullable=True),
        sa.Column("category", sa.String(length=100), nullable=True),
        sa.Column("response_method", sa.String(length=50), nullable=True),
        sa.Column("tool_name", sa.String(length=200), nullable=True),
        sa.Column("subject_key", sa.String(length=200), nullable=True),
        sa.Column("duration_seconds", sa.Float(), nullable=True),
        sa.Column("input_tokens", sa.BigInteger(), nullable=True),
        sa.Column("output_tokens", sa.BigInteger(), nullable=True),
        sa.Column("model", sa.String(length=100), nullable=True),
        sa.Column("sentiment", sa.String(length=50), nullable=True),
        sa.Column("themes", sa.JSON(), nullable=True),
        sa.Column("people", sa.JSON(), nullable=True),
        sa.Column("places", sa.JSON(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=True),
        sa.Column("idem_key", sa.String(length=300), nullable=True),
        sa.Column("created_at", stint.store.schema.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["orgs.id"], name=op.f("fk_interactions_org_id_orgs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_interactions_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interactions")),
        sa.UniqueConstraint("org_id", "idem_key", name=op.f("uq_interactions_org_id_idem_key")),
        sa.UniqueConstraint(
            "session_id", "sequence", name=op.f("uq_interactions_session_id_sequence")
        ),
    )
    op.create_table(
        "notes",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column(
            "session_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("type", sa.String(length=50), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("at_interaction", sa.Integer(), nullable=True),
        sa.Column("is_important", sa.Boolean(), nullable=False),
        sa.Column("requires_followup", sa.Boolean(), nullable=False),
        sa.Column("noted_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", stint.store.schema.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["orgs.id"], name=op.f("fk_notes_org_id_orgs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_notes_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notes")),
    )
    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.create_index("ix_notes_session", ["session_id"], unique=False)

    op.create_table(
        "session_files",
        sa.Column(
            "session_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("times_modified", sa.Integer(), nullable=False),
        sa.Column("lines_added", sa.Integer(), nullable=False),
        sa.Column("lines_removed", sa.Integer(), nullable=False),
        sa.Column("times_mentioned", sa.Integer(), nullable=False),
        sa.Column("git_lines_added", sa.Integer(), nullable=True),
        sa.Column("git_lines_removed", sa.Integer(), nullable=True),
        sa.Column("git_change", sa.String(length=20), nullable=True),
        sa.Column("renamed_from", sa.Text(), nullable=True),
        sa.Column("is_binary", sa.Boolean(), nullable=False),
        sa.Column(
            "first_touched_at", stint.store.schema.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("last_touched_at", stint.store.schema.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["orgs.id"], name=op.f("fk_session_files_org_id_orgs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_session_files_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", "path", name=op.f("pk_session_files")),
    )
    op.create_table(
        "session_subjects",
        sa.Column(
            "session_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "subject_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("is_primary", sa.Boolean(), nullable=False),
        sa.Column("coverage_level", sa.String(length=50), nullable=True),
        sa.Column("prompts_completed", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", stint.store.schema.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["orgs.id"],
            name=op.f("fk_session_subjects_org_id_orgs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_session_subjects_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["subjects.id"],
            name=op.f("fk_session_subjects_subject_id_subjects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", "subject_id", name=op.f("pk_session_subjects")),
    )
    op.create_table(
        "session_tags",
        sa.Column(
            "session_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("tag", sa.String(length=100), nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["orgs.id"], name=op.f("fk_session_tags_org_id_orgs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_session_tags_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", "tag", name=op.f("pk_session_tags")),
    )
    with op.batch_alter_table("session_tags", schema=None) as batch_op:
        batch_op.create_index("ix_session_tags_tag", ["org_id", "tag"], unique=False)

    op.create_table(
        "tasks",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column(
            "session_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "project_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("external_id", sa.String(length=200), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", stint.store.schema.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", stint.store.schema.UTCDateTime(timezone=True), nullable=False),
        sa.Column("completed_at", stint.store.schema.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_id"], ["orgs.id"], name=op.f("fk_tasks_org_id_orgs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_tasks_project_id_projects"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_tasks_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tasks")),
        sa.UniqueConstraint(
            "session_id", "external_id", name=op.f("uq_tasks_session_id_external_id")
        ),
    )
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.create_index("ix_tasks_session", ["session_id"], unique=False)

    op.create_table(
        "token_usage",
        sa.Column(
            "session_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("model", sa.String(length=100), nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("input_tokens", sa.BigInteger(), nullable=False),
        sa.Column("output_tokens", sa.BigInteger(), nullable=False),
        sa.Column("cache_creation_tokens", sa.BigInteger(), nullable=False),
        sa.Column("cache_read_tokens", sa.BigInteger(), nullable=False),
        sa.Column("cost_usd", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["orgs.id"], name=op.f("fk_token_usage_org_id_orgs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_token_usage_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", "model", name=op.f("pk_token_usage")),
    )


def downgrade() -> None:

    op.drop_table("token_usage")
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_index("ix_tasks_session")

    op.drop_table("tasks")
    with op.batch_alter_table("session_tags", schema=None) as batch_op:
        batch_op.drop_index("ix_session_tags_tag")

    op.drop_table("session_tags")
    op.drop_table("session_subjects")
    op.drop_table("session_files")
    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.drop_index("ix_notes_session")

    op.drop_table("notes")
    op.drop_table("interactions")
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_index("ix_decisions_session")

    op.drop_table("decisions")
    with op.batch_alter_table("context_items", schema=None) as batch_op:
        batch_op.drop_index("ix_context_items_session")

    op.drop_table("context_items")
    op.drop_table("commits")
    with op.batch_alter_table("artifacts", schema=None) as batch_op:
        batch_op.drop_index("ix_artifacts_session_type")

    op.drop_table("artifacts")
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_index("ix_activities_type")
        batch_op.drop_index("ix_activities_session_time")

    op.drop_table("activities")
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_sessions_project")
        batch_op.drop_index("ix_sessions_org_status_activity")
        batch_op.drop_index("ix_sessions_org_started")
        batch_op.drop_index("ix_sessions_agent_session")

    op.drop_table("sessions")
    op.drop_table("components")
    op.drop_table("api_keys")
    op.drop_table("users")
    op.drop_table("templates")
    op.drop_table("subjects")
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.drop_index("ix_projects_repo_root")

    op.drop_table("projects")
    op.drop_table("import_offsets")
    op.drop_table("orgs")
