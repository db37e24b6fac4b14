"""session health: lizard's figures for the files a session changed

Revision ID: 0013
Revises: 0008

`session_health` holds one row per session whose code health was measured at its end
(or that says why it was not), `session_health_files` one row per changed file: cyclomatic
complexity, NLOC and functions at the start commit and at the end, and the functions over
the complexity threshold that appeared or went. Both are scoped by org like every table.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import stint.store.schema

revision = "0013"
down_revision = "0011"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _keys(table: str) -> list[sa.ForeignKeyConstraint]:
    return [
        sa.ForeignKeyConstraint(
            ["org_id"], ["orgs.id"], name=op.f(f"fk_{table}_org_id_orgs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f(f"fk_{table}_session_id_sessions"),
            ondelete="CASCADE",
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "session_health",
        sa.Column("session_id", _ID, nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("threshold", sa.Integer(), nullable=False),
        sa.Column("files_measured", sa.Integer(), nullable=False),
        sa.Column("files_skipped", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.JSON(), nullable=True),
        sa.Column("ccn_before", sa.Integer(), nullable=False),
        sa.Column("ccn_after", sa.Integer(), nullable=False),
        sa.Column("ccn_delta", sa.Integer(), nullable=False),
        sa.Column("nloc_before", sa.Integer(), nullable=False),
        sa.Column("nloc_after", sa.Integer(), nullable=False),
        sa.Column("functions_before", sa.Integer(), nullable=False),
        sa.Column("functions_after", sa.Integer(), nullable=False),
        sa.Column("mean_ccn_before", sa.Float(), nullable=True),
        sa.Column("mean_ccn_after", sa.Float(), nullable=True),
        sa.Column("complex_added", sa.Integer(), nullable=False),
        sa.Column("complex_removed", sa.Integer(), nullable=False),
        sa.Column("measured_at", stint.store.schema.UTCDateTime(timezone=True), nullable=False),
        *_keys("session_health"),
        sa.PrimaryKeyConstraint("session_id", name=op.f("pk_session_health")),
    )
    op.create_index("ix_session_health_org", "session_health", ["org_id", "status"], unique=False)
    op.create_table(
        "session_health_files",
        sa.Column("session_id", _ID, nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("change", sa.String(length=20), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("skip_reason", sa.String(length=20), nullable=True),
        *[
            sa.Column(f"{name}_{side}", sa.Integer(), nullable=True)
            for name in ("ccn", "nloc", "functions", "complex")
            for side in ("before", "after")
        ],
        sa.Column("complex_added", sa.Integer(), nullable=False),
        sa.Column("complex_removed", sa.Integer(), nullable=False),
        sa.Column("new_complex", sa.JSON(), nullable=True),
        *_keys("session_health_files"),
        sa.PrimaryKeyConstraint("session_id", "path", name=op.f("pk_session_health_files")),
    )


def downgrade() -> None:
    op.drop_table("session_health_files")
    op.drop_index("ix_session_health_org", table_name="session_health")
    op.drop_table("session_health")
