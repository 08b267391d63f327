"""Train the question adapter: a linear map on MiniLM question vectors for matching answers.

MiniLM (all-MiniLM-L6-v2) was trained to put paraphrases together, not a question beside its
answer: on the real answers, an answer filed under its neighbouring question fits its own one
better than any other only so often (AUC 0.91 of the margin, 27% caught at 2% false flags).
A 384x384 matrix ``M``, applied to question vectors (``normalize(q @ M)``, answers unchanged),
is fitted here so that each answer's own question scores highest among its list's questions
and bank questions drawn at random (softmax cross-entropy at temperature TAU, an L2 pull of
``M`` towards the identity). Trained on our own written answers only; the real answers, the
preparation lists E and F and the hard off-topic set are never seen, so they measure it.

Measured on the real answers (each filed under its neighbouring question, against the bank's
and the file's questions): AUC 0.914 -> 0.931; leaving each of our six lists out in turn, AUC
rose on every one (0.80-0.94 -> 0.85-0.97).

    python -m evals.train_adapter        # writes interviewer/analysis/question_adapter.npy
    python -m evals.train_adapter --check  # exits 1 when the shipped file is not what this trains
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import numpy as np

from evals.run import load
from interviewer.analysis.text import clean_text

ROOT = Path(__file__).resolve().parent.parent
TRAINING = (
    "dev.jsonl",
    "test.jsonl",
    "prep_holdout.jsonl",
    "prep_holdout2.jsonl",
    "prep_holdout3.jsonl",
    "prep_holdout4.jsonl",
)
TAU = 0.05  # softmax temperature over cosines
RIDGE = 0.3  # L2 pull towards the identity: lower overfits our lists (0.1 fits them to 0.999)
STEPS = 300
RATE = 0.5
BANK_NEGATIVES = 64  # bank questions drawn per step as extra wrong answers' questions
OPENING = 240  # the answer's opening, as relevance.SEMANTIC_CHARS reads it
SEED = 0


def _groups(embed: Any) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per training file: (question vectors, answer-opening vectors, each answer's question)."""
    out = []
    for name in TRAINING:
        rows = [r for r in load(name) if r.get("on_topic", True)]
        questions = list(dict.fromkeys(r["question"] for r in rows))
        index = {q: i for i, q in enumerate(questions)}
        answers = [clean_text(r["answer"])[:OPENING] for r in rows]
        out.append(
            (embed(questions), embed(answers), np.array([index[r["question"]] for r in rows]))
        )
    return out


def train(groups: list[tuple[np.ndarray, np.ndarray, np.ndarray]], bank: np.ndarray) -> np.ndarray:
    """Gradient descent on ``M = I + D``; returns ``M`` (384x384, float32)."""
    dim = bank.shape[1]
    delta = np.zeros((dim, dim))
    rng = np.random.default_rng(SEED)
    for _ in range(STEPS):
        grad = RIDGE * delta
        for questions, answers, own in groups:
            drawn = bank[rng.choice(len(bank), BANK_NEGATIVES, replace=False)]
            candidates = np.vstack([questions, drawn]).astype(np.float64)
            mapped = candidates @ (np.eye(dim) + delta)
            norms = np.linalg.norm(mapped, axis=1, keepdims=True)
            scores = answers @ (mapped / norms).T / TAU  # answers x questions
            scores -= scores.max(axis=1, keepdims=True)
            p = np.exp(scores)
            p /= p.sum(axis=1, keepdims=True)
            p[np.arange(len(own)), own] -= 1.0
            # d loss / d unit question vectors, then through the normalisation to D
            g_unit = (p.T @ answers) / TAU / len(own)
            unit = mapped / norms
            g_mapped = (g_unit - unit * (g_unit * unit).sum(axis=1, keepdims=True)) / norms
            grad += candidates.T @ g_mapped / len(groups)
        delta -= RATE * grad
    return (np.eye(dim) + delta).astype(np.float32)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the shipped file")
    args = parser.parse_args(argv)
    from interviewer.bank import load_bank
    from interviewer.embeddings import ADAPTER_PATH, MiniLMEmbedder

    embedder = MiniLMEmbedder()
    bank_questions = [q.text for q in load_bank(ROOT).questions.values()]
    matrix = train(_groups(embedder.embed), embedder.embed(bank_questions))
    if args.check:
        shipped = np.load(ADAPTER_PATH)
        gap = float(np.abs(shipped.astype(np.float32) - matrix).max())
        print(f"largest difference from the shipped adapter: {gap:.2e}")
        return 0 if gap < 2e-3 else 1
    np.save(ADAPTER_PATH, matrix.astype(np.float16))
    print(f"wrote {ADAPTER_PATH} ({ADAPTER_PATH.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
