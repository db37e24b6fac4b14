"""Alembic environment: migrations run on the connection stint hands over."""

from __future__ import annotations

from alembic import context

from stint.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("stint migrations run through stint.store.engine.upgrade()")
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    transaction_per_migration=True,
)
with context.begin_transaction():
    context.run_migrations()
