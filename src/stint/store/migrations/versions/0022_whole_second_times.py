"""times at a whole second stored in one text form on SQLite

Revision ID: 0022
Revises: 0021

SQLite keeps a UTC time as text, and every comparison and ORDER BY on it compares that
text. SQLAlchemy writes microseconds always ('2026-12-06 10:00:20.000000'); the writes
run straight on sqlite3's cursor (`store.prepared`: an import, an ingest batch,
`Tracker.record`) bound only the column type's own step and left the rest to sqlite3's
adapter, which drops zero microseconds ('2026-12-06 10:00:20'). The shorter text sorts
before the longer one at the same instant, so a range starting at that second missed the
event and a tie was ordered by form, not by arrival. The writers now bind as SQLAlchemy
does; this gives the rows already written the same form. PostgreSQL stores timestamps,
not text: nothing to do there.
"""

from __future__ import annotations

from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

# Every UTC time column at this revision (stint.store.columns.UTCDateTime), by table.
TIME_COLUMNS: dict[str, tuple[str, ...]] = {
    "activities": ("occurred_at",),
    "api_keys": ("created_at", "expires_at", "last_used_at", "revoked_at"),
    "artifacts": ("approved_at", "created_at", "updated_at"),
    "commits": ("committed_at",),
    "components": ("created_at",),
    "context_items": ("created_at",),
    "decisions": ("created_at",),
    "import_offsets": ("updated_at",),
    "interactions": ("created_at",),
    "machines": ("created_at", "last_seen_at"),
    "memberships": ("created_at",),
    "notes": ("created_at",),
    "orgs": ("created_at",),
    "projects": ("created_at",),
    "server_secrets": ("created_at",),
    "session_files": ("first_touched_at", "last_touched_at"),
    "session_health": ("measured_at",),
    "session_subjects": ("created_at",),
    "sessions": (
        "scheduled_at",
        "started_at",
        "ended_at",
        "last_activity_at",
        "seen_at",
        "paused_at",
        "pulse_last_at",
        "created_at",
        "updated_at",
    ),
    "subjects": ("created_at",),
    "sync_cursors": ("updated_at", "pushed_at"),
    "tasks": ("created_at", "updated_at", "completed_at"),
    "templates": ("created_at", "updated_at"),
    "users": ("created_at",),
}
WHOLE_SECOND = len("2026-12-06 10:00:20")


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table, columns in TIME_COLUMNS.items():
        for column in columns:
            op.execute(
                f'UPDATE "{table}" SET "{column}" = "{column}" || \'.000000\' '
                f'WHERE length("{column}") = {WHOLE_SECOND}'
            )


def downgrade() -> None:
    pass  # both forms read back as the same time
