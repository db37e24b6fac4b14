"""presence and per-session task numbers

Revision ID: 0005
Revises: 0004

`sessions.seen_at`: when a person or a live caller last acted on the session, by the wall
clock. The inactivity sweep reads it beside `last_activity_at`, so a back-dated start
(`stint start --at -6h`) is not swept as idle by the very next command while its own
times stay as given.

`tasks.number`: tasks are numbered 1, 2, 3 in every session (`stint task done 1`), unique
per session so two writers cannot take the same number; existing tasks are numbered per
session in the order they were created.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import stint.store.schema

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("seen_at", stint.store.schema.UTCDateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("number", sa.Integer(), nullable=True))
    # One statement, both backends: a task's number is how many tasks of its session
    # were created up to it (ids grow with creation).
    op.execute(
        "UPDATE tasks SET number = (SELECT COUNT(*) FROM tasks AS earlier "
        "WHERE earlier.session_id = tasks.session_id AND earlier.id <= tasks.id)"
    )
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.alter_column("number", existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint(
            op.f("uq_tasks_session_id_number"), ["session_id", "number"]
        )


def downgrade() -> None:
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("uq_tasks_session_id_number"), type_="unique")
        batch_op.drop_column("number")
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_column("seen_at")
