"""Is the answer about the question asked?

Two signals must agree before an answer is flagged off topic: it shares (almost) no subject words
or concepts with the question, and its meaning (MiniLM cosine) is far from the question's. Open
questions ("your hardest bug") share few words with excellent answers, so word overlap alone gives
many false flags; the embedding alone is too slow to run on every answer at 200 answers a second,
so it runs only on the few answers the word check finds suspicious. Short answers are never flagged.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import lexicon as lx
from .concepts import concepts_of
from .text import stem, words

if TYPE_CHECKING:
    from .reader import Reader

_WEAK_STEMS = frozenset(
    stem(w)
    for w in "team work project system build design use user service code problem decision "
    "company change people data day week month year time".split()
)
_BROAD_CONCEPTS = frozenset(
    {"code", "product", "team-lead", "strengths", "motivation", "feedback", "take-home", "failure"}
)

# Measured on evals/data (see README): these keep false flags under 2% on on-topic answers.
MIN_CONTENT_WORDS = 12  # shorter answers need stronger evidence to be flagged...
MIN_SHORT_WORDS = 4  # ...and the shortest are judged on depth only
SEMANTIC_MAX_SHORT = 0.08  # a short answer sharing no word with the question, and far in meaning
LEXICAL_MAX = 0.3  # at most one common interview word shared with the question
SEMANTIC_MAX = 0.2  # MiniLM cosine below which the meaning is elsewhere
SEMANTIC_CHARS = 240  # the answer's opening carries its subject, and keeps this fast
# Concept groups so wide that sharing one says nothing about sharing a subject.
_WIDE_CONCEPTS = frozenset({"performance", "design-scale", "data-pipeline", "concurrency"})
# How much closer (MiniLM cosine) an answer must be to another question than to the asked one.
# On the real dev set the two off-topic answers sit 0.32 and 0.34 closer to another question;
# on-topic answers to open or everyday-worded questions reach about 0.29, so generic
# questions need the wider margin.
RELATIVE_MARGIN = 0.15
RELATIVE_MARGIN_GENERIC = 0.3
# With no subject word shared at all, paraphrases drift too: on-topic real answers reach 0.39.
RELATIVE_MARGIN_UNSHARED = 0.45
# Words every interview question uses: not the subject of any one question.
_QUESTION_WORDS = frozenset(
    stem(w)
    for w in "tell describe explain walk talk handle handled approach example experience "
    "situation happened make way give share favourite favorite scale large big good best "
    "work worked working would could should production real recent last time times thing "
    "things kind type types how what why when which who across different".split()
)


@dataclass(frozen=True)
class Subject:
    """The stems and concept groups of a question: what it is about."""

    stems: frozenset[str]
    concepts: frozenset[str]


def content_stems(
    tokens: list[str] | tuple[str, ...], stem_word: Callable[[str], str] = stem
) -> frozenset[str]:
    return frozenset(stem_word(t) for t in tokens if len(t) > 2 and t not in lx.STOPWORDS)


def subject_of(
    question: str, topics: tuple[str, ...] = (), stem_word: Callable[[str], str] = stem
) -> Subject:
    """What a question is about: its content stems (plus its topic tags) and concept groups."""
    stems = content_stems(words(question) + [w for t in topics for w in words(t)], stem_word)
    return Subject(stems, frozenset(concepts_of(stems - _WEAK_STEMS)))


def overlap(subject: Subject, a_stems: frozenset[str], a_concepts: frozenset[str]) -> float:
    """Shared stems (common interview words count 0.3) plus shared concepts (broad ones 0.4)."""
    direct = sum(0.3 if s in _WEAK_STEMS else 1.0 for s in subject.stems & a_stems)
    concept = sum(0.4 if c in _BROAD_CONCEPTS else 1.0 for c in subject.concepts & a_concepts)
    return round(direct + concept, 3)


# Questions whose subject the candidate chooses: "your hardest bug", "a project you're proud of".
_OPEN_QUESTION = re.compile(
    r"\b(?:your|you've|you have|you're|you)\b[^?.]{0,40}\b(?:biggest|hardest|most|best|worst|"
    r"favou?rite|proudest|last|recent|current|previous)\b|\b(?:a|one|any) (?:project|system|"
    r"codebase|library|decision|time|situation|problem|bug|mistake|thing|feature|role|team)\b|"
    r"\bwalk me through\b|\bwhich of your\b|\bpick (?:a|one)\b|\btell me about (?:a|your|one|the)\b|"
    r"\bthe (?:biggest|hardest|most|best|worst|toughest|largest)\b|\bwhat did you\b|"
    r"\b(?:something|anything) you\b|\byou (?:took on|owned|built|led|shipped|made)\b",
    re.IGNORECASE,
)
# The candidate picks the subject whatever words follow: "walk me through a PR you're proud of".
_STRONGLY_OPEN = re.compile(
    r"\bwhich (?:part|parts|piece|bit|area|aspect) of your\b|\bwalk me through (?:a|an|one|your)\b|\bproud of\b|\bwhich of your\b|\bpick (?:a|one)\b|"
    r"\byour (?:biggest|hardest|favou?rite|proudest|best|worst)\b",
    re.IGNORECASE,
)


def judge_relevance(
    reader: Reader,
    question: str,
    topics: tuple[str, ...],
    answer_tokens: list[str],
    answer: str,
    substantive: bool = True,
    check_short: bool = True,
    relative: bool = True,
) -> tuple[bool, float]:
    """(on_topic, lexical relevance). Flags only answers that share (almost) no subject words
    with the question *and* whose meaning is far from it; the shortest are never flagged.

    ``substantive`` is False for answers with under three sentences of substance: they score low
    whether or not they are on topic, so they skip the (costly) embedding check. Short answers
    are checked only when ``check_short`` (the interview, where a redirect matters; bulk
    scoring skips them for speed, since a short answer scores low either way).
    """
    subject = reader.subject(question, topics)
    a_stems = content_stems(answer_tokens, reader.stem)
    a_concepts = frozenset(concepts_of(a_stems - _WEAK_STEMS))
    own = overlap(subject, a_stems, a_concepts)
    content_words = sum(1 for t in answer_tokens if t not in lx.STOPWORDS)
    short = content_words < MIN_CONTENT_WORDS
    if _STRONGLY_OPEN.search(question) or (
        not subject.concepts - _BROAD_CONCEPTS and _OPEN_QUESTION.search(question)
    ):
        return True, own  # an open question ("your biggest project"): the subject is theirs
    if content_words < MIN_SHORT_WORDS or own > (0.0 if short else LEXICAL_MAX):
        if short or not relative or _subject_present(subject, a_stems, a_concepts):
            return True, own
        # Same vocabulary, but the question's own subject is missing: does the answer fit
        # another question clearly better ("asked about invalidation, answers about sharding")?
        return not _fits_elsewhere(reader, subject, question, answer[:SEMANTIC_CHARS]), own
    if not short and relative and not _subject_present(subject, a_stems, a_concepts):
        opening = answer[:SEMANTIC_CHARS]
        if _fits_elsewhere(reader, subject, question, opening, RELATIVE_MARGIN_UNSHARED):
            return False, own  # no shared words, and clearly an answer to another question
    if (short and not check_short) or (not short and not substantive):
        return True, own
    similarity = reader.similarity(question, answer[:SEMANTIC_CHARS])
    # Without a known concept in the question, the embedding alone must be surer.
    grounded = bool(subject.concepts - _BROAD_CONCEPTS)
    limit = SEMANTIC_MAX if grounded and not short else SEMANTIC_MAX_SHORT
    return not (similarity is not None and similarity < limit), own


def _fits_elsewhere(
    reader: Reader, subject: Subject, question: str, opening: str, floor: float = 0.0
) -> bool:
    """The answer's opening is clearly closer to a question on another subject.

    ``floor`` raises the margin: with no word in common, a paraphrase ("3 days to ship a demo"
    for "a tight deadline") also drifts in meaning, so only a wide gap counts.
    """
    asked = reader.similarity(question, opening)
    if asked is None:
        return False  # a batch's first pass: decided when the vectors are in
    for text, score in reader.closest_others(question, opening):
        if not _siblings(subject, reader.subject(text, ())):
            # A question with no specific subject of its own ("how do you approach tough
            # problems?") is close to many others: the answer must fit elsewhere by far more.
            specific = bool(subject.concepts - _BROAD_CONCEPTS - _WIDE_CONCEPTS)
            margin = RELATIVE_MARGIN if specific else RELATIVE_MARGIN_GENERIC
            return score - asked >= max(margin, floor)
    return False


def _distinctive(subject: Subject) -> frozenset[str]:
    return subject.stems - _WEAK_STEMS - _QUESTION_WORDS - lx.STOPWORDS


def _related(stems: frozenset[str], others: frozenset[str]) -> bool:
    """Shared stems, also across a word family ("prioritize" priorit, "priorities" prioriti)."""
    if stems & others:
        return True
    return any(
        len(q) >= 5 and (a.startswith(q) or (len(a) >= 5 and q.startswith(a)))
        for q in stems
        for a in others
    )


def _siblings(asked: Subject, other: Subject) -> bool:
    """Two questions on one subject: an answer fitting the other still answers this one."""
    specific = (asked.concepts & other.concepts) - _BROAD_CONCEPTS - _WIDE_CONCEPTS
    return bool(specific) or _related(_distinctive(asked), _distinctive(other))


def _subject_present(subject: Subject, a_stems: frozenset[str], a_concepts: frozenset[str]) -> bool:
    """Whether the answer names what the question is about (its own words or concept group)."""
    distinctive = _distinctive(subject)
    specific = subject.concepts - _BROAD_CONCEPTS - _WIDE_CONCEPTS
    if not distinctive and not specific:
        return True  # nothing distinctive to miss
    return bool(specific & a_concepts) or _related(distinctive, a_stems)
