"""Batch scoring for `interviewer score-answers`: one output line per input line, in order."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from ..analysis import Reader
from .answer import score_answer

CHUNK = 256
MAX_FILE_QUESTIONS = 5000  # a file's own questions kept as off-topic references
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
    chunk: list[Row] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield from _score_chunk(
                chunk, max_chars, _with_file_questions(reader, chunk, questions)
            )
            chunk = []
    if chunk:
        yield from _score_chunk(chunk, max_chars, _with_file_questions(reader, chunk, questions))


def _with_file_questions(reader: Reader, chunk: list[Row], seen: dict[str, None]) -> Reader:
    for _, obj, _ in chunk:
        question = obj.get("question") if isinstance(obj, dict) else None
        if isinstance(question, str) and question.strip() and len(seen) < MAX_FILE_QUESTIONS:
            seen[question] = None
    return reader.with_questions(list(seen))


def _score_chunk(chunk: list[Row], max_chars: int, reader: Reader) -> list[dict[str, Any]]:
    with reader.deferring() as (view, pending):
        out, redo = [], []
        for i, row in enumerate(chunk):
            before = len(pending)
            out.append(_score_row(*row, max_chars=max_chars, reader=view))
            if len(pending) > before:
                redo.append(i)
    if redo:
        reader.prefetch(pending)
        for i in redo:
            out[i] = _score_row(*chunk[i], max_chars=max_chars, reader=reader)
    return out


def _score_row(
    number: int, obj: Any | None, error: str | None, max_chars: int, reader: Reader
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
        question, answer, kind=kind, max_chars=max_chars, check_short=False, reader=reader
    )
    line = score.to_line(item_id)
    return {**line, "line": number}
