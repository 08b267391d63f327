"""Thumbs on interviewer turns, coach overrides (the audit trail) and comments.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "turn_feedback",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("session_id", sa.String(64), sa.ForeignKey("sessions.id"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("value", sa.String(10), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_turn_feedback_session", "turn_feedback", ["session_id", "seq"])
    op.create_table(
        "overrides",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("session_id", sa.String(64), sa.ForeignKey("sessions.id"), nullable=False),
        sa.Column("criterion_id", sa.String(100), nullable=False),
        sa.Column("scorecard_version", sa.Integer, nullable=False),
        sa.Column("machine_score", sa.Float, nullable=True),
        sa.Column("before", sa.Float, nullable=True),
        sa.Column("after", sa.Float, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("coach", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_overrides_session", "overrides", ["session_id"])
    op.create_table(
        "comments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("session_id", sa.String(64), sa.ForeignKey("sessions.id"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=True),
        sa.Column("coach", sa.String(200), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_comments_session", "comments", ["session_id"])


def downgrade() -> None:
    op.drop_index("ix_comments_session", table_name="comments")
    op.drop_table("comments")
    op.drop_index("ix_overrides_session", table_name="overrides")
    op.drop_table("overrides")
    op.drop_index("ix_turn_feedback_session", table_name="turn_feedback")
    op.drop_table("turn_feedback")
