"""Pydantic domain types shared by the data files, the agent, the scorer and the CLI.

The YAML files under ``personas/``, ``rubrics/`` and ``questions/`` are validated by these same
models, so a broken file fails with the file and field named (see ``bank.py``).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Dimension = Literal["specificity", "ownership", "reasoning", "impact", "reflection", "clarity"]
DIMENSIONS: tuple[Dimension, ...] = (
    "specificity",
    "ownership",
    "reasoning",
    "impact",
    "reflection",
    "clarity",
)

Level = Literal["junior", "mid", "senior", "staff"]
LEVELS: tuple[Level, ...] = ("junior", "mid", "senior", "staff")

QuestionKind = Literal[
    "behavioural",  # "tell me about a time..."
    "experience",  # resume / background deep dive
    "design",  # system design, ambiguous on purpose, has wrenches
    "technical",  # fundamentals in depth: why and how, never definitions
    "walkthrough",  # code walkthrough of a project the candidate knows
    "problem",  # the hardest problem they solved with code
    "take-home",  # review of a take-home solution
    "startup",  # founding-engineer fit
    "leadership",  # engineering leadership
    "security",  # application security walkthrough
    "ml",  # ML / AI engineering
]
QUESTION_KINDS: tuple[str, ...] = QuestionKind.__args__  # type: ignore[attr-defined]

# Extra rubric signals the offline scorer can compute besides the six answer dimensions.
Signal = Literal[
    "specificity",
    "ownership",
    "reasoning",
    "impact",
    "reflection",
    "clarity",
    "clarifying",  # asked clarifying questions / stated assumptions before designing
    "adaptation",  # reworked the design when a wrench was thrown
    "curiosity",  # asked real questions in the closing segment
]

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_slug(value: str) -> str:
    if not _SLUG.match(value):
        raise ValueError(f"{value!r} must be lowercase letters, digits and dashes")
    return value


class Question(_Strict):
    """One interview question with the probes and wrenches the interviewer may use."""

    id: str
    text: str = Field(min_length=10)
    kind: QuestionKind
    topics: list[str] = Field(min_length=1)
    levels: list[Level] = Field(min_length=1)
    probes: dict[Dimension, str] = Field(
        description="Follow-up per depth dimension, asked when the answer lacks it."
    )
    wrenches: list[str] = Field(
        default_factory=list,
        description="New constraints thrown in after the candidate proposed a design.",
    )
    personas: list[str] = Field(
        default_factory=list, description="Filled in by the bank from the personas' kinds."
    )
    assumptions: list[str] = Field(
        default_factory=list,
        description="Facts the interviewer gives when the candidate asks a clarifying question.",
    )

    _check_id = field_validator("id")(_check_slug)

    @field_validator("topics")
    @classmethod
    def _lowercase_topics(cls, topics: list[str]) -> list[str]:
        for topic in topics:
            if topic != topic.strip().lower() or not topic:
                raise ValueError(f"topic {topic!r} must be lowercase with no outer spaces")
        return topics

    @field_validator("probes")
    @classmethod
    def _enough_probes(cls, probes: dict[str, str]) -> dict[str, str]:
        if len(probes) < 3:
            raise ValueError("needs probes for at least three depth dimensions")
        return probes

    @model_validator(mode="after")
    def _design_has_wrenches(self) -> Question:
        if self.kind == "design" and len(self.wrenches) < 2:
            raise ValueError("design questions need at least two wrenches")
        return self


class Closing(_Strict):
    """The closing segment every persona ends with."""

    candidate_questions: str = Field(description="How the interviewer invites questions.")
    logistics: list[str] = Field(min_length=1, description="Logistics the interviewer covers.")
    farewell: str


class Persona(_Strict):
    """An interview kind: tone, pacing, question kinds, rubric, time box and closing."""

    id: str
    name: str
    kind: str = Field(description="Short label of the interview kind, e.g. 'design'.")
    description: str
    tone: str
    opening: str = Field(description="What the interviewer says first.")
    duration_minutes: int = Field(ge=5, le=180)
    minutes_per_question: int = Field(ge=2, le=60)
    question_kinds: list[QuestionKind] = Field(min_length=1)
    rubric: str
    probes_per_question: int = Field(ge=0, le=5)
    acknowledgements: list[str] = Field(
        min_length=1, description="Neutral bridges between questions; never praise or scores."
    )
    jd_keywords: list[str] = Field(
        default_factory=list,
        description="Words in a job description that suggest this persona.",
    )
    closing: Closing

    _check_id = field_validator("id")(_check_slug)

    @property
    def question_count(self) -> int:
        """How many main questions fit in the time box, leaving room for the closing."""
        return max(1, (self.duration_minutes - 5) // self.minutes_per_question)


class Criterion(_Strict):
    """One behaviourally anchored rubric criterion."""

    id: str
    name: str
    description: str
    weight: float = Field(gt=0, le=1)
    signals: list[Signal] = Field(
        min_length=1, description="What the offline scorer reads to score this criterion."
    )
    anchors: dict[int, str] = Field(description="What a 1..5 answer looks like.")
    evidence: dict[int, str] = Field(description="The evidence each level needs.")
    red_flags: list[str] = Field(default_factory=list)

    _check_id = field_validator("id")(_check_slug)

    @field_validator("anchors", "evidence")
    @classmethod
    def _five_levels(cls, levels: dict[int, str]) -> dict[int, str]:
        if sorted(levels) != [1, 2, 3, 4, 5]:
            raise ValueError("needs exactly the levels 1, 2, 3, 4 and 5")
        for level, text in levels.items():
            if not text or not text.strip():
                raise ValueError(f"level {level} is empty")
        return levels


class Rubric(_Strict):
    """A persona's rubric: weighted criteria whose weights sum to 1."""

    id: str
    name: str
    description: str
    criteria: list[Criterion] = Field(min_length=2)

    _check_id = field_validator("id")(_check_slug)

    @model_validator(mode="after")
    def _weights_sum_to_one(self) -> Rubric:
        total = sum(c.weight for c in self.criteria)
        if abs(total - 1.0) > 0.01:
            raise ValueError(f"criteria weights sum to {total:.2f}, not 1")
        ids = [c.id for c in self.criteria]
        if len(ids) != len(set(ids)):
            raise ValueError("criterion ids must be unique")
        return self


TurnKind = Literal["question", "follow_up", "wrench", "closing", "answer", "skip", "clarify"]
# 1: before ids and timestamps (files saved by `chat` until 0.1)
TRANSCRIPT_SCHEMA_VERSION: Final = 2


class Turn(BaseModel):
    """One message in an interview. Interviewer turns carry the question and probe target.

    Candidate turns are ``answer`` (what they said), ``clarify`` (a clarifying question: not
    an answer, never evidence) or ``skip`` (they asked to move on).
    Unknown fields are an error: stored data is never silently dropped.
    """

    model_config = ConfigDict(extra="forbid")

    role: Literal["interviewer", "candidate"]
    kind: TurnKind
    text: str
    question_id: str | None = None
    target: Dimension | None = None
    notes: list[str] = Field(
        default_factory=list,
        description="Machine notes, e.g. 'reask', 'truncated', 'steering_ignored', 'end'.",
    )
    at: datetime | None = Field(default=None, description="When the turn was stored (UTC).")
    seq: int | None = Field(
        default=None, description="0-based position in the transcript (set when recorded)."
    )


class PlannedQuestion(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    text: str
    topics: list[str]
    why: str


class Plan(BaseModel):
    """What an interview will ask. Stored with the session, so a resumed one asks the same."""

    model_config = ConfigDict(extra="forbid")

    persona: str
    role: str | None = None
    level: Level | None = None
    skills: list[str] = Field(default_factory=list, description="Skills found in the JD/resume.")
    questions: list[PlannedQuestion]
    mode: Literal["interview", "drill"] = Field(
        default="interview", description="A drill is one question and one probe, no closing."
    )
    probes_per_question: int | None = Field(
        default=None, ge=0, le=5, description="Overrides the persona's probe budget (drills)."
    )
    time_box_minutes: int | None = Field(
        default=None, ge=5, le=180, description="Overrides the persona's duration."
    )


class Transcript(BaseModel):
    """A whole interview as `interviewer simulate --json` and `transcripts show --json` print it.

    ``id`` is the session id when the transcript is stored. Unknown fields are an error.
    """

    model_config = ConfigDict(extra="forbid")

    schema_version: Literal[2] = TRANSCRIPT_SCHEMA_VERSION
    id: str | None = None
    persona: str
    role: str | None = None
    level: Level | None = None
    turns: list[Turn] = Field(default_factory=list)
    ended_by: Literal["interviewer", "candidate", "time"] | None = None


SessionStatus = Literal["active", "finished"]


class SessionInfo(BaseModel):
    """One stored session as listings show it (``InterviewService.list_sessions``)."""

    id: str
    owner: str
    persona: str
    role: str | None = None
    level: Level | None = None
    mode: Literal["interview", "drill"] = "interview"
    status: SessionStatus
    ended_by: str | None = None
    answers: int = Field(description="Candidate answers recorded (skips not counted).")
    created_at: datetime
    updated_at: datetime
    overall: float | None = Field(default=None, description="Latest scorecard's overall, 1-5.")
