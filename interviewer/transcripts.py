"""Transcript files: reading them (with one-line errors that name the field), upgrading files
from earlier versions, and the JSON and Markdown renderings the CLI prints and exports.

The JSON format is the one `interviewer simulate --json` prints: the transcript's fields, plus a
``scorecard`` when there is one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .bank import Bank
from .errors import InputError
from .markdown import escape, fenced
from .models import TRANSCRIPT_SCHEMA_VERSION, Plan, PlannedQuestion, Transcript
from .scoring.scorecard import Scorecard

_PRINT_ONLY = ("scorecard",)  # keys of the printed format that are not transcript fields


def read_transcript_file(path: str | Path) -> Transcript:
    """Parse a transcript file; InputError with the file, line/column or field on failure."""
    try:
        raw = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    return parse_transcript(raw, str(path))


def parse_transcript(raw: str, source: str = "transcript") -> Transcript:
    """A transcript from JSON text: this version's, or version 1 (files saved by `chat` 0.1)."""
    if not raw.strip():
        raise InputError(f"{source}: the file is empty; expected a transcript in JSON")
    if "\x00" in raw[:4096]:
        raise InputError(f"{source}: this is a binary file, not a transcript in JSON")
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{source}: not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
            " (is the file truncated?)"
        ) from None
    if not isinstance(data, dict):
        raise InputError(f"{source}: expected a JSON object with persona and turns")
    data = {k: v for k, v in data.items() if k not in _PRINT_ONLY}
    version = data.get("schema_version", 1)
    if version == 1:
        data = {**data, "schema_version": TRANSCRIPT_SCHEMA_VERSION}  # same fields, no id yet
    elif version != TRANSCRIPT_SCHEMA_VERSION:
        raise InputError(
            f"{source}: field schema_version: {version!r} is not a version this interviewer "
            f"reads (it reads 1 and {TRANSCRIPT_SCHEMA_VERSION})"
        )
    try:
        return Transcript.model_validate(data)
    except ValidationError as exc:
        raise InputError(f"{source}: not a valid transcript: {describe(exc, data)}") from None


def describe(exc: ValidationError, data: Any) -> str:
    """The first validation error as 'field turns[3].role: must be ...', with no web link."""
    errors = exc.errors(include_url=False)
    e = errors[0]
    where = ""
    for part in e["loc"]:
        where += f"[{part}]" if isinstance(part, int) else (f".{part}" if where else str(part))
    message = e["msg"]
    if e["type"] == "extra_forbidden":
        message = "unknown field (stored data is never silently dropped)"
    more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
    return f"field {where or '(top level)'}: {message}{more}"


def import_plan(bank: Bank, transcript: Transcript) -> Plan:
    """The plan of an imported transcript: the bank questions it asked, in order."""
    planned: list[PlannedQuestion] = []
    for t in transcript.turns:
        q = bank.questions.get(t.question_id or "") if t.role == "interviewer" else None
        if q is not None and t.kind == "question" and all(p.id != q.id for p in planned):
            planned.append(PlannedQuestion(id=q.id, text=q.text, topics=q.topics, why="import"))
    return Plan(
        persona=bank.persona(transcript.persona).id,
        role=transcript.role,
        level=transcript.level,
        questions=planned,
    )


def read_scorecard(path: str | Path) -> Scorecard | None:
    """The scorecard printed with a transcript (`simulate --json`, `export`), if it has one."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8", errors="replace"))
        raw = data.get("scorecard") if isinstance(data, dict) else None
        return Scorecard.model_validate(raw) if raw is not None else None
    except (OSError, ValueError):
        return None


def transcript_json(transcript: Transcript, card: Scorecard | None = None) -> dict[str, Any]:
    """The `simulate --json` shape: the transcript's fields, then the scorecard if any."""
    out: dict[str, Any] = transcript.model_dump(mode="json")
    if card is not None:
        out["scorecard"] = card.model_dump(mode="json")
    return out


def transcript_markdown(transcript: Transcript, card: Scorecard | None = None) -> str:
    """A readable transcript: each turn with its number, then the scorecard if any."""
    lines = [f"# Interview: {transcript.persona}", ""]
    meta = [
        f"session {transcript.id}" if transcript.id else "",
        transcript.role or "",
        transcript.level or "",
    ]
    if any(meta):
        lines += [" · ".join(m for m in meta if m), ""]
    for i, t in enumerate(transcript.turns):
        who = "Interviewer" if t.role == "interviewer" else "Candidate"
        label = f"{who} ({t.kind})" if t.kind not in ("answer", "question") else who
        # The candidate's words exactly as written (code included), inert in any renderer;
        # the interviewer's turns quote them, so they are escaped too.
        text = fenced(t.text) if t.role == "candidate" else _interviewer_md(t.text)
        lines += [f"**[{i}] {label}:**", "", text, ""]
    if transcript.ended_by:
        lines += [f"_Ended by: {transcript.ended_by}_", ""]
    if card is not None:
        lines += ["---", "", card.to_markdown()]
    return "\n".join(lines).rstrip() + "\n"


def _interviewer_md(text: str) -> str:
    """Escaped, keeping the interviewer's paragraphs and bulleted lists."""
    out = []
    for line in text.split("\n"):
        bullet = line.startswith("- ")
        out.append(("- " + escape(line[2:])) if bullet else escape(line))
    return "  \n".join(out)
