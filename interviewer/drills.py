"""Drills: one question, one probe, an instant score. Which question to drill, and its plan."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from .bank import Bank
from .errors import InputError, NotFoundError
from .models import QUESTION_KINDS, Dimension, Level, Plan, PlannedQuestion, Question
from .progress import KINDS_FOR

if TYPE_CHECKING:
    from .store import QuestionStore

LEVEL_DRAWS = 64  # random draws for a question at the asked level before filtering them all
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
    kinds = list(bank.persona(persona).question_kinds) if persona else None
    ids = bank.questions.ids(kinds)
    if focus is not None:
        wanted = KINDS_FOR.get(focus, ())
        narrowed = [k for k in (kinds or QUESTION_KINDS) if k in wanted]
        ids = (bank.questions.ids(narrowed) if narrowed else []) or ids
    if not ids:
        raise NotFoundError(f"no questions for persona {persona!r}")
    # Draw ids until one fits the level: as uniform as filtering first, without reading every
    # question of a large bank.
    for _ in range(LEVEL_DRAWS):
        q = bank.questions[ids[secrets.randbelow(len(ids))]]
        if level is None or level in q.levels:
            return q
    pool = [q for q in (bank.questions[i] for i in ids) if level in q.levels]
    pool = pool or [bank.questions[i] for i in ids]  # none at that level: any of them
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
