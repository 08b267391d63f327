"""`interviewer follow-up`: one question and one answer through the interview's own decisions.

The question may not be in the bank: `interviewer follow-up --question "..."` may ask anything.

The follow-up command runs the interview's own decision code on one question; a question typed
by the user is turned into a ``Question`` with generic probes (and generic wrenches for a
design question) so that code can run unchanged.
"""

from __future__ import annotations

import re

from pydantic import BaseModel

from .agent import InterviewAgent
from .bank import Bank
from .models import LEVELS, Dimension, Persona, Question
from .probes import GENERIC_PROBES

_KIND_HINTS = (
    (re.compile(r"^\s*(?:design|how would you design|architect)", re.I), "design"),
    (
        re.compile(
            r"\btell me about a time\b|\bdescribe a (?:time|situation)\b|\bhave you ever\b", re.I
        ),
        "behavioural",
    ),
    (re.compile(r"\bhardest\b|\bmost (?:difficult|complex)\b", re.I), "problem"),
    # Questions about the candidate's own work and choices ("your experience with Celery",
    # "why did you choose Django", "something you're proud of"): a story is the answer, so
    # probes follow the narrative order (detail, ownership, outcome) before trade-offs.
    (
        re.compile(
            r"\b(?:your|you[’']ve|you have|have you|did you|were you|you[’']re|you were|"
            r"do you|would you|how you)\b",
            re.I,
        ),
        "experience",
    ),
)
GENERIC_WRENCHES = (
    "Say traffic grows tenfold over the next year. What breaks first in your design, and what "
    "would you change?",
    "Now one of your regions goes down for an hour. What do users see, and what does your "
    "design do about it?",
)
DEFAULT_PERSONA = "fundamentals"


def guess_kind(question: str, persona: Persona | None) -> str | None:
    for pattern, kind in _KIND_HINTS:
        if pattern.search(question):
            return kind
    return persona.question_kinds[0] if persona else None


def question_for(bank: Bank, text: str, persona: Persona | None = None) -> Question:
    """The bank question with this text (case and spacing ignored), or an ad-hoc one."""
    key = " ".join(text.lower().split())
    for q in bank.questions.values():
        if " ".join(q.text.lower().split()) == key:
            return q
    kind = guess_kind(text, persona) or "technical"
    # Built without validation: a typed question may be shorter than the bank allows, and has
    # no topic tags (relevance then reads the question's own words).
    return Question.model_construct(
        id="adhoc",
        text=text.strip(),
        kind=kind,
        topics=[],
        levels=list(LEVELS),
        probes=dict(GENERIC_PROBES),
        wrenches=list(GENERIC_WRENCHES) if kind == "design" else [],
        personas=[persona.id] if persona else [],
    )


def persona_for(bank: Bank, question: Question, persona: Persona | None) -> Persona:
    """The given persona, else the first one that asks this kind of question."""
    if persona is not None:
        return persona
    for pid in question.personas:
        return bank.persona(pid)
    for p in sorted(bank.personas.values(), key=lambda p: p.id):
        if question.kind in p.question_kinds:
            return p
    return bank.persona(DEFAULT_PERSONA)


class FollowUpDecision(BaseModel):
    """`interviewer follow-up`: what the interview would do next after this one answer."""

    kind: str  # follow_up | wrench | move_on
    target: Dimension | None
    text: str
    present: list[Dimension]
    missing: list[Dimension]
    on_topic: bool


def decide_once(agent: InterviewAgent, answer: str) -> FollowUpDecision:
    """Ask the agent's one question, take ``answer``, and report its decision."""
    agent.record(agent.start())
    decision = agent.reply(answer)
    assert decision is not None  # a fresh one-question interview is never finished here
    a = decision.analysis
    kind: str
    if decision.kind in ("follow_up", "wrench"):
        kind, text = decision.kind, decision.draft
    elif "reask" in decision.notes:
        kind, text = "follow_up", decision.draft
    else:
        kind, text = "move_on", decision.lead or decision.draft
    return FollowUpDecision(
        kind=kind,
        target=decision.target,
        text=text,
        present=a.present if a else [],
        missing=a.missing if a else [],
        on_topic=bool(a and a.on_topic),
    )
