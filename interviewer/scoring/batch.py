"""Batch scoring for `interviewer score-answers`: one output line per input line, in order."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from ..analysis import Reader
from .answer import score_answer
from .reuse import REUSE_MIN_WORDS, retold_among, story_words
from .shifts import shifted_rows

CHUNK = 256
MAX_FILE_QUESTIONS = 5000  # a file's own questions kept as off-topic references
# A retold answer is looked for among this many earlier ones (an exact paste among all): a
# candidate's file is a few hundred lines, and comparing every pair of 100,000 would not end.
REUSE_WINDOW = 300
Row = tuple[int, Any | None, str | None]


def score_answer_lines(
    rows: Iterable[Row], max_chars: int = 6000, reader: Reader | None = None
) -> Iterator[dict[str, Any]]:
    """Score parsed JSONL rows in order; a bad row yields an error line naming its line number.

    Rows go in chunks: a first pass defers the few embedding look-ups the relevance check
    needs, one batched embedding call answers them, and only those rows are scored again.
    The file's own questions (those read so far) join the bank's as references for the
    off-topic test: an answer filed under the wrong question fits its neighbour best.
    """
    reader = reader or Reader()
    questions: dict[str, None] = {}
    stories = _Stories(reader)
    chunk: list[Row] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield from _score_chunk(
                chunk, max_chars, _with_file_questions(reader, chunk, questions), stories
            )
            chunk = []
    if chunk:
        yield from _score_chunk(
            chunk, max_chars, _with_file_questions(reader, chunk, questions), stories
        )


class _Stories:
    """The file's answers so far, to find one told again under a different question."""

    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        # (story words, the question the story was first told for): a retelling keeps its
        # first question, so a story reused twice under one other question is caught twice
        self.recent: list[tuple[frozenset[str], str]] = []
        self.exact: dict[frozenset[str], str] = {}  # story words -> the first question

    def told_before(self, question: str, answer: str) -> bool:
        """Whether this answer retells one given earlier in the file to a different question
        (and never before to this one: the same row twice is no reuse). Questions are
        compared without case, spacing or punctuation."""
        asked_now = _question_key(question)
        tokens = story_words(self.reader, answer)
        origins = retold_among(tokens, self.recent)
        first = self.exact.get(tokens)
        if first is None:
            self.exact[tokens] = asked_now
        elif len(tokens) >= REUSE_MIN_WORDS:  # pasted before, and long enough to be a story
            origins.add(first)
        again = bool(origins) and asked_now not in origins
        origin = min(origins) if again else asked_now
        self.recent.append((tokens, origin))
        del self.recent[:-REUSE_WINDOW]
        return again


def _question_key(question: str) -> str:
    return " ".join(re.findall(r"\w+", question.casefold()))


def _with_file_questions(reader: Reader, chunk: list[Row], seen: dict[str, None]) -> Reader:
    for _, obj, _ in chunk:
        question = obj.get("question") if isinstance(obj, dict) else None
        if isinstance(question, str) and question.strip() and len(seen) < MAX_FILE_QUESTIONS:
            seen[question] = None
    return reader.with_questions(list(seen))


def _score_chunk(
    chunk: list[Row], max_chars: int, reader: Reader, stories: _Stories
) -> list[dict[str, Any]]:
    repeated = [_told_before(stories, obj) for _, obj, _ in chunk]  # in file order, once
    with reader.deferring() as (view, pending):
        out, redo = [], []
        for i, row in enumerate(chunk):
            before = len(pending)
            out.append(_score_row(*row, max_chars=max_chars, reader=view, repeated=repeated[i]))
            if len(pending) > before:
                redo.append(i)
    if redo:
        reader.prefetch(pending)
        for i in redo:
            out[i] = _score_row(*chunk[i], max_chars=max_chars, reader=reader, repeated=repeated[i])
    rows = [
        _pair(obj) if "error" not in line else None
        for line, (_, obj, _) in zip(out, chunk, strict=True)
    ]
    for i, neighbour in shifted_rows(reader, rows).items():
        # on topic until now, or off topic already (then the feedback gains the question it
        # seems to answer); a retold, empty or noisy answer keeps what it was flagged for
        if not _OTHER_FAULTS.intersection(out[i].get("flags", ())):
            out[i] = _score_row(
                *chunk[i],
                max_chars=max_chars,
                reader=reader,
                repeated=repeated[i],
                fits_neighbour=neighbour,
            )
    return out


# Flags a misplaced row keeps instead of ``fits_neighbour``.
_OTHER_FAULTS = frozenset({"repeated_answer", "empty", "noise", "evasive", "not_english"})


def _pair(obj: Any | None) -> tuple[str, str] | None:
    """(question, answer) of a row that was scored, else None."""
    if not isinstance(obj, dict):
        return None
    question, answer = obj.get("question"), obj.get("answer")
    if isinstance(question, str) and isinstance(answer, str) and answer.strip():
        return question, answer
    return None


def _told_before(stories: _Stories, obj: Any | None) -> bool:
    if not isinstance(obj, dict):
        return False
    question, answer = obj.get("question"), obj.get("answer")
    if not isinstance(question, str) or not isinstance(answer, str) or not question.strip():
        return False
    return stories.told_before(question, answer)


def _score_row(
    number: int,
    obj: Any | None,
    error: str | None,
    max_chars: int,
    reader: Reader,
    repeated: bool = False,
    fits_neighbour: str | None = None,
) -> dict[str, Any]:
    if error:
        return {"id": None, "line": number, "error": error}
    if not isinstance(obj, dict):
        return {"id": None, "line": number, "error": f"line {number}: expected a JSON object"}
    item_id = obj.get("id")
    question, answer = obj.get("question"), obj.get("answer")
    for field, value in (("question", question), ("answer", answer)):
        if field not in obj:
            return {
                "id": item_id,
                "line": number,
                "error": f"line {number}: field {field!r} is missing",
            }
        if not isinstance(value, str):
            return {
                "id": item_id,
                "line": number,
                "error": f"line {number}: field {field!r} must be a string",
            }
    assert isinstance(question, str) and isinstance(answer, str)  # checked just above
    if not question.strip():
        return {"id": item_id, "line": number, "error": f"line {number}: field 'question' is empty"}
    kind = obj.get("kind") if isinstance(obj.get("kind"), str) else None
    score = score_answer(
        question,
        answer,
        kind=kind,
        max_chars=max_chars,
        check_short=False,
        reader=reader,
        repeated=repeated,
        fits_neighbour=fits_neighbour,
    )
    line = score.to_line(item_id)
    return {**line, "line": number}
