"""The scorecard: per-criterion scores with verified evidence, feedback, and its renderings."""

from __future__ import annotations

from typing import Literal

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


ScoreSource = Literal["offline", "judge", "offline_fallback"]


class CriterionScore(BaseModel):
    """One criterion's score. ``source`` says who gave ``score``: the offline engine, the model
    judge, or the offline engine because the judge failed (``offline_fallback``). When a judge ran,
    ``offline_score`` keeps the offline engine's score beside it (None: offline found the evidence
    insufficient), ``samples`` the judge's level per sample (None: insufficient evidence) and
    ``spread`` their range (max - min) when there were several. The fields added for the model
    judge have defaults, so scorecards stored before them still load."""

    id: str
    name: str
    weight: float
    score: float | None = Field(description="1-5, or null when evidence is insufficient.")
    insufficient_evidence: bool = False
    evidence: list[Evidence] = Field(default_factory=list)
    rationale: str
    source: ScoreSource = "offline"
    offline_score: float | None = Field(
        default=None, description="The offline engine's score when another source gave score."
    )
    samples: list[float | None] = Field(
        default_factory=list, description="The judge's level per sample (null: insufficient)."
    )
    spread: float | None = Field(
        default=None, description="max - min of the judge's numeric samples (several samples)."
    )


class AccuracyConcern(BaseModel):
    """A claim the model judge found technically wrong, with the candidate's verified words."""

    turn: int
    quote: str
    concern: str = Field(description="What is wrong and what is right, in a sentence or two.")


class AnswerReview(BaseModel):
    """One main question's thread (the answer plus answers to its follow-ups)."""

    question_id: str | None
    question: str
    turns: list[int]
    overall: float
    on_topic: bool
    dimensions: dict[Dimension, int]
    feedback: str
    answered: bool = Field(
        default=True,
        description="False for a non-answer (empty, emoji, keyboard noise, another language, "
        "'I don't know'): not off topic, no answer at all.",
    )
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
    accuracy_concerns: list[AccuracyConcern] = Field(
        default_factory=list, description="Technically wrong claims the model judge named."
    )
    technical_accuracy: CriterionScore | None = Field(
        default=None,
        description="The judge-only technical accuracy criterion (weight 0: not in overall).",
    )
    offline_overall: float | None = Field(
        default=None, description="The offline engine's overall when a model judge scored."
    )
    judge_samples: int = Field(
        default=0, description="Judge replies aggregated per criterion (0: no model judge)."
    )
    model_tokens: int = Field(
        default=0,
        description="Tokens (prompt + reply, counted locally) of the interviewer turns a model "
        "worded; 0 when the offline engine worded them all.",
    )
    model_requests: int = Field(default=0, description="Interviewer turns a model worded.")
    estimated_cost_usd: float | None = Field(
        default=None, description="model_tokens priced with the configured prices, if any."
    )

    def to_markdown(self) -> str:
        """The scorecard as Markdown; candidate and judge text shown literally (escaped)."""
        overall = f"{self.overall:.1f} / 5" if self.overall is not None else "not enough evidence"
        judged = any(c.source != "offline" for c in self.criteria)
        if judged and self.offline_overall is not None:
            overall += f" (offline engine: {self.offline_overall:.1f})"
        judge = _md(self.judge)
        if self.judge_samples > 1:
            judge += f" (median of {self.judge_samples} samples)"
        lines = [
            f"# Scorecard: {self.persona}",
            "",
            f"**Overall:** {overall}  ",
            f"**Rubric:** {self.rubric}  **Judge:** {judge}",
            "",
            CORRECTNESS_CHECKED if self.correctness_checked else CORRECTNESS_NOT_CHECKED,
            "",
        ]
        if self.model_tokens:
            cost = (
                f", estimated ${self.estimated_cost_usd:.4f}"
                if self.estimated_cost_usd is not None
                else ""
            )
            lines += [
                f"**Model use:** {self.model_tokens:,} tokens in {self.model_requests} "
                f"interviewer turns{cost}",
                "",
            ]
        if judged:
            lines += [
                "| Criterion | Weight | Judge | Offline | Evidence |",
                "|---|---|---|---|---|",
            ]
        else:
            lines += ["| Criterion | Weight | Score | Evidence |", "|---|---|---|---|"]
        for c in self.criteria:
            quote = (
                f"turn {c.evidence[0].turn}: {code_span(c.evidence[0].quote, in_table=True)}"
                if c.evidence
                else ""
            )
            if judged:
                offline = c.score if c.source == "offline" else c.offline_score
                lines.append(
                    f"| {_md(c.name)} | {c.weight:.2f} | {_judge_cell(c)} | {_level(offline)} "
                    f"| {quote} |"
                )
            else:
                score = "insufficient evidence" if c.insufficient_evidence else _level(c.score)
                lines.append(f"| {_md(c.name)} | {c.weight:.2f} | {score} | {quote} |")
        lines += self.accuracy_lines()
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

    def accuracy_lines(self) -> list[str]:
        """Markdown lines for the judge's technical accuracy and its concerns (none offline).

        Each concern reads ``- turn N: `quote`: concern``; the quote is a code span and the
        concern is escaped, so neither can form HTML, links or images.
        """
        lines: list[str] = []
        acc = self.technical_accuracy
        if acc is not None:
            level = _judge_cell(acc)
            lines += ["", f"**Technical accuracy** (judge only, not in the overall): {level}"]
        if self.accuracy_concerns:
            lines += ["", "## Accuracy concerns", ""]
            lines += [
                f"- turn {a.turn}: {code_span(a.quote)}: {_md(a.concern)}"
                for a in self.accuracy_concerns
            ]
        elif self.correctness_checked:
            lines += ["", "_The judge named no technically wrong claim._"]
        return lines


def weighted_overall(criteria: list[CriterionScore]) -> float | None:
    """Weighted mean of the scored criteria (insufficient evidence left out), rounded to 2
    places; None when no criterion has a score."""
    scored = [c for c in criteria if c.score is not None and not c.insufficient_evidence]
    total = sum(c.weight for c in scored)
    if not scored or total <= 0:
        return None
    return round(sum((c.score or 0.0) * c.weight for c in scored) / total, 2)


def criterion_strengths(criteria: list[CriterionScore]) -> list[str]:
    """Up to four strengths: criteria at 3.5 or more with a quote, best first."""
    scored = [c for c in criteria if c.score is not None]
    return [
        f'{c.name}: "{c.evidence[0].quote}" (turn {c.evidence[0].turn})'
        for c in sorted(scored, key=lambda c: -(c.score or 0))
        if (c.score or 0) >= 3.5 and c.evidence
    ][:4]


def criterion_gaps(criteria: list[CriterionScore]) -> list[str]:
    """Criteria with insufficient evidence or at 2.5 or less, in rubric order."""
    return [
        f"{c.name}: insufficient evidence in this interview"
        if c.insufficient_evidence
        else f"{c.name}: {c.score:.1f}/5"
        for c in criteria
        if c.insufficient_evidence or (c.score or 0) <= 2.5
    ]


def _level(score: float | None) -> str:
    return "insufficient evidence" if score is None else f"{score:.1f}"


def _judge_cell(c: CriterionScore) -> str:
    if c.source == "offline_fallback":
        return "fallback: offline score"
    cell = "insufficient evidence" if c.insufficient_evidence else _level(c.score)
    if c.spread is not None:
        cell += f" (spread {c.spread:.1f})"
    return cell


def _md(text: str) -> str:
    """Literal text in Markdown (and in a table cell): no HTML, links or images can form."""
    return escape(text)
