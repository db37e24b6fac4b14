"""sessions keep their channel state as events arrive

Revision ID: 0017
Revises: 0015

An open session's split by channel (person, agent, both) was recomputed on every read
(status, show, the statusline cache) from all its events: 72 ms for 10,000 events. The
projection now keeps what `stint.model.channels.ChannelPulse` needs on the session, as
it keeps the pulse (migration 0007): per channel its latest moment (`chan_*_last`,
POSIX seconds), the start of the contiguous run ending there (`chan_*_run`) and its
active seconds (`chan_*_active`); the seconds both were active (`chan_both`) and
whether a pause is in force (`chan_paused`). Valid with the pulse state's
`pulse_seconds`. All nullable: a session from before this revision has none, and its
split is recomputed from its events until its next event fills them in.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0015"
branch_labels = None
depends_on = None

FLOATS = (
    "chan_person_last",
    "chan_person_run",
    "chan_person_active",
    "chan_agent_last",
    "chan_agent_run",
    "chan_agent_active",
    "chan_both",
)


def upgrade() -> None:
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        for name in FLOATS:
            batch_op.add_column(sa.Column(name, sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("chan_paused", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_column("chan_paused")
        for name in reversed(FLOATS):
            batch_op.drop_column(name)
