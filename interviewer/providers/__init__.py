"""Providers chosen by name. LLM providers register here in a later issue."""

from __future__ import annotations

from collections.abc import Callable

from ..errors import InputError
from .base import Prompt, Provider, Response
from .offline import OfflineProvider
from .scripted import ScriptedProvider

REGISTRY: dict[str, Callable[[], Provider]] = {
    "offline": OfflineProvider,
    "scripted": ScriptedProvider,
}


def get_provider(name: str) -> Provider:
    """Build a provider by name, e.g. `get_provider("offline")`."""
    try:
        factory = REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(REGISTRY))
        raise InputError(f"unknown provider {name!r}; choose one of: {known}") from None
    return factory()


__all__ = ["Prompt", "Provider", "Response", "OfflineProvider", "ScriptedProvider", "get_provider"]
