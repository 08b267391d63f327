"""The judge seam: structured output validated, bounded re-ask, quotes verified, visible fallback."""

from __future__ import annotations

import json

from interviewer.errors import ProviderError
from interviewer.models import Transcript, Turn
from interviewer.providers import OfflineProvider, ScriptedProvider
from interviewer.scoring.judge import MAX_ATTEMPTS, judge_transcript
from interviewer.scoring.llm_judge import ACCURACY_ID
from interviewer.scoring.transcript import score_transcript

ANSWER = (
    "Last year our search API had a p99 of 1.4 seconds. I profiled it, found an N+1 query and "
    "batched it, because caching would have served stale prices; p99 fell to 160 ms."
)


def transcript() -> Transcript:
    return Transcript(
        persona="complex-problem",
        turns=[
            Turn(
                role="interviewer",
                kind="question",
                text="What's the hardest performance problem you solved?",
            ),
            Turn(role="candidate", kind="answer", text=ANSWER),
        ],
    )


def model_card(bank, quote: str, score: int = 5) -> str:
    """A judge verdict (the judge-only output model): every criterion at ``score``, one quote."""
    rubric = bank.rubric_for(bank.persona("complex-problem"))
    ids = [c.id for c in rubric.criteria] + [ACCURACY_ID]
    criteria = [
        {"id": i, "level": score, "quotes": [{"turn": 1, "quote": quote}], "rationale": "."}
        for i in ids
    ]
    return json.dumps({"criteria": criteria, "accuracy_concerns": []})


def test_offline_provider_returns_the_offline_scorecard(bank):
    rubric = bank.rubric_for(bank.persona("complex-problem"))
    card = judge_transcript(transcript(), rubric, OfflineProvider(), bank)
    assert card == score_transcript(transcript(), rubric, bank).model_copy(
        update={"judge": "offline"}
    )


def test_malformed_output_is_re_asked_with_the_error_then_accepted(bank):
    rubric = bank.rubric_for(bank.persona("complex-problem"))
    provider = ScriptedProvider(["not json at all", model_card(bank, "I profiled it")])
    card = judge_transcript(transcript(), rubric, provider, bank)
    assert len(provider.history) == 2
    assert "invalid" in provider.history[1].messages[-1].content
    assert card.judge == "scripted" and card.overall == 5.0
    assert provider.history[0].json_schema is not None


def test_invented_quotes_are_dropped_and_scores_capped(bank):
    rubric = bank.rubric_for(bank.persona("complex-problem"))
    provider = ScriptedProvider([model_card(bank, "I single-handedly saved the company")])
    card = judge_transcript(transcript(), rubric, provider, bank)
    assert all(not c.evidence and c.score <= 2 for c in card.criteria)
    assert card.overall <= 2


def test_fallback_is_visible_after_bounded_retries_or_provider_failure(bank):
    rubric = bank.rubric_for(bank.persona("complex-problem"))
    provider = ScriptedProvider(["{}"] * MAX_ATTEMPTS)
    card = judge_transcript(transcript(), rubric, provider, bank)
    assert len(provider.history) == MAX_ATTEMPTS
    assert card.judge == "offline (fallback)" and card.flags[-1].kind == "judge_fallback"
    failing = ScriptedProvider([ProviderError("rate limited (429)")])
    card = judge_transcript(transcript(), rubric, failing, bank)
    assert "rate limited" in card.flags[-1].detail


def test_offline_scorecards_say_correctness_was_not_checked_and_a_model_judge_does(bank):
    from interviewer.providers import ScriptedProvider

    rubric = bank.rubric_for(bank.persona("complex-problem"))
    offline = judge_transcript(transcript(), rubric, OfflineProvider(), bank)
    assert not offline.correctness_checked
    assert "correctness was not checked" in offline.to_markdown()
    assert all("correctness not checked" in c.rationale for c in offline.criteria if c.score)
    quote = transcript().turns[1].text.split(".")[0]
    judged = judge_transcript(
        transcript(), rubric, ScriptedProvider([model_card(bank, quote)]), bank
    )
    assert judged.correctness_checked and "checked by the model judge" in judged.to_markdown()
