"""Is the answer about the question asked?

Two signals must agree before an answer is flagged off topic: it shares (almost) no subject words
or concepts with the question, and its meaning (MiniLM cosine) is far from the question's. Open
questions ("your hardest bug") share few words with excellent answers, so word overlap alone gives
many false flags; the embedding alone is too slow to run on every answer at 200 answers a second,
so it runs only on the few answers the word check finds suspicious. Short answers are never flagged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..errors import InterviewerError
from . import lexicon as lx
from .concepts import concepts_of
from .text import stem, words

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
    return Subject(stems, frozenset(concepts_of(stems - _WEAK_STEMS)))


def overlap(subject: Subject, a_stems: frozenset[str], a_concepts: frozenset[str]) -> float:
    """Shared stems (common interview words count 0.3) plus shared concepts (broad ones 0.4)."""
    direct = sum(0.3 if s in _WEAK_STEMS else 1.0 for s in subject.stems & a_stems)
    concept = sum(0.4 if c in _BROAD_CONCEPTS else 1.0 for c in subject.concepts & a_concepts)
    return round(direct + concept, 3)


@lru_cache(maxsize=1)
def _embedder() -> Any:
    try:
        from ..embeddings import MiniLMEmbedder

        return MiniLMEmbedder()
    except InterviewerError:
        return None


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
    r"\bwalk me through (?:a|an|one|your)\b|\bproud of\b|\bwhich of your\b|\bpick (?:a|one)\b|"
    r"\byour (?:biggest|hardest|favou?rite|proudest|best|worst)\b",
    re.IGNORECASE,
)
_SIMILARITY: dict[tuple[str, str], float] = {}
_VECTORS: dict[str, Any] = {}  # embedded texts; questions recur across a batch
_PENDING: list[list[tuple[str, str]]] = []


def _key(question: str, answer: str) -> tuple[str, str]:
    return question, answer[:SEMANTIC_CHARS]


def semantic_similarity(question: str, answer: str) -> float | None:
    """MiniLM cosine between the question and the answer's opening; None without the model.

    Inside ``deferred_similarity()`` unknown pairs are recorded (and None returned) so a batch
    can embed them all at once with ``prefetch``, which is several times faster per answer.
    """
    key = _key(question, answer)
    if key in _SIMILARITY:
        return _SIMILARITY[key]
    if _PENDING:
        _PENDING[-1].append(key)
        return None
    prefetch([key])
    return _SIMILARITY.get(key)


def prefetch(keys: list[tuple[str, str]]) -> None:
    """Embed the given (question, answer opening) pairs in one batch and cache their cosines."""
    embedder = _embedder()
    todo = [k for k in dict.fromkeys(keys) if k not in _SIMILARITY]
    if embedder is None or not todo:
        return
    if len(_SIMILARITY) > 50_000:
        _SIMILARITY.clear()
    if len(_VECTORS) > 20_000:
        _VECTORS.clear()
    texts = [
        t for t in dict.fromkeys([q for q, _ in todo] + [a for _, a in todo]) if t not in _VECTORS
    ]
    if texts:
        _VECTORS.update(zip(texts, embedder.embed(texts), strict=True))
    for q, a in todo:
        _SIMILARITY[(q, a)] = float(_VECTORS[q] @ _VECTORS[a])


@contextmanager
def deferred_similarity() -> Iterator[list[tuple[str, str]]]:
    """Collect the pairs that need the embedding instead of computing them one by one."""
    _PENDING.append([])
    try:
        yield _PENDING[-1]
    finally:
        _PENDING.pop()


def judge_relevance(
    question: str,
    topics: tuple[str, ...],
    answer_tokens: list[str],
    answer: str,
    substantive: bool = True,
    check_short: bool = True,
) -> tuple[bool, float]:
    """(on_topic, lexical relevance). Flags only answers that share (almost) no subject words
    with the question *and* whose meaning is far from it; the shortest are never flagged.

    ``substantive`` is False for answers with under three sentences of substance: they score low
    whether or not they are on topic, so they skip the (costly) embedding check. Short answers
    are checked only when ``check_short`` (the interview, where a redirect matters; bulk
    scoring skips them for speed, since a short answer scores low either way).
    """
    subject = subject_of(question, topics)
    a_stems = content_stems(answer_tokens)
    own = overlap(subject, a_stems, frozenset(concepts_of(a_stems - _WEAK_STEMS)))
    content_words = sum(1 for t in answer_tokens if t not in lx.STOPWORDS)
    short = content_words < MIN_CONTENT_WORDS
    if content_words < MIN_SHORT_WORDS or own > (0.0 if short else LEXICAL_MAX):
        return True, own
    if _STRONGLY_OPEN.search(question) or (
        not subject.concepts - _BROAD_CONCEPTS and _OPEN_QUESTION.search(question)
    ):
        return True, own  # an open question ("your biggest project"): the subject is theirs
    if (short and not check_short) or (not short and not substantive):
        return True, own
    similarity = semantic_similarity(question, answer)
    # Without a known concept in the question, the embedding alone must be surer.
    grounded = bool(subject.concepts - _BROAD_CONCEPTS)
    limit = SEMANTIC_MAX if grounded and not short else SEMANTIC_MAX_SHORT
    return not (similarity is not None and similarity < limit), own
