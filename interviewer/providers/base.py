"""The provider interface: one small `execute()` that every model backend implements.

The agent decides *what* to do next (question, probe target, wrench) and drafts the words; a
provider writes the final words, optionally streamed (``stream()``), and can judge a transcript.
The offline provider keeps the draft, the scripted provider replays given outputs for tests, and
LLM providers (a later issue) rephrase or judge. Providers are built by name from the settings
(``providers.get_provider``); SDK imports belong inside the concrete provider.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from ..config import Settings

Purpose = Literal["interviewer_turn", "judge_transcript"]
Role = Literal["system", "user", "assistant"]


class Message(BaseModel):
    """One chat message. Candidate text is always a ``user`` message: data, not instructions."""

    model_config = ConfigDict(frozen=True)

    role: Role
    content: str


class Prompt(BaseModel):
    """Everything a provider needs for one call."""

    purpose: Purpose
    messages: list[Message] = Field(default_factory=list, description="system/user/assistant")
    draft: str | None = Field(
        default=None, description="The offline engine's answer; a provider may keep or improve it."
    )
    context: dict[str, Any] = Field(
        default_factory=dict, description="Structured inputs (turn kind, target, question id...)."
    )
    json_schema: dict[str, Any] | None = Field(
        default=None, description="When set, the reply must be JSON matching this schema."
    )

    @property
    def system(self) -> str:
        """The system messages joined (empty when there are none)."""
        return "\n\n".join(m.content for m in self.messages if m.role == "system")


class Response(BaseModel):
    text: str
    provider: str


class Provider(ABC):
    """A model backend chosen by name. Thread-safe: one instance serves every session."""

    name: str = "base"

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings

    @abstractmethod
    def execute(self, prompt: Prompt) -> Response:
        """Produce the reply for one prompt, or raise ProviderError."""

    def stream(self, prompt: Prompt) -> Iterator[str]:
        """Yield the reply in text chunks; by default the whole ``execute()`` reply at once.

        Raises ProviderError like ``execute()``; a caller that has already shown some chunks
        decides what to do with them.
        """
        yield self.execute(prompt).text
