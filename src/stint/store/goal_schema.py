"""The goal-oriented tables (seeds 002–004): interactions, artifacts, notes and the
subjects a session covers. `stint.store.schema` re-exports them with the others."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
)

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

interactions = Table(
    "interactions",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    org_column(),
    Column("session_id", BigId, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("sequence", Integer, nullable=False),
    Column("type", String(30), nullable=False),
    Column("role", String(30)),
    Column("content", RedactedText),
    Column("response", RedactedText),
    Column("category", String(100)),
    Column("response_method", String(50)),
    Column("tool_name", String(200)),
    Column("subject_key", String(200)),
    Column("duration_seconds", Float),
    Column("input_tokens", BigInteger),
    Column("output_tokens", BigInteger),
    Column("model", String(100)),
    Column("sentiment", String(50)),
    Column("themes", RedactedJSON),
    Column("people", RedactedJSON),
    Column("places", RedactedJSON),
    Column("payload", RedactedJSON),
    Column("idem_key", String(300)),
    created_column(),
    UniqueConstraint("session_id", "sequence"),
    UniqueConstraint("org_id", "idem_key"),
)

artifacts = Table(
    "artifacts",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    org_column(),
    Column("session_id", BigId, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("type", String(50), nullable=False),
    Column("name", RedactedString(200)),
    Column("content", RedactedText),
    Column("data", RedactedJSON),
    Column("subject_key", String(200)),
    Column("is_provisional", Boolean, nullable=False, default=True),
    Column("is_approved", Boolean, nullable=False, default=False),
    Column("approved_at", UTCDateTime),
    Column("included_in_synthesis", Boolean, nullable=False, default=False),
    created_column(),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_artifacts_session_type", "session_id", "type"),
)

notes = Table(
    "notes",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    org_column(),
    Column("session_id", BigId, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("type", String(50), nullable=False, default="observation"),
    Column("content", RedactedText, nullable=False),
    Column("at_interaction", Integer),
    Column("is_important", Boolean, nullable=False, default=False),
    Column("requires_followup", Boolean, nullable=False, default=False),
    Column("noted_by", String(100), nullable=False, default="user"),
    created_column(),
    Index("ix_notes_session", "session_id"),
)

subjects = Table(
    "subjects",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    org_column(),
    Column("key", String(200), nullable=False),
    Column("name", RedactedString(200)),
    Column("kind", String(50)),
    created_column(),
    UniqueConstraint("org_id", "key"),
)

session_subjects = Table(
    "session_subjects",
    metadata,
    Column("session_id", BigId, ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("subject_id", BigId, ForeignKey("subjects.id", ondelete="CASCADE"), primary_key=True),
    org_column(),
    Column("is_primary", Boolean, nullable=False, default=False),
    Column("coverage_level", String(50)),
    Column("prompts_completed", Integer, nullable=False, default=0),
    Column("notes", RedactedText),
    created_column(),
)
