"""Judge calibration: how far the configured scorer agrees with human labels, and how it fails.

Labels come from a JSONL file or from coaches' overrides (``calibration_sources``).
``calibrate(rows, scorer)`` scores a file's labelled answers with the configured scorer (the
offline one, or a model judge) and ``calibrate_scored(labels)`` takes the scores the system
already gave (overrides). Both report, against the labels:

- agreement: Spearman's rho, quadratic weighted kappa (levels rounded to 1-5), exact and
  adjacent (within one level) agreement, and mean bias (score minus label), each with a 95%
  bootstrap confidence interval (scipy.stats.bootstrap, percentile method, fixed seed);
- the histogram of levels the scorer used beside the labels', and their confusion matrix;
- verbosity: Spearman's rho between score and answer length in words (near 0 is good);
- robustness (a file's answers only): the mean score shift when generic sentences are appended
  (padding) and when the answer is pasted twice (repetition); an honest scorer moves by about 0
  or down;
- test-retest, with ``repeat`` > 1: a model judge scores every answer ``repeat`` times; exact
  agreement and quadratic weighted kappa between runs (mean over pairs of runs), the mean
  per-answer spread (max - min), and Spearman with the labels run by run. The first run is the
  one compared with the labels. The offline scorer is deterministic: its retest agreement is 1.0
  by construction and the repeats are skipped.

Answers the judge could not score (it fell back to the offline scores) are left out and counted.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from itertools import combinations
from typing import Any

import numpy as np

from .calibration_report import LEVELS, Calibration, Interval, Item, Retest
from .calibration_sources import MIN_ROWS, ScoredLabel, Scorer, parse_labels
from .errors import InterviewerError

PADDING = (
    " Communication and collaboration are very important to me. I always try to keep the "
    "bigger picture in mind and to learn from every experience."
)
CONFIDENCE = 0.95
RESAMPLES = 2000
MAX_REPEAT = 20
Scores = list[float | None]


def calibrate(
    rows: list[dict[str, Any]],
    scorer: Scorer,
    repeat: int = 1,
    tick: Callable[[], None] | None = None,
    source_detail: str = "a labels file",
) -> Calibration:
    """Score the labelled answers (``parse_labels`` rows) and compare (see the module doc).

    ``tick`` is called after each scoring (a progress bar); ``calls(len(rows), ...)`` is how
    many there will be."""

    def run(transform: Callable[[str], str]) -> Scores:
        out: Scores = []
        for r in rows:
            out.append(scorer.score(r["question"], transform(r["answer"])))
            if tick is not None:
                tick()
        return out

    runs = [run(lambda a: a)]
    retest: Retest | None = None
    labels = [r["label"] for r in rows]
    if repeat > 1 and scorer.deterministic:
        retest = Retest(
            runs=repeat,
            deterministic=True,
            items=len(rows),
            exact_agreement=1.0,
            quadratic_weighted_kappa=1.0,
            mean_spread=0.0,
            changed_items=0,
            note=f"{scorer.name.capitalize()} is deterministic: the same answer always gets the "
            "same score, so retest agreement is 1.0 by construction and the repeats were skipped.",
        )
    elif repeat > 1:
        runs += [run(lambda a: a) for _ in range(repeat - 1)]
        retest = _retest(runs, labels)
    padded = run(lambda a: a + PADDING)
    doubled = run(lambda a: f"{a}\n\n{a}")
    items = [
        Item(
            id=r["id"],
            label=r["label"],
            score=runs[0][i],
            runs=[run_[i] for run_ in runs] if len(runs) > 1 else [],
            words=len(r["answer"].split()),
        )
        for i, r in enumerate(rows)
    ]
    scored = sum(1 for x in runs[0] if x is not None)
    if scored < MIN_ROWS:
        raise InterviewerError(
            f"{scorer.name} scored {scored} of {len(rows)} answers; calibration needs at least "
            f"{MIN_ROWS} ({scorer.failure or 'no score given'})"
        )
    return _report(
        items,
        source="labels",
        source_detail=source_detail,
        scorer=scorer.name,
        padding_shift=_shift(runs[0], padded),
        repetition_shift=_shift(runs[0], doubled),
        retest=retest,
        unscored_reason=scorer.failure,
    )


def calls(rows: int, repeat: int, deterministic: bool) -> int:
    """How many scorings ``calibrate`` makes: each run, then padding and repetition."""
    runs = 1 if deterministic else max(1, repeat)
    return rows * (runs + 2)


def calibrate_scored(labels: Sequence[ScoredLabel], source_detail: str) -> Calibration:
    """Compare labels with the scores the system already gave (coach overrides)."""
    items = [Item(id=x.id, label=x.label, score=x.score, words=x.words) for x in labels]
    return _report(
        items, source="overrides", source_detail=source_detail, scorer="the stored machine scores"
    )


def _report(items: list[Item], **fields: Any) -> Calibration:
    used = [i for i in items if i.score is not None]
    predicted = np.array([i.score for i in used], dtype=float)
    labels = np.array([i.label for i in used], dtype=float)
    lengths = np.array([i.words for i in used], dtype=float)
    p_level, l_level = _levels(predicted), _levels(labels)
    confusion = np.zeros((len(LEVELS), len(LEVELS)), dtype=int)
    np.add.at(confusion, (l_level - 1, p_level - 1), 1)
    return Calibration(
        n=len(used),
        unscored=len(items) - len(used),
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
        confusion=confusion.tolist(),
        verbosity_spearman=_round(_spearman(predicted, lengths)),
        items=items,
        **fields,
    )


def _shift(base: Scores, changed: Scores) -> float | None:
    pairs = [(b, c) for b, c in zip(base, changed, strict=True) if b is not None and c is not None]
    if not pairs:
        return None
    return round(float(np.mean([c - b for b, c in pairs])), 3)


def _retest(runs: list[Scores], labels: list[float]) -> Retest:
    """Agreement of the runs with each other, over the answers scored in every run."""
    keep = [i for i in range(len(labels)) if all(run[i] is not None for run in runs)]
    left_out = len(labels) - len(keep)
    note = (
        f"{left_out} answers were not scored in every run and are left out here."
        if left_out
        else None
    )
    if not keep:
        return Retest(
            runs=len(runs),
            deterministic=False,
            items=0,
            exact_agreement=None,
            quadratic_weighted_kappa=None,
            mean_spread=None,
            changed_items=0,
            label_spearman_by_run=[None] * len(runs),
            note=note,
        )
    matrix = np.array([[run[i] for i in keep] for run in runs], dtype=float)
    truth = np.array([labels[i] for i in keep], dtype=float)
    levels = _levels(matrix)
    pairs = list(combinations(range(len(runs)), 2))
    exact = [float(np.mean(levels[a] == levels[b])) for a, b in pairs]
    kappas = [k for a, b in pairs if (k := _qwk(matrix[a], matrix[b])) is not None]
    return Retest(
        runs=len(runs),
        deterministic=False,
        items=len(keep),
        exact_agreement=_round(float(np.mean(exact))),
        quadratic_weighted_kappa=_round(float(np.mean(kappas))) if kappas else None,
        mean_spread=_round(float(np.mean(matrix.max(axis=0) - matrix.min(axis=0)))),
        changed_items=int(np.sum(levels.max(axis=0) != levels.min(axis=0))),
        label_spearman_by_run=[_round(_spearman(row, truth)) for row in matrix],
        note=note,
    )


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


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
    from scipy.stats import DegenerateDataWarning, bootstrap

    value = statistic(a, b)
    if value is None:
        return Interval(value=None)

    def paired(x: np.ndarray, y: np.ndarray) -> float:
        got = statistic(x, y)
        return float("nan") if got is None else got

    with warnings.catch_warnings():
        # every resample alike (say, all within one level): the interval is that one value
        warnings.simplefilter("ignore", DegenerateDataWarning)
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


__all__ = ["MAX_REPEAT", "calibrate", "calibrate_scored", "calls", "parse_labels"]
