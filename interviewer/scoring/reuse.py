"""A story told again for a different question: pasted, or lightly reworded.

Used by the transcript scorecard (an answer repeated across the interview's questions) and by
batch scoring (the same answer under two questions of one file). A retold story is not an
answer to the second question, and is scored 1 and flagged ``repeated_answer`` there.
"""

from __future__ import annotations

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
    if len(tokens) < REUSE_MIN_WORDS or not earlier:
        return False
    return len(tokens & earlier) / len(tokens | earlier) >= REUSE_SIMILARITY
