"""The eval cases (evals/cases/*.yaml) as pytest tests: `make test` covers them.

All cases run once per session, in parallel, as `interviewer eval` runs them (MiniLM, not the
tests' hash embedder: the off-topic checks need the real model). With INTERVIEWER_EVAL_JUNIT
set (the Makefile sets it), the run's JUnit XML is written there too.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from interviewer.config import REPO_ROOT, Settings
from interviewer.evaluation import CaseResult, load_cases, run_cases
from interviewer.evaluation.reports import write_junit
from interviewer.evaluation.runner import base_service

CASES = REPO_ROOT / "evals" / "cases"
LOADED = load_cases(CASES) if CASES.is_dir() else []


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, CaseResult]:
    home = tmp_path_factory.mktemp("eval-home")
    settings = Settings(home=home, embedder="minilm", provider="offline")
    report = run_cases(LOADED, workers=2, base=base_service(settings))
    junit = os.environ.get("INTERVIEWER_EVAL_JUNIT")
    if junit:
        Path(junit).parent.mkdir(parents=True, exist_ok=True)
        write_junit(report, Path(junit))
    return {r.id: r for r in report.results}


def test_there_are_enough_cases() -> None:
    assert len(LOADED) >= 40, f"only {len(LOADED)} eval cases in {CASES}"


@pytest.mark.slow
@pytest.mark.parametrize("case_id", [c.id for c in LOADED])
def test_eval_case(case_id: str, results: dict[str, CaseResult]) -> None:
    r = results[case_id]
    assert r.error is None, r.error
    failed = [f"{o.name}: {o.detail}" for o in r.outcomes if not o.passed]
    assert not failed, "\n".join(failed)
