"""The database tables (SQLAlchemy Core). Changes go through a new numbered migration.

- ``sessions``: one row per interview or drill: who owns it, its persona and plan, its status.
- ``turns``: append-only; (session_id, seq) is the primary key, so two writers that both think
  they are adding turn 7 cannot both succeed (the loser reloads, see the service).
- ``scorecards``: versioned per session; each row names the judge (engine or model) that made it.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("owner", sa.String(200), nullable=False),
    sa.Column("persona", sa.String(100), nullable=False),
    sa.Column("role", sa.Text, nullable=True),
    sa.Column("level", sa.String(20), nullable=True),
    sa.Column("mode", sa.String(20), nullable=False),
    sa.Column("plan", sa.JSON, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),  # active | finished
    sa.Column("ended_by", sa.String(20), nullable=True),
    sa.Column("answers", sa.Integer, nullable=False),
    sa.Column("transcript_schema", sa.Integer, nullable=False),
    sa.Column("engine_version", sa.String(40), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_sessions_owner_updated", "owner", "updated_at"),
)

turns = sa.Table(
    "turns",
    metadata,
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

scorecards = sa.Table(
    "scorecards",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("session_id", sa.String(64), sa.ForeignKey("sessions.id"), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("judge", sa.String(200), nullable=False),
    sa.Column("engine_version", sa.String(40), nullable=False),
    sa.Column("data", sa.JSON, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("session_id", "version", name="uq_scorecards_session_version"),
)

# -- review and feedback (migration 0002) ---------------------------------------------------------
turn_feedback = sa.Table(
    "turn_feedback",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("session_id", sa.String(64), sa.ForeignKey("sessions.id"), nullable=False),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("value", sa.String(10), nullable=True),  # up | down | None (taken back)
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_turn_feedback_session", "session_id", "seq"),
)

overrides = sa.Table(  # append-only: the audit trail of every coach override
    "overrides",
    metadata,
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
    sa.Index("ix_overrides_session", "session_id"),
)

comments = sa.Table(
    "comments",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("session_id", sa.String(64), sa.ForeignKey("sessions.id"), nullable=False),
    sa.Column("seq", sa.Integer, nullable=True),
    sa.Column("coach", sa.String(200), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_comments_session", "session_id"),
)
