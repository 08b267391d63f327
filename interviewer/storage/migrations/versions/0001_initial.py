"""Sessions, append-only turns and versioned scorecards.

Revision ID: 0001
Revises:
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sessions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("persona", sa.String(100), nullable=False),
        sa.Column("role", sa.Text, nullable=True),
        sa.Column("level", sa.String(20), nullable=True),
        sa.Column("mode", sa.String(20), nullable=False),
        sa.Column("plan", sa.JSON, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("ended_by", sa.String(20), nullable=True),
        sa.Column("answers", sa.Integer, nullable=False),
        sa.Column("transcript_schema", sa.Integer, nullable=False),
        sa.Column("engine_version", sa.String(40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_sessions_owner_updated", "sessions", ["owner", "updated_at"])
    op.create_table(
        "turns",
        sa.Column("session_id", sa.String(64), sa.ForeignKey("sessions.id"), primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("question_id", sa.String(200), nullable=True),
        sa.Column("target", sa.String(20), nullable=True),
        sa.Column("notes", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "scorecards",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("session_id", sa.String(64), sa.ForeignKey("sessions.id"), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("judge", sa.String(200), nullable=False),
        sa.Column("engine_version", sa.String(40), nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("session_id", "version", name="uq_scorecards_session_version"),
    )


def downgrade() -> None:
    op.drop_table("scorecards")
    op.drop_table("turns")
    op.drop_index("ix_sessions_owner_updated", table_name="sessions")
    op.drop_table("sessions")
