"""team sign-in: users' password hashes and the server's signing secret

Revision ID: 0010
Revises: 0008

A user may get a password (an argon2 hash, `stint admin user password`) to sign in to the
dashboard. The sign-in cookie is signed with a secret kept in `server_secrets`, created
once by whichever server process needs it first, so every process on one database agrees
and nothing lives outside the database.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import stint.store.schema

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("password_hash", sa.String(length=255), nullable=True))
    op.create_table(
        "server_secrets",
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("value", sa.String(length=128), nullable=False),
        sa.Column("created_at", stint.store.schema.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_server_secrets")),
    )


def downgrade() -> None:
    op.drop_table("server_secrets")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("password_hash")
