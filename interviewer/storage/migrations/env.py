"""Alembic environment: runs on the connection the application hands over (never a URL here)."""

from __future__ import annotations

from alembic import context

from interviewer.storage.tables import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    if connection.dialect.name == "postgresql":
        # Replicas starting together: one migrates, the others wait, then find nothing to do.
        connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7150521)")
    context.run_migrations()
