"""Reading one answer: the six depth dimensions with the words that show them, and relevance.

Used by both the interviewer (what to probe next) and the scorer (how deep the answer was).
Nothing here scores a transcript or asks a question.
"""

from .dimensions import DEFAULT_MAX_CHARS, AnswerAnalysis, DimensionFinding, analyse_answer
from .reader import Reader

__all__ = ["DEFAULT_MAX_CHARS", "AnswerAnalysis", "DimensionFinding", "Reader", "analyse_answer"]
