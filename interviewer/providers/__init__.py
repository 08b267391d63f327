"""Providers chosen by name. LLM providers register here in a later issue."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

from ..config import Settings
from ..errors import InputError
from .base import Message, Prompt, Provider, Response
from .offline import OfflineProvider
from .scripted import ScriptedProvider

# name -> factory taking the settings (model, timeouts; keys come from the environment)
REGISTRY: Mapping[str, Callable[[Settings], Provider]] = MappingProxyType(
    {
        "offline": lambda settings: OfflineProvider(settings),
        "scripted": lambda settings: ScriptedProvider(settings=settings),
    }
)


def get_provider(name: str, settings: Settings | None = None) -> Provider:
    """Build a provider by name, e.g. ``get_provider("offline", settings)``."""
    try:
        factory = REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(REGISTRY))
        raise InputError(f"unknown provider {name!r}; choose one of: {known}") from None
    return factory(settings or Settings())


__all__ = [
    "Message",
    "Prompt",
    "Provider",
    "Response",
    "OfflineProvider",
    "ScriptedProvider",
    "get_provider",
]
