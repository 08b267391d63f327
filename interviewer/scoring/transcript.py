"""Score a finished interview against the persona's rubric, offline and deterministically.

Answers are grouped into threads (a main question plus its follow-ups and wrenches). Each thread
is analysed; each rubric criterion reads the signals it names. Every quote is verified to appear
verbatim in the transcript; a criterion with no verified quote cannot score above 2, and a
criterion the interview never gave a chance to show is `insufficient_evidence`, not a low score.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from types import MappingProxyType

from ..analysis import DEFAULT_MAX_CHARS, AnswerAnalysis, DimensionFinding, Reader, analyse_answer
from ..analysis import lexicon as lx
from ..analysis.text import split_sentences
from ..bank import Bank
from ..models import DIMENSIONS, Criterion, Dimension, Question, Rubric, Transcript
from .answer import LABEL, STRONGER, dimension_level, overall_score, score_analysis
from .reuse import retold, story_words
from .scorecard import AnswerReview, CriterionScore, Evidence, Flag, Scorecard, StrongerAnswer

VAGUE_ANSWER = 2.5  # an answer at or below this is named in the scorecard's gaps
_CLARIFYING = re.compile(
    r"\?|\b(?:assum(?:e|ing|ption)|clarify|requirements?|how many|what scale|do we need|"
    r"is it|are we|should it|before I (?:start|design)|first I'd ask|I'd want to know)\b",
    re.IGNORECASE,
)
_DRILL = MappingProxyType(
    {
        "specificity": "Drill specificity: retell one real story with the system, the scale and two numbers.",
        "ownership": "Drill ownership: retell a team story saying only what you did and decided ('I…').",
        "reasoning": "Drill trade-offs: for each decision, name the alternative you rejected and why.",
        "impact": "Drill impact: end every story with a measured result (before and after).",
        "reflection": "Drill reflection: end every story with what you would do differently today.",
        "clarity": "Drill clarity: answer in two sentences first, then add detail in order.",
    }
)


@dataclass
class _ScoredThread:
    question: str
    question_id: str | None
    kind: str | None
    topics: list[str]
    answers: list[tuple[int, str, AnswerAnalysis]] = field(default_factory=list)
    after_wrench: list[tuple[int, str, AnswerAnalysis]] = field(default_factory=list)
    probed: set[str] = field(default_factory=set)
    wrenched: bool = False
    clarifications: list[tuple[int, str]] = field(default_factory=list)


def _threads(
    transcript: Transcript, bank: Bank | None, max_chars: int, reader: Reader
) -> tuple[list[_ScoredThread], list[tuple[int, str]]]:
    """Group candidate answers under their main question; also return closing-segment answers."""
    threads: list[_ScoredThread] = []
    closing: list[tuple[int, str]] = []
    current: _ScoredThread | None = None
    last_prompt = ""
    last_kind = ""
    seen: list[tuple[frozenset[str], _ScoredThread]] = []
    for i, turn in enumerate(transcript.turns):
        if turn.role == "interviewer":
            last_prompt, last_kind = turn.text, turn.kind
            if turn.kind == "question" and "reask" not in turn.notes:
                q: Question | None = None
                if bank is not None and turn.question_id and turn.question_id in bank.questions:
                    q = bank.questions[turn.question_id]
                text = q.text if q else turn.text.split("\n\n")[-1]
                current = _ScoredThread(
                    text, turn.question_id, q.kind if q else None, list(q.topics) if q else []
                )
                threads.append(current)
            elif turn.kind == "closing":
                current = None
            elif current is not None and turn.kind == "follow_up" and turn.target:
                current.probed.add(turn.target)
            elif current is not None and turn.kind == "wrench":
                current.wrenched = True
            continue
        if not turn.text.strip():
            continue
        if current is None:
            if threads or last_kind == "closing":
                closing.append((i, turn.text))
            continue
        if turn.kind == "skip":
            continue  # "/skip" is a request, not an answer
        if turn.kind == "clarify":
            current.clarifications.append((i, turn.text))  # credit for asking, never evidence
            continue
        context = (
            current.question
            if last_prompt.endswith(current.question)
            else f"{current.question} {last_prompt}"
        )
        a = analyse_answer(
            context,
            turn.text,
            kind=current.kind,
            topics=current.topics,
            max_chars=max_chars,
            reader=reader,
            relative=not current.answers,  # a reply to a follow-up answers the follow-up
        )
        if "off_topic" in turn.notes and a.on_topic:
            a = a.model_copy(update={"on_topic": False})  # the interviewer saw it as off topic
        tokens = story_words(reader, turn.text)
        if any(thread is not current and retold(tokens, earlier) for earlier, thread in seen):
            # The same story told again for a different question (pasted, or lightly
            # reworded) is not an answer to this one.
            a = a.model_copy(update={"on_topic": False, "repeated": True})
        seen.append((tokens, current))
        current.answers.append((i, turn.text, a))
        if last_kind == "wrench":
            current.after_wrench.append((i, turn.text, a))
    return threads, closing


def _short(question: str, words_max: int = 12) -> str:
    parts = question.split()
    return " ".join(parts[:words_max]) + ("…" if len(parts) > words_max else "")


def _merge(answers: list[tuple[int, str, AnswerAnalysis]]) -> AnswerAnalysis | None:
    """A thread's analysis: the best strength per dimension across its answers."""
    if not answers:
        return None
    counted = [x for x in answers if x[2].on_topic] or answers  # off-topic answers add nothing
    dims: dict[Dimension, DimensionFinding] = {}
    for d in DIMENSIONS:
        best = max((a.dimensions[d] for _, _, a in counted), key=lambda f: f.strength)
        dims[d] = best
    first = answers[0][2]
    return first.model_copy(
        update={
            "dimensions": dims,
            "on_topic": any(a.on_topic for _, _, a in answers),
            "evasive": all(a.evasive for _, _, a in answers),
            "empty": all(a.empty for _, _, a in answers),
            "noise": all(a.noise for _, _, a in answers),
            "generic_ratio": min(a.generic_ratio for _, _, a in answers),
            "substance_sentences": sum(a.substance_sentences for _, _, a in answers),
            "steering": [s for _, _, a in answers for s in a.steering],
        }
    )


def _quotes_for(thread: _ScoredThread, dim: Dimension, transcript: Transcript) -> list[Evidence]:
    out: list[Evidence] = []
    for turn, _text, a in thread.answers:
        if not a.on_topic:
            continue
        for quote in a.dimensions[dim].evidence[:1]:
            if a.dimensions[dim].strength > 0 and quote in transcript.turns[turn].text:
                out.append(Evidence(turn=turn, quote=quote))
    return out


def verify_quotes(evidence: list[Evidence], transcript: Transcript) -> list[Evidence]:
    """Keep only quotes that appear verbatim in a candidate turn of the transcript."""
    kept: list[Evidence] = []
    for e in evidence:
        if 0 <= e.turn < len(transcript.turns) and e not in kept:
            turn = transcript.turns[e.turn]
            if turn.role == "candidate" and e.quote.strip() and e.quote in turn.text:
                kept.append(e)
    return kept


def _score_criterion(
    c: Criterion,
    threads: list[_ScoredThread],
    merged: list[AnswerAnalysis | None],
    closing: list[tuple[int, str]],
    transcript: Transcript,
) -> CriterionScore:
    levels: list[float] = []
    evidence: list[Evidence] = []
    chances = 0
    notes: list[str] = []
    special_chances = 0
    for sig in c.signals:
        before = chances
        if sig in DIMENSIONS:
            per_thread = []
            for t, m in zip(threads, merged, strict=False):
                if m is None:
                    continue
                # keyboard noise was a chance answered with nothing (a 1), not a chance missed
                chances += 1 if (m.on_topic or sig in t.probed or m.noise) else 0
                per_thread.append(dimension_level(m.dimensions[sig].strength) if m.on_topic else 1)
                evidence += _quotes_for(t, sig, transcript)
            if per_thread:
                levels.append(0.5 * max(per_thread) + 0.5 * sum(per_thread) / len(per_thread))
        elif sig == "clarifying":
            designs = [t for t in threads if t.kind == "design" and t.answers]
            for t in designs:
                chances += 1
                asked = 0
                early = [(turn, text) for turn, text, _ in t.answers[:2]]
                for turn, text in t.clarifications + early:  # asked, then the first design
                    for sentence in split_sentences(text):
                        if _CLARIFYING.search(sentence.text):
                            asked += 1
                            evidence.append(Evidence(turn=turn, quote=sentence.text))
                levels.append(min(5.0, 1.0 + 1.2 * asked))
        elif sig == "adaptation":
            for t in threads:
                if not t.wrenched:
                    continue
                if not t.after_wrench:
                    continue  # the candidate never got to answer the wrench: no evidence either way
                chances += 1
                best = max(t.after_wrench, key=lambda x: overall_score(x[2]))
                levels.append(overall_score(best[2]))
                quote = (
                    best[2].dimensions["reasoning"].evidence
                    or best[2].dimensions["specificity"].evidence
                )
                if quote:
                    evidence.append(Evidence(turn=best[0], quote=quote[0]))
        elif sig == "curiosity":
            if closing:
                chances += 1
                questions = [
                    (turn, sentence.text)
                    for turn, text in closing
                    for sentence in split_sentences(text)
                    if sentence.text.endswith("?") and len(sentence.words) >= 4
                ]
                depth = sum(len(text.split()) for _, text in closing) > 40
                levels.append(min(5.0, 1.0 + 1.2 * len(questions) + (0.6 if depth else 0.0)))
                evidence += [Evidence(turn=turn, quote=q) for turn, q in questions]
        if sig not in DIMENSIONS:
            special_chances += chances - before
    special = [sig for sig in c.signals if sig not in DIMENSIONS]
    if special and not special_chances:
        chances = 0  # e.g. a "handling wrenches" criterion when no wrench was answered
    evidence = verify_quotes(evidence, transcript)
    if chances == 0 or not levels:
        return CriterionScore(
            id=c.id,
            name=c.name,
            weight=c.weight,
            score=None,
            insufficient_evidence=True,
            rationale="The interview gave no chance to show this (no relevant answers or segment).",
        )
    score = sum(levels) / len(levels)
    if not evidence:
        score = min(score, 2.0)
        notes.append("no verified quote, so capped at 2")
    score = round(max(1.0, min(5.0, score)), 2)
    anchor = c.anchors[int(round(score))]
    rationale = f"Closest anchor by depth ({int(round(score))}; correctness not checked): {anchor}"
    if notes:
        rationale += " (" + "; ".join(notes) + ")"
    return CriterionScore(
        id=c.id,
        name=c.name,
        weight=c.weight,
        score=score,
        evidence=evidence[:3],
        rationale=rationale,
    )


def score_transcript(
    transcript: Transcript,
    rubric: Rubric,
    bank: Bank | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
    reader: Reader | None = None,
) -> Scorecard:
    """The offline scorecard for a finished (or ended-early) interview."""
    threads, closing = _threads(transcript, bank, max_chars, reader or Reader())
    merged = [_merge(t.answers) for t in threads]
    criteria = [_score_criterion(c, threads, merged, closing, transcript) for c in rubric.criteria]
    scored = [c for c in criteria if c.score is not None]
    overall = None
    if scored:
        overall = round(
            sum(c.score * c.weight for c in scored if c.score is not None)
            / sum(c.weight for c in scored),
            2,
        )

    reviews: list[AnswerReview] = []
    for t, m in zip(threads, merged, strict=False):
        if m is None:
            continue
        s = score_analysis(m, t.kind)
        reviews.append(
            AnswerReview(
                question_id=t.question_id,
                question=t.question,
                turns=[i for i, _, _ in t.answers],
                overall=s.overall,
                on_topic=s.on_topic,
                dimensions=s.dimensions,
                feedback=s.feedback,
                answered=not (m.empty or m.noise or m.not_english or m.evasive),
                stronger_answer=s.stronger_answer,
                missing=s.missing,
            )
        )
    flags = _flags(transcript, threads)
    strengths = [
        f'{c.name}: "{c.evidence[0].quote}" (turn {c.evidence[0].turn})'
        for c in sorted(scored, key=lambda c: -(c.score or 0))
        if (c.score or 0) >= 3.5 and c.evidence
    ][:4]
    gaps = [
        f"{c.name}: insufficient evidence in this interview"
        if c.insufficient_evidence
        else f"{c.name}: {c.score:.1f}/5"
        for c in criteria
        if c.insufficient_evidence or (c.score or 0) <= 2.5
    ]
    # Answers that were vague are gaps too, whatever the criteria averaged to.
    gaps += [
        f'Vague answer to "{_short(r.question)}" ({r.overall:.1f}/5): '
        + "; ".join(f"missing {LABEL[d]}" for d in r.missing[:2])
        for r in reviews
        if r.on_topic and r.overall <= VAGUE_ANSWER
    ]
    # ...and so are questions answered with something else: the criteria leave them out, so
    # the overall score alone would not show them.
    gaps += [
        f'No answer to "{_short(r.question)}" (1.0/5): {r.feedback}'
        for r in reviews
        if not r.on_topic
    ]
    weakest = sorted(reviews, key=lambda r: r.overall)[:2]
    stronger = [
        StrongerAnswer(
            question=r.question, outline=r.stronger_answer or ["Already deep; keep it concise."]
        )
        for r in weakest
        if r.overall < 4
    ]
    return Scorecard(
        persona=transcript.persona,
        rubric=rubric.id,
        overall=overall,
        criteria=criteria,
        answers=reviews,
        strengths=strengths,
        gaps=gaps,
        stronger_answers=stronger,
        next_drill=_next_drill(merged),
        flags=flags,
    )


def _next_drill(merged: list[AnswerAnalysis | None]) -> str:
    if not any(m is not None for m in merged):
        return "No answers to review yet: answer at least one question to get a drill."
    present = [m for m in merged if m is not None and m.on_topic]
    if not present:
        return (
            "Drill answering the question asked: one real example, told in order, in two minutes."
        )
    totals: dict[str, float] = {
        d: sum(m.dimensions[d].strength for m in present) / len(present) for d in DIMENSIONS
    }
    weakest = min(
        ("specificity", "ownership", "reasoning", "impact", "reflection"), key=lambda d: totals[d]
    )
    return f"{_DRILL[weakest]} ({STRONGER[weakest]})"


def _flags(transcript: Transcript, threads: list[_ScoredThread]) -> list[Flag]:
    flags: list[Flag] = []
    lookup = {turn: a for t in threads for turn, _, a in t.answers}
    for i, turn in enumerate(transcript.turns):
        if turn.role != "candidate":
            continue
        a = lookup.get(i)
        if a is not None and a.steering:
            flags.append(
                Flag(
                    kind="steering_attempt",
                    turn=i,
                    detail=f'ignored an instruction aimed at the interviewer or scorer: "{a.steering[0][:120]}"',
                )
            )
        elif a is None and (lx.INJECTION.search(turn.text) or lx.STEERING.search(turn.text)):
            flags.append(
                Flag(kind="steering_attempt", turn=i, detail="ignored an instruction in the answer")
            )
        if a is not None and a.repeated:
            flags.append(
                Flag(
                    kind="repeated_answer",
                    turn=i,
                    detail="the same answer was given to an earlier question",
                )
            )
        elif a is not None and not a.on_topic and not a.empty and not a.evasive:
            flags.append(
                Flag(kind="off_topic", turn=i, detail="answer did not address the question asked")
            )
        if "truncated" in turn.notes or (a is not None and a.truncated):
            flags.append(
                Flag(
                    kind="truncated",
                    turn=i,
                    detail="very long answer; only the first part was analysed",
                )
            )
    return flags
