"""Fit the overall-score weights on the dev split (ridge regression), report test agreement.

    python -m evals.fit [--ridge 1.0]

Prints the weights to paste into `interviewer/scoring/answer.py` (OVERALL_WEIGHTS). Only `dev` is
used for fitting; `test` is reported, never fitted. Off-topic, empty and evasive answers are
left out of the fit because the scorer gates them to 1 before the weights apply.
"""

from __future__ import annotations

import argparse

import numpy as np

from evals.run import load, spearman
from interviewer.analysis import analyse_answer
from interviewer.scoring.answer import FEATURES, features, overall_score


def _data(split: str) -> tuple[np.ndarray, np.ndarray, list, list[float]]:
    rows = load(f"{split}.jsonl")
    analyses = [analyse_answer(r["question"], r["answer"]) for r in rows]
    x = np.array([features(a) for a in analyses])
    y = np.array([float(r["rating"]) for r in rows])
    return x, y, analyses, [float(r["rating"]) for r in rows]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ridge", type=float, default=1.0)
    args = parser.parse_args()
    x, y, analyses, _ = _data("dev")
    keep = np.array([a.on_topic and not a.empty and not a.evasive for a in analyses])
    xb = np.hstack([x[keep], np.ones((keep.sum(), 1))])
    penalty = args.ridge * np.eye(xb.shape[1])
    penalty[-1, -1] = 0  # the intercept is not shrunk
    w = np.linalg.solve(xb.T @ xb + penalty, xb.T @ y[keep])
    print("OVERALL_WEIGHTS = {")
    for name, value in zip([*FEATURES, "intercept"], w, strict=True):
        print(f'    "{name}": {value:.3f},')
    print("}")
    weights = dict(zip([*FEATURES, "intercept"], w, strict=True))
    for split in ("dev", "test"):
        _, _, analyses, ratings = _data(split)
        scores = [overall_score(a, weights) for a in analyses]
        print(f"{split}: spearman {spearman(scores, ratings):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
