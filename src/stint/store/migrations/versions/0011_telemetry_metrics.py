"""telemetry metrics: OpenTelemetry metric points per session

Revision ID: 0011
Revises: 0008

Claude Code's and GenAI metrics (`claude_code.token.usage`, `…lines_of_code.count`,
`…active_time.total`, …) received by the OTLP route: one row per delta point (its
stream and interval) or per cumulative stream (its latest value), summed by total.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "telemetry_metrics",
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
        sa.Column("point_key", sa.String(length=100), nullable=False),
        sa.Column("total", sa.String(length=60), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("cumulative", sa.Boolean(), nullable=False),
        sa.Column("time_ns", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["orgs.id"],
            name=op.f("fk_telemetry_metrics_org_id_orgs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_telemetry_metrics_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_telemetry_metrics")),
        sa.UniqueConstraint(
            "org_id",
            "session_id",
            "point_key",
            name=op.f("uq_telemetry_metrics_org_id_session_id_point_key"),
        ),
    )


def downgrade() -> None:
    op.drop_table("telemetry_metrics")
