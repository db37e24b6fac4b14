"""sessions keep their time by channel: the person, the agent, both

Revision ID: 0015
Revises: 0013

One pulse over every event called a session active while the agent worked alone after a
prompt, or waited on a permission prompt. `stint.model.channels` splits a session's
time into the person alone (`person_seconds`), the agent alone (`agent_seconds`) and
both at once (`both_seconds`); idle is the duration less the three. `channels_basis`
says whether they come from the events or from Claude Code's telemetry. Set when a
session ends; nullable: a session from before this revision gets them from its events
on read, or from `stint doctor --fix`.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("person_seconds", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("agent_seconds", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("both_seconds", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("channels_basis", sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_column("channels_basis")
        batch_op.drop_column("both_seconds")
        batch_op.drop_column("agent_seconds")
        batch_op.drop_column("person_seconds")
