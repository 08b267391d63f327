"""Rubric evals: YAML cases (``cases``), simulated candidates (``candidates``), the checks
(``expectations``), the parallel runner (``runner``) and its reports (``reports``).

``interviewer eval`` and ``tests/test_eval_cases.py`` both run ``evals/cases/*.yaml`` through
``run_cases``.
"""

from .cases import Case, CaseError, load_cases
from .runner import CaseResult, EvalReport, run_cases

__all__ = ["Case", "CaseError", "CaseResult", "EvalReport", "load_cases", "run_cases"]
