"""The part every SDK-backed provider shares: settings to endpoint, key rules, retries, errors.

A subclass names its SDK and defaults and implements two calls: ``_complete(prompt)`` (one
non-streamed request -> Response) and ``_deltas(prompt)`` (one streamed request -> text
deltas). Both raise the SDK's exceptions or a ProviderError for an unusable reply; this class
retries them (``retry.py``) and turns everything into the ProviderError tree.
"""

from __future__ import annotations

import importlib
from abc import abstractmethod
from collections.abc import Iterator
from types import ModuleType
from typing import TYPE_CHECKING

from ..errors import ProviderError, ProviderNotConfigured
from .base import Prompt, Provider, Response
from .retry import (
    Endpoint,
    RetryPolicy,
    preflight,
    run_with_retries,
    stream_with_retries,
    translate_sdk_error,
)

if TYPE_CHECKING:
    from pydantic import SecretStr

    from ..config import Settings

PLACEHOLDER_KEY = "not-needed"  # OpenAI-compatible servers ignore the key; the SDKs want one


class RemoteProvider(Provider):
    """A model behind an HTTP API, called through its official SDK (imported on construction).

    Raises ProviderNotConfigured on construction when the SDK is not installed, or when no key
    is set for the vendor's own URL (another base URL may go without one: a placeholder is
    sent). Thread-safe: the SDK clients are.
    """

    sdk_name = ""  # the package to import, e.g. "openai"
    default_model = ""
    default_url = ""
    key_var = ""  # e.g. OPENAI_API_KEY
    url_var = ""  # e.g. OPENAI_BASE_URL
    missing_key = ""  # the one-line message when the key is needed and not set

    def __init__(
        self, settings: Settings | None, key: SecretStr | None, base_url: str | None
    ) -> None:
        from ..config import Settings

        settings = settings or Settings()
        super().__init__(settings)
        self.sdk = _import_sdk(self.sdk_name)
        secret = key.get_secret_value().strip() if key is not None else ""
        self.endpoint = Endpoint(
            name=self.name,
            model=(settings.model or "").strip() or self.default_model,
            base_url=(base_url or "").strip().rstrip("/") or self.default_url,
            default_url=self.default_url,
            key_var=self.key_var,
            url_var=self.url_var,
            timeout=settings.request_timeout,
            keyless=not secret,
        )
        if not secret and not self.endpoint.custom:
            raise ProviderNotConfigured(self.missing_key)
        self.api_key = secret or PLACEHOLDER_KEY
        self.policy = RetryPolicy(max_retries=settings.max_retries, backoff=settings.retry_backoff)
        self.temperature = settings.temperature
        self.max_output_tokens = settings.max_output_tokens

    @property
    def model(self) -> str:
        return self.endpoint.model

    def check(self) -> None:
        """Raise ProviderUnavailable when nothing listens at the base URL (a TCP connect)."""
        preflight(self.endpoint)

    def execute(self, prompt: Prompt) -> Response:
        """One non-streamed reply (JSON text when ``prompt.json_schema`` is set).

        Raises a ProviderError subclass (timeout, rate limit, unavailable, bad response,
        refused, rejected, not configured) after at most ``max_retries + 1`` attempts.
        """
        return run_with_retries(lambda: self._complete(prompt), self.policy, self._translate)

    def stream(self, prompt: Prompt) -> Iterator[str]:
        """The reply as text deltas as they arrive; errors as ``execute()``. A retry after a
        cut stream yields only what had not been yielded yet."""
        return stream_with_retries(lambda: self._deltas(prompt), self.policy, self._translate)

    def _translate(self, exc: Exception) -> ProviderError | None:
        return translate_sdk_error(exc, self.sdk, self.endpoint)

    @abstractmethod
    def _complete(self, prompt: Prompt) -> Response:
        """One non-streamed request."""

    @abstractmethod
    def _deltas(self, prompt: Prompt) -> Iterator[str]:
        """One streamed request's text deltas."""


def _import_sdk(name: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except ImportError:
        raise ProviderNotConfigured(
            f"the {name} package is not installed: pip install {name} "
            "(or all model SDKs: pip install -e '.[llm]')"
        ) from None
