"""sessions keep their pulse state

Revision ID: 0007
Revises: 0006

Reading an open session recomputed its active time from every event timestamp (the
overview read 84,510 rows for 5 page views). The projection now keeps what the pulse
rule needs on the session as events arrive: the active time up to the latest event
(`pulse_active_seconds`), that event's time (`pulse_last_at`), whether a pause is in
force after it (`pulse_paused`), and the pulse they were computed with
(`pulse_seconds`). All nullable: a session from before this revision has none, and its
active time is recomputed from its events until its next event fills them in.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import stint.store.schema

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pulse_active_seconds", sa.Float(), nullable=True))
        batch_op.add_column(
            sa.Column("pulse_last_at", stint.store.schema.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("pulse_paused", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("pulse_seconds", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_column("pulse_seconds")
        batch_op.drop_column("pulse_paused")
        batch_op.drop_column("pulse_last_at")
        batch_op.drop_column("pulse_active_seconds")
