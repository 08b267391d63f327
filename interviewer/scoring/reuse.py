"""A story told again for a different question: pasted, or lightly reworded.

Used by the transcript scorecard (an answer repeated across the interview's questions) and by
batch scoring (the same answer under two questions of one file). A retold story is not an
answer to the second question, and is scored 1 and flagged ``repeated_answer`` there.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..analysis import Reader
from ..analysis import lexicon as lx
from ..analysis.text import words

REUSE_MIN_WORDS = 10  # distinct content words: shorter answers look alike by chance
REUSE_SIMILARITY = 0.6  # content-word overlap of a retold story (an exact paste is 1.0)


def story_words(reader: Reader, text: str) -> frozenset[str]:
    """The answer's distinct content stems: what a retelling keeps."""
    return frozenset(reader.stem(w) for w in words(text) if w not in lx.STOPWORDS and len(w) > 2)


def retold(tokens: frozenset[str], earlier: frozenset[str]) -> bool:
    """Whether ``tokens`` tell the ``earlier`` story again (Jaccard >= REUSE_SIMILARITY).
    Measured: no two answers to different questions in any of our sets, real or written,
    come within this."""
    return bool(retold_among(tokens, [(earlier, "")]))


def retold_among(tokens: frozenset[str], earlier: Iterable[tuple[frozenset[str], str]]) -> set[str]:
    """The labels of the ``earlier`` (story words, label) pairs that ``tokens`` retell: the same
    test as ``retold``, written for a batch's hundreds of comparisons per answer. Jaccard >= s
    is shared >= s / (1 + s) of both sizes together, and needs sizes within a factor s."""
    size = len(tokens)
    if size < REUSE_MIN_WORDS:
        return set()
    low, high = REUSE_SIMILARITY * size, size / REUSE_SIMILARITY
    share = REUSE_SIMILARITY / (1 + REUSE_SIMILARITY)
    return {
        label
        for story, label in earlier
        if low <= len(story) <= high and len(tokens & story) >= share * (size + len(story))
    }
