"""Small text utilities: cleaning, sentence spans, tokens and a light stemmer.

Sentences are kept as character spans into the original text, so every quote the analyser
reports is an exact substring of what the candidate wrote.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

# Control characters, zero-width space, LRM/RLM and bidi overrides; ZWJ/ZWNJ stay (emoji, scripts).
_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n\s*(?:[-*\u2022]\s+|\d+[.)]\s+)?|\s+(?=[-*\u2022]\s)")
_WORD = re.compile(r"[a-z0-9][a-z0-9+#./'-]*[a-z0-9+#]|[a-z0-9]", re.IGNORECASE)


def clean_text(text: str) -> str:
    """Normalise unicode (NFC), drop control and bidi characters, trim outer whitespace.

    Newlines and tabs are kept; they carry structure (lists, paragraphs).
    """
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.strip()


@dataclass(frozen=True)
class Sentence:
    """One sentence: its span in the original text and its lowercase word tokens."""

    start: int
    end: int
    text: str
    words: tuple[str, ...]


def split_sentences(text: str) -> list[Sentence]:
    """Split into sentences (also on newlines and list bullets), keeping exact spans."""
    out: list[Sentence] = []
    pos = 0
    for match in _SENTENCE_END.finditer(text):
        _append(out, text, pos, match.start())
        pos = match.end()
    _append(out, text, pos, len(text))
    return out


def _append(out: list[Sentence], text: str, start: int, end: int) -> None:
    chunk = text[start:end]
    stripped = chunk.strip(" \t\n-*\u2022")
    if not stripped:
        return
    offset = start + chunk.index(stripped)
    out.append(
        Sentence(
            offset,
            offset + len(stripped),
            stripped,
            tuple(w.lower().strip("'") for w in _WORD.findall(stripped)),
        )
    )


def words(text: str) -> list[str]:
    return [w.lower().strip("'") for w in _WORD.findall(text)]


_STEMMER = snowballstemmer.stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Snowball (Porter 2) stem, cached: cache/caching/cached all become 'cach'."""
    return _STEMMER.stemWord(word.lower())
