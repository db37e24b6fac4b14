"""analytics indexes

Revision ID: 0002
Revises: 0001

A covering index for the statistics queries that count sessions and average their
scores per local day, weekday and hour: SQLite reads this narrow index instead of the wide
session rows (the plan becomes "SEARCH sessions USING COVERING INDEX
ix_sessions_analytics (org_id=? AND started_at>?)"), which halves the time of
`stint stats` and `stint stats --by weekday-hour` at 100k sessions. Its columns change
rarely (status and score at the end of a session), so writes barely pay for it.
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_sessions_analytics",
            ["org_id", "started_at", "status", "ai_model", "productivity_score"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_sessions_analytics")
