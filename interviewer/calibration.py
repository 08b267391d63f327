"""Judge calibration: how far the offline scorer agrees with human labels, and how it fails.

``calibrate(rows, reader)`` scores labelled answers exactly as ``interviewer score-answers``
does (a file's own questions are off-topic references too) and reports, against the labels:

- agreement: Spearman's rho, quadratic weighted kappa (levels rounded to 1-5), exact and
  adjacent (within one level) agreement, and mean bias (score minus label), each with a 95%
  bootstrap confidence interval (scipy.stats.bootstrap, percentile method, fixed seed);
- the histogram of levels the scorer used beside the labels';
- verbosity: Spearman's rho between score and answer length in words (near 0 is good);
- robustness: the mean score shift when generic sentences are appended (padding) and when the
  answer is pasted twice (repetition); an honest scorer moves by about 0 or down.

Rows are ``(line, {"id","question","answer","label"})``; a bad row raises InputError naming its
line and field. Needs at least 5 usable rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from pydantic import BaseModel, Field

from .analysis import Reader
from .errors import InputError
from .scoring.answer import score_answer

MIN_ROWS = 5
LEVELS = (1, 2, 3, 4, 5)
PADDING = (
    " Communication and collaboration are very important to me. I always try to keep the "
    "bigger picture in mind and to learn from every experience."
)
CONFIDENCE = 0.95
RESAMPLES = 2000


class Interval(BaseModel):
    """A statistic with its 95% bootstrap confidence interval (None when undefined)."""

    value: float | None
    low: float | None = None
    high: float | None = None


class Calibration(BaseModel):
    """What ``interviewer calibrate`` reports."""

    n: int
    spearman: Interval
    quadratic_weighted_kappa: Interval
    exact_agreement: Interval
    adjacent_agreement: Interval
    mean_bias: Interval = Field(description="Mean of score minus label; > 0: too generous.")
    levels_used: dict[int, int] = Field(description="How often the scorer gave each level.")
    levels_labelled: dict[int, int] = Field(description="How often the labels gave each level.")
    verbosity_spearman: float | None = Field(
        description="Spearman's rho of score with answer length in words."
    )
    padding_shift: float = Field(description="Mean score change when generic text is appended.")
    repetition_shift: float = Field(description="Mean score change when the answer is doubled.")

    def to_markdown(self) -> str:
        def cell(i: Interval, digits: int = 2) -> str:
            if i.value is None:
                return "n/a"
            ci = f" [{i.low:.{digits}f}, {i.high:.{digits}f}]" if i.low is not None else ""
            return f"{i.value:.{digits}f}{ci}"

        rows = [
            ("Spearman's rho", cell(self.spearman)),
            ("quadratic weighted kappa", cell(self.quadratic_weighted_kappa)),
            ("exact agreement", cell(self.exact_agreement)),
            ("adjacent agreement (within 1)", cell(self.adjacent_agreement)),
            ("mean bias (score - label)", cell(self.mean_bias)),
            ("score vs length (Spearman)", _fmt(self.verbosity_spearman)),
            ("shift when padded with generic text", f"{self.padding_shift:+.2f}"),
            ("shift when pasted twice", f"{self.repetition_shift:+.2f}"),
        ]
        used = " ".join(f"{k}:{self.levels_used.get(k, 0)}" for k in LEVELS)
        labelled = " ".join(f"{k}:{self.levels_labelled.get(k, 0)}" for k in LEVELS)
        return "\n".join(
            [
                f"# Calibration on {self.n} labelled answers",
                "",
                "95% bootstrap confidence intervals in brackets.",
                "",
                "| measure | value |",
                "|---|---|",
                *(f"| {name} | {value} |" for name, value in rows),
                "",
                f"Levels the scorer used: {used}  ",
                f"Levels in the labels: {labelled}",
            ]
        )


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def parse_labels(rows: Sequence[tuple[int, Any | None, str | None]]) -> list[dict[str, Any]]:
    """Checked label rows. Raises InputError naming the line and field of the first bad one."""
    out: list[dict[str, Any]] = []
    for number, obj, error in rows:
        if error:
            raise InputError(error)
        if not isinstance(obj, dict):
            raise InputError(f"line {number}: expected a JSON object")
        for field in ("question", "answer"):
            if not isinstance(obj.get(field), str):
                raise InputError(f"line {number}: field {field!r} must be a string")
        label = obj.get("label")
        if isinstance(label, bool) or not isinstance(label, int | float) or not 1 <= label <= 5:
            raise InputError(f"line {number}: field 'label' must be a number from 1 to 5")
        out.append({**obj, "label": float(label)})
    if len(out) < MIN_ROWS:
        raise InputError(f"calibration needs at least {MIN_ROWS} labelled answers, got {len(out)}")
    return out


def calibrate(rows: list[dict[str, Any]], reader: Reader, max_chars: int = 6000) -> Calibration:
    """Score the labelled answers and compare (see the module docstring)."""
    view = reader.with_questions([r["question"] for r in rows])

    def scores(transform: Callable[[str], str]) -> np.ndarray:
        return np.array(
            [
                score_answer(
                    r["question"],
                    transform(r["answer"]),
                    max_chars=max_chars,
                    check_short=False,
                    reader=view,
                ).overall
                for r in rows
            ]
        )

    predicted = scores(lambda a: a)
    labels = np.array([r["label"] for r in rows])
    lengths = np.array([len(r["answer"].split()) for r in rows], dtype=float)
    p_level, l_level = _levels(predicted), _levels(labels)
    return Calibration(
        n=len(rows),
        spearman=_interval(_spearman, predicted, labels),
        quadratic_weighted_kappa=_interval(_qwk, predicted, labels),
        exact_agreement=_interval(
            lambda p, t: float(np.mean(_levels(p) == _levels(t))), predicted, labels
        ),
        adjacent_agreement=_interval(
            lambda p, t: float(np.mean(np.abs(_levels(p) - _levels(t)) <= 1)), predicted, labels
        ),
        mean_bias=_interval(lambda p, t: float(np.mean(p - t)), predicted, labels),
        levels_used={k: int(np.sum(p_level == k)) for k in LEVELS},
        levels_labelled={k: int(np.sum(l_level == k)) for k in LEVELS},
        verbosity_spearman=_spearman(predicted, lengths),
        padding_shift=round(float(np.mean(scores(lambda a: a + PADDING) - predicted)), 3),
        repetition_shift=round(float(np.mean(scores(lambda a: f"{a}\n\n{a}") - predicted)), 3),
    )


def _levels(values: np.ndarray) -> np.ndarray:
    levels: np.ndarray = np.clip(np.rint(values), 1, 5).astype(int)
    return levels


def _spearman(a: np.ndarray, b: np.ndarray) -> float | None:
    from scipy.stats import spearmanr

    if np.ptp(a) == 0 or np.ptp(b) == 0:
        return None
    return float(spearmanr(a, b).statistic)


def _qwk(predicted: np.ndarray, labels: np.ndarray) -> float | None:
    """Cohen's kappa with quadratic weights over levels 1-5 (no library here provides it)."""
    p, t = _levels(predicted) - 1, _levels(labels) - 1
    k = len(LEVELS)
    observed = np.zeros((k, k))
    np.add.at(observed, (p, t), 1)
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0)) / max(1, len(p))
    weights = np.array([[(i - j) ** 2 for j in range(k)] for i in range(k)]) / (k - 1) ** 2
    denominator = float((weights * expected).sum())
    if denominator == 0:
        return None
    return 1.0 - float((weights * observed).sum()) / denominator


def _interval(
    statistic: Callable[[np.ndarray, np.ndarray], float | None], a: np.ndarray, b: np.ndarray
) -> Interval:
    """The statistic and its percentile bootstrap interval over paired resamples."""
    from scipy.stats import bootstrap

    value = statistic(a, b)
    if value is None:
        return Interval(value=None)

    def paired(x: np.ndarray, y: np.ndarray) -> float:
        got = statistic(x, y)
        return float("nan") if got is None else got

    result = bootstrap(
        (a, b),
        paired,
        paired=True,
        vectorized=False,
        n_resamples=RESAMPLES,
        confidence_level=CONFIDENCE,
        method="percentile",
        random_state=np.random.default_rng(0),
    )
    low, high = result.confidence_interval
    if np.isnan(low) or np.isnan(high):
        return Interval(value=round(value, 3))
    return Interval(value=round(value, 3), low=round(float(low), 3), high=round(float(high), 3))
