"""The provider interface: one small `execute()` that every model backend implements.

The agent decides *what* to do next (question, probe target, wrench) and drafts the words; a
provider writes the final words, optionally streamed (``stream()``), and can judge a transcript.
The offline provider keeps the draft, the scripted provider replays given outputs for tests, and
the model providers (``openai_provider.py``, ``anthropic_provider.py``) rephrase or judge. Providers are built by name from the settings
(``providers.get_provider``); SDK imports belong inside the concrete provider.
"""

from __future__ import annotations

import re
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

    @property
    def schema_name(self) -> str:
        """A name for ``json_schema`` as the model APIs accept it (``[A-Za-z0-9_-]{1,64}``):
        the schema's ``title``, else the purpose."""
        title = str((self.json_schema or {}).get("title") or self.purpose)
        return re.sub(r"[^A-Za-z0-9_-]", "_", title)[:64] or "reply"


class Usage(BaseModel):
    """Tokens one call consumed, as the server reported them."""

    input_tokens: int = Field(ge=0, description="Prompt tokens.")
    output_tokens: int = Field(ge=0, description="Completion tokens.")


class Response(BaseModel):
    """One reply: its text (JSON text when the prompt had a ``json_schema``) and its origin."""

    text: str
    provider: str
    model: str | None = Field(default=None, description="The model that wrote it, if any.")
    usage: Usage | None = Field(default=None, description="Token counts, when reported.")


class Provider(ABC):
    """A model backend chosen by name. Thread-safe: one instance serves every session."""

    name: str = "base"

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings

    def check(self) -> None:
        """Raise ProviderError if the provider cannot work at all (e.g. its server is not
        listening), with a one-line message saying what to start or set. Cheap: no model call.
        ``get_provider`` calls it once; by default there is nothing to check."""
        return None

    @abstractmethod
    def execute(self, prompt: Prompt) -> Response:
        """Produce the reply for one prompt, or raise ProviderError."""

    def stream(self, prompt: Prompt) -> Iterator[str]:
        """Yield the reply in text chunks; by default the whole ``execute()`` reply at once.

        Raises ProviderError like ``execute()``; a caller that has already shown some chunks
        decides what to do with them.
        """
        yield self.execute(prompt).text
