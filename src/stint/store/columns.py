"""The column kinds and helpers every table shares: the metadata with its naming
convention, 64-bit ids, UTC datetimes, the org and creation-time columns, and the
redacting text kinds every free-text column uses."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import JSON

from stint.model.redaction import redact, redact_value

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# SQLite has no 64-bit autoincrement type under that name; INTEGER is its rowid alias.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use UTC-aware datetimes")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        moment: datetime = value
        if moment.tzinfo is None:
            return moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)


class RedactedText(TypeDecorator[str]):
    """Free text (Text): credentials masked on the way in. Every write of a column of this
    type passes here — the CLI, MCP, the HTTP API, the library, capture, data import —
    so no path can store a secret verbatim. Same DDL as Text: no migration."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else redact(value)


class RedactedString(TypeDecorator[str]):
    """`RedactedText` for a bounded String column (names, tags)."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else redact(value)


class RedactedJSON(TypeDecorator[Any]):
    """JSON whose strings (nested) are redacted on the way in; keys and numbers stay."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        return None if value is None else redact_value(value)


def org_column() -> Column[str]:
    return Column("org_id", String(64), ForeignKey("orgs.id", ondelete="CASCADE"), nullable=False)


def created_column() -> Column[datetime]:
    return Column("created_at", UTCDateTime, nullable=False)
