"""`interviewer calibrate`: agreement with labels, with confidence intervals, and the ways a
scorer can be gamed (verbosity, padding, repetition). Our own labelled answers (evals/data)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from interviewer.calibration import _qwk, parse_labels
from interviewer.cli import main

DATA = Path(__file__).resolve().parent.parent / "evals" / "data" / "test.jsonl"


def labels_file(tmp_path: Path, n: int = 40, shuffle: bool = False) -> Path:
    rows = [json.loads(line) for line in DATA.read_text().splitlines()][:n]
    labels = [r["rating"] for r in rows]
    if shuffle:  # labels that have nothing to do with the answers
        labels = labels[1:] + labels[:1]
        labels = list(np.random.default_rng(1).permutation(labels))
    path = tmp_path / "labels.jsonl"
    path.write_text(
        "".join(
            json.dumps(
                {
                    "id": r["id"],
                    "question": r["question"],
                    "answer": r["answer"],
                    "label": int(label),
                }
            )
            + "\n"
            for r, label in zip(rows, labels, strict=True)
        )
    )
    return path


def test_calibrate_reports_agreement_with_intervals_and_the_gaming_checks(tmp_path, capsys):
    assert main(["calibrate", str(labels_file(tmp_path)), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["n"] == 40
    for key in ("spearman", "quadratic_weighted_kappa", "exact_agreement", "mean_bias"):
        got = report[key]
        assert got["low"] <= got["value"] <= got["high"], key
    assert report["spearman"]["value"] > 0.4  # our scorer does agree with these labels
    assert sum(report["levels_used"].values()) == 40
    assert report["padding_shift"] <= 0.25 and report["repetition_shift"] <= 0.25
    assert -1 <= report["verbosity_spearman"] <= 1


def test_labels_unrelated_to_the_answers_show_as_no_agreement(tmp_path, capsys):
    assert main(["calibrate", str(labels_file(tmp_path, shuffle=True)), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    # the interval reaches down to no agreement: nothing here says the scores track labels
    assert report["spearman"]["low"] < 0.15
    assert report["quadratic_weighted_kappa"]["value"] < 0.4


def test_quadratic_weighted_kappa_matches_known_values():
    levels = np.array([1, 2, 3, 4, 5, 3, 2, 4])
    assert _qwk(levels, levels) == pytest.approx(1.0)
    assert _qwk(levels, 6 - levels) < 0  # reversed: worse than chance
    # by hand: observed weighted disagreement 1/16, expected 56/64, so kappa = 1 - 1/14
    assert _qwk(np.array([1, 2, 3, 4.0]), np.array([1, 2, 3, 5.0])) == pytest.approx(13 / 14)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"question": "q", "answer": "a", "label": 7}', "line 1: field 'label'"),
        ('{"question": "q", "label": 3}', "line 1: field 'answer'"),
        ("[1, 2]", "line 1: expected a JSON object"),
    ],
)
def test_a_bad_labels_line_is_named(tmp_path, capsys, line, message):
    path = tmp_path / "bad.jsonl"
    path.write_text(line + "\n")
    assert main(["calibrate", str(path)]) == 2
    assert message in capsys.readouterr().err


def test_too_few_labels_is_a_clear_error():
    rows = [(1, {"question": "q", "answer": "a", "label": 3}, None)]
    with pytest.raises(Exception, match="at least 5"):
        parse_labels(rows)
