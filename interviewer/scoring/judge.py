"""The judge seam: every transcript scorecard is made here, offline or by a model judge.

The offline scorer always runs first. With the offline provider its scorecard is the result.
With a model provider (``settings.judge_provider`` / ``judge_model``, else the interviewer's
provider) a model judge scores each criterion from the transcript and the rubric's anchors, never
seeing the offline scores (``llm_judge.py`` holds its output model, prompt and checks):

- structured output validated by pydantic; an invalid reply is re-asked with the validation
  error, at most ``MAX_ATTEMPTS`` calls, then ``JudgeOutputError`` (it carries the attempts);
- quotes verified against the transcript: an unverifiable one is dropped and flagged, and a
  criterion left without a verified quote is capped at 2, exactly as offline;
- temperature 0; optionally ``samples`` verdicts, each criterion their median, spread reported;
- the offline scores are kept beside the judge's (``CriterionScore.offline_score``,
  ``Scorecard.offline_overall``); accuracy concerns are listed and ``correctness_checked`` is set;
- if the judge cannot be built or never gives a valid verdict, every criterion keeps its offline
  score marked ``offline_fallback`` and a ``judge_fallback`` flag says why. Scoring never
  dead-ends and never hangs: at most samples x ``MAX_ATTEMPTS`` calls, each under the provider's
  timeout.
"""

from __future__ import annotations

from pydantic import ValidationError

from ..analysis import Reader
from ..bank import Bank
from ..errors import InterviewerError, ProviderError
from ..models import Rubric, Transcript
from ..providers import Provider, get_provider
from .llm_judge import (
    ACCURACY_ID,
    ACCURACY_NAME,
    JudgeAttempt,
    JudgeOutputError,
    JudgeVerdict,
    aggregate_criterion,
    judge_prompt,
    parse_verdict,
    short_error,
    verified_concerns,
)
from .scorecard import Flag, Scorecard, criterion_gaps, criterion_strengths, weighted_overall
from .transcript import score_transcript

MAX_ATTEMPTS = 2  # one ask and one re-ask carrying the validation error
MAX_SAMPLES = 7
FALLBACK_JUDGE = "offline (fallback)"


def judge_transcript(
    transcript: Transcript,
    rubric: Rubric,
    provider: Provider,
    bank: Bank | None = None,
    max_chars: int = 6000,
    reader: Reader | None = None,
    *,
    judge: Provider | None = None,
    samples: int | None = None,
) -> Scorecard:
    """The scorecard of a transcript: offline, or by a model judge with the offline scores kept.

    ``judge`` is the judging provider (default: ``judge_provider(provider)``); ``samples`` the
    number of verdicts per criterion (default: ``settings.judge_samples`` if the settings have
    it, else 1; at most ``MAX_SAMPLES``). Never raises for a provider's failure: the result is
    then the offline scorecard, each criterion marked ``offline_fallback`` and flagged.
    """
    offline = score_transcript(transcript, rubric, bank, max_chars, reader)
    try:
        chosen = judge or judge_provider(provider)
    except InterviewerError as exc:
        return fallback_scorecard(offline, f"the judge could not be set up: {exc}")
    if chosen.name == "offline":
        return offline
    if samples is None:
        samples = int(getattr(chosen.settings, "judge_samples", 1) or 1)
    return judge_scorecard(transcript, rubric, chosen, offline, samples, label=_label(chosen))


def judge_provider(provider: Provider) -> Provider:
    """The provider that judges: the settings' ``judge_provider`` and ``judge_model`` when they
    name another provider or model (built by ``get_provider`` with temperature 0), else
    ``provider`` itself. Raises what ``get_provider`` raises (InputError, ProviderError)."""
    settings = provider.settings
    if settings is None:
        return provider
    injected = provider.name != settings.provider  # given to the service, not built by name
    name = settings.judge_provider or provider.name
    model = settings.judge_model or (settings.model if name == provider.name else None)
    same = name == provider.name and model == settings.model
    if same and (injected or settings.temperature == 0):
        return provider
    update = {"provider": name, "model": model, "temperature": 0.0}
    return get_provider(name, settings.model_copy(update=update))


def ask_judge(
    provider: Provider,
    transcript: Transcript,
    rubric: Rubric,
    max_attempts: int = MAX_ATTEMPTS,
    sample: int = 0,
) -> JudgeVerdict:
    """One validated verdict; each invalid reply is re-asked with its validation error.

    Raises JudgeOutputError after ``max_attempts`` invalid replies (``.rejected`` holds each
    reply and error), or the provider's own ProviderError (timeouts, rate limits, after its
    retries).
    """
    attempts: list[JudgeAttempt] = []
    for _ in range(max(1, max_attempts)):
        reply = provider.execute(judge_prompt(transcript, rubric, attempts, sample)).text
        try:
            return parse_verdict(reply, rubric)
        except ValidationError as exc:
            attempts.append(JudgeAttempt(reply=reply, error=short_error(exc)))
    raise JudgeOutputError(f"{provider.name} gave no valid verdict: {attempts[-1].error}", attempts)


def judge_scorecard(
    transcript: Transcript,
    rubric: Rubric,
    provider: Provider,
    offline: Scorecard,
    samples: int = 1,
    max_attempts: int = MAX_ATTEMPTS,
    label: str | None = None,
) -> Scorecard:
    """The judged scorecard, built on the offline one (its scores kept beside the judge's).

    ``samples`` verdicts (1 to ``MAX_SAMPLES``) are asked for, each criterion their median. A
    failed sample is flagged ``judge_sample_failed``; when none succeeds the result is
    ``fallback_scorecard``. Never raises ProviderError. Per-answer reviews, stronger answers and
    the next drill stay the offline engine's; strengths and criterion gaps follow the judge.
    """
    verdicts: list[JudgeVerdict] = []
    failures: list[str] = []
    for k in range(max(1, min(samples, MAX_SAMPLES))):
        try:
            verdicts.append(ask_judge(provider, transcript, rubric, max_attempts, sample=k))
        except ProviderError as exc:
            failures.append(f"{provider.name} failed: {exc}")
    if not verdicts:
        return fallback_scorecard(offline, failures[0])
    flags = [*offline.flags] + [Flag(kind="judge_sample_failed", detail=f) for f in failures]
    by_id = {c.id: c.score for c in offline.criteria}
    criteria = [
        aggregate_criterion(verdicts, (c.id, c.name, c.weight), transcript, flags, by_id.get(c.id))
        for c in rubric.criteria
    ]
    accuracy = aggregate_criterion(verdicts, (ACCURACY_ID, ACCURACY_NAME, 0.0), transcript, flags)
    concerns = verified_concerns(verdicts, transcript, flags)
    answer_gaps = offline.gaps[len(criterion_gaps(offline.criteria)) :]  # vague answers
    return offline.model_copy(
        update={
            "criteria": criteria,
            "overall": weighted_overall(criteria),
            "offline_overall": offline.overall,
            "strengths": criterion_strengths(criteria),
            "gaps": criterion_gaps(criteria) + answer_gaps,
            "flags": flags,
            "judge": label or provider.name,
            "correctness_checked": True,
            "accuracy_concerns": concerns,
            "technical_accuracy": accuracy,
            "judge_samples": len(verdicts),
        }
    )


def fallback_scorecard(offline: Scorecard, why: str) -> Scorecard:
    """The offline scorecard, every criterion marked ``offline_fallback``, with a
    ``judge_fallback`` flag saying ``why``; ``judge`` is ``offline (fallback)``."""
    criteria = [
        c.model_copy(
            update={
                "source": "offline_fallback",
                "offline_score": c.score,
                "rationale": f"Judge unavailable, offline score kept. {c.rationale}",
            }
        )
        for c in offline.criteria
    ]
    flag = Flag(kind="judge_fallback", detail=f"used the offline scorer because {why}")
    return offline.model_copy(
        update={
            "criteria": criteria,
            "offline_overall": offline.overall,
            "flags": [*offline.flags, flag],
            "judge": FALLBACK_JUDGE,
        }
    )


def _label(provider: Provider) -> str:
    # the model actually used: the provider's own default when the settings name none
    model = getattr(provider, "model", None) or (
        provider.settings.model if provider.settings is not None else None
    )
    return f"{provider.name} ({model})" if model else provider.name


__all__ = [
    "FALLBACK_JUDGE",
    "MAX_ATTEMPTS",
    "MAX_SAMPLES",
    "ask_judge",
    "fallback_scorecard",
    "judge_provider",
    "judge_scorecard",
    "judge_transcript",
]
