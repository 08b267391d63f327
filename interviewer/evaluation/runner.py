"""Run eval cases in parallel, each as a whole stored interview, and check its expectations.

One base service (settings from the environment, a throw-away session database) holds the
content, MiniLM, the question store and the reader; each case gets a service sharing them, with
its own provider and judge. Cases run in ``workers`` threads: model-backed cases wait on the
network, and the offline engine is quick enough that threads cost little.
"""

from __future__ import annotations

import math
import statistics
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from ..config import Settings
from ..errors import (
    InterviewerError,
    ProviderBadResponse,
    ProviderRateLimited,
    ProviderRefused,
    ProviderTimeout,
    ProviderUnavailable,
)
from ..models import Plan, PlannedQuestion
from .candidates import SimulatedCandidate
from .cases import Case, CaseError, ScriptedOutput
from .expectations import Outcome, check

if TYPE_CHECKING:
    from ..providers import Provider
    from ..service import InterviewService

MAX_REPLIES = 40  # a scripted candidate with more answers than the interview asks stops there


class CaseResult(BaseModel):
    """One case, run once (``attempt`` counts from 0 under ``--repeat``)."""

    id: str
    path: str
    attempt: int = 0
    outcomes: list[Outcome] = Field(default_factory=list)
    error: str | None = Field(default=None, description="Why the case could not run or load.")
    seconds: float = 0.0
    overall: float | None = None
    session_id: str | None = None

    @property
    def passed(self) -> bool:
        return self.error is None and all(o.passed for o in self.outcomes)


class EvalReport(BaseModel):
    """All results of one ``interviewer eval`` run."""

    results: list[CaseResult]
    repeat: int = 1
    workers: int = 1
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return bool(self.results) and all(r.passed for r in self.results)

    def case_ids(self) -> list[str]:
        return list(dict.fromkeys(r.id for r in self.results))

    def pass_rate(self, case_id: str) -> tuple[float, float | None]:
        """(mean pass rate of the case's expectations over repeats, its standard error; None
        for a single run)."""
        rates = [_rate(r) for r in self.results if r.id == case_id]
        mean = statistics.fmean(rates)
        if len(rates) < 2:
            return mean, None
        return mean, statistics.stdev(rates) / math.sqrt(len(rates))

    def totals(self) -> dict[str, int]:
        outcomes = [o for r in self.results for o in r.outcomes]
        return {
            "cases": len(self.case_ids()),
            "runs": len(self.results),
            "passed_runs": sum(r.passed for r in self.results),
            "expectations": len(outcomes),
            "failed_expectations": sum(not o.passed for o in outcomes),
            "errors": sum(r.error is not None for r in self.results),
        }


def _rate(r: CaseResult) -> float:
    if r.error is not None or not r.outcomes:
        return 0.0
    return sum(o.passed for o in r.outcomes) / len(r.outcomes)


def base_service(settings: Settings | None = None, progress: bool = False) -> InterviewService:
    """The shared service of an eval run: the user's settings, a throw-away sessions database
    (evals never touch the user's history), the question store built once."""
    from ..service import InterviewService

    settings = settings or Settings()
    db = Path(tempfile.mkdtemp(prefix="interviewer-eval-")) / "eval.db"
    # each case names its provider: a configured model (INTERVIEWER_PROVIDER=openai) is
    # never called by an offline case
    offline = {"provider": "offline", "judge_provider": None, "model": None, "judge_model": None}
    ws = InterviewService(
        settings.model_copy(update={"database_url": f"sqlite:///{db}", **offline})
    )
    ws.open_store(progress=progress)
    _ = ws.reader  # built once, shared by every case
    return ws


def run_cases(
    cases: Iterable[Case | CaseError],
    workers: int = 1,
    repeat: int = 1,
    base: InterviewService | None = None,
    on_done: Callable[[CaseResult], None] | None = None,
) -> EvalReport:
    """Run every case ``repeat`` times in ``workers`` threads; a CaseError becomes a failed
    result naming its file and field. ``on_done`` is called after each run (a progress bar)."""
    started = time.perf_counter()
    items = list(cases)
    shared = base
    if shared is None and any(isinstance(c, Case) for c in items):
        shared = base_service()
    if shared is not None:  # a case that names what does not exist fails before running
        items = [(preflight(shared, c) or c) if isinstance(c, Case) else c for c in items]
    jobs = [(c, k) for c in items for k in range(repeat if isinstance(c, Case) else 1)]

    def one(job: tuple[Case | CaseError, int]) -> CaseResult:
        item, attempt = job
        if isinstance(item, CaseError):
            result = CaseResult(id=item.id, path=str(item.path), error=str(item))
        else:
            assert shared is not None
            result = run_case(shared, item, attempt)
        if on_done is not None:
            on_done(result)
        return result

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        results = list(pool.map(one, jobs))
    return EvalReport(
        results=results,
        repeat=repeat,
        workers=workers,
        seconds=round(time.perf_counter() - started, 3),
    )


def preflight(base: InterviewService, case: Case) -> CaseError | None:
    """What can be checked before running: the persona, question ids and cassette exist."""
    path = case.path or Path(case.id)
    bank = base.bank
    if case.persona not in bank.personas:
        known = ", ".join(sorted(bank.personas))
        return CaseError(
            path=path, field="persona", message=f"unknown persona {case.persona!r}; one of: {known}"
        )
    for i, qid in enumerate(case.questions):
        if qid not in bank.questions:
            return CaseError(
                path=path, field=f"questions.{i}", message=f"unknown question id {qid!r}"
            )
    criteria = {c.id for c in bank.rubric_for(bank.personas[case.persona]).criteria}
    for cid in case.expect.scorecard.criteria:
        if cid not in criteria:
            return CaseError(
                path=path,
                field=f"expect.scorecard.criteria.{cid}",
                message=f"the {case.persona} rubric has no criterion {cid!r}; it has: "
                + ", ".join(sorted(criteria)),
            )
    if case.provider.cassette is not None and not _cassette(case).is_file():
        return CaseError(
            path=path, field="provider.cassette", message=f"no cassette at {_cassette(case)}"
        )
    return None


def _cassette(case: Case) -> Path:
    assert case.provider.cassette is not None
    folder = case.path.parent if case.path is not None else Path.cwd()
    return (folder / case.provider.cassette).resolve()


def run_case(base: InterviewService, case: Case, attempt: int = 0) -> CaseResult:
    """One case, start to scorecard; never raises (an error fails the case with its reason)."""
    started = time.perf_counter()
    result = CaseResult(id=case.id, path=str(case.path or case.id), attempt=attempt)
    try:
        ws = _service(base, case)
        session_id = _interview(ws, case)
        card = ws.end(session_id)
        transcript = ws.get(session_id)
        result.outcomes = check(case, transcript, card)
        result.overall = card.overall
        result.session_id = session_id
    except (InterviewerError, ValueError, OSError) as exc:
        where = case.path or case.id
        result.error = f"{where}: {type(exc).__name__}: {exc}"
    result.seconds = round(time.perf_counter() - started, 3)
    return result


def _interview(ws: InterviewService, case: Case) -> str:
    if case.questions:
        bank = ws.bank
        missing = [q for q in case.questions if q not in bank.questions]
        if missing:
            raise ValueError(f"questions: unknown question id(s) {', '.join(missing)}")
        plan = Plan(
            persona=bank.persona(case.persona).id,
            role=case.role,
            level=case.level,
            questions=[
                PlannedQuestion(
                    id=q,
                    text=bank.questions[q].text,
                    topics=list(bank.questions[q].topics),
                    why="chosen by the eval case",
                )
                for q in case.questions
            ],
        )
        session_id, _ = ws.start_plan(plan)
    else:
        session_id, _ = ws.start(case.persona, case.role, case.level)
    candidate = case.candidate
    simulated = SimulatedCandidate(candidate.mode) if candidate.mode else None
    replies = iter(candidate.answers or [])
    limit = candidate.turns if simulated else MAX_REPLIES
    for _ in range(limit):
        if ws.info(session_id).status == "finished":
            break
        if simulated is not None:
            text: str | None = simulated.reply(ws.get(session_id).turns)
        else:
            text = next(replies, None)
        if text is None:
            break
        ws.reply(session_id, text)
    return session_id


def _service(base: InterviewService, case: Case) -> InterviewService:
    from ..service import InterviewService

    spec = case.provider
    if spec.kind == "offline":
        return base
    settings = base.settings
    provider: Provider
    judge: Provider | None = None
    if spec.kind == "scripted":
        # without scripted outputs the engine words the turns (a case may script the judge only)
        provider = _scripted(spec.outputs, settings) if spec.outputs else _offline(settings)
        judge = _scripted(spec.judge, settings) if spec.judge else _offline(settings)
        settings = settings.model_copy(
            update={"provider": provider.name, "judge_provider": None, "model": None}
        )
    else:
        # the cassette's model, never the user's INTERVIEWER_MODEL: a replay is keyed by it
        settings = settings.model_copy(
            update={
                "provider": "replay",
                "cassette": _cassette(case),
                "judge_provider": None,
                "judge_model": None,
                "model": spec.model,
            }
        )
        provider = _replay(settings)
    ws = InterviewService(settings, provider=provider, judge=judge)
    ws.share_with(base)
    return ws


_FAULTS: Mapping[str, Callable[[str], Exception]] = MappingProxyType(
    {
        "timeout": lambda m: ProviderTimeout(m, retryable=True),
        "rate_limited": lambda m: ProviderRateLimited(m, retryable=True),
        "unavailable": lambda m: ProviderUnavailable(m, retryable=True),
        "bad_response": lambda m: ProviderBadResponse(m),
        "refused": lambda m: ProviderRefused(m),
    }
)


def _scripted(outputs: list[ScriptedOutput], settings: Settings) -> Provider:
    from ..providers import ScriptedProvider

    items: list[str | Exception] = [
        o if isinstance(o, str) else _FAULTS[o.error](f"scripted {o.error}") for o in outputs
    ]
    return ScriptedProvider(items, settings=settings)


def _offline(settings: Settings) -> Provider:
    from ..providers import OfflineProvider

    return OfflineProvider(settings)


def _replay(settings: Settings) -> Provider:
    from ..providers import get_provider

    return get_provider("replay", settings)
