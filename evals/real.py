"""The offline scorer on real candidates' answers (../shared/data), beside our own rated set.

    python -m evals.real [--folds 5] [--json]

Real answers are read from ``$INTERVIEWER_REAL_DATA`` (default: ``../shared/data`` beside the
checkout); their text is never copied into this repository. Reported:

- ``spearman_current``: the shipped weights on the real dev set. The word lists were developed
  while reading these answers, so this is an in-sample figure.
- ``spearman_cv``: held-out estimate. The overall-score weights are refitted k times on our
  own dev split plus k-1 folds of the real set, and each fold is scored by weights that never
  saw it; the pooled held-out predictions are correlated with the raters' consensus.
- the same for our own test split, which is never fitted.
- ``real_off_topic``: the raters' off-topic answers caught, and on-topic answers flagged.
- ``real_swapped_flagged``: each real answer filed under its neighbouring question, flagged (and
  flagged with its own question left out of the file).
- ``real_shifted_runs``: runs of three real answers rotated by a row inside the whole file,
  scored as `score-answers` scores it: caught, and false flags on the untouched answers.
- ``real_swapped_pairs``: the same with neighbouring answers swapped in place.

Off-topic checks read the file as ``score-answers`` does: its own questions join the bank's
as references.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

import numpy as np

from evals.run import load, rotated_runs, score_answer, spearman, swapped_pairs
from interviewer.analysis import Reader, analyse_answer
from interviewer.scoring.answer import FEATURES, features, overall_score

ROOT = Path(__file__).resolve().parent.parent


def real_rows() -> list[dict[str, Any]]:
    folder = Path(os.environ.get("INTERVIEWER_REAL_DATA", ROOT.parent / "shared" / "data"))
    path = folder / "real_answers_dev.jsonl"
    if not path.is_file():
        raise SystemExit(f"real answers not found at {path} (set INTERVIEWER_REAL_DATA)")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def bank_reader() -> Reader:
    """A reader that knows the bank's questions, as the product's service builds it."""
    return score_answer.bank_reader()


def fit(x: np.ndarray, y: np.ndarray, ridge: float = 1.0) -> dict[str, float]:
    xb = np.hstack([x, np.ones((len(x), 1))])
    penalty = ridge * np.eye(xb.shape[1])
    penalty[-1, -1] = 0
    w = np.linalg.solve(xb.T @ xb + penalty, xb.T @ y)
    return dict(zip([*FEATURES, "intercept"], (float(v) for v in w), strict=True))


def report(folds: int = 5) -> dict[str, Any]:
    reader = bank_reader()
    real = real_rows()
    # As `score-answers` reads a file: its own questions are references for the off-topic test.
    file_reader = reader.with_questions([r["question"] for r in real])
    real_a = [
        analyse_answer(r["question"], r["answer"], reader=file_reader, check_short=False)
        for r in real
    ]
    real_y = np.array([float(r["depth"]) for r in real])
    dev = load("dev.jsonl")
    dev_a = [
        analyse_answer(r["question"], r["answer"], reader=reader, check_short=False) for r in dev
    ]
    dev_y = np.array([float(r["rating"]) for r in dev])
    test = load("test.jsonl")
    test_a = [
        analyse_answer(r["question"], r["answer"], reader=reader, check_short=False) for r in test
    ]
    test_y = [float(r["rating"]) for r in test]

    def usable(a: Any) -> bool:
        return bool(a.on_topic and not a.empty and not a.evasive)

    current = [overall_score(a) for a in real_a]
    order = np.arange(len(real))
    held: list[float] = [0.0] * len(real)
    for k in range(folds):
        out = order[k::folds]
        train = [i for i in order if i not in set(out)]
        xs = [features(a) for a in dev_a if usable(a)] + [
            features(real_a[i]) for i in train if usable(real_a[i])
        ]
        ys = [y for a, y in zip(dev_a, dev_y, strict=True) if usable(a)] + [
            real_y[i] for i in train if usable(real_a[i])
        ]
        weights = fit(np.array(xs), np.array(ys))
        for i in out:
            held[i] = overall_score(real_a[i], weights)
    flagged = [not a.on_topic for a in real_a]
    # Each on-topic real answer filed under the next question of the same preparation (the way
    # the two real off-topic answers arose): a lower bound on recall, since a neighbour may ask
    # nearly the same thing.
    on = [r for r in real if r["on_topic"]]
    swapped = [
        (on[i]["question"], on[i + 1]["answer"])
        for i in range(len(on) - 1)
        if on[i]["question"] != on[i + 1]["question"]
    ]
    swap_flags = [
        not analyse_answer(q, a, reader=file_reader, check_short=False).on_topic for q, a in swapped
    ]
    # The same, with the answer's own question left out of the file: as when the question it
    # answers sits in another file (the held-out half of the same preparation).
    questions = [r["question"] for r in real]
    alone_flags = [
        not analyse_answer(
            on[i]["question"],
            on[i + 1]["answer"],
            reader=reader.with_questions([q for q in questions if q != on[i + 1]["question"]]),
            check_short=False,
        ).on_topic
        for i in range(len(on) - 1)
        if on[i]["question"] != on[i + 1]["question"]
    ]
    gold_off = [not r["on_topic"] for r in real]
    # Runs of three real answers shifted by a row inside the whole file, scored as
    # `score-answers` scores a file (the two real off-topic answers were such a pair).
    runs = rotated_runs(real, reader)
    swaps = swapped_pairs(real, reader)
    return {
        "real_n": len(real),
        "spearman_current": round(spearman(current, list(real_y)), 3),
        "spearman_cv": round(spearman(held, list(real_y)), 3),
        "own_test_spearman": round(spearman([overall_score(a) for a in test_a], test_y), 3),
        "real_off_topic": {
            "gold": sum(gold_off),
            "caught": sum(1 for f, g in zip(flagged, gold_off, strict=True) if f and g),
            "false_flags": sum(1 for f, g in zip(flagged, gold_off, strict=True) if f and not g),
            "on_topic": sum(1 for g in gold_off if not g),
        },
        "real_shifted_runs": runs,
        "real_swapped_pairs": swaps,
        "real_swapped_flagged": {
            "n": len(swapped),
            "flagged": sum(swap_flags),
            "flagged_without_own_question": sum(alone_flags),
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = report(args.folds)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for key, value in result.items():
            print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
