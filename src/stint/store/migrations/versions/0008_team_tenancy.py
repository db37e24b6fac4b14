"""team tenancy: memberships with roles, scoped API keys, machines

Revision ID: 0008
Revises: 0006

The `orgs`, `users` and `api_keys` tables existed unused. A user gets a role per org
(`memberships`), an API key gets its scopes, an optional expiry and an index on its
visible prefix (a request's token is looked up by it), and `machines` names the laptops
that will sync to a server by their stable id. Keys stored before this revision (none
were ever issued) get no scopes, so they can do nothing.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import stint.store.schema

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scopes", sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column("expires_at", stint.store.schema.UTCDateTime(timezone=True), nullable=True)
        )
    op.execute("UPDATE api_keys SET scopes = '[]'")
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.alter_column("scopes", existing_type=sa.JSON(), nullable=False)
        batch_op.create_index(op.f("ix_api_keys_prefix"), ["prefix"], unique=False)
    op.create_table(
        "memberships",
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("created_at", stint.store.schema.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["orgs.id"], name=op.f("fk_memberships_org_id_orgs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_memberships_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("org_id", "user_id", name=op.f("pk_memberships")),
    )
    op.create_index(op.f("ix_memberships_user"), "memberships", ["user_id"], unique=False)
    op.create_table(
        "machines",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", stint.store.schema.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", stint.store.schema.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_id"], ["orgs.id"], name=op.f("fk_machines_org_id_orgs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_machines_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_machines")),
        sa.UniqueConstraint("org_id", "uuid", name=op.f("uq_machines_org_id_uuid")),
    )


def downgrade() -> None:
    op.drop_table("machines")
    op.drop_index(op.f("ix_memberships_user"), table_name="memberships")
    op.drop_table("memberships")
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.drop_index(op.f("ix_api_keys_prefix"))
        batch_op.drop_column("expires_at")
        batch_op.drop_column("scopes")
