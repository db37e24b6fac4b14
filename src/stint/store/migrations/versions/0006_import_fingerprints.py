"""import offsets remember what they were read from

Revision ID: 0006
Revises: 0004

A transcript rewritten in place with different, longer content used to be read on from
the old byte offset, losing its start: size alone cannot tell "grew" from "replaced".
`fingerprint` (a hash of the bytes at the start of the file and just before the offset)
and `inode` say whether the bytes already read are still the ones there; `lines` is how
many lines precede the offset, so a bad line further on can be named by its line number.
All nullable: a row from before this revision has none, and is trusted as before until
it is next written.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("import_offsets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fingerprint", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("inode", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("lines", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("import_offsets", schema=None) as batch_op:
        batch_op.drop_column("lines")
        batch_op.drop_column("inode")
        batch_op.drop_column("fingerprint")
