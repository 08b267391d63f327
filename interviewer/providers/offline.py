"""The default provider: the rule-based engine, no model, no network, deterministic."""

from __future__ import annotations

from ..errors import ProviderError
from .base import Prompt, Provider, Response


class OfflineProvider(Provider):
    """Keeps the engine's drafts: the rule-based turn wording and the offline scorecard."""

    name = "offline"

    def execute(self, prompt: Prompt) -> Response:
        # The engine already did the work: the draft is the turn's wording or the scorecard.
        if prompt.draft is None:
            raise ProviderError(f"offline provider needs the engine's draft ({prompt.purpose})")
        return Response(text=prompt.draft, provider=self.name)
