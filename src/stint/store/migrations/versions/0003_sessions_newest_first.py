"""sessions newest first

Revision ID: 0003
Revises: 0002

`stint list`, the dashboard's session list and the API page sessions newest first by id
within an org. Without an (org_id, id) index SQLite picked an org_id index and sorted
every session in a temporary B-tree: 340 ms at 100k sessions, against 0.4 ms with it.
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.create_index("ix_sessions_org_id", ["org_id", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_sessions_org_id")
