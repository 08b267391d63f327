"""OpenAI chat completions, and any OpenAI-compatible server (Ollama, vLLM, llama.cpp, LM Studio).

Configured by ``INTERVIEWER_MODEL`` (default ``gpt-4o-mini``), ``OPENAI_API_KEY`` and
``OPENAI_BASE_URL`` (e.g. ``http://127.0.0.1:11434/v1`` for Ollama, which needs no key). The
``openai`` SDK is imported when the provider is built, never when this module is.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, cast

from ..errors import ProviderBadResponse, ProviderRefused
from .base import Prompt, Response, Usage
from .remote import RemoteProvider
from .retry import OLLAMA_URL

if TYPE_CHECKING:
    from openai import OpenAI

    from ..config import Settings

DEFAULT_MODEL = "gpt-4o-mini"
DEFAULT_URL = "https://api.openai.com/v1"
SCHEMA_MAPS = frozenset({"properties", "$defs", "definitions", "patternProperties"})


class OpenAIProvider(RemoteProvider):
    """Chat completions through the ``openai`` SDK; ``stream()`` yields content deltas.

    System messages become one ``system`` message first; temperature is
    ``INTERVIEWER_TEMPERATURE`` (0). A prompt with ``json_schema`` is sent with
    ``response_format={"type": "json_schema", "json_schema": {"name", "schema", "strict"}}``
    (see ``response_format``) and its reply is the JSON text.
    """

    name = "openai"
    sdk_name = "openai"
    default_model = DEFAULT_MODEL
    default_url = DEFAULT_URL
    key_var = "OPENAI_API_KEY"
    url_var = "OPENAI_BASE_URL"
    missing_key = (
        "OPENAI_API_KEY is not set: export it, or set OPENAI_BASE_URL to a local server "
        f"such as Ollama ({OLLAMA_URL})"
    )

    def __init__(self, settings: Settings | None = None) -> None:
        from ..config import Settings

        settings = settings or Settings()
        super().__init__(settings, settings.openai_api_key, settings.openai_base_url)
        self.client: OpenAI = self.sdk.OpenAI(
            api_key=self.api_key,
            base_url=self.endpoint.base_url,
            timeout=self.endpoint.timeout,
            max_retries=0,  # retried by retry.py, which counts attempts and caps Retry-After
        )

    def request(self, prompt: Prompt) -> dict[str, Any]:
        """The keyword arguments of ``chat.completions.create`` for ``prompt`` (no ``stream``)."""
        messages: list[dict[str, str]] = []
        if prompt.system:
            messages.append({"role": "system", "content": prompt.system})
        messages += [
            {"role": m.role, "content": m.content} for m in prompt.messages if m.role != "system"
        ]
        request: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "temperature": self.temperature,
        }
        if prompt.json_schema is not None:
            request["response_format"] = response_format(prompt)
        return request

    def _complete(self, prompt: Prompt) -> Response:
        completion = self.client.chat.completions.create(**self.request(prompt), stream=False)
        if not completion.choices:
            raise ProviderBadResponse("the reply had no choices")
        choice = completion.choices[0]
        message = choice.message
        _check_finish(choice.finish_reason, message.refusal or "")
        text = message.content or ""
        if not text.strip():
            raise ProviderBadResponse("the model returned an empty completion")
        usage = completion.usage
        return Response(
            text=text,
            provider=self.name,
            model=completion.model or self.model,
            usage=Usage(input_tokens=usage.prompt_tokens, output_tokens=usage.completion_tokens)
            if usage is not None
            else None,
        )

    def _deltas(self, prompt: Prompt) -> Iterator[str]:
        finish: str | None = None
        refusal = ""
        chunks = self.client.chat.completions.create(**self.request(prompt), stream=True)
        with chunks:
            for chunk in chunks:
                for choice in chunk.choices[:1]:
                    delta = choice.delta
                    if delta.refusal:
                        refusal += delta.refusal
                    if delta.content:
                        yield delta.content
                    if choice.finish_reason:
                        finish = choice.finish_reason
        _check_finish(finish, refusal)


def _check_finish(finish: str | None, refusal: str) -> None:
    """Raise for a refusal, a content filter, a reply cut at the token limit, or no end."""
    if refusal or finish == "content_filter":
        raise ProviderRefused(f"the model refused: {refusal or 'content filter'}")
    if finish == "length":
        raise ProviderBadResponse(
            "the reply was cut at the server's output-token limit", retryable=False
        )
    if finish is None:
        raise ProviderBadResponse("the stream ended before the reply was complete")


def response_format(prompt: Prompt) -> dict[str, Any]:
    """``{"type": "json_schema", "json_schema": {"name", "schema", "strict"}}`` for a prompt
    with a ``json_schema``; the name is ``prompt.schema_name``.

    ``strict`` is true when the schema meets OpenAI's strict rules (every object lists all its
    properties as required and sets ``additionalProperties: false``); a schema that does not
    would be refused with 400 in strict mode, so it is sent with ``strict: false``.
    """
    schema = prompt.json_schema or {}
    return {
        "type": "json_schema",
        "json_schema": {
            "name": prompt.schema_name,
            "schema": schema,
            "strict": strict_compatible(schema),
        },
    }


def strict_compatible(schema: object) -> bool:
    """True when every object schema in ``schema`` closes its properties and requires them all."""
    if isinstance(schema, list):
        return all(strict_compatible(item) for item in schema)
    if not isinstance(schema, dict):
        return True
    node = cast(dict[str, Any], schema)
    if node.get("type") == "object" or "properties" in node:
        properties = node.get("properties") or {}
        if node.get("additionalProperties") is not False:
            return False
        if set(node.get("required") or ()) != set(properties):
            return False
    return all(
        all(strict_compatible(v) for v in value.values())
        if key in SCHEMA_MAPS and isinstance(value, dict)
        else strict_compatible(value)
        for key, value in node.items()
    )
