"""The relative off-topic test: an answer that fits a neighbouring question clearly better (the
bank's, or one of the same file's), and names nothing that sets the asked question apart, is
flagged; the same answer under its own question is not. Our own examples (the real answers
stay in ../shared)."""

from __future__ import annotations

import json

import pytest

from interviewer.analysis import Reader, analyse_answer
from interviewer.analysis.relevance import subject_of
from interviewer.bank import Bank
from interviewer.scoring.batch import score_answer_lines

RELEASE = "What would you automate first in a small team's release process?"
FRAMEWORK = "Why would you choose FastAPI over Django for a new service?"
# Written as the FastAPI answer, in one run-on sentence as candidates often do.
FRAMEWORK_ANSWER = (
    "I would pick FastAPI because the service is mostly I/O bound, it talks to three partner "
    "APIs and Postgres, and async handlers let one worker keep hundreds of requests waiting "
    "without threads, plus the pydantic models give us request validation and the OpenAPI docs "
    "for free, which the mobile team asked for."
)
RELEASE_ANSWER = (
    "The changelog and the version bump. Today someone spends an hour before each release "
    "reading merged pull requests; with conventional commits a CI job can write both, tag the "
    "release and publish the image, so shipping becomes merging one pull request."
)
SESSIONS = "How would you store sessions for a web app running on many servers?"
INFERENCE_ANSWER = (
    "For GPU inference we run vLLM on two A100 nodes behind a small router, the router keeps a "
    "queue per model and sends requests to the node with the fewest tokens in flight, and we "
    "autoscale on queue depth rather than on CPU since CPU tells nothing for GPU work."
)


@pytest.fixture(scope="module")
def bank_reader(bank: Bank) -> Reader:
    return Reader(references=lambda: [q.text for q in bank.questions.values()])


def test_an_answer_to_the_neighbouring_question_in_a_file_is_flagged(bank_reader: Reader) -> None:
    # References with no question this answer fits better: alone, it passes.
    unrelated = Reader(
        references=lambda: [
            "How do you give feedback to a peer?",
            "Design a URL shortener.",
            "How do you prioritise a backlog with no product manager?",
        ],
        embedder=lambda: bank_reader.embedder,
    )
    assert analyse_answer(RELEASE, FRAMEWORK_ANSWER, reader=unrelated, check_short=False).on_topic
    view = unrelated.with_questions([RELEASE, FRAMEWORK])
    assert not analyse_answer(RELEASE, FRAMEWORK_ANSWER, reader=view, check_short=False).on_topic
    view = bank_reader.with_questions([RELEASE, FRAMEWORK])
    misfiled = analyse_answer(RELEASE, FRAMEWORK_ANSWER, reader=view, check_short=False)
    assert not misfiled.on_topic
    # The same answers under their own questions, with the same references, are on topic.
    assert analyse_answer(FRAMEWORK, FRAMEWORK_ANSWER, reader=view, check_short=False).on_topic
    assert analyse_answer(RELEASE, RELEASE_ANSWER, reader=view, check_short=False).on_topic


def test_a_run_on_answer_about_something_else_is_checked_too(bank_reader: Reader) -> None:
    """One long sentence is not "too little to check": real candidates write that way."""
    analysis = analyse_answer(SESSIONS, INFERENCE_ANSWER, reader=bank_reader, check_short=False)
    assert not analysis.on_topic


def test_score_answers_uses_the_files_own_questions(bank_reader: Reader) -> None:
    rows = [
        (1, {"id": "a", "question": FRAMEWORK, "answer": FRAMEWORK_ANSWER}, None),
        (2, {"id": "b", "question": RELEASE, "answer": FRAMEWORK_ANSWER}, None),
        (3, {"id": "c", "question": RELEASE, "answer": RELEASE_ANSWER}, None),
    ]
    out = {line["id"]: line for line in score_answer_lines(rows, reader=bank_reader)}
    assert out["a"]["on_topic"] and out["c"]["on_topic"]
    assert not out["b"]["on_topic"] and out["b"]["overall"] == 1
    json.dumps(out)  # the lines stay plain JSON


def test_a_view_shares_the_caches_and_leaves_the_reader_unchanged(bank_reader: Reader) -> None:
    view = bank_reader.with_questions([FRAMEWORK])
    analyse_answer(RELEASE, FRAMEWORK_ANSWER, reader=view, check_short=False)
    opening = FRAMEWORK_ANSWER[:240]
    assert (RELEASE, opening) in bank_reader._similarities  # computed once, shared
    others = [t for t, _ in bank_reader.closest_others(RELEASE, opening, k=400)]
    assert FRAMEWORK not in others  # the file's questions belong to the view only
    assert FRAMEWORK in [t for t, _ in view.closest_others(RELEASE, opening, k=400)]


def test_an_open_question_takes_any_story_but_not_another_questions_answer(
    bank_reader: Reader,
) -> None:
    """Asked to walk through a system they're proud of, any told story answers, whatever it is
    about; an opinion that fits another question far better answers that one."""
    view = bank_reader.with_questions([FRAMEWORK])
    question = "Walk me through a system you are proud of."
    story = (
        "Last year I built our partner gateway and I chose FastAPI over Django for it: the "
        "service was mostly I/O bound, it talked to three partner APIs and Postgres, and async "
        "handlers let one worker keep hundreds of requests waiting without threads."
    )
    assert analyse_answer(question, story, reader=view, check_short=False).on_topic
    assert not analyse_answer(question, FRAMEWORK_ANSWER, reader=view, check_short=False).on_topic


STALE = "How do you keep a cache from serving stale data after the underlying record changes?"
SHARD = "How would you shard a Redis cache across several nodes?"
# Our own example of the case: same vocabulary (Redis, keys, cache), other subject.
SHARD_ANSWER = (
    "We had one Redis box at about 80% memory, so we moved to a cluster of six nodes with "
    "consistent hashing: each key maps to a hash slot, so adding a node only moves a sixth of "
    "the keys, and we put hot keys like the homepage feed behind a local in-process copy so "
    "one node does not take all the reads."
)


def test_a_same_vocabulary_neighbour_is_flagged_not_taken_for_a_narrower_question(
    bank_reader: Reader,
) -> None:
    """Sharding a cache is not a narrower case of keeping it fresh: the asked question names a
    subject of its own ("stale") that the answer never touches."""
    view = bank_reader.with_questions([STALE, SHARD])
    assert not analyse_answer(STALE, SHARD_ANSWER, reader=view, check_short=False).on_topic
    assert analyse_answer(SHARD, SHARD_ANSWER, reader=view, check_short=False).on_topic


def test_a_told_disagreement_about_a_technical_choice_answers_the_story_prompt(
    bank_reader: Reader,
) -> None:
    """A story fits the technical question on its subject far better than "a time you
    disagreed", yet answers the prompt: it tells the disagreement (in non-native grammar)."""
    question = "Tell me about a time you disagreed with a teammate about a technical approach."
    story = (
        "Two years ago me and my colleague was not agree about the queue for our billing "
        "events: he want Kafka, I think RabbitMQ is enough for 300 messages per second and the "
        "team already run it. We did a benchmark together in one afternoon and we agreed on "
        "RabbitMQ, with a note to revisit if volume grows ten times."
    )
    view = bank_reader.with_questions([question])
    assert analyse_answer(question, story, reader=view, check_short=False).on_topic


def test_a_questions_setting_is_not_its_subject() -> None:
    """Examples in brackets and a closing "in <product>" are the setting: naming them does not
    show an answer is about the question. Lower-case settings ("in production") stay subject."""
    tasks = subject_of(
        "Explain how you manage background tasks (e.g., Celery, asyncio) in FastAPI."
    )
    assert {"celeri", "asyncio", "fastapi"} <= tasks.context
    assert "background" in tasks.stems - tasks.context
    assert "e.g" not in tasks.stems
    secrets = subject_of("How would you handle secrets management in a Kubernetes environment?")
    assert "kubernet" in secrets.context and "kubernetes" not in secrets.concepts
    assert not subject_of("Tell me about a mistake you made in production.").context
    # When the setting is all there is, it is the subject.
    assert not subject_of("What is new in Python?").context


JOBS = "How do you run background jobs in FastAPI?"
VERSIONING = "How do you version a public REST API?"
VERSIONING_ANSWER = (
    "We put the major version in the URL path, /v1 and /v2, and keep the old one alive for six "
    "months after v2 ships. A deprecation header on every v1 response tells clients the sunset "
    "date, and we watch the access logs to see who still calls v1 before we switch it off. In "
    "FastAPI that is two routers mounted under different prefixes."
)


def test_naming_only_the_questions_setting_does_not_keep_an_answer_on_topic(
    bank_reader: Reader,
) -> None:
    view = bank_reader.with_questions([JOBS, VERSIONING])
    assert not analyse_answer(JOBS, VERSIONING_ANSWER, reader=view, check_short=False).on_topic
    assert analyse_answer(VERSIONING, VERSIONING_ANSWER, reader=view, check_short=False).on_topic


def test_a_one_line_answer_to_the_neighbouring_question_is_flagged(bank_reader: Reader) -> None:
    """Short answers need both signals: far closer to the other question, and naming what sets
    it apart. A one-line example of the candidate's own is left alone."""
    queue = "How do you use a message queue between services?"
    cache = "How do you cache hot reads in Redis?"
    brief = (
        "Redis in front of Postgres with a short TTL, invalidated on write, for hot product pages."
    )
    view = bank_reader.with_questions([queue, cache])
    assert not analyse_answer(queue, brief, reader=view, check_short=False).on_topic
    assert analyse_answer(cache, brief, reader=view, check_short=False).on_topic


def test_the_closing_question_takes_the_candidates_questions(bank_reader: Reader) -> None:
    closing = "Do you have any questions for us?"
    oncall = "How do you structure an on-call rotation and handover?"
    asks = (
        "Yes: how is on-call organised here, how many pages does the primary get in a week, and "
        "who owns an alert when a product team ships a noisy one?"
    )
    view = bank_reader.with_questions([closing, oncall])
    assert analyse_answer(closing, asks, reader=view, check_short=False).on_topic


def test_a_career_question_takes_the_work_the_candidate_wants(bank_reader: Reader) -> None:
    """'Where do you see yourself?' is answered with the work they want, which fits a technical
    question on that work better than the question itself: never flagged by the relative test."""
    career = "Where do you see yourself in five years?"
    platform = "How would you design a shared platform for teams to train and serve ML models?"
    plans = (
        "I want to be a staff engineer who owns the platform other teams train and serve their "
        "models on: fewer one-off pipelines per team, more shared tooling, maybe leading a small "
        "group while I still write code most days."
    )
    view = bank_reader.with_questions([career, platform])
    assert analyse_answer(career, plans, reader=view, check_short=False).on_topic


def test_word_families_include_a_re_prefix() -> None:
    """'reshard' names sharding, 'redeploy' deploying: an answer saying 'shard' has named the
    subject of a resharding question. Short words keep their 're' ('read' is not 'ad')."""
    from interviewer.analysis.relevance import _related

    assert _related(frozenset({"reshard"}), frozenset({"shard"}))
    assert _related(frozenset({"deploy"}), frozenset({"redeploy"}))
    assert not _related(frozenset({"read"}), frozenset({"ad"}))
    assert not _related(frozenset({"reshard"}), frozenset({"cach"}))


def test_a_subject_named_in_a_sentence_that_earns_nothing_still_counts_for_relevance(
    bank_reader: Reader,
) -> None:
    """A definition full of numbers is set aside as earning nothing (a metric without a
    subject), but it still says what the answer is about: the off-topic test reads it."""
    answer = (
        "An SLI is a ratio of good events, for example 99.5% of checkout calls answered in under "
        "400 ms over 30 days. You choose from what buyers notice, not from what the servers do "
        "today."
    )
    result = analyse_answer("What is an SLI?", answer, reader=bank_reader, check_short=False)
    assert result.tool_lists  # the definition earns nothing...
    assert result.relevance > 0 and result.on_topic  # ...but names the subject


def test_an_answer_to_a_question_about_them_must_speak_of_them(bank_reader: Reader) -> None:
    """Questions about the candidate or the company take any of their work, but a textbook
    account that speaks of nobody, or asks nothing when asked for questions, answers the
    technical question it fits instead."""
    closing = "Do you have any questions for us?"
    tls = "Walk me through what happens during a TLS handshake."
    handshake = (
        "The client sends a hello with the cipher suites and a random, the server answers with "
        "its certificate and its share of the key exchange, the client checks the certificate "
        "chain against trusted roots, both sides derive the session keys, and from then on the "
        "records are encrypted with a symmetric cipher, which is much cheaper than the "
        "asymmetric part."
    )
    leave = "Why do you want to leave your current job?"
    view = bank_reader.with_questions([closing, tls, leave])
    assert not analyse_answer(closing, handshake, reader=view, check_short=False).on_topic
    assert analyse_answer(tls, handshake, reader=view, check_short=False).on_topic
    mine = (
        "I have been on the same payments service for four years and I miss learning; my team "
        "is moving to maintenance only, and I want to build the next system, not only keep the "
        "lights on for the last one."
    )
    assert analyse_answer(leave, mine, reader=view, check_short=False).on_topic


BURNOUT = "Working remotely can cause stress and burnout. How do you handle that?"
TEAMMATE_BUG = "A teammate pushed a change that broke checkout. How would you react?"
# Our own example: one incidental word of the asked question ("caused") in an answer to its
# neighbour, which it fits far better.
TEAMMATE_ANSWER = (
    "First I'd look at the diff to see what caused the failure and either fix it myself or pair "
    "with my teammate on it, no blame. Once checkout works again I'd suggest a test for that "
    "path and a second reviewer on payment code so it doesn't happen again."
)


def test_one_word_of_the_question_in_passing_does_not_make_an_answer_on_topic(
    bank_reader: Reader,
) -> None:
    view = bank_reader.with_questions([TEAMMATE_BUG, BURNOUT])
    assert not analyse_answer(BURNOUT, TEAMMATE_ANSWER, reader=view, check_short=False).on_topic
    assert analyse_answer(TEAMMATE_BUG, TEAMMATE_ANSWER, reader=view, check_short=False).on_topic
    own = (
        "Remote work stresses me when days blur, so I keep fixed hours, walk at lunch and turn "
        "off notifications after six. When I feel burnout coming I tell my manager early."
    )
    assert analyse_answer(BURNOUT, own, reader=view, check_short=False).on_topic
