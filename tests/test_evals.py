"""Rubric evals with the offline (stub-free, model-free) scorer, as a regression guard in CI.

The thresholds are the scoring issue's acceptance figures where our own data meets them, and
the measured level minus a small margin where it does not yet (overall Spearman; see README).
`python -m evals.run --split test` prints the full report.
"""

from __future__ import annotations

import pytest

from evals.run import (
    gaming,
    load,
    off_topic,
    pairs,
    prep_lists,
    rated,
    shifted_lists,
    swapped_lists,
)


@pytest.fixture(scope="module")
def test_split():
    return rated("test")


def test_rank_correlation_with_rated_answers(test_split):
    assert test_split["n"] >= 100
    assert test_split["spearman"] >= 0.55


def test_specific_beats_generic_in_all_but_one_pair():
    result = pairs()
    assert result["generic_longer"] >= result["n"] // 2  # the set really tests length bias
    assert len(result["failures"]) <= 1, result["failures"]


def test_off_topic_false_flags_at_most_two_percent():
    result = off_topic()
    assert result["false_flag_rate"] <= 0.02, result["false_flags"]
    assert result["recall"] > 0.2  # it does catch some: the check is not switched off


def test_preparation_lists_misfiled_answers_caught_and_none_flagged_wrongly():
    """Each answer under its own question: at most 2% flagged over the eight lists (measured:
    4 of 480). Each filed under the previous question: the measured level minus a small margin
    (README: 185 of 382, 138 without the true question), a guard against losing recall, not
    the issue's target (4 of 5)."""
    result = prep_lists()
    on_topic = sum(p["n"] for p in result.values())
    false_flags = [i for p in result.values() for i in p["false_flags"]]
    assert len(false_flags) <= 0.02 * on_topic, false_flags
    shifted = sum(p["shifted"] for p in result.values())
    assert sum(p["caught"] for p in result.values()) >= 0.45 * shifted
    assert sum(p["caught_without_true_question"] for p in result.values()) >= 0.33 * shifted


def test_gaming_never_raises_a_score_by_more_than_a_quarter():
    result = gaming()
    assert result["violations"] == [], result["violations"]


def test_answers_shifted_within_a_file_are_caught_and_the_rest_left_alone():
    """Runs of three answers rotated by a row, whole lists scored as `score-answers` scores a
    file: at most 2% of the untouched answers flagged (measured 5 of 480); caught at the
    measured level minus a margin (README: 269 of 428), a guard, not the issue's target."""
    result = shifted_lists()
    untouched = sum(r["untouched"] for r in result.values())
    assert sum(r["false_flags"] for r in result.values()) <= 0.02 * untouched
    shifted = sum(r["shifted"] for r in result.values())
    assert sum(r["caught"] for r in result.values()) >= 0.59 * shifted


def test_swapped_neighbours_in_a_file_are_caught():
    """Neighbouring answers swapped in place, whole lists scored as files. Untouched answers
    flagged: measured 9 of 496 (1.8%), at most 2%; caught at the measured level minus a
    margin (README: 283 of 396)."""
    result = swapped_lists()
    untouched = sum(r["untouched"] for r in result.values())
    assert sum(r["false_flags"] for r in result.values()) <= 0.02 * untouched
    shifted = sum(r["shifted"] for r in result.values())
    assert sum(r["caught"] for r in result.values()) >= 0.66 * shifted


def test_the_question_adapter_tells_an_answers_own_question_from_its_neighbour_better():
    """On the lists the adapter never saw (E-H), each answer against its own question and the
    one before it: through the adapter the own question wins more often than in plain MiniLM
    cosine (measured 188 against 177 of 205)."""
    from interviewer.analysis import Reader
    from interviewer.analysis.text import clean_text
    from interviewer.embeddings import MiniLMEmbedder

    reader = Reader(MiniLMEmbedder())
    plain = fitted = 0
    for name in (
        "prep_holdout5.jsonl",
        "prep_holdout6.jsonl",
        "prep_holdout7.jsonl",
        "prep_holdout8.jsonl",
    ):
        rows = load(name)
        for before, row in zip(rows, rows[1:], strict=False):
            if not before["next_distinct"]:
                continue
            opening = clean_text(row["answer"])[:240]
            own, other = row["question"], before["question"]
            plain += reader.similarity(own, opening) > reader.similarity(other, opening)
            fitted += reader.fit(own, opening) > reader.fit(other, opening)
    assert fitted >= plain + 5, (fitted, plain)
