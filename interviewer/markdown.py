"""Writing candidate text into Markdown so that it shows literally and can do nothing.

Candidate text may hold HTML, scripts, links, images or code fences. In Markdown exports it is
either fenced (``fenced``: a code block whose fence is longer than any backtick run inside, so
the text, code blocks included, shows exactly as written) or, inline, put in a code span
(``code_span``) or backslash-escaped (``escape``: CommonMark reads ``\\<`` as a literal ``<``).
"""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>&])")
_BACKTICKS = re.compile(r"`+")


def escape(text: str) -> str:
    """Inline text with every Markdown and HTML character escaped; newlines become spaces."""
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


def code_span(text: str, in_table: bool = False) -> str:
    """``text`` as an inline code span (shown literally); pipes escaped inside a table cell."""
    text = " ".join(text.split())
    longest = max((len(m) for m in _BACKTICKS.findall(text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    body = text.replace("|", "\\|") if in_table else text
    return f"{fence}{pad}{body}{pad}{fence}"


def fenced(text: str) -> str:
    """``text`` as a fenced code block, exactly as written (its own fences included)."""
    longest = max((len(m) for m in _BACKTICKS.findall(text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text}\n{fence}"


_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~])")


def for_terminal(markdown: str) -> str:
    """Markdown made for reading in a terminal: backslash escapes removed ("1\\.5" -> "1.5").

    The Markdown stays as is for files and the web; a terminal shows it raw, where escapes are
    noise."""
    return _ESCAPED.sub(r"\1", markdown)
