"""Providers chosen by name: ``get_provider(settings.provider, settings)``.

``offline`` (the default: the engine's own words, no network), ``scripted`` (tests), and the
model providers ``openai`` (also any OpenAI-compatible server by ``OPENAI_BASE_URL``) and
``anthropic``, whose SDKs are imported only when one is built; ``record`` and ``replay``
keep model calls in a cassette (``INTERVIEWER_CASSETTE``) so evals and tests run real recorded
model behaviour without a network.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

from ..config import Settings
from ..errors import InputError
from .base import Message, Prompt, Provider, Response, Usage
from .offline import OfflineProvider
from .scripted import ScriptedProvider


def _openai(settings: Settings) -> Provider:
    from .openai_provider import OpenAIProvider

    return OpenAIProvider(settings)


def _anthropic(settings: Settings) -> Provider:
    from .anthropic_provider import AnthropicProvider

    return AnthropicProvider(settings)


def _record(settings: Settings) -> Provider:
    from .cassette import record_provider

    if settings.record_from in ("record", "replay"):
        raise InputError("INTERVIEWER_RECORD_FROM must name a model provider, e.g. openai")
    return record_provider(settings, inner=get_provider(settings.record_from, settings))


def _replay(settings: Settings) -> Provider:
    from .cassette import replay_provider

    return replay_provider(settings)


# name -> factory taking the settings (model, timeouts, keys and base URLs)
REGISTRY: Mapping[str, Callable[[Settings], Provider]] = MappingProxyType(
    {
        "offline": lambda settings: OfflineProvider(settings),
        "scripted": lambda settings: ScriptedProvider(settings=settings),
        "openai": _openai,
        "anthropic": _anthropic,
        # calls INTERVIEWER_RECORD_FROM and keeps each request and reply in a JSONL cassette
        "record": _record,
        # serves a cassette; a request it does not hold fails with its hash and a diff hint
        "replay": _replay,
    }
)


def get_provider(name: str, settings: Settings | None = None) -> Provider:
    """Build a provider by name and check it can work, e.g. ``get_provider("openai", s)``.

    Raises InputError for an unknown name, and ProviderError (one line saying what to set,
    install or start) when the provider's SDK, key or server is missing.
    """
    try:
        factory = REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(REGISTRY))
        raise InputError(f"unknown provider {name!r}; choose one of: {known}") from None
    provider = factory(settings or Settings())
    provider.check()
    return provider


def get_judge_provider(settings: Settings | None = None) -> Provider:
    """The provider that scores transcripts: ``INTERVIEWER_JUDGE_PROVIDER`` with
    ``INTERVIEWER_JUDGE_MODEL``, each defaulting to the interviewer's (``Settings.judge_settings``).
    """
    judge = (settings or Settings()).judge_settings()
    return get_provider(judge.provider, judge)


__all__ = [
    "Message",
    "Prompt",
    "Provider",
    "Response",
    "Usage",
    "OfflineProvider",
    "ScriptedProvider",
    "REGISTRY",
    "get_provider",
    "get_judge_provider",
]
