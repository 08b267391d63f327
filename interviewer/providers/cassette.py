"""Record and replay provider calls: a cassette of request/response pairs in a JSONL file.

``RecordingProvider`` wraps any provider, passes every call through and appends one line per
call to the cassette; ``ReplayProvider`` serves those lines back with no model and no network,
keyed by ``request_key(prompt, model)``: the sha256 of the request's canonical JSON (purpose,
messages, json_schema and model name; not the draft or context, which never reach a model).

One cassette line (``CassetteEntry``, JSON, UTF-8, keys sorted)::

    {"chunks": ["Hel", "lo"], "error": null, "key": "<64 hex>", "mode": "stream",
     "model": null, "provider": "openai", "request": {"json_schema": null, "messages": [...],
     "model": "gpt-4o", "purpose": "interviewer_turn"}, "text": "Hello", "usage": null,
     "version": 1}

``mode`` is ``execute`` or ``stream`` (then ``chunks`` holds the streamed pieces in order); a
failed call is recorded with ``error`` and replayed as a ProviderError; an ``execute`` reply keeps
the model it named and the token ``usage`` the server reported, so replayed costs match. The same request recorded
several times is replayed in recording order, the last one repeating. Secrets never reach the
file: anything that looks like an API key or an authorization header (``sk-...``,
``Bearer ...``, ``x-api-key: ...``) is replaced by ``[REDACTED]`` in requests and responses.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import InputError, ProviderError
from .base import Prompt, Provider, Response, Usage

if TYPE_CHECKING:
    from ..config import Settings

CASSETTE_VERSION = 1
REDACTED = "[REDACTED]"
_SECRET = re.compile(
    r"\b(?:sk|pk|rk)-[A-Za-z0-9_\-]{8,}"  # OpenAI / Anthropic (sk-ant-...) style keys
    r"|\bBearer\s+[A-Za-z0-9._~+/=\-]{8,}"  # authorization headers
    r"|\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"  # AWS access key ids
    r"|\bAIza[0-9A-Za-z_\-]{30,}"  # Google API keys
    r"|\b(?:gh[pousr]|github_pat)_[A-Za-z0-9_]{20,}"  # GitHub tokens
    r"|(?i:\b\w*?(?:x-api-key|api[_-]?key|access[_-]?token|secret[_-]?key|authorization)\b[\"']?\s*[:=]\s*[\"']?)"
    r"(?:(?i:bearer|basic|token)\s+)?[^\s\"',;]+",
)


def redact(text: str) -> str:
    """``text`` with anything that looks like a key or an authorization header replaced."""

    def keep_label(match: re.Match[str]) -> str:
        found = match.group(0)
        label = re.match(
            r"(?i)\w*?(?:x-api-key|api[_-]?key|access[_-]?token|secret[_-]?key|authorization)[\"']?\s*[:=]\s*[\"']?",
            found,
        )
        return (label.group(0) if label else "") + REDACTED

    return _SECRET.sub(keep_label, text)


def _redact_value(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [_redact_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _redact_value(v) for k, v in value.items()}
    return value


def request_body(prompt: Prompt, model: str | None) -> dict[str, Any]:
    """What identifies a request: purpose, messages (role, content), json_schema, model."""
    return {
        "purpose": prompt.purpose,
        "messages": [m.model_dump() for m in prompt.messages],
        "json_schema": prompt.json_schema,
        "model": model,
    }


def request_key(prompt: Prompt, model: str | None = None) -> str:
    """sha256 hex of the request's canonical JSON (sorted keys, no spaces, UTF-8)."""
    canonical = json.dumps(
        request_body(prompt, model), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class CassetteEntry(BaseModel):
    """One recorded call (one line of the cassette)."""

    model_config = ConfigDict(extra="forbid")

    version: int = CASSETTE_VERSION
    key: str = Field(description="request_key of the request (taken before redaction).")
    mode: Literal["execute", "stream"]
    request: dict[str, Any] = Field(description="request_body, redacted.")
    provider: str = Field(description="Name of the recorded provider.")
    text: str = Field(default="", description="The whole reply (the chunks joined), redacted.")
    chunks: list[str] = Field(default_factory=list, description="Streamed pieces, in order.")
    error: str | None = Field(default=None, description="The ProviderError message, if it failed.")
    model: str | None = Field(default=None, description="The model the reply named, if any.")
    usage: Usage | None = Field(default=None, description="Token counts the server reported.")


class CassetteMiss(ProviderError):
    """The replayed cassette has no recording of this request; the message names its key and
    the closest recorded request with what differs."""

    def __init__(self, message: str, key: str) -> None:
        super().__init__(message)
        self.key = key


def _model_of(provider: Provider) -> str | None:
    return provider.settings.model if provider.settings is not None else None


class RecordingProvider(Provider):
    """Passes every call to ``inner`` and appends it to the cassette at ``path``.

    Thread-safe; each call is one ``write`` of one line, flushed. ``model`` (default: the inner
    provider's ``settings.model``) is part of the key. Streams are passed through chunk by chunk
    and recorded once they end (or fail).
    """

    name = "record"

    def __init__(self, inner: Provider, path: Path, model: str | None = None) -> None:
        super().__init__(inner.settings)
        self.inner = inner
        self.path = Path(path)
        self.model = model if model is not None else _model_of(inner)
        self._lock = threading.Lock()

    def _write(self, prompt: Prompt, mode: Literal["execute", "stream"], **reply: Any) -> None:
        usage = reply.pop("usage", None)
        reply = _redact_value(reply)
        if "".join(reply.get("chunks", [])) != reply.get("text", ""):
            reply["chunks"] = [reply["text"]]  # a secret split across chunks: keep it whole
        entry = CassetteEntry(
            key=request_key(prompt, self.model),
            mode=mode,
            request=_redact_value(request_body(prompt, self.model)),
            provider=self.inner.name,
            usage=usage,
            **reply,
        )
        line = json.dumps(entry.model_dump(), sort_keys=True, ensure_ascii=False) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as f:
                f.write(line)

    def execute(self, prompt: Prompt) -> Response:
        try:
            response = self.inner.execute(prompt)
        except ProviderError as exc:
            self._write(prompt, "execute", error=str(exc))
            raise
        self._write(
            prompt, "execute", text=response.text, model=response.model, usage=response.usage
        )
        return response

    def stream(self, prompt: Prompt) -> Iterator[str]:
        chunks: list[str] = []
        try:
            for chunk in self.inner.stream(prompt):
                chunks.append(chunk)
                yield chunk
        except ProviderError as exc:
            self._write(prompt, "stream", chunks=chunks, text="".join(chunks), error=str(exc))
            raise
        self._write(prompt, "stream", chunks=chunks, text="".join(chunks))


def load_cassette(path: Path) -> list[CassetteEntry]:
    """Every entry of a cassette file, in order. Raises InputError naming the line of a bad one."""
    entries = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise InputError(
            f"no cassette at {path}: record one first (INTERVIEWER_PROVIDER=record), or set "
            "INTERVIEWER_CASSETTE to the file you recorded"
        ) from None
    except OSError as exc:
        raise InputError(f"cannot read the cassette {path}: {exc.strerror or exc}") from exc
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            entries.append(CassetteEntry.model_validate_json(line))
        except ValidationError as exc:
            raise InputError(f"{path}:{number}: not a cassette entry: {exc}") from exc
    return entries


def _snippet(text: str, at: int, width: int = 60) -> str:
    start = max(0, at - width // 3)
    piece = text[start : start + width]
    return ("..." if start else "") + piece + ("..." if start + width < len(text) else "")


def diff_hint(wanted: dict[str, Any], recorded: dict[str, Any]) -> str:
    """What differs between two request bodies, first difference first, in one line."""
    for field in ("purpose", "model", "json_schema"):
        if wanted.get(field) != recorded.get(field):
            return f"{field} differs: recorded {recorded.get(field)!r}, requested {wanted.get(field)!r}"
    ours, theirs = wanted.get("messages", []), recorded.get("messages", [])
    for i, (a, b) in enumerate(zip(ours, theirs, strict=False)):
        if a == b:
            continue
        if a.get("role") != b.get("role"):
            return (
                f"message {i} role differs: recorded {b.get('role')!r}, requested {a.get('role')!r}"
            )
        x, y = str(a.get("content", "")), str(b.get("content", ""))
        at = next(
            (j for j, (c, d) in enumerate(zip(x, y, strict=False)) if c != d), min(len(x), len(y))
        )
        return (
            f"message {i} ({a.get('role')}) differs at character {at}: "
            f"recorded {_snippet(y, at)!r}, requested {_snippet(x, at)!r}"
        )
    if len(ours) != len(theirs):
        return f"message count differs: recorded {len(theirs)}, requested {len(ours)}"
    return "the requests differ only in secrets that were redacted when recording"


class ReplayProvider(Provider):
    """Serves a cassette: the recorded reply for each request, no model, no network.

    ``stream`` yields the recorded chunks (a call recorded with ``execute`` streams as one
    chunk); a recorded failure raises ProviderError again. A request never recorded raises
    CassetteMiss with its key and a diff hint against the closest recording. Thread-safe.
    """

    name = "replay"

    def __init__(
        self, path: Path, model: str | None = None, settings: Settings | None = None
    ) -> None:
        super().__init__(settings)
        self.path = Path(path)
        self.model = model if model is not None else (settings.model if settings else None)
        self.entries = load_cassette(self.path)
        self._by_key: dict[str, list[CassetteEntry]] = {}
        for entry in self.entries:
            self._by_key.setdefault(entry.key, []).append(entry)
        self._served: dict[str, int] = {}
        self._lock = threading.Lock()

    def _entry(self, prompt: Prompt) -> CassetteEntry:
        key = request_key(prompt, self.model)
        with self._lock:
            found = self._by_key.get(key)
            if found:
                n = self._served.get(key, 0)
                self._served[key] = n + 1
                return found[min(n, len(found) - 1)]
        raise self._miss(prompt, key)

    def _miss(self, prompt: Prompt, key: str) -> CassetteMiss:
        wanted = _redact_value(request_body(prompt, self.model))
        message = f"no recording of request {key} in {self.path} ({len(self.entries)} recorded)"
        if not self.entries:
            return CassetteMiss(message, key)
        text = json.dumps(wanted, sort_keys=True, ensure_ascii=False)

        def closeness(entry: CassetteEntry) -> tuple[bool, float]:
            other = json.dumps(entry.request, sort_keys=True, ensure_ascii=False)
            same_purpose = entry.request.get("purpose") == wanted["purpose"]
            return same_purpose, difflib.SequenceMatcher(None, text, other, autojunk=False).ratio()

        closest = max(self.entries, key=closeness)
        hint = diff_hint(wanted, closest.request)
        return CassetteMiss(f"{message}; closest is {closest.key[:12]}...: {hint}", key)

    def execute(self, prompt: Prompt) -> Response:
        entry = self._entry(prompt)
        if entry.error is not None:
            raise ProviderError(entry.error)
        return Response(text=entry.text, provider=self.name, model=entry.model, usage=entry.usage)

    def stream(self, prompt: Prompt) -> Iterator[str]:
        entry = self._entry(prompt)
        yield from entry.chunks if entry.mode == "stream" else [entry.text]
        if entry.error is not None:
            raise ProviderError(entry.error)


def cassette_path(settings: Settings) -> Path:
    """``settings.cassette``, or by default ``<home>/cassettes/<model or 'default'>.jsonl``."""
    if settings.cassette is not None:
        return Path(settings.cassette).expanduser()
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", settings.model or "default")
    return Path(settings.home).expanduser() / "cassettes" / f"{name}.jsonl"


def record_provider(
    settings: Settings, inner: Provider | None = None, path: Path | None = None
) -> RecordingProvider:
    """Factory for the name ``record``: wraps ``inner`` (default: the offline provider) and
    records to ``path`` (default ``cassette_path(settings)``)."""
    if inner is None:
        from .offline import OfflineProvider

        inner = OfflineProvider(settings)
    return RecordingProvider(inner, path or cassette_path(settings), settings.model)


def replay_provider(settings: Settings, path: Path | None = None) -> ReplayProvider:
    """Factory for the name ``replay``: serves ``path`` (default ``cassette_path(settings)``)."""
    return ReplayProvider(path or cassette_path(settings), settings.model, settings)
