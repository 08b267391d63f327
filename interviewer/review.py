"""Coach review: list and filter scored transcripts, override a criterion's score with a reason,
comment on a turn, and measure how far coaches agree with the machine.

Overrides are append-only: the latest override of a criterion is its effective score, and the
whole list is the audit trail (who, when, before, after, why). Agreement compares each
criterion's machine score with its latest override: exact (same rounded score), within one
point, and Spearman's rank correlation (scipy), reported once there are enough overrides to
mean something.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from .errors import InputError, NotFoundError
from .models import SessionInfo, Transcript
from .scoring.scorecard import Scorecard

if TYPE_CHECKING:
    from .service import InterviewService
    from .storage.reviews import ReviewRepository

MIN_OVERRIDES_FOR_AGREEMENT = 10
MIN_REASON_CHARS = 3


class Override(BaseModel):
    """One coach override of one criterion's score."""

    id: int = 0
    session_id: str
    criterion_id: str
    scorecard_version: int
    machine_score: float | None = Field(description="What the judge gave (None: insufficient).")
    before: float | None = Field(description="The effective score just before this override.")
    after: float = Field(ge=1, le=5)
    reason: str
    coach: str
    created_at: datetime | None = None


class Comment(BaseModel):
    """A coach's comment on a turn (``seq``) or on the whole session (``seq`` None)."""

    id: int
    session_id: str
    seq: int | None
    coach: str
    text: str
    created_at: datetime


class Agreement(BaseModel):
    """Coach overrides against machine scores, per (session, criterion), latest override."""

    overrides: int
    ready: bool = Field(description=f"At least {MIN_OVERRIDES_FOR_AGREEMENT} overrides.")
    exact: float | None = Field(default=None, description="Share with the same rounded score.")
    within_one: float | None = Field(default=None, description="Share within one point.")
    spearman: float | None = Field(default=None, description="Rank correlation (None if flat).")


class ReviewFilter(BaseModel):
    persona: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    min_score: float | None = Field(default=None, ge=1, le=5)
    max_score: float | None = Field(default=None, ge=1, le=5)
    flagged_only: bool = False


class ReviewRow(BaseModel):
    session: SessionInfo
    flags: list[str] = Field(default_factory=list)
    overrides: int = 0

    @property
    def flagged(self) -> bool:
        return bool(self.flags)


class ReviewView(BaseModel):
    """Everything a coach sees for one session."""

    session: SessionInfo
    transcript: Transcript
    scorecard: Scorecard | None
    effective: dict[str, float | None] = Field(
        default_factory=dict, description="criterion id -> score after the latest override"
    )
    overrides: list[Override] = Field(default_factory=list)
    comments: list[Comment] = Field(default_factory=list)
    ratings: dict[int, str | None] = Field(default_factory=dict, description="turn -> thumbs")


def agreement(overrides: list[Override]) -> Agreement:
    """Agreement between machine scores and the latest override of each criterion."""
    from scipy.stats import spearmanr

    latest: dict[tuple[str, str], Override] = {}
    for o in overrides:
        latest[(o.session_id, o.criterion_id)] = o
    machine: list[float] = []
    coach: list[float] = []
    for o in latest.values():
        if o.machine_score is not None:  # "insufficient evidence" has nothing to agree with
            machine.append(o.machine_score)
            coach.append(o.after)
    n = len(machine)
    if n < MIN_OVERRIDES_FOR_AGREEMENT:
        return Agreement(overrides=n, ready=False)
    exact = sum(1 for m, c in zip(machine, coach, strict=True) if round(m) == round(c)) / n
    near = sum(1 for m, c in zip(machine, coach, strict=True) if abs(m - c) <= 1.0) / n
    rho = float(spearmanr(machine, coach).statistic)
    return Agreement(
        overrides=n,
        ready=True,
        exact=round(exact, 3),
        within_one=round(near, 3),
        spearman=None if math.isnan(rho) else round(rho, 3),
    )


class ReviewDesk:
    """The coach's API. Callers (the UI) check the coach login before calling."""

    def __init__(self, service: InterviewService, repository: ReviewRepository) -> None:
        self.service = service
        self.records = repository

    def sessions(self, where: ReviewFilter | None = None) -> list[ReviewRow]:
        """Every candidate's sessions, newest first, filtered."""
        where = where or ReviewFilter()
        rows = []
        for info in self.service.list_sessions(None):
            if where.persona and info.persona != where.persona:
                continue
            if where.since and info.created_at < where.since:
                continue
            if where.until and info.created_at > where.until:
                continue
            if where.min_score is not None and (
                info.overall is None or info.overall < where.min_score
            ):
                continue
            if where.max_score is not None and (
                info.overall is None or info.overall > where.max_score
            ):
                continue
            flags = self._flags(info.id)
            if where.flagged_only and not flags:
                continue
            rows.append(
                ReviewRow(session=info, flags=flags, overrides=len(self.records.overrides(info.id)))
            )
        return rows

    def open(self, session_id: str) -> ReviewView:
        info = self.service.info(session_id)
        card = self.service.repository.latest_scorecard(session_id)
        overrides = self.records.overrides(session_id)
        effective: dict[str, float | None] = {}
        if card is not None:
            effective = {c.id: c.score for c in card.criteria}
            for o in overrides:
                effective[o.criterion_id] = o.after
        return ReviewView(
            session=info,
            transcript=self.service.get(session_id),
            scorecard=card,
            effective=effective,
            overrides=overrides,
            comments=self.records.comments(session_id),
            ratings=self.records.turn_ratings(session_id),
        )

    def override(
        self, session_id: str, criterion_id: str, score: float, reason: str, coach: str
    ) -> Override:
        """Override one criterion of the latest scorecard; a reason is required."""
        reason = (reason or "").strip()
        if len(reason) < MIN_REASON_CHARS:
            raise InputError("an override needs a reason (what the machine missed or got wrong)")
        if not 1 <= score <= 5:
            raise InputError(f"a score is 1-5, not {score}")
        view = self.open(session_id)
        if view.scorecard is None:
            raise InputError("this session has no scorecard yet; it must be finished first")
        criterion = next((c for c in view.scorecard.criteria if c.id == criterion_id), None)
        if criterion is None:
            raise NotFoundError(f"no criterion {criterion_id!r} in this scorecard")
        version = self.service.repository.scorecard_version(session_id)
        return self.records.add_override(
            Override(
                session_id=session_id,
                criterion_id=criterion_id,
                scorecard_version=version,
                machine_score=criterion.score,
                before=view.effective.get(criterion_id),
                after=float(score),
                reason=reason,
                coach=coach,
            )
        )

    def comment(self, session_id: str, seq: int | None, text: str, coach: str) -> Comment:
        text = (text or "").strip()
        if not text:
            raise InputError("the comment is empty")
        turns = self.service.get(session_id).turns
        if seq is not None and not 0 <= seq < len(turns):
            raise InputError(f"turn {seq} does not exist (0-{len(turns) - 1})")
        return self.records.add_comment(session_id, seq, coach, text)

    def audit(self) -> list[Override]:
        return self.records.overrides()

    def agreement(self) -> Agreement:
        return agreement(self.records.overrides())

    def export(self, session_id: str) -> dict[str, Any]:
        view = self.open(session_id)
        return view.model_dump(mode="json")

    def _flags(self, session_id: str) -> list[str]:
        card = self.service.repository.latest_scorecard(session_id)
        flags = sorted({f.kind for f in card.flags}) if card else []
        if any(v == "down" for v in self.records.turn_ratings(session_id).values()):
            flags.append("thumbs_down")
        return flags
