"""team sync: sessions know the machine they came from; laptops keep a push cursor

Revision ID: 0009
Revises: 0008

A server stores the sessions laptops push (`stint sync`) under the pushing key's user and
the machine that sent them (`sessions.machine_id`, NULL for sessions recorded on the
server itself). A laptop keeps, per remote and session, what it last pushed
(`sync_cursors`): the session's `updated_at` and the last activity id, so the next push
sends only what changed.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import stint.store.schema

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("machine_id", _ID, nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_sessions_machine_id_machines"),
            "machines",
            ["machine_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index(op.f("ix_sessions_machine"), ["org_id", "machine_id"], unique=False)
    op.create_table(
        "sync_cursors",
        sa.Column("remote", sa.String(length=100), nullable=False),
        sa.Column("session_id", _ID, nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("updated_at", stint.store.schema.UTCDateTime(timezone=True), nullable=False),
        sa.Column("activity_id", _ID, nullable=False),
        sa.Column("pushed_at", stint.store.schema.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["orgs.id"], name=op.f("fk_sync_cursors_org_id_orgs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_sync_cursors_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("remote", "session_id", name=op.f("pk_sync_cursors")),
    )


def downgrade() -> None:
    op.drop_table("sync_cursors")
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_index(op.f("ix_sessions_machine"))
        batch_op.drop_constraint(op.f("fk_sessions_machine_id_machines"), type_="foreignkey")
        batch_op.drop_column("machine_id")
