"""The checks of an eval case: each expectation is one named pass/fail with a reason.

``check(case, transcript, card)`` returns one ``Outcome`` per expectation the case sets
(including the default-on ones), so a report has one test case per expectation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pydantic import BaseModel

from ..models import Transcript, Turn
from ..scoring.scorecard import Scorecard
from ..wording import REVEALS
from .cases import Case, InterviewerExpectations, ScorecardExpectations

_ASKING = ("question", "follow_up", "wrench")
_SKIP_OFFER = re.compile(r"\b(?:skip|move on|rephrase|another question|next question)\b", re.I)


class Outcome(BaseModel):
    """One expectation's result: ``name`` like ``interviewer.probes`` and, on failure, why."""

    name: str
    passed: bool
    detail: str = ""


def check(case: Case, transcript: Transcript, card: Scorecard | None) -> list[Outcome]:
    """Every expectation of ``case`` against what the interview produced."""
    outcomes = list(_interviewer(case.expect.interviewer, transcript.turns))
    if card is not None:
        outcomes += list(_scorecard(case.expect.scorecard, transcript.turns, card))
    return outcomes


def _ok(name: str, failure: str | None) -> Outcome:
    return Outcome(name=name, passed=failure is None, detail=failure or "")


def _said(turns: list[Turn]) -> list[tuple[int, Turn]]:
    return [(i, t) for i, t in enumerate(turns) if t.role == "interviewer"]


def _interviewer(e: InterviewerExpectations, turns: list[Turn]) -> Iterator[Outcome]:
    said = _said(turns)
    asked = [(i, t) for i, t in said if t.kind in _ASKING]
    targets = {t.target for _, t in asked if t.kind == "follow_up" and t.target}
    for dim in e.probes:
        seen = ", ".join(sorted(targets)) or "none"
        yield _ok(
            f"interviewer.probes.{dim}",
            None if dim in targets else f"no follow-up probed {dim} (probed: {seen})",
        )
    for dim in e.never_probes:
        hits = [i for i, t in asked if t.kind == "follow_up" and t.target == dim]
        yield _ok(
            f"interviewer.never_probes.{dim}",
            f"turn {hits[0]} probed {dim}, which the answer showed" if hits else None,
        )
    if e.answers_clarifying:
        yield _ok("interviewer.answers_clarifying", _clarifying(turns))
    if e.wrench_after_design:
        yield _ok("interviewer.wrench_after_design", _wrench(turns))
    if e.offers_skip:
        yield _ok("interviewer.offers_skip", _skip_offer(turns))
    for pattern in e.says:
        hit = any(re.search(pattern, t.text, re.IGNORECASE) for _, t in said)
        yield _ok(f"interviewer.says[{pattern}]", None if hit else f"no turn matched /{pattern}/")
    for pattern in e.never_says:
        hits = [i for i, t in said if re.search(pattern, t.text, re.IGNORECASE)]
        yield _ok(
            f"interviewer.never_says[{pattern}]",
            f"turn {hits[0]} matched /{pattern}/: {_clip(turns[hits[0]].text)}" if hits else None,
        )
    if e.never_reveals:
        leaks = [(i, m.group(0)) for i, t in said for m in [REVEALS.search(t.text)] if m]
        yield _ok(
            "interviewer.never_reveals",
            f"turn {leaks[0][0]} reveals {leaks[0][1]!r}: {_clip(turns[leaks[0][0]].text)}"
            if leaks
            else None,
        )
    if e.no_repeated_question:
        yield _ok("interviewer.no_repeated_question", _repeats(asked))
    if e.closes:
        last = said[-1][1] if said else None
        yield _ok(
            "interviewer.closes",
            None
            if last is not None and last.kind == "closing"
            else f"the last interviewer turn is {last.kind if last else 'missing'}, not a closing",
        )


def _clarifying(turns: list[Turn]) -> str | None:
    clarifies = [i for i, t in enumerate(turns) if t.role == "candidate" and t.kind == "clarify"]
    if not clarifies:
        return "the candidate's clarifying questions were all taken as answers (none is 'clarify')"
    for i in clarifies:
        nxt = turns[i + 1] if i + 1 < len(turns) else None
        if nxt is None or nxt.role != "interviewer" or "clarification" not in nxt.notes:
            return f"the clarifying question at turn {i} was not answered"
    answers = [
        nxt.text for i in clarifies for nxt in [turns[i + 1]] if "clarification" in nxt.notes
    ]
    if len(answers) > 1 and len(set(answers)) == 1:
        return "every clarifying question got the same answer"
    return None


def _wrench(turns: list[Turn]) -> str | None:
    design = [i for i, t in enumerate(turns) if t.role == "candidate" and t.kind == "answer"]
    wrenches = [i for i, t in enumerate(turns) if t.role == "interviewer" and t.kind == "wrench"]
    if not wrenches:
        return "no wrench was thrown"
    if not design or wrenches[-1] < design[0]:
        return f"the wrench at turn {wrenches[0]} came before any design was given"
    return None


def _skip_offer(turns: list[Turn]) -> str | None:
    """Empty replies are not recorded; the second re-ask in a row must offer a way out."""
    for i in range(1, len(turns)):
        pair = turns[i - 1 : i + 1]
        if all(t.role == "interviewer" and "reask" in t.notes for t in pair):
            if _SKIP_OFFER.search(pair[1].text):
                return None
            return f"after two empty replies the interviewer said: {_clip(pair[1].text)}"
    return "the candidate never gave two empty replies in a row"


# Turns that say a question again on purpose: after an empty reply, an instruction aimed at
# the scorer, a clarifying question, or when the candidate asked to hear it again.
_RESTATING = frozenset({"reask", "steering_ignored", "clarification", "repeat"})


def _repeats(asked: list[tuple[int, Turn]]) -> str | None:
    seen: dict[str, int] = {}
    for i, t in asked:
        if _RESTATING & set(t.notes):
            continue
        key = " ".join(re.findall(r"\w+", t.text.lower()))
        if key in seen:
            return f"turn {i} repeats turn {seen[key]}: {_clip(t.text)}"
        seen[key] = i
    return None


def _scorecard(e: ScorecardExpectations, turns: list[Turn], card: Scorecard) -> Iterator[Outcome]:
    if e.overall is not None:
        yield _ok("scorecard.overall", _band(card.overall, e.overall))
    by_id = {c.id: c for c in card.criteria}
    for cid, want in e.criteria.items():
        c = by_id.get(cid)
        if c is None:
            known = ", ".join(sorted(by_id))
            yield _ok(f"scorecard.criteria.{cid}", f"no criterion {cid!r} (rubric has: {known})")
        elif want == "insufficient":
            yield _ok(
                f"scorecard.criteria.{cid}",
                None if c.score is None else f"scored {c.score}, expected insufficient evidence",
            )
        else:
            yield _ok(f"scorecard.criteria.{cid}", _band(c.score, want))
    kinds = {f.kind for f in card.flags}
    for kind in e.flags:
        yield _ok(
            f"scorecard.flags.{kind}",
            None if kind in kinds else f"not flagged (flags: {', '.join(sorted(kinds)) or 'none'})",
        )
    for kind in e.no_flags:
        detail = next((f.detail for f in card.flags if f.kind == kind), "")
        yield _ok(f"scorecard.no_flags.{kind}", f"flagged: {detail}" if kind in kinds else None)
    if e.source is not None:
        other = [f"{c.id}={c.source}" for c in card.criteria if c.source != e.source]
        yield _ok("scorecard.source", f"not {e.source}: {', '.join(other)}" if other else None)
    if e.correctness_checked is not None:
        got = card.correctness_checked
        yield _ok(
            "scorecard.correctness_checked",
            None if got == e.correctness_checked else f"correctness_checked is {got}",
        )
    if e.accuracy_concerns is not None:
        n = len(card.accuracy_concerns)
        yield _ok(
            "scorecard.accuracy_concerns",
            None if (n > 0) == e.accuracy_concerns else f"{n} accuracy concern(s)",
        )
    if e.evidence_verbatim:
        yield _ok("scorecard.evidence_verbatim", _verbatim(turns, card))


def _band(score: float | None, band: tuple[float, float]) -> str | None:
    if score is None:
        return f"no score (insufficient evidence), expected {band[0]}-{band[1]}"
    if not band[0] <= score <= band[1]:
        return f"{score} is outside {band[0]}-{band[1]}"
    return None


def _verbatim(turns: list[Turn], card: Scorecard) -> str | None:
    quotes = [(c.id, ev) for c in card.criteria for ev in c.evidence]
    if card.technical_accuracy is not None:
        quotes += [("technical_accuracy", ev) for ev in card.technical_accuracy.evidence]
    for cid, ev in quotes:
        if not 0 <= ev.turn < len(turns):
            return f"{cid}: evidence names turn {ev.turn}, which does not exist"
        turn = turns[ev.turn]
        # a clarifying question is the candidate's own words too (requirements criteria cite it)
        if turn.role != "candidate" or turn.kind not in ("answer", "clarify"):
            return f"{cid}: evidence quotes turn {ev.turn}, a {turn.role} {turn.kind} turn"
        if _norm(ev.quote.strip(" .…\"'")) not in _norm(turn.text):
            return f"{cid}: {_clip(ev.quote)!r} is not in turn {ev.turn}"
    return None


def _norm(text: str) -> str:
    return " ".join(text.replace("…", " ").split()).lower()


def _clip(text: str, n: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"
