"""The default provider: the rule-based engine, no model, no network, deterministic."""

from __future__ import annotations

import json

from ..errors import ProviderError
from .base import Prompt, Provider, Response


class OfflineProvider(Provider):
    """Keeps the engine's draft for interviewer turns; scores with the offline scorer for judging."""

    name = "offline"

    def execute(self, prompt: Prompt) -> Response:
        if prompt.purpose == "interviewer_turn":
            if prompt.draft is None:
                raise ProviderError("offline provider needs the engine's draft for a turn")
            return Response(text=prompt.draft, provider=self.name)
        if prompt.purpose == "judge_answer":
            from ..scoring.answer import score_answer

            ctx = prompt.context
            score = score_answer(
                ctx["question"], ctx["answer"], kind=ctx.get("kind"), topics=ctx.get("topics", ())
            )
            return Response(text=json.dumps(score.to_line(ctx.get("id"))), provider=self.name)
        if prompt.purpose == "judge_transcript":
            if prompt.draft is None:
                raise ProviderError("offline judge needs the offline scorecard as its draft")
            return Response(text=prompt.draft, provider=self.name)
        raise ProviderError(f"offline provider cannot handle purpose {prompt.purpose!r}")
