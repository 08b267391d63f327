"""Rubric evals for the offline scorer: agreement with rated answers, pairs, off-topic, gaming.

Off-topic is measured on a hard written set (offtopic.jsonl) and on eight preparation lists
(prep_holdout*.jsonl, each answer under its own question and under its neighbour's). List A
was written as a held-out set and then used to choose NEIGHBOUR_MARGIN; list B was written
after that and measured once, and its two false flags led to the about-the-candidate rule.
Lists A-D (with dev and test) are the question adapter's training data (evals/train_adapter.py);
E and F were measured once when written; G-L were written after the adapter and measured once
with it and with the code before it (README); I-L then chose one rule (a file's smaller
margin is for its own questions, not the bank's).

    python -m evals.run [--split dev|test] [--json]

Prints a report (JSON with --json) and exits 1 when a threshold from the scoring issue fails:
Spearman >= 0.6, specific-beats-generic in all but one pair, off-topic false flags <= 2%,
no gaming variant raising a score by more than 0.25.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from interviewer.analysis import Reader
from interviewer.scoring.answer import score_answer as _score_answer

DATA = Path(__file__).parent / "data"


def _reader() -> Reader:
    from interviewer.bank import load_bank

    bank = load_bank(Path(__file__).resolve().parent.parent)
    return Reader(references=lambda: [q.text for q in bank.questions.values()])


class _Scorer:
    """Score exactly as `interviewer score-answers` does (bulk mode, one shared reader)."""

    def __init__(self) -> None:
        self.reader: Reader | None = None

    def bank_reader(self) -> Reader:
        if self.reader is None:
            self.reader = _reader()
        return self.reader

    def __call__(self, question: str, answer: str) -> Any:
        return _score_answer(question, answer, check_short=False, reader=self.bank_reader())


score_answer = _Scorer()


THRESHOLDS = {"spearman": 0.6, "pair_failures": 1, "false_flag_rate": 0.02, "max_gaming_gain": 0.25}


def load(name: str) -> list[dict[str, Any]]:
    path = DATA / name
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def _ranks(values: list[float]) -> list[float]:
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def spearman(xs: list[float], ys: list[float]) -> float:
    """Spearman's rank correlation with average ranks for ties."""
    rx, ry = _ranks(xs), _ranks(ys)
    n = len(xs)
    mx, my = sum(rx) / n, sum(ry) / n
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    vx = sum((a - mx) ** 2 for a in rx) ** 0.5
    vy = sum((b - my) ** 2 for b in ry) ** 0.5
    return cov / (vx * vy) if vx and vy else 0.0


def rated(split: str) -> dict[str, Any]:
    rows = load(f"{split}.jsonl")
    scores = [score_answer(r["question"], r["answer"]).overall for r in rows]
    ratings = [float(r["rating"]) for r in rows]
    worst = sorted(
        zip(rows, scores, strict=True), key=lambda rs: -abs(rs[1] - float(rs[0]["rating"]))
    )[:8]
    return {
        "n": len(rows),
        "spearman": round(spearman(scores, ratings), 3),
        "mean_abs_error": round(
            sum(abs(a - b) for a, b in zip(scores, ratings, strict=True)) / len(rows), 3
        ),
        "worst": [{"id": r["id"], "rating": r["rating"], "score": s} for r, s in worst],
    }


def pairs() -> dict[str, Any]:
    rows = load("pairs.jsonl")
    failures = []
    longer_generic = 0
    for r in rows:
        specific = score_answer(r["question"], r["specific"]).overall
        generic = score_answer(r["question"], r["generic"]).overall
        longer_generic += len(r["generic"]) > len(r["specific"])
        if specific <= generic:
            failures.append({"id": r["id"], "specific": specific, "generic": generic})
    return {"n": len(rows), "generic_longer": longer_generic, "failures": failures}


def off_topic() -> dict[str, Any]:
    rows = load("offtopic.jsonl")
    # As `score-answers` reads a file: its own questions join the bank's as references.
    reader = score_answer.bank_reader().with_questions([r["question"] for r in rows])
    false_flags, missed = [], []
    for r in rows:
        score = _score_answer(r["question"], r["answer"], check_short=False, reader=reader)
        flagged = not score.on_topic
        if flagged and r["on_topic"]:
            false_flags.append(r["id"])
        if not flagged and not r["on_topic"]:
            missed.append(r["id"])
    on = sum(1 for r in rows if r["on_topic"])
    off = len(rows) - on
    return {
        "n": len(rows),
        "false_flag_rate": round(len(false_flags) / max(1, on), 3),
        "recall": round(1 - len(missed) / max(1, off), 3),
        "false_flags": false_flags,
        "missed": missed,
    }


PREP_LISTS = {
    "prep_holdout.jsonl": "a general preparation list (A)",
    "prep_holdout2.jsonl": "a fintech preparation list (B)",
    "prep_holdout3.jsonl": "an SRE / platform preparation list (C)",
    "prep_holdout4.jsonl": "an ML / data engineering preparation list (D)",
    "prep_holdout5.jsonl": "a full-stack startup preparation list (E)",
    "prep_holdout6.jsonl": "a distributed-systems backend preparation list (F)",
    "prep_holdout7.jsonl": "a startup backend / platform preparation list (G)",
    "prep_holdout8.jsonl": "a mobile engineering preparation list (H)",
    "prep_holdout9.jsonl": "a full-stack / AI-product preparation list, terser (I)",
    "prep_holdout10.jsonl": "a behavioural preparation list, terser (J)",
    "prep_holdout11.jsonl": "a cloud / SRE / security preparation list, terser (K)",
    "prep_holdout12.jsonl": "a tech-lead / product preparation list, terser (L)",
}
# Lists I-L were written asking for many answers that never use their question's words (as
# some candidates answer). There the false-flag target (2%) is not met: MiniLM does not connect
# "cite the source material" with "hallucinations" (README, Known limits).
TERSE_LISTS = frozenset(
    {"prep_holdout9.jsonl", "prep_holdout10.jsonl", "prep_holdout11.jsonl", "prep_holdout12.jsonl"}
)


def prep_lists() -> dict[str, Any]:
    """Off-topic checks on preparation lists, read as `score-answers` reads a file: each answer
    under its own question (false flags), then each answer filed under the question before it
    where the writer marked the two as asking different things (``next_distinct``): caught with
    its true question in the file, and with it removed (the file no longer holds the question
    the answer fits, as when a list is split in two)."""
    reader = score_answer.bank_reader()
    out: dict[str, Any] = {}
    for name, label in PREP_LISTS.items():
        rows = load(name)
        questions = [r["question"] for r in rows]
        view = reader.with_questions(questions)

        def flagged(question: str, answer: str, view: Reader = view) -> bool:
            return not _score_answer(question, answer, check_short=False, reader=view).on_topic

        false_flags = [r["id"] for r in rows if flagged(r["question"], r["answer"])]
        shifted = [
            (rows[i]["question"], rows[i + 1]["answer"], rows[i + 1]["question"])
            for i in range(len(rows) - 1)
            if rows[i]["next_distinct"]
        ]
        caught = sum(flagged(q, a) for q, a, _ in shifted)
        caught_alone = sum(
            flagged(q, a, reader.with_questions([x for x in questions if x != true]))
            for q, a, true in shifted
        )
        out[name] = {
            "label": label,
            "n": len(rows),
            "false_flags": false_flags,
            "shifted": len(shifted),
            "caught": caught,
            "caught_without_true_question": caught_alone,
        }
    return out


def rotated_runs(rows: list[dict[str, Any]], reader: Reader) -> dict[str, Any]:
    """Answers shifted within runs, scored as whole files the way `score-answers` reads them.

    Runs of three rows every six (two files, offsets 0 and 3, cover every row) are rotated by
    one: each row of a run gets the next row's answer, the last gets the first's.
    ``rows``: dicts with question, answer and optionally on_topic and next_distinct.
    """
    layouts = []
    for offset in (0, 3):
        moved: dict[int, int] = {}  # row -> the row whose answer it now holds
        for start in range(offset, len(rows) - 2, 6):
            run = [start, start + 1, start + 2]
            moved.update(zip(run, run[1:] + run[:1], strict=True))
        layouts.append(moved)
    return _misplaced(rows, reader, layouts)


def swapped_pairs(rows: list[dict[str, Any]], reader: Reader) -> dict[str, Any]:
    """Neighbouring answers swapped in place (rows 4k+1 and 4k+2, then offset by two so every
    pair is covered), whole files scored as `score-answers` reads them."""
    layouts = []
    for offset in (1, 3):
        moved: dict[int, int] = {}
        for start in range(offset, len(rows) - 1, 4):
            moved[start], moved[start + 1] = start + 1, start
        layouts.append(moved)
    return _misplaced(rows, reader, layouts)


def _misplaced(
    rows: list[dict[str, Any]], reader: Reader, layouts: list[dict[int, int]]
) -> dict[str, Any]:
    """Score each layout (row -> the row whose answer it holds) as one file. ``caught``: moved
    answers flagged off topic, where the two questions differ (for neighbours, as the list's
    ``next_distinct`` says); ``false_flags``: untouched on-topic answers flagged."""
    from interviewer.scoring.batch import score_answer_lines

    caught = shifted = false_flags = untouched = 0
    for moved in layouts:
        parsed = [
            (i + 1, {"question": r["question"], "answer": rows[moved.get(i, i)]["answer"]}, None)
            for i, r in enumerate(rows)
        ]
        reader.clear()
        flagged = [not line["on_topic"] for line in score_answer_lines(parsed, reader=reader)]
        for i, r in enumerate(rows):
            j = moved.get(i)
            if j is None:
                if r.get("on_topic", True):
                    untouched += 1
                    false_flags += flagged[i]
                continue
            neighbours = abs(i - j) == 1
            if r["question"] != rows[j]["question"] and (
                not neighbours or rows[min(i, j)].get("next_distinct", True)
            ):
                shifted += 1
                caught += flagged[i]
    return {
        "shifted": shifted,
        "caught": caught,
        "untouched": untouched,
        "false_flags": false_flags,
    }


def shifted_lists() -> dict[str, Any]:
    """``rotated_runs`` on each preparation list."""
    reader = score_answer.bank_reader()
    return {name: rotated_runs(load(name), reader) for name in PREP_LISTS}


def swapped_lists() -> dict[str, Any]:
    """``swapped_pairs`` on each preparation list."""
    reader = score_answer.bank_reader()
    return {name: swapped_pairs(load(name), reader) for name in PREP_LISTS}


def gaming() -> dict[str, Any]:
    rows = load("gaming.jsonl")
    gains: dict[str, float] = {}
    worst: list[dict[str, Any]] = []
    for r in rows:
        base = score_answer(r["question"], r["answer"]).overall
        for name, variant in r["variants"].items():
            gain = score_answer(r["question"], variant).overall - base
            gains[name] = max(gains.get(name, -5.0), gain)
            if gain > THRESHOLDS["max_gaming_gain"]:
                worst.append({"id": r["id"], "variant": name, "gain": round(gain, 2)})
    return {
        "n": len(rows),
        "max_gain": {k: round(v, 2) for k, v in gains.items()},
        "violations": worst,
    }


def report(split: str) -> dict[str, Any]:
    result = {
        "rated": rated(split),
        "pairs": pairs(),
        "off_topic": off_topic(),
        "prep_lists": prep_lists(),
        "shifted_runs": shifted_lists(),
        "swapped_pairs": swapped_lists(),
        "gaming": gaming(),
    }
    prep_on = sum(p["n"] for p in result["prep_lists"].values())
    prep_ff = sum(len(p["false_flags"]) for p in result["prep_lists"].values())
    # reported per list above; the target is checked on all of them, the terse ones included
    result["passed"] = {
        "spearman": result["rated"]["spearman"] >= THRESHOLDS["spearman"],
        "pairs": len(result["pairs"]["failures"]) <= THRESHOLDS["pair_failures"],
        "off_topic": result["off_topic"]["false_flag_rate"] <= THRESHOLDS["false_flag_rate"]
        and prep_ff / max(1, prep_on) <= THRESHOLDS["false_flag_rate"],
        "gaming": not result["gaming"]["violations"],
    }
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["dev", "test"], default="test")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = report(args.split)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        r, p, o, g = result["rated"], result["pairs"], result["off_topic"], result["gaming"]
        print(
            f"rated ({args.split}, n={r['n']}): spearman {r['spearman']}, MAE {r['mean_abs_error']}"
        )
        print(
            f"pairs (n={p['n']}, generic longer in {p['generic_longer']}): {len(p['failures'])} failures"
        )
        print(
            f"off-topic (n={o['n']}): false flags {o['false_flag_rate']:.1%}, recall {o['recall']:.1%}"
        )
        for p in result["prep_lists"].values():
            print(
                f"{p['label']} (n={p['n']}): false flags {len(p['false_flags'])}, answers filed "
                f"under the previous question caught {p['caught']}/{p['shifted']} "
                f"({p['caught_without_true_question']} without their own question in the file)"
            )
        runs = result["shifted_runs"].values()
        print(
            "answers shifted within runs of three, whole lists scored as files: caught "
            f"{sum(r['caught'] for r in runs)}/{sum(r['shifted'] for r in runs)}, false flags "
            f"on the untouched answers {sum(r['false_flags'] for r in runs)}/"
            f"{sum(r['untouched'] for r in runs)}"
        )
        pairs_ = result["swapped_pairs"].values()
        print(
            "neighbouring answers swapped in place, whole lists scored as files: caught "
            f"{sum(r['caught'] for r in pairs_)}/{sum(r['shifted'] for r in pairs_)}, false "
            f"flags on the untouched answers {sum(r['false_flags'] for r in pairs_)}/"
            f"{sum(r['untouched'] for r in pairs_)}"
        )
        print(f"gaming (n={g['n']}): max gain {g['max_gain']}, violations {len(g['violations'])}")
        print("passed: " + ", ".join(f"{k}={v}" for k, v in result["passed"].items()))
    return 0 if all(result["passed"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
