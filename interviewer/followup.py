"""The follow-up decision for one answer, outside a running interview (`interviewer follow-up`)."""

from __future__ import annotations

import re

from pydantic import BaseModel

from .analysis import analyse_answer
from .models import Dimension, Persona
from .probes import GENERIC_PROBES, follow_up_text, probe_target
from .workspace import Workspace

_KIND_HINTS = (
    (re.compile(r"^\s*(?:design|how would you design|architect)", re.I), "design"),
    (
        re.compile(
            r"\btell me about a time\b|\bdescribe a (?:time|situation)\b|\bhave you ever\b", re.I
        ),
        "behavioural",
    ),
    (re.compile(r"\bhardest\b|\bmost (?:difficult|complex)\b", re.I), "problem"),
)


class FollowUpDecision(BaseModel):
    kind: str  # "follow_up" | "move_on"
    target: Dimension | None
    text: str
    present: list[Dimension]
    missing: list[Dimension]
    on_topic: bool


def guess_kind(question: str, persona: Persona | None) -> str | None:
    for pattern, kind in _KIND_HINTS:
        if pattern.search(question):
            return kind
    return persona.question_kinds[0] if persona else None


def decide_follow_up(
    ws: Workspace, question: str, answer: str, persona: Persona | None = None
) -> FollowUpDecision:
    """Probe the most important missing dimension, or move on when the answer is deep."""
    known = ws.question_by_text(question)
    kind = known.kind if known else guess_kind(question, persona)
    topics = known.topics if known else []
    analysis = analyse_answer(
        question, answer, kind=kind, topics=topics, max_chars=ws.settings.max_answer_chars
    )
    present, missing = analysis.present, analysis.missing
    if analysis.empty:
        text = "Take your time; there's no rush. When you're ready: " + question
        return FollowUpDecision(
            kind="follow_up", target=None, text=text, present=[], missing=missing, on_topic=False
        )
    if not analysis.on_topic or analysis.evasive:
        lead = (
            "That's fine; even a small or partial example helps."
            if analysis.evasive
            else "Let me bring us back to the question I asked."
        )
        return FollowUpDecision(
            kind="follow_up",
            target=None,
            text=f"{lead} {question}",
            present=present,
            missing=missing,
            on_topic=analysis.on_topic,
        )
    target = probe_target(kind, analysis)
    if target is None:
        ack = persona.acknowledgements[0] if persona else "Thanks, that's clear. Let's move on."
        return FollowUpDecision(
            kind="move_on", target=None, text=ack, present=present, missing=missing, on_topic=True
        )
    text = follow_up_text(known, answer, target) if known else follow_up_text(None, answer, target)
    assert target in GENERIC_PROBES
    return FollowUpDecision(
        kind="follow_up", target=target, text=text, present=present, missing=missing, on_topic=True
    )
