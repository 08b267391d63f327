"""Where ``interviewer calibrate`` gets its labels and its scores.

Labels come from a JSONL file (``parse_labels``: lines of ``{"id","question","answer","label"}``)
or from coaches' overrides in the session database (``override_labels``). The review desk stores
overrides per session and criterion (there are no per-answer overrides), append-only; as in the
review desk's own agreement figure, each (session, criterion) pair gives one label: its latest
override's score, compared with ``machine_score``, the score the system had given that criterion
in the scorecard the coach overrode. Overrides of an ``insufficient_evidence`` criterion (no
machine score) are left out.

A file's answers are scored by a ``Scorer``: ``OfflineScorer`` (``score_answer``, deterministic)
or ``JudgeScorer`` (the configured model judge on a one-exchange transcript: the question, then
the answer, judged against the rubric of the persona that asks such questions; the score is the
scorecard's overall, with ``judge_samples`` verdicts per scoring). ``scorer_for`` picks one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import BaseModel

from .adhoc import persona_for, question_for
from .analysis import Reader
from .errors import InputError
from .models import Transcript, Turn
from .scoring.answer import score_answer
from .scoring.judge import FALLBACK_JUDGE, judge_scorecard
from .scoring.scorecard import Scorecard
from .scoring.transcript import score_transcript

if TYPE_CHECKING:
    from .providers import Provider
    from .service import InterviewService

MIN_ROWS = 5
REQUIRED = ("question", "answer", "label")


class ScoredLabel(BaseModel):
    """A label with the score the system already gave (the overrides source)."""

    id: str
    label: float
    score: float
    words: int


def parse_labels(rows: Sequence[tuple[int, Any | None, str | None]]) -> list[dict[str, Any]]:
    """Checked label rows. Raises InputError naming the line and field of the first bad one."""
    out: list[dict[str, Any]] = []
    for number, obj, error in rows:
        if error:
            raise InputError(error)
        if not isinstance(obj, dict):
            raise InputError(f"line {number}: expected a JSON object")
        for field in REQUIRED:
            if field not in obj:
                raise InputError(f"line {number}: field {field!r} is missing")
        for field in ("question", "answer"):
            if not isinstance(obj[field], str):
                raise InputError(f"line {number}: field {field!r} must be a string")
        label = obj["label"]
        if isinstance(label, bool) or not isinstance(label, int | float) or not 1 <= label <= 5:
            raise InputError(
                f"line {number}: field 'label' must be a number from 1 to 5 (got {label!r})"
            )
        item_id = obj.get("id")
        out.append(
            {
                **obj,
                "id": f"line {number}" if item_id is None else str(item_id),
                "label": float(label),
            }
        )
    _enough(len(out), "labelled answers")
    return out


def override_labels(service: InterviewService) -> list[ScoredLabel]:
    """One label per overridden (session, criterion): the latest override against the machine
    score it replaced, oldest first. InputError when there are none or too few."""
    overrides = service.review.audit()
    if not overrides:
        raise InputError(
            "there are no coach overrides in the session database "
            f"({service.settings.resolved_database_url()}); coaches add them in the web app's "
            "review tab. Or give a LABELS.jsonl file."
        )
    latest = {(o.session_id, o.criterion_id): o for o in overrides}
    words: dict[str, int] = {}
    out = []
    for (session_id, criterion_id), o in latest.items():
        if o.machine_score is None:
            continue
        if session_id not in words:
            turns = service.get(session_id).turns
            words[session_id] = sum(len(t.text.split()) for t in turns if t.role == "candidate")
        out.append(
            ScoredLabel(
                id=f"{session_id}/{criterion_id}",
                label=o.after,
                score=o.machine_score,
                words=words[session_id],
            )
        )
    _enough(len(out), "overridden criteria with a machine score")
    return out


def _enough(n: int, what: str) -> None:
    if n < MIN_ROWS:
        raise InputError(f"calibration needs at least {MIN_ROWS} {what}, got {n}")


# -- scorers --------------------------------------------------------------------------------------
class Scorer(Protocol):
    """Scores one answer to one question 1-5, or None when it cannot (``failure`` says why)."""

    name: str
    deterministic: bool
    failure: str | None

    def score(self, question: str, answer: str) -> float | None: ...


class OfflineScorer:
    """The offline answer scorer, as ``score-answers`` runs it (the file's questions are
    off-topic references too). Identical input, identical score."""

    name = "the offline scorer"
    deterministic = True
    failure: str | None = None

    def __init__(self, reader: Reader, questions: Sequence[str], max_chars: int = 6000) -> None:
        self.view = reader.with_questions(list(questions))
        self.max_chars = max_chars

    def score(self, question: str, answer: str) -> float | None:
        result = score_answer(
            question, answer, max_chars=self.max_chars, check_short=False, reader=self.view
        )
        return result.overall


class JudgeScorer:
    """A model judge scoring one answer as a one-exchange transcript (see the module doc).

    A scoring the judge could not complete (every sample failed, so the judge fell back to the
    offline scores) is None, never the offline score; ``failure`` keeps the first reason.
    """

    deterministic = False

    def __init__(
        self,
        service: InterviewService,
        judge: Provider,
        questions: Sequence[str] = (),
        samples: int = 1,
    ) -> None:
        self.service = service
        self.judge = judge
        self.samples = samples
        model = getattr(judge, "model", None) or (judge.settings.model if judge.settings else None)
        self.name = f"{judge.name} ({model})" if model else judge.name
        if samples > 1:
            self.name += f", median of {samples} samples"
        self.failure: str | None = None
        self.reader = service.reader.with_questions(list(questions))
        self._offline: dict[tuple[str, str], tuple[Transcript, Scorecard]] = {}

    def score(self, question: str, answer: str) -> float | None:
        transcript, offline = self._offline_card(question, answer)
        rubric = self.service.bank.rubric_for(self.service.bank.persona(transcript.persona))
        card = judge_scorecard(
            transcript, rubric, self.judge, offline, self.samples, label=self.name
        )
        if card.judge == FALLBACK_JUDGE:
            if self.failure is None:
                self.failure = next(
                    (f.detail for f in card.flags if f.kind == "judge_fallback"), "judge failed"
                )
            return None
        return card.overall

    def _offline_card(self, question: str, answer: str) -> tuple[Transcript, Scorecard]:
        """The transcript and its offline scorecard, made once per answer (repeats reuse it)."""
        key = (question, answer)
        if key not in self._offline:
            bank = self.service.bank
            persona = persona_for(bank, question_for(bank, question), None)
            transcript = Transcript(
                persona=persona.id,
                turns=[
                    Turn(role="interviewer", kind="question", text=question),
                    Turn(role="candidate", kind="answer", text=answer),
                ],
            )
            rubric = bank.rubric_for(persona)
            max_chars = self.service.settings.max_answer_chars
            card = score_transcript(transcript, rubric, bank, max_chars, self.reader)
            self._offline[key] = (transcript, card)
        return self._offline[key]


def scorer_for(service: InterviewService, questions: Sequence[str]) -> Scorer:
    """The configured judge as a Scorer: offline, or the model judge (``judge_samples``
    verdicts per scoring). A judge that cannot be set up raises (no silent offline fallback)."""
    judge = service.judge
    if judge.name == "offline":
        return OfflineScorer(service.reader, questions, service.settings.max_answer_chars)
    return JudgeScorer(service, judge, questions, service.settings.judge_samples)
