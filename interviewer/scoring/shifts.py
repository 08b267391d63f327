"""Answers shifted by a row: a run of answers in a file that each fit their neighbour's question.

Preparation documents get misaligned: one answer pasted a line too high or too low, and every
answer after it sits under the question before or after its own. The raters' two real off-topic
answers were such a pair. One answer that fits the next question a little better proves
little (neighbouring questions share vocabulary), but two *consecutive* answers that both fit
the question on the same side better, in meaning and in words, are a shift. Used by
`score-answers` only: a live interview has no file order.
"""

from __future__ import annotations

from ..analysis import Reader
from ..analysis.relevance import SEMANTIC_CHARS, about_them, lexical_fit
from ..analysis.text import clean_text

# How much closer in meaning (MiniLM cosine of the answer's opening) each answer of the run must
# be to its neighbour's question than to its own. Measured (`rotated_runs` in evals/run.py: runs
# of three answers rotated by a row, whole files scored, on the real answers and our six
# preparation lists): with the word-level condition below, 0.05-0.1 flag none of the 442
# untouched on-topic answers and 0 flags 9; 0.08 keeps a distance from that edge. With it the
# lists' shifted answers caught go from 147 to 190 of 316, the real ones' from 46 to 53 of 84.
SHIFT_MARGIN = 0.08

Side = int  # -1: the answer fits the question before it; +1: the one after


def shifted_rows(reader: Reader, rows: list[tuple[str, str] | None]) -> dict[int, str]:
    """{index: the neighbouring question it fits} for the rows that belong to a shifted run.

    ``rows``: (question, answer) in file order, None for a line that is not a scorable row
    (a run does not cross it). Two consecutive rows form a run when both answers fit the
    question on the same side better than their own, by SHIFT_MARGIN in meaning and at least
    as well in subject words (``lexical_fit``): the second signal keeps rows whose answer names
    its own question's subject out, and keeps the embeddings few.
    """
    # A question about the candidate or the company takes any of their work ("staff engineer
    # for mobile security" fits "why should we hire you?" too): never part of a run.
    known = {k: row for k, row in enumerate(rows) if row is not None and not about_them(row[0])}

    def neighbour(k: int, side: Side) -> tuple[str, str] | None:
        there = known.get(k + side)
        return there if there is not None and there[0] != known[k][0] else None

    candidates: set[tuple[int, Side]] = set()
    for k, (question, answer) in known.items():
        for side in (-1, 1):
            there = neighbour(k, side)
            if there is not None and lexical_fit(reader, there[0], answer) >= lexical_fit(
                reader, question, answer
            ):
                candidates.add((k, side))
    runs = [(k, side) for k, side in candidates if (k + 1, side) in candidates]
    if not runs:
        return {}
    needed = {(k + step, side) for k, side in runs for step in (0, 1)}
    opening = {k: clean_text(known[k][1])[:SEMANTIC_CHARS] for k, _ in needed}
    pairs = [(known[k + side][0], opening[k]) for k, side in needed]
    reader.prefetch(pairs + [(known[k][0], opening[k]) for k, _ in needed])

    def margin(k: int, side: Side) -> float:
        there = reader.similarity(known[k + side][0], opening[k]) or 0.0
        return there - (reader.similarity(known[k][0], opening[k]) or 0.0)

    found: dict[int, str] = {}
    for k, side in runs:
        if margin(k, side) >= SHIFT_MARGIN and margin(k + 1, side) >= SHIFT_MARGIN:
            found[k] = known[k + side][0]
            found[k + 1] = known[k + 1 + side][0]
    return found
