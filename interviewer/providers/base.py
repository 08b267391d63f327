"""The provider interface: one small `execute()` that every model backend implements.

The agent decides *what* to do next (question, probe target, wrench) and drafts the words; a
provider writes the final words. The offline provider keeps the draft, the scripted provider
replays given outputs for tests, and LLM providers (a later issue) rephrase or judge.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Literal

from pydantic import BaseModel, Field

Purpose = Literal["interviewer_turn", "judge_transcript"]


class Prompt(BaseModel):
    """Everything a provider needs for one call."""

    purpose: Purpose
    system: str = ""
    messages: list[dict[str, str]] = Field(default_factory=list, description="role/content pairs")
    draft: str | None = Field(
        default=None, description="The offline engine's answer; a provider may keep or improve it."
    )
    context: dict[str, Any] = Field(
        default_factory=dict, description="Structured inputs (turn kind, target, question id...)."
    )
    json_schema: dict[str, Any] | None = Field(
        default=None, description="When set, the reply must be JSON matching this schema."
    )


class Response(BaseModel):
    text: str
    provider: str


class Provider(ABC):
    """A model backend chosen by name. SDK imports belong inside concrete providers."""

    name: str = "base"

    @abstractmethod
    def execute(self, prompt: Prompt) -> Response:
        """Produce the reply for one prompt, or raise ProviderError."""
