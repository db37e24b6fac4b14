"""indexes the record path no longer pays for

Revision ID: 0021
Revises: 0017

Every recorded event inserts an activity and updates its session; each index whose
columns the statements touch is one more page written to the WAL per event (the
`Tracker.record` row of issue 13). Two of them served no query that another index does
not serve as well:

* `ix_activities_type` (org_id, type): its only use was the org_id prefix (the doctor's
  event stream, an org's cascade delete), which `uq_activities_org_id_idem_key`
  (org_id, idem_key) serves the same way; SQLite also picked it for the token-usage
  lookup of one session (`responses.count_once`), a worse plan than the session index
  it uses now. One page fewer per event.
* `ix_sessions_org_status_activity` (org_id, status, last_activity_at) becomes
  `ix_sessions_org_status` (org_id, status): every query on last_activity_at also
  names an open status (the sweep, the open sessions, an import's stale ones), and open
  sessions are few, so the time is filtered on the rows the status finds (EXPLAIN QUERY
  PLAN on SQLite and PostgreSQL: the same index search, last_activity_at as a filter).
  last_activity_at moves with every event; the status does not, so the index is no
  longer rewritten per event. One page fewer per event.
"""

from __future__ import annotations

from alembic import op

revision = "0021"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_index("ix_activities_type")
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_sessions_org_status_activity")
        batch_op.create_index("ix_sessions_org_status", ["org_id", "status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_sessions_org_status")
        batch_op.create_index(
            "ix_sessions_org_status_activity",
            ["org_id", "status", "last_activity_at"],
            unique=False,
        )
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.create_index("ix_activities_type", ["org_id", "type"], unique=False)
