"""Score one answer 1-5 on each depth dimension and overall, with evidence and feedback.

The overall scale is the rubric's: 5 = a specific, owned situation or design with reasoning and a
(measured) result or lesson; 4 = concrete but missing one of those; 3 = competent but generic;
2 = vague, platitudes, buzzwords; 1 = off-topic, empty or evasive.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel, Field

from ..analysis import DEFAULT_MAX_CHARS, AnswerAnalysis, DimensionFinding, Reader, analyse_answer
from ..models import DIMENSIONS, Dimension

ADVICE: Mapping[str, str] = MappingProxyType(
    {
        "specificity": "name the system, its scale and at least one real number",
        "ownership": "say what you personally did and decided, in the first person",
        "reasoning": "explain why: the constraint, the alternative you rejected and its cost",
        "impact": "give the outcome and how you measured it (before and after)",
        "reflection": "say what you learned or would do differently next time",
        "clarity": "answer the question asked first, then give the detail in a clear order",
    }
)
STRONGER: Mapping[str, str] = MappingProxyType(
    {
        "specificity": "One concrete situation or design: which system, what scale, what numbers.",
        "ownership": "Your own actions and decisions: 'I proposed…', 'I chose… over…'.",
        "reasoning": "The trade-off: what else was on the table and why it lost.",
        "impact": "The result, measured: 'p99 went from 900 ms to 120 ms', 'no pages in 3 months'.",
        "reflection": "The lesson: what you would do differently, or what you now always do.",
        "clarity": "A structure: situation, what you did, why, result, lesson, in that order.",
    }
)
# The same advice for a design round: a design has no past result to measure, but it has
# numbers, options and failure modes.
STRONGER_DESIGN: Mapping[str, str] = MappingProxyType(
    {
        "specificity": "The numbers the design is built for: requests per second, data size, "
        "latency target, and where each piece runs.",
        "ownership": "What you would build first yourself, and which calls you would make.",
        "reasoning": "The trade-off: the option you rejected (a queue vs a direct call, a "
        "token bucket vs a sliding log) and what the choice costs.",
        "impact": "How you would know it works: the SLO, the load test, the dashboard.",
        "reflection": "What you would revisit at 10x traffic, or when a region goes down.",
        "clarity": "A structure: requirements, a sketch of the flow, then the deep dive.",
    }
)
LABEL: Mapping[str, str] = MappingProxyType(
    {
        "specificity": "concrete detail",
        "ownership": "personal ownership",
        "reasoning": "reasoning and trade-offs",
        "impact": "a measured outcome",
        "reflection": "reflection",
        "clarity": "a clear structure",
    }
)
COMPETENCE_TERMS = 8  # subject-matter words that make an answer competent (textbook level)
# Share of the literal rubric reading in the overall score; the rest is the weighted sum fitted
# to rated answers. The literal part keeps "specific beats generic" even where the fit leans on
# reasoning words that generic answers also use.
ANCHOR_SHARE = 0.5
SPECIFIC_COMPETENCE = 0.8
CONTENT_COMPETENCE = 0.8
CONTENT_TERMS = 30
# How much each dimension matters to depth; clarity matters least (short and clear still wins).
_WEIGHTS = MappingProxyType(
    {
        "specificity": 1.0,
        "ownership": 0.7,
        "reasoning": 0.8,
        "impact": 0.6,
        "reflection": 0.5,
        "clarity": 0.3,
    }
)


class AnswerScore(BaseModel):
    """The score of one answer: per-dimension 1-5, overall 1-5, evidence and feedback."""

    overall: float = Field(ge=1, le=5)
    on_topic: bool
    dimensions: dict[Dimension, int]
    evidence: list[str] = Field(description="Exact substrings of the answer.")
    strengths: list[str] = Field(default_factory=list)
    missing: list[Dimension] = Field(default_factory=list)
    stronger_answer: list[str] = Field(default_factory=list)
    feedback: str
    flags: list[str] = Field(default_factory=list)
    analysis: AnswerAnalysis

    def to_line(self, item_id: str | int | None) -> dict[str, Any]:
        """The `score-answers` JSON line."""
        return {
            "id": item_id,
            "overall": self.overall,
            "on_topic": self.on_topic,
            "dimensions": dict(self.dimensions),
            "evidence": self.evidence,
            "feedback": self.feedback,
            "flags": self.flags,
        }


def dimension_level(strength: float) -> int:
    """Map a 0-1 strength onto the 1-5 scale (1 = not shown at all)."""
    if strength <= 0:
        return 1
    if strength < 0.3:
        return 2
    if strength < 0.5:
        return 3
    if strength < 0.8:
        return 4
    return 5


FEATURES = (
    "specificity",
    "ownership",
    "reasoning",
    "impact",
    "reflection",
    "competence",
    "buzzword_ratio",
    "generic_ratio",
    "specific_x_owned",
    "specific_x_outcome",
)
# Fitted by `python -m evals.fit` (ridge 1.0) on the dev split only; see README for test figures.
OVERALL_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {
        "specificity": 0.128,
        "ownership": 0.203,
        "reasoning": 0.635,
        "impact": 0.379,
        "reflection": 0.450,
        "competence": 0.958,
        "buzzword_ratio": -0.059,
        "generic_ratio": -0.666,
        "specific_x_owned": 0.039,
        "specific_x_outcome": 0.939,
        "intercept": 1.590,
    }
)


def features(a: AnswerAnalysis) -> list[float]:
    """The numbers the overall score is a weighted sum of (see FEATURES)."""
    st = {d: a.dimensions[d].strength for d in DIMENSIONS}
    outcome = max(st["impact"], 0.9 * st["reflection"])
    competence = min(1.0, a.domain_terms / COMPETENCE_TERMS) * (1 - 0.5 * a.generic_ratio)
    competence *= max(0.3, 1 - 2.5 * max(0.0, a.buzzword_ratio - 0.08))  # name-dropping
    # Real detail shows competence too, in domains our word lists do not know (React, billing).
    competence = max(competence, SPECIFIC_COMPETENCE * st["specificity"])
    # So does checkable content in any domain: a textbook answer says many particular things,
    # a vague one few (about 30 distinct content words is the median of competent real answers).
    competence = max(competence, CONTENT_COMPETENCE * min(1.0, a.content_terms / CONTENT_TERMS))
    return [
        st["specificity"],
        st["ownership"],
        st["reasoning"],
        st["impact"],
        st["reflection"],
        competence,
        a.buzzword_ratio,
        a.generic_ratio,
        st["specificity"] * st["ownership"],
        st["specificity"] * outcome,
    ]


def _anchored(competence: float, st: Mapping[Dimension, float]) -> float:
    """The rubric read literally: competence brings ~3, specific + owned + reasoned + outcome 5."""
    outcome = max(st["impact"], 0.9 * st["reflection"])
    depth = (
        st["specificity"] + 0.7 * st["ownership"] + 0.8 * st["reasoning"] + 0.8 * outcome
    ) / 3.3
    return 1.5 + 1.5 * competence + 2.0 * depth + 0.3 * st["clarity"]


def overall_score(a: AnswerAnalysis, weights: dict[str, float] | None = None) -> float:
    """Overall depth on the rubric's 1-5 scale: gates first, then a fitted weighted sum.

    Off-topic, empty and evasive answers score 1; an answer with no sentence of substance at
    most 2. Otherwise competence lifts a textbook answer towards 3 and only depth (specific,
    owned, reasoned, with an outcome or lesson) lifts it further.
    """
    if a.empty or a.evasive or not a.on_topic:
        return 1.0
    w = weights or OVERALL_WEIGHTS
    values = features(a)
    fitted = w["intercept"] + sum(w[name] * v for name, v in zip(FEATURES, values, strict=True))
    st = {d: a.dimensions[d].strength for d in DIMENSIONS}
    anchored = _anchored(values[FEATURES.index("competence")], st)
    score = (1 - ANCHOR_SHARE) * fitted + ANCHOR_SHARE * anchored
    if st["specificity"] < 0.3 and st["ownership"] < 0.3:
        score = min(score, 3.0 + 0.25 * (score - 3.0))  # generic, textbook-like at best
    if a.substance_sentences == 0:
        score = min(score, 2.0)
    return round(max(1.0, min(5.0, score)), 2)


def _feedback(a: AnswerAnalysis, overall: float, missing: list[Dimension]) -> tuple[list[str], str]:
    if a.empty:
        return [], "No answer was given."
    if a.noise:
        return [], (
            "No words could be made out in this answer (it looks like keyboard noise or a "
            "transcription slip), so it was scored as no answer. Say it again in a sentence or two."
        )
    if a.not_english:
        return [], (
            "This answer is not in English. The offline analysis reads English only, so it "
            "could not be judged for depth; answer in English to get feedback."
        )
    if a.evasive:
        return [], "The answer avoided the question; even a partial real example scores higher."
    if a.repeated:
        return [], (
            "The same answer was given to an earlier, different question; a story told again "
            "is not an answer to this one. Answer this question with its own example."
        )
    if a.fits_neighbour:
        return [], (
            f'This answer fits the neighbouring question ("{a.fits_neighbour}") rather than this '
            "one, as does the answer beside it: the answers may have shifted by a row or swapped "
            "places. Check the file, or answer this question."
        )
    if not a.on_topic:
        return [], "This answer does not address the question asked; answer that question first."
    strengths = [
        f'Shows {LABEL[d]}: "{a.dimensions[d].evidence[0]}"'
        for d in DIMENSIONS
        if a.dimensions[d].present and a.dimensions[d].evidence and d != "clarity"
    ]
    parts = []
    if strengths:
        parts.append("Strong: " + "; ".join(LABEL[d] for d in a.present if d != "clarity") + ".")
    if missing:
        parts.append("Missing: " + "; ".join(LABEL[d] for d in missing[:3]) + ".")
        parts.append(
            "A stronger answer would " + "; and ".join(ADVICE[d] for d in missing[:2]) + "."
        )
    else:
        parts.append("A deep answer: specific, owned, reasoned, with a result or lesson.")
    return strengths, " ".join(parts)


def score_analysis(a: AnswerAnalysis, kind: str | None = None) -> AnswerScore:
    """Turn an analysis into a score with feedback (``kind``: the question's, for the advice)."""
    overall = overall_score(a)
    dims = {d: dimension_level(a.dimensions[d].strength) for d in DIMENSIONS}
    if not a.on_topic or a.empty or a.evasive:
        dims = {d: 1 for d in DIMENSIONS}
    order = sorted(
        (d for d in DIMENSIONS if not a.dimensions[d].present), key=lambda d: -_WEIGHTS[d]
    )
    missing: list[Dimension] = list(order)
    strengths, feedback = _feedback(a, overall, missing)
    evidence: list[str] = []
    for d in DIMENSIONS:
        if a.dimensions[d].present:
            evidence.extend(q for q in a.dimensions[d].evidence[:1] if q not in evidence)
    flags = []
    if a.steering:
        flags.append("steering_attempt")
    if a.tool_lists:
        flags.append("tool_list")
    if a.truncated:
        flags.append("truncated")
    if a.repeated:
        flags.append("repeated_answer")
    elif not a.on_topic and not a.empty and not a.evasive:
        flags.append("off_topic")
        if a.fits_neighbour:
            flags.append("fits_neighbour")
    if a.not_english:
        flags.append("not_english")
    elif a.noise:
        flags.append("noise")
    elif a.evasive:
        flags.append("evasive")
    if a.empty:
        flags.append("empty")
    return AnswerScore(
        overall=overall,
        on_topic=a.on_topic,
        dimensions=dims,
        evidence=evidence,
        strengths=strengths,
        missing=missing,
        stronger_answer=[
            (STRONGER_DESIGN if kind == "design" else STRONGER)[d] for d in missing[:3]
        ],
        feedback=feedback,
        flags=flags,
        analysis=a,
    )


def score_answer(
    question: str,
    answer: str,
    *,
    kind: str | None = None,
    topics: list[str] | tuple[str, ...] = (),
    max_chars: int = DEFAULT_MAX_CHARS,
    check_short: bool = True,
    reader: Reader | None = None,
    repeated: bool = False,
    fits_neighbour: str | None = None,
) -> AnswerScore:
    """Analyse and score one answer. Identical input always gives the identical score.

    ``repeated``: the caller found the same answer (or a light rewording) given to a different
    question earlier (a batch file): scored 1, flagged ``repeated_answer``, as in a transcript.
    ``fits_neighbour``: the neighbouring question this answer fits, found by the caller in a
    run of answers shifted by a row or in two swapped neighbours (``scoring.shifts``): off
    topic, scored 1.

    Evidence is quoted from the answer after control characters are removed; a quote that is
    not also an exact substring of the raw answer (it spanned a removed character) is left out.
    """
    analysis = analyse_answer(
        question,
        answer,
        kind=kind,
        topics=topics,
        max_chars=max_chars,
        check_short=check_short,
        reader=reader,
    )
    if repeated or fits_neighbour:
        nothing = {d: DimensionFinding(present=False, strength=0.0) for d in DIMENSIONS}
        analysis = analysis.model_copy(
            update={
                "on_topic": False,
                "repeated": repeated,
                "fits_neighbour": None if repeated else fits_neighbour,
                "dimensions": nothing,
            }
        )
    score = score_analysis(analysis, kind)
    verbatim = [q for q in score.evidence if q in answer]
    if len(verbatim) != len(score.evidence):
        score = score.model_copy(update={"evidence": verbatim})
    return score
