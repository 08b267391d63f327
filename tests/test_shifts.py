"""Answers shifted by a row in a file: a run of answers that each fit their neighbour's
question is flagged; the same answers in place are not. Our own examples."""

from __future__ import annotations

import pytest

from interviewer.analysis import Reader
from interviewer.bank import Bank
from interviewer.scoring.batch import score_answer_lines

ROWS = [
    (
        "How do you handle cache invalidation?",
        "We delete the key on every write and keep a short TTL as a safety net, so a missed "
        "delete heals within a minute. For the product pages we publish an event on update and "
        "every node drops its local copy, which fixed the stale prices support kept reporting.",
    ),
    (
        "How would you shard a cache across several nodes?",
        "Consistent hashing over the nodes, so adding one moves only a slice of the keys instead "
        "of almost all of them as with modulo. Redis Cluster does it with 16384 slots. The hot "
        "keys still land on one node, so we keep a tiny in-process copy of the top hundred.",
    ),
    (
        "How do you make a payment API endpoint idempotent?",
        "The client sends an idempotency key with each charge, we store the key with the "
        "response in the same transaction as the charge, and a retry with the same key gets the "
        "stored response instead of charging again. Keys expire after a day.",
    ),
    (
        "How do you version a public REST API?",
        "Major version in the path, /v1 and /v2, additive changes without a new version, and a "
        "deprecation header with a sunset date on the old one. We watch the access logs to see "
        "who still calls v1 and email them before switching it off.",
    ),
    (
        "How do you run a blameless postmortem?",
        "Within two days, one person builds the timeline from chat and graphs before the "
        "meeting, and in the room we ask what made the mistake easy to make rather than who made "
        "it. The output is contributing factors and action items with owners and dates.",
    ),
]


@pytest.fixture(scope="module")
def reader(bank: Bank) -> Reader:
    return Reader(references=lambda: [q.text for q in bank.questions.values()])


def scored(reader: Reader, rows: list[tuple[str, str]]) -> list[dict]:
    parsed = [(i + 1, {"id": i, "question": q, "answer": a}, None) for i, (q, a) in enumerate(rows)]
    return list(score_answer_lines(parsed, reader=reader))


def test_answers_in_place_are_not_flagged(reader: Reader) -> None:
    assert all(line["on_topic"] for line in scored(reader, ROWS))


def test_a_run_of_answers_shifted_by_a_row_is_flagged(reader: Reader) -> None:
    # Rows 1-2 hold the answers of rows 2-3 (pasted a line too high); row 3 holds row 1's.
    shifted = list(ROWS)
    shifted[1] = (ROWS[1][0], ROWS[2][1])
    shifted[2] = (ROWS[2][0], ROWS[3][1])
    shifted[3] = (ROWS[3][0], ROWS[1][1])
    lines = scored(reader, shifted)
    for i in (1, 2):
        assert not lines[i]["on_topic"], lines[i]
        assert lines[i]["overall"] == 1.0
    assert "fits_neighbour" in lines[1]["flags"] or "fits_neighbour" in lines[2]["flags"]
    assert lines[0]["on_topic"] and lines[4]["on_topic"]  # the rows around the run are left alone


def test_questions_about_the_candidate_are_never_part_of_a_run(reader: Reader) -> None:
    """'Where do you see yourself?' answered with the work they want fits 'why should we hire
    you?' beside it, and both answers are theirs: no run."""
    rows = [
        (
            "Why should we hire you?",
            "I have shipped mobile apps with millions of users and I care about secure defaults: "
            "at my last job I moved our token storage to the keychain and added certificate "
            "pinning before the audit asked for it.",
        ),
        (
            "Where do you see yourself in five years?",
            "Probably as a staff engineer for mobile security, the person who sets the secure "
            "defaults other teams build on, still writing code most days.",
        ),
        ROWS[0],
    ]
    assert all(line["on_topic"] for line in scored(reader, rows))


def test_two_neighbouring_answers_swapped_are_both_flagged(reader: Reader) -> None:
    swapped = list(ROWS)
    swapped[2] = (ROWS[2][0], ROWS[3][1])  # idempotency <- versioning
    swapped[3] = (ROWS[3][0], ROWS[2][1])  # versioning <- idempotency
    lines = scored(reader, swapped)
    assert [line["on_topic"] for line in lines] == [True, True, False, False, True]
    # each is off topic (one may already be so on its own); the swap names the other question
    # in both, also in one the relative test flagged alone
    assert "fits_neighbour" in lines[2]["flags"] and ROWS[3][0] in lines[2]["feedback"]
    assert "fits_neighbour" in lines[3]["flags"] and ROWS[2][0] in lines[3]["feedback"]
