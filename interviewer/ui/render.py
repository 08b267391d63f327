"""Safe rendering of candidate text for the web page. Pure functions; no gradio import.

Candidate text is data: HTML, script tags, ``javascript:`` links and markdown image tricks must
show as text and never run or load. Everything a candidate wrote goes through ``escape_text``
(for markdown surfaces such as the chat) or ``highlight`` (for HTML surfaces).
"""

from __future__ import annotations

import html
import re

from ..models import Transcript
from ..scoring.scorecard import Scorecard

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#!|~>])")
# "." "-" "+" only make structure at the start of a line ("1. ", "- "); escaping them inside
# words would show backslashes in URLs and version numbers.
_AUTOLINK = re.compile(r"(?i)\b(https?|ftp|mailto|javascript|data|file|vbscript):")
_LINE_START = re.compile(r"^(\s*)(\d+)\.(?=\s)|^(\s*)([-+])(?=\s)", re.MULTILINE)


def escape_text(text: str) -> str:
    """Show ``text`` literally in a markdown surface: HTML entities, markdown escaped."""
    escaped = html.escape(text, quote=False)
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", escaped)
    # No autolinks: a URL a candidate typed shows as text, not as a link (and a backslash
    # escape inside it would otherwise end up in the link target).
    escaped = _AUTOLINK.sub(lambda m: m.group(1) + "&#58;", escaped)
    escaped = re.sub(r"(?i)\bwww\.", "www&#46;", escaped)
    escaped = _LINE_START.sub(
        lambda m: f"{m.group(1)}{m.group(2)}\\." if m.group(2) else f"{m.group(3)}\\{m.group(4)}",
        escaped,
    )
    # Line starts that markdown reads as structure ("1. ", "    code") stay text.
    return escaped.replace("\n", "  \n")


def highlight(text: str, quotes: list[str], css_class: str = "evidence") -> str:
    """HTML of ``text`` (escaped) with every verbatim occurrence of a quote in <mark>."""
    spans: list[tuple[int, int]] = []
    for quote in sorted({q for q in quotes if q.strip()}, key=len, reverse=True):
        start = text.find(quote)
        while start != -1:
            end = start + len(quote)
            if not any(s < end and start < e for s, e in spans):
                spans.append((start, end))
            start = text.find(quote, end)
    out, pos = [], 0
    for start, end in sorted(spans):
        out.append(html.escape(text[pos:start]))
        out.append(f'<mark class="{css_class}">{html.escape(text[start:end])}</mark>')
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out).replace("\n", "<br>")


def evidence_by_turn(card: Scorecard | None) -> dict[int, list[str]]:
    """Turn index -> quotes the scorecard cites from that turn."""
    found: dict[int, list[str]] = {}
    if card is None:
        return found
    for criterion in card.criteria:
        for e in criterion.evidence:
            found.setdefault(e.turn, []).append(e.quote)
    return found


def transcript_html(transcript: Transcript, card: Scorecard | None = None) -> str:
    """The whole transcript as HTML, candidate evidence highlighted, every text escaped."""
    quotes = evidence_by_turn(card)
    rows = []
    for i, turn in enumerate(transcript.turns):
        who = "Interviewer" if turn.role == "interviewer" else "You"
        label = turn.kind.replace("_", " ")
        kind = "" if turn.kind in ("question", "answer") else f" · {html.escape(label)}"
        body = highlight(turn.text, quotes.get(i, []))
        rows.append(
            f'<div class="turn {turn.role}" data-turn="{i}">'
            f'<div class="who">[{i}] {who}{kind}</div><div class="text">{body}</div></div>'
        )
    return '<div class="transcript">' + "".join(rows) + "</div>"


def criteria_rows(
    card: Scorecard, effective: dict[str, float | None] | None = None
) -> list[dict[str, object]]:
    """Rows for a bar chart: one per criterion with a score (insufficient evidence left out)."""
    rows = []
    for c in card.criteria:
        score = (effective or {}).get(c.id, c.score)
        if score is not None:
            rows.append({"criterion": c.name, "score": float(score)})
    return rows
