"""A candidate's progress: where they are in an interview, and how they do across interviews."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType

from pydantic import BaseModel, Field

from .models import DIMENSIONS, Dimension, SessionInfo
from .scoring.scorecard import Scorecard

# Dimensions a drill can work on (clarity is judged, not drilled on its own).
DRILLABLE: tuple[Dimension, ...] = ("specificity", "ownership", "reasoning", "impact", "reflection")
# Question kinds whose answers show each dimension best, for "drill my weakest dimension".
KINDS_FOR: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "specificity": ("problem", "experience", "behavioural"),
        "ownership": ("behavioural", "experience", "leadership"),
        "reasoning": ("technical", "design", "take-home"),
        "impact": ("problem", "behavioural", "startup"),
        "reflection": ("behavioural", "problem", "leadership"),
    }
)


class Progress(BaseModel):
    """Where an interview stands: "question 3 of 7", the time box, and whether it is over."""

    session_id: str
    persona: str
    question_number: int = Field(description="1-based number of the current main question.")
    question_count: int
    answers: int
    status: str
    started_at: datetime
    time_box_minutes: int


class HistoryPoint(BaseModel):
    """One scored session of a candidate, for charts of progress over time."""

    session_id: str
    created_at: datetime
    persona: str
    overall: float | None
    dimensions: dict[str, float] = Field(
        default_factory=dict, description="mean 1-5 per dimension over the session's answers"
    )
    criteria: dict[str, float] = Field(
        default_factory=dict, description="criterion name -> 1-5 (criteria with evidence only)"
    )


def history_point(info: SessionInfo, card: Scorecard) -> HistoryPoint:
    dims: dict[str, float] = {}
    answered = [a for a in card.answers if a.on_topic]
    if answered:
        for d in DIMENSIONS:
            dims[d] = round(sum(a.dimensions[d] for a in answered) / len(answered), 2)
    return HistoryPoint(
        session_id=info.id,
        created_at=info.created_at,
        persona=info.persona,
        overall=card.overall,
        dimensions=dims,
        criteria={c.name: c.score for c in card.criteria if c.score is not None},
    )


def weakest(points: list[HistoryPoint]) -> Dimension | None:
    """The drillable dimension with the lowest mean over the candidate's recent sessions."""
    recent = [p for p in points if p.dimensions][-5:]
    if not recent:
        return None
    means = {d: sum(p.dimensions[d] for p in recent) / len(recent) for d in DRILLABLE}
    return min(DRILLABLE, key=lambda d: (means[d], DRILLABLE.index(d)))
