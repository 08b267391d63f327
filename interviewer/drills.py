"""Drills: one question, one probe, an instant score. Which question to drill, and its plan."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from .bank import Bank
from .errors import InputError
from .models import Dimension, Level, Plan, PlannedQuestion, Question
from .progress import KINDS_FOR

if TYPE_CHECKING:
    from .store import QuestionStore

FAR_TOPIC_DISTANCE = 0.75  # cosine distance beyond which a topic match is only nominal


def question_for_topic(
    bank: Bank, store: QuestionStore, topic: str, persona: str | None, level: Level | None
) -> tuple[Question, str | None]:
    """The question closest in meaning to ``topic``, and a note when none is really close."""
    if persona:
        bank.persona(persona)
    hits = store.search(topic, k=5, persona=persona, level=level)
    if not hits:
        raise InputError(f"no question found for topic {topic!r}")
    note = None
    if hits[0].distance > FAR_TOPIC_DISTANCE:
        note = f"No question is close to {topic!r}; here is the nearest one."
    return bank.question(hits[0].id), note


def random_question(
    bank: Bank, persona: str | None, level: Level | None, focus: Dimension | None = None
) -> Question:
    """A random question, of a kind whose answers show ``focus`` best when one is given."""
    if persona:
        bank.persona(persona)
    pool = list(bank.questions_for(persona) if persona else bank.questions.values())
    if focus is not None:
        kinds = KINDS_FOR.get(focus, ())
        pool = [q for q in pool if q.kind in kinds] or pool
    pool = [q for q in pool if level is None or level in q.levels] or pool
    return pool[secrets.randbelow(len(pool))]


def drill_plan(bank: Bank, question: Question, persona: str | None, level: Level | None) -> Plan:
    """A one-question plan with one probe; the interview ends after it (no closing)."""
    owner = persona or (question.personas[0] if question.personas else "fundamentals")
    return Plan(
        persona=bank.persona(owner).id,
        level=level,
        mode="drill",
        probes_per_question=1,
        questions=[
            PlannedQuestion(id=question.id, text=question.text, topics=question.topics, why="drill")
        ],
    )
