"""What a model did in an interview, read back from its turns' notes onto the scorecard.

Each interviewer turn a model worded notes its size (``tokens:<prompt>+<reply>``); a turn that
kept the engine's wording notes ``provider_fallback`` and why (``provider_error: ...``), see
``wording.word``. The scorecard then says how many turns fell back, and the interview's model
tokens and estimated cost.
"""

from __future__ import annotations

from .config import Settings
from .models import Transcript
from .scoring.scorecard import Flag, Scorecard
from .tokens import Prices, estimate_cost, interview_usage
from .wording import FALLBACK_NOTE


def with_model_use(card: Scorecard, transcript: Transcript, settings: Settings) -> Scorecard:
    """``card`` with a ``provider_fallback`` flag (count and first reason) and the model
    tokens and cost (when ``price_input_per_1k``/``price_output_per_1k`` are set)."""
    fell_back = [t for t in transcript.turns if "provider_fallback" in t.notes]
    if fell_back:  # visible wherever the scorecard is shown, with the first reason
        reason = next((n for t in fell_back for n in t.notes if n.startswith(FALLBACK_NOTE)), "")
        detail = f"{len(fell_back)} interviewer turns kept the offline wording"
        detail += f" ({reason[len(FALLBACK_NOTE) :].strip()})" if reason else ""
        flag = Flag(kind="provider_fallback", detail=detail)
        card = card.model_copy(update={"flags": [*card.flags, flag]})
    used = interview_usage(t.notes for t in transcript.turns)
    if not used.requests:
        return card
    prices = None
    if settings.price_input_per_1k is not None and settings.price_output_per_1k is not None:
        prices = Prices(
            prompt_per_1k=settings.price_input_per_1k,
            completion_per_1k=settings.price_output_per_1k,
        )
    return card.model_copy(
        update={
            "model_tokens": used.total_tokens,
            "model_requests": used.requests,
            "estimated_cost_usd": estimate_cost(used, prices),
        }
    )
