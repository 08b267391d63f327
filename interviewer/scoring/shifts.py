"""Answers misplaced by a row in a file: shifted runs and swapped neighbours.

Preparation documents get misaligned: one answer pasted a line too high or too low, and every
answer after it sits under the question before or after its own; or two neighbours trade
places. The raters' two real off-topic answers were such a pair. One answer that fits the next
question a little better proves little (neighbouring questions share vocabulary), but two
consecutive answers that both fit the question on the same side better (a shift), or that each
fit the other's question better (a swap), in meaning and in words, are misplaced. Used by
`score-answers` only: a live interview has no file order.
"""

from __future__ import annotations

from ..analysis import Reader
from ..analysis.question_forms import about_them
from ..analysis.relevance import SEMANTIC_CHARS, answer_terms, lexical_fit
from ..analysis.text import clean_text

# How much better each answer of the run must fit its neighbour's question than its own
# (``Reader.fit`` of the answer's opening). Measured (`rotated_runs` in evals/run.py: runs of
# three answers rotated by a row, whole files scored, on the real answers and our six
# preparation lists): with plain cosine and the word-level condition below, 0.05-0.1 flagged
# none of the 442 untouched on-topic answers and 0 flagged 9; 0.08 kept a distance from that
# edge. Through the question adapter 0.07 (0.93 of it, as for relevance's margins).
SHIFT_MARGIN = 0.07

# Questions this close (MiniLM cosine) are two wordings of one question as far as a swap goes.
# Measured on neighbouring questions of our six lists: the writers' "same question" pairs have
# a median of 0.33-0.52, their distinct pairs 0.13-0.25 with nine in ten below 0.39-0.49.
PARAPHRASE = 0.5

Side = int  # -1: the answer fits the question before it; +1: the one after


def shifted_rows(reader: Reader, rows: list[tuple[str, str] | None]) -> dict[int, str]:
    """{index: the neighbouring question it fits} for the rows of a shifted run or a swap.

    ``rows``: (question, answer) in file order, None for a line that is not a scorable row
    (a run does not cross it). Two consecutive rows form a run when both answers fit the
    question on the same side better than their own, and a swap when each fits the other's
    question better: by SHIFT_MARGIN in meaning and at least as well in subject words
    (``lexical_fit``). The second signal keeps rows whose answer names its own question's
    subject out, and keeps the embeddings few. Swaps are taken first, and two questions closer
    than PARAPHRASE are never a swap.
    """
    # A question about the candidate or the company takes any of their work ("staff engineer
    # for mobile security" fits "why should we hire you?" too): never part of a run.
    known = {k: row for k, row in enumerate(rows) if row is not None and not about_them(row[0])}

    def neighbour(k: int, side: Side) -> tuple[str, str] | None:
        there = known.get(k + side)
        return there if there is not None and there[0] != known[k][0] else None

    candidates: set[tuple[int, Side]] = set()
    for k, (question, answer) in known.items():
        sides = [(side, there) for side in (-1, 1) if (there := neighbour(k, side)) is not None]
        if not sides:
            continue
        terms = answer_terms(reader, answer)  # once per answer, for up to three questions
        own = lexical_fit(reader, question, terms)
        candidates.update(
            (k, side) for side, there in sides if lexical_fit(reader, there[0], terms) >= own
        )
    runs = [(k, side) for k, side in candidates if (k + 1, side) in candidates]
    # Two neighbours swapped: each answer fits the other's question.
    swaps = [k for k, side in candidates if side == 1 and (k + 1, -1) in candidates]
    if not runs and not swaps:
        return {}
    needed = {(k + step, side) for k, side in runs for step in (0, 1)}
    needed |= {(k, 1) for k in swaps} | {(k + 1, -1) for k in swaps}
    opening = {k: clean_text(known[k][1])[:SEMANTIC_CHARS] for k, _ in needed}
    pairs = [(known[k + side][0], opening[k]) for k, side in needed]
    reader.prefetch(pairs + [(known[k][0], opening[k]) for k, _ in needed])

    def margin(k: int, side: Side) -> float:
        there = reader.fit(known[k + side][0], opening[k]) or 0.0
        return there - (reader.fit(known[k][0], opening[k]) or 0.0)

    def paraphrase(k: int, side: Side) -> bool:
        # Two wordings of one question ("a problem you faced and how you approached it", "how
        # do you approach tough problems?") each take the other's answer: not a swap. (Runs
        # need it less: the same side twice is rarer; measured, it cost 8 of 196 caught there
        # and removed no false flag.)
        return (reader.similarity(known[k][0], known[k + side][0]) or 0.0) >= PARAPHRASE

    found: dict[int, str] = {}
    for k in swaps:
        if margin(k, 1) < SHIFT_MARGIN or margin(k + 1, -1) < SHIFT_MARGIN:
            continue
        if paraphrase(k, 1):
            continue
        found[k], found[k + 1] = known[k + 1][0], known[k][0]
    swapped = set(found)
    for k, side in runs:
        if {k, k + 1} & swapped:
            continue  # a swap explains these rows; a run through them would take their neighbour too
        if margin(k, side) >= SHIFT_MARGIN and margin(k + 1, side) >= SHIFT_MARGIN:
            found[k] = known[k + side][0]
            found[k + 1] = known[k + 1 + side][0]
    return found
