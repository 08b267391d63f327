"""Thumbs on interviewer turns, coach overrides and comments: the SQL behind coach review."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from ..review import Comment, Override
from .repository import now, utc
from .tables import comments, overrides, turn_feedback


class ReviewRepository:
    """Append-only records about sessions; thread-safe (one short transaction per call)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # -- thumbs --------------------------------------------------------------------------------
    def rate_turn(self, session_id: str, seq: int, value: str | None) -> None:
        with self.engine.begin() as c:
            c.execute(
                turn_feedback.insert().values(
                    session_id=session_id, seq=seq, value=value, created_at=now()
                )
            )

    def turn_ratings(self, session_id: str) -> dict[int, str | None]:
        """The latest thumbs per turn (a later click replaces an earlier one)."""
        query = (
            sa.select(turn_feedback.c.seq, turn_feedback.c.value)
            .where(turn_feedback.c.session_id == session_id)
            .order_by(turn_feedback.c.id)
        )
        with self.engine.connect() as c:
            return {row.seq: row.value for row in c.execute(query)}

    # -- overrides -----------------------------------------------------------------------------
    def add_override(self, override: Override) -> Override:
        with self.engine.begin() as c:
            result = c.execute(
                overrides.insert().values(
                    **override.model_dump(exclude={"id", "created_at"}), created_at=now()
                )
            )
            new_id = result.inserted_primary_key[0] if result.inserted_primary_key else None
        return self.overrides(override_id=int(new_id) if new_id is not None else None)[0]

    def overrides(
        self, session_id: str | None = None, override_id: int | None = None
    ) -> list[Override]:
        """The audit trail, oldest first (one session's, one override, or everyone's)."""
        query = sa.select(overrides).order_by(overrides.c.id)
        if session_id is not None:
            query = query.where(overrides.c.session_id == session_id)
        if override_id is not None:
            query = query.where(overrides.c.id == override_id)
        with self.engine.connect() as c:
            rows = c.execute(query).mappings().all()
        return [Override(**{**row, "created_at": utc(row["created_at"])}) for row in rows]

    # -- comments ------------------------------------------------------------------------------
    def add_comment(self, session_id: str, seq: int | None, coach: str, text: str) -> Comment:
        at = now()
        with self.engine.begin() as c:
            result = c.execute(
                comments.insert().values(
                    session_id=session_id, seq=seq, coach=coach, text=text, created_at=at
                )
            )
            new_id = result.inserted_primary_key[0] if result.inserted_primary_key else 0
        return Comment(
            id=int(new_id), session_id=session_id, seq=seq, coach=coach, text=text, created_at=at
        )

    def comments(self, session_id: str) -> list[Comment]:
        query = (
            sa.select(comments).where(comments.c.session_id == session_id).order_by(comments.c.id)
        )
        with self.engine.connect() as c:
            rows = c.execute(query).mappings().all()
        return [Comment(**{**row, "created_at": utc(row["created_at"])}) for row in rows]
