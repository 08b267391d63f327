"""Anthropic messages API, through the official ``anthropic`` SDK (imported when built).

Configured by ``INTERVIEWER_MODEL`` (default ``claude-haiku-4-5``), ``ANTHROPIC_API_KEY`` and
``ANTHROPIC_BASE_URL``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..errors import ProviderBadResponse, ProviderRefused
from .base import Prompt, Response, Usage
from .remote import RemoteProvider

if TYPE_CHECKING:
    from anthropic import Anthropic

    from ..config import Settings

DEFAULT_MODEL = "claude-haiku-4-5"
DEFAULT_URL = "https://api.anthropic.com"
OPENING = "(The conversation so far.)"  # the API wants the first message from the user
TOOL_DESCRIPTION = "Give your whole reply as this tool's input; it must match the schema."


class AnthropicProvider(RemoteProvider):
    """Messages through the ``anthropic`` SDK; ``stream()`` yields ``text_delta`` texts.

    System messages go to the ``system`` parameter; consecutive messages of one role are
    joined, empty ones dropped, and a history that starts with the interviewer gets a short
    user message first. ``max_tokens`` is ``INTERVIEWER_MAX_OUTPUT_TOKENS``. The installed SDK
    (2.x) has no ``temperature`` parameter, so none is sent. A prompt with ``json_schema`` is
    sent with one tool whose ``input_schema`` is the schema, forced by ``tool_choice``; the
    reply is the tool input as JSON text (streamed as its ``input_json_delta`` pieces).
    """

    name = "anthropic"
    sdk_name = "anthropic"
    default_model = DEFAULT_MODEL
    default_url = DEFAULT_URL
    key_var = "ANTHROPIC_API_KEY"
    url_var = "ANTHROPIC_BASE_URL"
    missing_key = (
        "ANTHROPIC_API_KEY is not set: export it (a key from console.anthropic.com), "
        "or set ANTHROPIC_BASE_URL to a compatible server"
    )

    def __init__(self, settings: Settings | None = None) -> None:
        from ..config import Settings

        settings = settings or Settings()
        super().__init__(settings, settings.anthropic_api_key, settings.anthropic_base_url)
        self.client: Anthropic = self.sdk.Anthropic(
            api_key=self.api_key,
            base_url=self.endpoint.base_url,
            timeout=self.endpoint.timeout,
            max_retries=0,  # retried by retry.py, which counts attempts and caps Retry-After
        )

    def request(self, prompt: Prompt) -> dict[str, Any]:
        """The keyword arguments of ``messages.create`` for ``prompt`` (no ``stream``)."""
        request: dict[str, Any] = {
            "model": self.model,
            "max_tokens": self.max_output_tokens,
            "messages": anthropic_messages(prompt),
        }
        if prompt.system:
            request["system"] = prompt.system
        if prompt.json_schema is not None:
            name = prompt.schema_name
            request["tools"] = [
                {"name": name, "description": TOOL_DESCRIPTION, "input_schema": prompt.json_schema}
            ]
            request["tool_choice"] = {"type": "tool", "name": name}
        return request

    def _complete(self, prompt: Prompt) -> Response:
        message = self.client.messages.create(**self.request(prompt))
        _check_stop(message.stop_reason)
        texts: list[str] = []
        tools: list[str] = []
        for block in message.content:
            if block.type == "text":
                texts.append(block.text)
            elif block.type == "tool_use":
                tools.append(json.dumps(block.input, ensure_ascii=False))
        if prompt.json_schema is not None and not tools:
            raise ProviderBadResponse("the model did not call the tool for its JSON reply")
        text = tools[0] if prompt.json_schema is not None else "".join(texts)
        if not text.strip():
            raise ProviderBadResponse("the model returned an empty completion")
        return Response(
            text=text,
            provider=self.name,
            model=message.model or self.model,
            usage=Usage(
                input_tokens=message.usage.input_tokens, output_tokens=message.usage.output_tokens
            ),
        )

    def _deltas(self, prompt: Prompt) -> Iterator[str]:
        structured = prompt.json_schema is not None
        stop: str | None = None
        complete = False
        events = self.client.messages.create(**self.request(prompt), stream=True)
        with events:
            for event in events:
                if event.type == "content_block_delta":
                    delta = event.delta
                    if delta.type == "text_delta" and not structured:
                        yield delta.text
                    elif delta.type == "input_json_delta" and structured:
                        yield delta.partial_json
                elif event.type == "message_delta":
                    stop = event.delta.stop_reason
                elif event.type == "message_stop":
                    complete = True
        if not complete:
            raise ProviderBadResponse("the stream ended before the reply was complete")
        _check_stop(stop)


def _check_stop(stop: str | None) -> None:
    """Raise for a refusal or a reply cut at ``max_tokens``."""
    if stop == "refusal":
        raise ProviderRefused("the model refused to answer")
    if stop == "max_tokens":
        raise ProviderBadResponse(
            "the reply was cut at INTERVIEWER_MAX_OUTPUT_TOKENS", retryable=False
        )


def anthropic_messages(prompt: Prompt) -> list[dict[str, str]]:
    """The prompt's user and assistant messages as the messages API takes them (see class)."""
    out: list[dict[str, str]] = []
    for m in prompt.messages:
        if m.role == "system" or not m.content.strip():
            continue
        if out and out[-1]["role"] == m.role:
            out[-1]["content"] += "\n\n" + m.content
        else:
            out.append({"role": m.role, "content": m.content})
    if not out or out[0]["role"] != "user":
        out.insert(0, {"role": "user", "content": OPENING})
    return out
