"""What the model providers share: where calls go, bounded retries, and SDK errors translated.

``run_with_retries`` and ``stream_with_retries`` make at most ``max_retries + 1`` attempts,
waiting ``backoff * 2**n`` seconds between them (at most 8 s, minus up to 25% jitter), or a
429's ``Retry-After`` when the server gives one (up to 30 s; a longer wait is given up at once).
Only errors whose ``retryable`` is true are retried. The SDKs' own retries are switched off
(``max_retries=0``) so that attempts are counted here, the same way for both SDKs, and so that a
malformed, cut or empty reply is retried like a 5xx. ``translate_sdk_error`` turns an SDK or
transport exception into one of the ``ProviderError`` subclasses with a one-line message that
says what to set, install or start.
"""

from __future__ import annotations

import random
import socket
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from types import ModuleType
from typing import Any, TypeVar
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field

from ..errors import (
    ProviderBadResponse,
    ProviderError,
    ProviderNotConfigured,
    ProviderRateLimited,
    ProviderRejected,
    ProviderTimeout,
    ProviderUnavailable,
)

T = TypeVar("T")
MAX_BACKOFF = 8.0  # seconds between two attempts, at most
MAX_RETRY_AFTER = 30.0  # seconds: a 429 asking to wait longer is not retried
OLLAMA_URL = "http://127.0.0.1:11434/v1"
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "0.0.0.0", "host.docker.internal"})
CONNECT_FAILURES = frozenset(
    {"ConnectError", "ConnectTimeout", "ConnectionRefusedError", "gaierror"}
)


class Endpoint(BaseModel):
    """Where one provider's calls go, and the names a user sets to change that."""

    model_config = ConfigDict(frozen=True)

    name: str = Field(description="Provider name, e.g. 'openai'.")
    model: str
    base_url: str
    default_url: str = Field(description="The vendor's own URL (where a key is required).")
    key_var: str = Field(description="Environment variable of the key, e.g. OPENAI_API_KEY.")
    url_var: str = Field(description="Environment variable of the base URL.")
    timeout: float = Field(gt=0, description="Seconds per request (INTERVIEWER_REQUEST_TIMEOUT).")
    keyless: bool = Field(default=False, description="True when a placeholder key is sent.")

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).hostname or ""

    @property
    def port(self) -> int:
        parts = urlsplit(self.base_url)
        return parts.port or (443 if parts.scheme == "https" else 80)

    @property
    def custom(self) -> bool:
        """True for any server other than the vendor's own (Ollama, vLLM, a proxy...)."""
        return self.host != urlsplit(self.default_url).hostname

    @property
    def local(self) -> bool:
        return self.host in LOCAL_HOSTS or self.host.startswith("127.")

    @property
    def where(self) -> str:
        return f"{self.name} ({self.model} at {self.base_url})"

    def unreachable(self, reason: str) -> ProviderUnavailable:
        """The one-line error for a server that cannot be reached, saying what to do."""
        if self.local:
            todo = (
                f"start the server there (Ollama: `ollama serve`), or change {self.url_var}"
                if self.name == "openai"
                else f"start the server there, or change {self.url_var}"
            )
        elif self.custom:
            todo = f"check that the server is running and {self.url_var} is right"
        elif self.name == "openai":
            todo = f"check the network, or set {self.url_var} to a local server such as Ollama ({OLLAMA_URL})"
        else:
            todo = f"check the network, or set {self.url_var} to a server you can reach"
        return ProviderUnavailable(
            f"{self.name}: cannot connect to {self.base_url} ({reason}): {todo}"
        )


class RetryPolicy(BaseModel):
    """How many times to retry and how long to wait (seconds) before the first retry."""

    model_config = ConfigDict(frozen=True)

    max_retries: int = Field(ge=0)
    backoff: float = Field(ge=0)

    def wait(self, error: ProviderError, attempt: int) -> float | None:
        """Seconds to wait before attempt ``attempt + 1``, or None to give up now."""
        if not error.retryable or attempt > self.max_retries:
            return None
        if isinstance(error, ProviderRateLimited) and error.retry_after is not None:
            return error.retry_after if error.retry_after <= MAX_RETRY_AFTER else None
        delay = min(self.backoff * 2.0 ** (attempt - 1), MAX_BACKOFF)
        return delay * (1 - 0.25 * random.random())


Translate = Callable[[Exception], ProviderError | None]


def _give_up_or_wait(
    exc: Exception, attempt: int, policy: RetryPolicy, translate: Translate
) -> None:
    """Raise the typed error for ``exc`` when it is final; otherwise sleep before the retry."""
    error = translate(exc)
    if error is None:
        raise exc
    error.attempts = attempt
    delay = policy.wait(error, attempt)
    if delay is None:
        if error is exc:
            raise error
        raise error from exc
    time.sleep(delay)


def run_with_retries(call: Callable[[], T], policy: RetryPolicy, translate: Translate) -> T:
    """``call()``, retried on retryable errors; raises a ``ProviderError`` carrying ``attempts``.

    Exceptions ``translate`` does not know (returns None for) propagate unchanged: they are bugs.
    """
    attempt = 0
    while True:
        attempt += 1
        try:
            return call()
        except Exception as exc:
            _give_up_or_wait(exc, attempt, policy, translate)


def stream_with_retries(
    open_stream: Callable[[], Iterator[str]], policy: RetryPolicy, translate: Translate
) -> Iterator[str]:
    """The text deltas of ``open_stream()``, retried like ``run_with_retries``.

    A stream that fails after some text was yielded is retried from the start, and the retry's
    text is checked against what was already yielded: only the rest is yielded, so the caller
    never sees a piece twice. A retry that says something different raises ProviderBadResponse
    (not retried again). An empty stream is a ProviderBadResponse too.
    """
    shown = ""
    attempt = 0
    while True:
        attempt += 1
        text = ""
        try:
            for delta in open_stream():
                text += delta
                if len(text) > len(shown):
                    if not text.startswith(shown):
                        raise _diverged()
                    yield text[len(shown) :]
                    shown = text
            if not text.strip():
                raise ProviderBadResponse("the model returned an empty completion")
            if text != shown:
                raise _diverged()
            return
        except Exception as exc:
            _give_up_or_wait(exc, attempt, policy, translate)


def _diverged() -> ProviderBadResponse:
    return ProviderBadResponse(
        "the stream was cut and the retried reply differs from the part already shown",
        retryable=False,
    )


def translate_sdk_error(
    exc: Exception, sdk: ModuleType, endpoint: Endpoint
) -> ProviderError | None:
    """The ProviderError for an exception from the ``openai`` or ``anthropic`` SDK (``sdk`` is
    the module), from its transport, or from parsing a reply; None for anything else (a bug)."""
    if isinstance(exc, ProviderError):  # raised by the provider's own checks of a reply
        if not exc.message.startswith(endpoint.where):
            exc.message = f"{endpoint.where}: {exc.message}"
        return exc
    where = endpoint.where
    transport = type(exc).__module__.startswith("httpx")  # a transport error the SDK let through
    if isinstance(exc, sdk.APITimeoutError) or (transport and "Timeout" in type(exc).__name__):
        return ProviderTimeout(
            f"{where}: no reply within {endpoint.timeout:g} s (INTERVIEWER_REQUEST_TIMEOUT)"
        )
    if isinstance(exc, sdk.APIConnectionError) or transport:
        causes = _causes(exc)
        if any(type(c).__name__ in CONNECT_FAILURES for c in causes):
            return endpoint.unreachable(_connect_reason(causes))
        return ProviderBadResponse(
            f"{where}: the connection closed before the reply was complete "
            f"({type(causes[-1]).__name__})"
        )
    if isinstance(exc, sdk.APIStatusError):
        return _status_error(exc.status_code, exc.response.headers, _detail(exc), endpoint)
    if isinstance(exc, sdk.APIResponseValidationError):
        return ProviderBadResponse(f"{where}: a reply of an unexpected shape")
    if isinstance(exc, sdk.APIError):  # e.g. an error event in the middle of a stream
        return ProviderUnavailable(f"{where}: the server reported an error: {_detail(exc)}")
    if isinstance(exc, ValueError):  # json.JSONDecodeError, pydantic's ValidationError
        return ProviderBadResponse(f"{where}: a malformed reply ({type(exc).__name__})")
    return None


def _status_error(
    status: int, headers: Mapping[str, str], detail: str, endpoint: Endpoint
) -> ProviderError:
    where = endpoint.where
    if status == 429:
        after = retry_after_seconds(headers)
        wait = f"; it asks to wait {after:g} s" if after is not None else ""
        return ProviderRateLimited(
            f"{where}: rate limited (429: {detail}){wait}", retry_after=after
        )
    if status in (401, 403):
        if endpoint.keyless:
            return ProviderNotConfigured(
                f"{where}: the server wants a key ({status}: {detail}): set {endpoint.key_var}"
            )
        return ProviderNotConfigured(
            f"{where}: the key was rejected ({status}: {detail}): check {endpoint.key_var}"
        )
    if status == 404:
        hint = " (`ollama list` shows them)" if endpoint.local and endpoint.name == "openai" else ""
        return ProviderNotConfigured(
            f"{where}: not found (404: {detail}): set INTERVIEWER_MODEL to a model the server "
            f"has{hint}, and check {endpoint.url_var}"
        )
    if status in (408, 409) or status >= 500:
        return ProviderUnavailable(f"{where}: server error {status}: {detail}")
    return ProviderRejected(f"{where}: the request was refused ({status}: {detail})")


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """Seconds from ``retry-after-ms`` or ``retry-after`` (seconds or an HTTP date), or None."""
    from email.utils import parsedate_to_datetime

    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            return max(0.0, float(value) * scale)
        except ValueError:
            pass
        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            pass
    return None


def _detail(exc: Any) -> str:
    """The server's own error message from an SDK error, on one short line."""
    body = getattr(exc, "body", None)
    message: object = None
    if isinstance(body, dict):
        inner = body.get("error")
        message = inner.get("message") if isinstance(inner, dict) else body.get("message")
        message = message or inner
    text = str(message or getattr(exc, "message", "") or type(exc).__name__)
    text = " ".join(text.split())
    return text if len(text) <= 200 else text[:197] + "..."


def _causes(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def _connect_reason(causes: list[BaseException]) -> str:
    names = {type(c).__name__ for c in causes}
    if "ConnectionRefusedError" in names or any("refused" in str(c).lower() for c in causes):
        return "connection refused"
    if "gaierror" in names or any("name or service" in str(c).lower() for c in causes):
        return "unknown host"
    if "ConnectTimeout" in names:
        return "no answer"
    return type(causes[-1]).__name__


def preflight(endpoint: Endpoint) -> None:
    """Raise ProviderUnavailable unless something accepts a TCP connection at the base URL.

    Skipped when a proxy handles the URL (the proxy makes the connection). Waits at most
    ``min(timeout, 5)`` seconds.
    """
    parts = urlsplit(endpoint.base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise endpoint.unreachable(
            f"{endpoint.base_url!r} is not an http(s) URL; it should look like "
            "http://127.0.0.1:11434/v1"
        )
    scheme = parts.scheme
    if scheme in urllib.request.getproxies() and not urllib.request.proxy_bypass(endpoint.host):
        return
    wait = min(endpoint.timeout, 5.0)
    try:
        with socket.create_connection((endpoint.host, endpoint.port), timeout=wait):
            return
    except ConnectionRefusedError:
        reason = "connection refused"
    except socket.gaierror:
        reason = f"unknown host {endpoint.host}"
    except TimeoutError:
        reason = f"no answer within {wait:g} s"
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
    raise endpoint.unreachable(reason)
