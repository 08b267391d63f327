"""Is the answer about the question asked? Judged by where the answer's subject words point.

Absolute word overlap is a weak signal: terse on-topic answers share few words, and a long answer
shares a word or two with anything. So an answer is flagged off topic only when most of its
subject-matter words belong to concepts the question does not touch and one such concept clearly
dominates; short answers are never flagged (they are judged on depth instead).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from . import lexicon as lx
from .concepts import STEM_TO_CONCEPTS, concepts_of
from .text import stem, words

_WEAK_STEMS = frozenset(
    stem(w)
    for w in "team work project system build design use user service code problem decision "
    "company change people data day week month year time".split()
)
_BROAD_CONCEPTS = frozenset({"code", "product", "team-lead", "strengths", "motivation", "feedback"})

# Off topic needs both: few of the answer's subject words on the question, and a subject of its own.
SHARE_MAX = 0.2
DOMINANT_MIN = 3
MIN_SUBJECT_WORDS = 5
NO_OVERLAP_MIN_WORDS = 25


@dataclass(frozen=True)
class Subject:
    """The stems and concept groups of a question: what it is about."""

    stems: frozenset[str]
    concepts: frozenset[str]


def content_stems(tokens: list[str] | tuple[str, ...]) -> frozenset[str]:
    return frozenset(stem(t) for t in tokens if len(t) > 2 and t not in lx.STOPWORDS)


@lru_cache(maxsize=4096)
def subject_of(question: str, topics: tuple[str, ...] = ()) -> Subject:
    stems = content_stems(words(question) + [w for t in topics for w in words(t)])
    return Subject(stems, frozenset(concepts_of(stems)))


def overlap(subject: Subject, a_stems: frozenset[str], a_concepts: frozenset[str]) -> float:
    """Shared stems (common interview words count 0.3) plus shared concepts (broad ones 0.4)."""
    direct = sum(0.3 if s in _WEAK_STEMS else 1.0 for s in subject.stems & a_stems)
    concept = sum(0.4 if c in _BROAD_CONCEPTS else 1.0 for c in subject.concepts & a_concepts)
    return round(direct + concept, 3)


def judge_relevance(
    question: str, topics: tuple[str, ...], answer_tokens: list[str], content_words: int
) -> tuple[bool, float]:
    """(on_topic, own relevance). Short answers are never flagged; they are judged on depth.

    Off topic means: the answer's subject-matter words are overwhelmingly about concepts the
    question does not touch (share of its subject words on the question below SHARE_MAX, with a
    dominant concept of its own), or it shares nothing at all with a long answer.
    """
    subject = subject_of(question, topics)
    a_stems = content_stems(answer_tokens)
    own = overlap(subject, a_stems, frozenset(concepts_of(a_stems)))
    if content_words < 12:
        return True, own
    if own == 0:
        return content_words < NO_OVERLAP_MIN_WORDS, own
    hits = total = 0
    counts: dict[str, int] = {}
    for token in answer_tokens:
        if len(token) <= 2 or token in lx.STOPWORDS:
            continue
        st = stem(token)
        cs = STEM_TO_CONCEPTS.get(st, frozenset()) - _BROAD_CONCEPTS
        on_question = (st in subject.stems and st not in _WEAK_STEMS) or bool(cs & subject.concepts)
        if not cs and not on_question:
            continue
        total += 1
        hits += on_question
        for c in cs:
            counts[c] = counts.get(c, 0) + 1
    if total < MIN_SUBJECT_WORDS:
        return True, own
    share = hits / total
    dominant = max(counts.values(), default=0)
    elsewhere = dominant >= DOMINANT_MIN and not any(
        counts.get(c, 0) == dominant for c in subject.concepts
    )
    return not (share < SHARE_MAX and elsewhere), own
