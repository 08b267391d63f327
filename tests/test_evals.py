"""Rubric evals with the offline (stub-free, model-free) scorer, as a regression guard in CI.

The thresholds are the scoring issue's acceptance figures where our own data meets them, and
the measured level minus a small margin where it does not yet (overall Spearman; see README).
`python -m evals.run --split test` prints the full report.
"""

from __future__ import annotations

import pytest

from evals.run import (
    TERSE_LISTS,
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


def _pooled(result: dict, terse: bool, key: str) -> int:
    """Sum of ``key`` (a count, or a list's length) over lists A-H or the terse ones I-L."""
    values = [v[key] for name, v in result.items() if (name in TERSE_LISTS) == terse]
    return sum(len(v) if isinstance(v, list) else v for v in values)


# (terse lists?, most false flags, least caught, least caught without the true question)
# Lists A-H: at most 2% of on-topic answers flagged (measured 3 of 480). Lists I-L, written
# with many answers that never use their question's words: measured 24 of 320 (7.5%), where
# the target is missed (README, Known limits); guarded so it does not grow. Caught: the
# measured level minus a margin (A-H 187 and 131 of 392; I-L 111 and 102 of 286), a guard
# against losing recall, not the target (4 of 5).
LIST_GUARDS = [(False, 0.02, 0.45, 0.31), (True, 0.085, 0.35, 0.32)]


@pytest.fixture(scope="module")
def listed():
    return prep_lists()


@pytest.fixture(scope="module")
def runs():
    return shifted_lists()


@pytest.fixture(scope="module")
def swaps():
    return swapped_lists()


@pytest.mark.parametrize(("terse", "most_flagged", "caught", "alone"), LIST_GUARDS)
def test_preparation_lists_misfiled_answers_caught_and_few_flagged_wrongly(
    listed, terse, most_flagged, caught, alone
):
    """Each answer under its own question (false flags); each filed under the previous one."""
    assert _pooled(listed, terse, "false_flags") <= most_flagged * _pooled(listed, terse, "n")
    shifted = _pooled(listed, terse, "shifted")
    assert _pooled(listed, terse, "caught") >= caught * shifted
    assert _pooled(listed, terse, "caught_without_true_question") >= alone * shifted


def test_gaming_never_raises_a_score_by_more_than_a_quarter():
    result = gaming()
    assert result["violations"] == [], result["violations"]


# (terse lists?, most untouched answers flagged, least caught). Measured: runs A-H 269 of 428
# caught, 4 of 480 untouched flagged; I-L 156 of 293, 27 of 328. Swaps A-H 284 of 396, 8 of
# 496; I-L 156 of 282, 27 of 328 (the lists' own false flags, see above).
@pytest.mark.parametrize(
    ("terse", "most_flagged", "caught"), [(False, 0.02, 0.59), (True, 0.1, 0.48)]
)
def test_answers_shifted_within_a_file_are_caught_and_the_rest_left_alone(
    runs, terse, most_flagged, caught
):
    """Runs of three answers rotated by a row, whole lists scored as `score-answers` scores a
    file."""
    result = runs
    assert _pooled(result, terse, "false_flags") <= most_flagged * _pooled(
        result, terse, "untouched"
    )
    assert _pooled(result, terse, "caught") >= caught * _pooled(result, terse, "shifted")


@pytest.mark.parametrize(
    ("terse", "most_flagged", "caught"), [(False, 0.02, 0.66), (True, 0.1, 0.5)]
)
def test_swapped_neighbours_in_a_file_are_caught(swaps, terse, most_flagged, caught):
    """Neighbouring answers swapped in place, whole lists scored as files."""
    result = swaps
    assert _pooled(result, terse, "false_flags") <= most_flagged * _pooled(
        result, terse, "untouched"
    )
    assert _pooled(result, terse, "caught") >= caught * _pooled(result, terse, "shifted")


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


def test_the_shipped_question_adapter_is_what_its_script_trains():
    """`python -m evals.train_adapter --check`: the .npy in the package is reproducible from
    our own data, so no one ships a hand-edited or stale matrix."""
    from evals.train_adapter import main

    assert main(["--check"]) == 0
