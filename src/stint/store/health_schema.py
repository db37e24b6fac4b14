"""The code-health tables (issue 15): per session, what lizard measured in the files it
changed, at its start commit and at its end. `stint.store.schema` re-exports them."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Float, ForeignKey, Index, Integer, String, Table

from stint.store.columns import (
    BigId,
    RedactedJSON,
    RedactedText,
    UTCDateTime,
    metadata,
    org_column,
)

# One row per measured (or not measurable) session; the figures are totals over the
# measured files, so a group's mean of `ccn_delta` answers "which agent leaves code simpler".
session_health = Table(
    "session_health",
    metadata,
    Column("session_id", BigId, ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
    org_column(),
    Column("status", String(20), nullable=False),  # measured | not_measured
    Column("reason", RedactedText),
    Column("threshold", Integer, nullable=False),
    Column("files_measured", Integer, nullable=False, default=0),
    Column("files_skipped", Integer, nullable=False, default=0),
    Column("skipped", JSON),  # {"binary": 1, "vendored": 2, ...}
    Column("ccn_before", Integer, nullable=False, default=0),
    Column("ccn_after", Integer, nullable=False, default=0),
    Column("ccn_delta", Integer, nullable=False, default=0),
    Column("nloc_before", Integer, nullable=False, default=0),
    Column("nloc_after", Integer, nullable=False, default=0),
    Column("functions_before", Integer, nullable=False, default=0),
    Column("functions_after", Integer, nullable=False, default=0),
    Column("mean_ccn_before", Float),
    Column("mean_ccn_after", Float),
    Column("complex_added", Integer, nullable=False, default=0),
    Column("complex_removed", Integer, nullable=False, default=0),
    Column("measured_at", UTCDateTime, nullable=False),
    Index("ix_session_health_org", "org_id", "status"),
)

session_health_files = Table(
    "session_health_files",
    metadata,
    Column("session_id", BigId, ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("path", RedactedText, primary_key=True),
    org_column(),
    Column("change", String(20)),
    Column("status", String(20), nullable=False),  # measured | skipped
    Column("skip_reason", String(20)),  # binary | vendored | generated | language | unparsable
    Column("ccn_before", Integer),
    Column("ccn_after", Integer),
    Column("nloc_before", Integer),
    Column("nloc_after", Integer),
    Column("functions_before", Integer),
    Column("functions_after", Integer),
    Column("complex_before", Integer),
    Column("complex_after", Integer),
    Column("complex_added", Integer, nullable=False, default=0),
    Column("complex_removed", Integer, nullable=False, default=0),
    Column("new_complex", RedactedJSON),  # the long names of functions newly over threshold
)
