"""The scorecard: per-criterion scores with verified evidence, feedback, and its renderings."""

from __future__ import annotations

from pydantic import BaseModel, Field

from ..markdown import code_span, escape
from ..models import Dimension

CORRECTNESS_NOT_CHECKED = (
    "_Technical correctness was not checked: the offline engine judges depth (how specific, "
    "owned, reasoned and measured an answer is), not whether it is right. Configure a model "
    "provider to have correctness checked._"
)
CORRECTNESS_CHECKED = "_Technical correctness was checked by the model judge._"


class Evidence(BaseModel):
    """A quote from the candidate, with the transcript turn (0-based index) it appears in."""

    turn: int
    quote: str


class CriterionScore(BaseModel):
    id: str
    name: str
    weight: float
    score: float | None = Field(description="1-5, or null when evidence is insufficient.")
    insufficient_evidence: bool = False
    evidence: list[Evidence] = Field(default_factory=list)
    rationale: str


class AnswerReview(BaseModel):
    """One main question's thread (the answer plus answers to its follow-ups)."""

    question_id: str | None
    question: str
    turns: list[int]
    overall: float
    on_topic: bool
    dimensions: dict[Dimension, int]
    feedback: str
    stronger_answer: list[str] = Field(default_factory=list)
    missing: list[Dimension] = Field(
        default_factory=list,
        description="Dimensions the thread did not show, most important first.",
    )


class StrongerAnswer(BaseModel):
    question: str
    outline: list[str]


class Flag(BaseModel):
    kind: str = Field(description="e.g. steering_attempt, off_topic, truncated, judge_fallback")
    turn: int | None = None
    detail: str


class Scorecard(BaseModel):
    persona: str
    rubric: str
    overall: float | None = Field(description="Weighted 1-5 over criteria with evidence.")
    criteria: list[CriterionScore]
    answers: list[AnswerReview] = Field(default_factory=list)
    strengths: list[str] = Field(default_factory=list)
    gaps: list[str] = Field(default_factory=list)
    stronger_answers: list[StrongerAnswer] = Field(default_factory=list)
    next_drill: str = ""
    flags: list[Flag] = Field(default_factory=list)
    judge: str = "offline"
    correctness_checked: bool = Field(
        default=False,
        description="Whether technical correctness was judged (a model judge does; the offline "
        "engine judges depth only and never calls an answer correct).",
    )

    def to_markdown(self) -> str:
        overall = f"{self.overall:.1f} / 5" if self.overall is not None else "not enough evidence"
        lines = [
            f"# Scorecard: {self.persona}",
            "",
            f"**Overall:** {overall}  ",
            f"**Rubric:** {self.rubric}  **Judge:** {self.judge}",
            "",
            CORRECTNESS_CHECKED if self.correctness_checked else CORRECTNESS_NOT_CHECKED,
            "",
            "| Criterion | Weight | Score | Evidence |",
            "|---|---|---|---|",
        ]
        for c in self.criteria:
            score = "insufficient evidence" if c.insufficient_evidence else f"{c.score:.1f}"
            quote = (
                f"turn {c.evidence[0].turn}: {code_span(c.evidence[0].quote, in_table=True)}"
                if c.evidence
                else ""
            )
            lines.append(f"| {_md(c.name)} | {c.weight:.2f} | {score} | {quote} |")
        for title, items in (("Strengths", self.strengths), ("Gaps", self.gaps)):
            lines += ["", f"## {title}", ""] + ([f"- {_md(i)}" for i in items] or ["- none noted"])
        if self.stronger_answers:
            lines += ["", "## What a stronger answer would include", ""]
            for s in self.stronger_answers:
                lines.append(f"**{_md(s.question)}**")
                lines += [f"- {_md(o)}" for o in s.outline] + [""]
        lines += ["", "## Next thing to drill", "", self.next_drill or "-"]
        if self.flags:
            lines += ["", "## Flags", ""]
            for f in self.flags:
                where = f" (turn {f.turn})" if f.turn is not None else ""
                lines.append(f"- {f.kind}{where}: {_md(f.detail)}")
        return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    """Literal text in Markdown (and in a table cell): no HTML, links or images can form."""
    return escape(text)
