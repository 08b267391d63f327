"""Batch scoring for `interviewer score-answers`: one output line per input line, in order."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from .answer import score_answer


def score_answer_lines(
    rows: Iterable[tuple[int, Any | None, str | None]], max_chars: int = 6000
) -> Iterator[dict[str, Any]]:
    """Score parsed JSONL rows; a bad row yields an error line naming its line number."""
    for number, obj, error in rows:
        if error:
            yield {"id": None, "line": number, "error": error}
            continue
        if not isinstance(obj, dict):
            yield {"id": None, "line": number, "error": f"line {number}: expected a JSON object"}
            continue
        item_id = obj.get("id")
        question, answer = obj.get("question"), obj.get("answer")
        bad = [k for k, v in (("question", question), ("answer", answer)) if not isinstance(v, str)]
        if bad:
            yield {
                "id": item_id,
                "line": number,
                "error": f"line {number}: field {bad[0]!r} must be a string",
            }
            continue
        if not question.strip():
            yield {
                "id": item_id,
                "line": number,
                "error": f"line {number}: field 'question' is empty",
            }
            continue
        score = score_answer(
            question,
            answer,
            kind=obj.get("kind") if isinstance(obj.get("kind"), str) else None,
            max_chars=max_chars,
        )
        yield score.to_line(item_id)
