"""A provider for tests: replays given outputs in order and records every prompt it was sent."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from ..errors import ScriptExhausted
from .base import Prompt, Provider, Response

if TYPE_CHECKING:
    from ..config import Settings

Output = str | Exception | Callable[[Prompt], str]


class ScriptedProvider(Provider):
    """`enqueue([...])` outputs (strings, exceptions to raise, or callables of the prompt).

    `history` holds every prompt received. Running out raises ScriptExhausted, so a test that
    expects fewer calls than it makes fails loudly instead of passing by accident.
    """

    name = "scripted"

    def __init__(self, outputs: Iterable[Output] = (), settings: Settings | None = None) -> None:
        super().__init__(settings)
        self._queue: deque[Output] = deque(outputs)
        self._lock = threading.Lock()
        self.history: list[Prompt] = []

    def enqueue(self, outputs: Iterable[Output]) -> None:
        self._queue.extend(outputs)

    def execute(self, prompt: Prompt) -> Response:
        with self._lock:
            self.history.append(prompt)
            if not self._queue:
                raise ScriptExhausted(
                    f"scripted provider ran out of outputs after {len(self.history) - 1} calls"
                )
            item = self._queue.popleft()
        if isinstance(item, Exception):
            raise item
        text = item(prompt) if callable(item) else item
        return Response(text=text, provider=self.name)
