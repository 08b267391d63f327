"""Small text utilities: cleaning, sentence spans, tokens and a light stemmer.

Sentences are kept as character spans into the original text, so every quote the analyser
reports is an exact substring of what the candidate wrote.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import snowballstemmer

# Terminal escape sequences, removed whole (a pasted "\x1b[31m" must not leave "[31m" behind):
# CSI (ESC [ ... final byte), OSC (ESC ] ... BEL or ESC \\), and two-byte escapes (ESC x).
_ESCAPE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x9b[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]"
)
# Control characters, zero-width space, LRM/RLM and bidi overrides; ZWJ/ZWNJ stay (emoji, scripts).
_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
# Lone UTF-16 surrogates ("\ud800" in a JSON string is legal JSON): not text, and the tokenizer
# refuses them, so each becomes the replacement character.
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n\s*(?:[-*\u2022]\s+|\d+[.)]\s+)?|\s+(?=[-*\u2022]\s)")
_WORD = re.compile(r"[a-z0-9][a-z0-9+#./'-]*[a-z0-9+#]|[a-z0-9]", re.IGNORECASE)


def without_surrogates(text: str) -> str:
    """``text`` with each lone UTF-16 surrogate replaced by U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)


def clean_text(text: str) -> str:
    """Normalise unicode (NFC), drop terminal escapes, control and bidi characters, replace
    lone surrogates, trim.

    Newlines and tabs are kept; they carry structure (lists, paragraphs).
    """
    text = unicodedata.normalize("NFC", without_surrogates(text))
    text = _ESCAPE.sub("", text)
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


# Irregular verb forms Snowball leaves alone: "left" out of a take-home is "leave".
IRREGULAR: Mapping[str, str] = MappingProxyType(
    dict(
        pair.split(":")
        for pair in (
            "left:leave chose:choose chosen:choose built:build ran:run wrote:write "
            "written:write made:make took:take taken:take found:find gave:give given:give "
            "led:lead kept:keep brought:bring caught:catch drove:drive driven:drive fell:fall "
            "felt:feel held:hold lost:lose met:meet paid:pay sent:send sold:sell spent:spend "
            "spoke:speak spoken:speak taught:teach won:win broke:break broken:break grew:grow "
            "grown:grow thought:think knew:know known:know began:begin begun:begin came:come "
            "became:become understood:understand went:go gone:go saw:see seen:see got:get "
            "gotten:get drew:draw drawn:draw threw:throw thrown:throw rose:rise risen:rise "
            "hid:hide hidden:hide froze:freeze frozen:freeze shook:shake stole:steal "
            "forgot:forget forgotten:forget bought:buy fought:fight sought:seek dealt:deal "
            "meant:mean ate:eat"
        ).split()
    )
)


def stem(word: str) -> str:
    """Snowball (Porter 2) stem of one word, uncached: cache/caching/cached all become 'cach'.

    For building word lists at import time; hot paths use a ``Stemmer`` owned by a ``Reader``.
    """
    lower = word.lower()
    stemmed: str = snowballstemmer.stemmer("english").stemWord(IRREGULAR.get(lower, lower))
    return stemmed


@dataclass
class Stemmer:
    """A cached Snowball stemmer that many threads may share.

    Snowball stemmer objects keep the word being stemmed on the instance, so one must never be
    used by two threads at once: misses take a lock, hits are plain dict reads. Stems are a pure
    function of the word, so clearing the cache (when it grows past ``max_size``) changes no result.
    """

    max_size: int = 200_000
    _cache: dict[str, str] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _stemmer: object = field(default_factory=lambda: snowballstemmer.stemmer("english"), repr=False)

    def __call__(self, word: str) -> str:
        found = self._cache.get(word)
        if found is not None:
            return found
        with self._lock:
            if len(self._cache) >= self.max_size:
                self._cache.clear()
            lower = word.lower()
            result: str = self._stemmer.stemWord(IRREGULAR.get(lower, lower))  # type: ignore[attr-defined]
            self._cache[word] = result
        return result
