"""The interviewer listens: clarifying questions, "I haven't done that", empty replies, designs
given in pieces. Through the service, as a front end drives it."""

from __future__ import annotations

import re

import pytest

from interviewer.config import Settings
from interviewer.models import Plan, PlannedQuestion
from interviewer.service import InterviewService

NUMBERS = re.compile(r"\bhow (?:many|much|long|fast|big)\b|\bnumbers?\b|\bmeasure", re.I)


@pytest.fixture
def service(tmp_path) -> InterviewService:
    return InterviewService(Settings(home=tmp_path / "home"))


def one_question(service: InterviewService, question_id: str, persona: str) -> str:
    q = service.bank.question(question_id)
    plan = Plan(
        persona=persona,
        questions=[PlannedQuestion(id=q.id, text=q.text, topics=q.topics, why="test")],
    )
    session_id, _ = service.start_plan(plan)
    return session_id


def first_question_of(service: InterviewService, kind: str) -> tuple[str, str]:
    q = next(q for q in service.bank.questions.values() if q.kind == kind)
    return q.id, q.personas[0]


@pytest.mark.parametrize(
    "reply",
    [
        "I haven't run websockets in production, to be honest.",
        "Honestly I never used Kubernetes at work, only read about it.",
        "i dont have experience with this, in my company we not do it",
        "I'm not familiar with that part, sorry.",
        "I have never been in that situation, honestly.",
    ],
)
def test_not_done_is_acknowledged_and_turned_into_an_approach_question(service, reply):
    qid, persona = first_question_of(service, "technical")
    session_id = one_question(service, qid, persona)
    turn = service.reply(session_id, reply)[0]
    assert turn.kind == "follow_up" and turn.target is None
    assert "approach" in turn.text or "closest" in turn.text
    assert not NUMBERS.search(turn.text)
    follow = service.reply(
        session_id, "I would start by reading the docs and trying it on a side project."
    )
    for t in follow:
        if t.kind == "follow_up":
            assert t.target in (None, "reasoning", "reflection")
            assert not NUMBERS.search(t.text.split('"')[-1])


@pytest.mark.parametrize("kind", ["behavioural", "technical", "design", "problem", "leadership"])
def test_clarifying_questions_are_answered_in_every_round_and_never_evidence(service, kind):
    qid, persona = first_question_of(service, kind)
    session_id = one_question(service, qid, persona)
    asked = [
        "Do you mean at work, or can it be a side project?",
        "Should I assume a small team?",
        "Is this for a public API or internal?",
    ]
    replies = [service.reply(session_id, a)[0] for a in asked]
    assert all(r.kind == "follow_up" and "clarification" in r.notes for r in replies)
    assert len({r.text for r in replies}) == 3  # several questions, several answers
    turns = service.get(session_id).turns
    assert [t.kind for t in turns if t.role == "candidate"] == ["clarify"] * 3
    assert service.info(session_id).answers == 0
    service.reply(session_id, "At my last job I led the migration of our billing jobs to a queue.")
    card = service.end(session_id)
    clarify_turns = {i for i, t in enumerate(turns) if t.kind == "clarify"}
    for criterion in card.criteria:
        if criterion.id in ("clarifying", "requirements"):
            continue  # asking good questions is what that criterion rewards
        assert not {e.turn for e in criterion.evidence} & clarify_turns
    for review in card.answers:
        assert not set(review.turns) & clarify_turns


def test_two_empty_replies_get_an_offer_to_rephrase_or_skip(service):
    session_id, _ = service.start("behavioural")
    first = service.reply(session_id, "")[0]
    second = service.reply(session_id, "   ")[0]
    assert "Take your time" in first.text
    assert "/skip" in second.text and second.text != first.text
    assert service.info(session_id).answers == 0


def test_a_design_given_in_short_replies_still_gets_a_wrench(service):
    session_id = one_question(service, "sd-url-shortener", "system-design")
    pieces = [
        "An API service that takes the long URL.",
        "It writes a row to Postgres with a base62 id.",
        "Redirects are read through a Redis cache.",
        "A CDN in front for the hot links.",
    ]
    kinds = [service.reply(session_id, p)[0].kind for p in pieces]
    assert "wrench" in kinds


def test_an_answer_in_another_language_is_a_non_answer_and_the_candidate_is_told(service):
    session_id, _ = service.start("behavioural")
    spanish = (
        "Hubo un incidente en producción y reinicié el servidor de base de datos para "
        "restaurar el servicio en pocos minutos."
    )
    turn = service.reply(session_id, spanish)[0]
    assert "English" in turn.text and "not_english" in turn.notes
    stored = service.get(session_id).turns
    assert stored[1].text == spanish  # kept whole, never lost
    card = service.end(session_id)
    assert card.answers[0].overall <= 2 and not card.strengths


def test_a_reply_to_a_follow_up_is_not_judged_against_other_questions(service):
    session_id = one_question(service, "prb-latency-regression", "complex-problem")
    first = service.reply(
        session_id,
        "Our search API got slow after a release. I bisected the deploys and found a new "
        "ORM call that loaded every product row.",
    )[0]
    assert first.kind == "follow_up"
    reply = (
        "Memory flattened at 300 MB after I fixed the eviction, and the lesson I took is to "
        "profile before guessing and to keep a flame graph in every incident doc."
    )
    turn = service.reply(session_id, reply)[0]
    assert "bring us back" not in turn.text
    stored = service.get(session_id).turns
    assert "off_topic" not in stored[-2].notes


def test_a_probe_never_asks_for_what_the_answer_just_said() -> None:
    from interviewer.models import Question
    from interviewer.probes import GENERIC_PROBES, follow_up_text

    question = Question(
        id="race",
        text="Where could two requests race in your take-home, and what would go wrong?",
        kind="technical",
        topics=["concurrency"],
        levels=["mid"],
        probes={
            "specificity": "Which operation is at risk, and what would the wrong outcome be?",
            "reasoning": "Why a lock rather than a transaction or an atomic update?",
            "impact": "How would you show the fix works under load?",
        },
        personas=["take-home"],
    )
    said = (
        "The operation at risk is the balance update: two withdrawals run at once, both read "
        "the old balance, and the wrong outcome is a negative balance."
    )
    text = follow_up_text(question, said, "specificity")
    assert "Which operation is at risk" not in text
    assert GENERIC_PROBES["specificity"] in text
    # An answer that names neither still gets the question's own probe.
    vague = "I think there could be some race somewhere, I would add locks to be safe."
    assert "Which operation is at risk" in follow_up_text(question, vague, "specificity")


@pytest.fixture(scope="module")
def minilm_service(tmp_path_factory) -> InterviewService:
    """Relevance needs real embeddings (the hash embedder is for speed, not meaning)."""
    home = tmp_path_factory.mktemp("minilm") / "home"
    return InterviewService(Settings(home=home, embedder="minilm"))


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        # General rules with a number or a tool: weak specificity, no told situation.
        (
            "How do you handle getting stuck on a task?",
            "If I am blocked more than two hours I ask in the team channel, and if it is urgent "
            "I call my lead directly. I always write down what I tried first so nobody repeats it.",
        ),
        (
            "How do you approach testing in an early-stage product?",
            "I write unit tests for the core logic and aim for around 70 percent coverage, plus a "
            "few end to end tests with Playwright for login and checkout before every release.",
        ),
    ],
)
def test_a_general_answer_is_asked_for_a_concrete_example(minilm_service, question, answer):
    decision = minilm_service.follow_up(question, answer)
    assert decision.kind == "follow_up"
    assert decision.target == "specificity"


def test_a_told_story_with_named_specifics_is_not_asked_for_specifics(minilm_service) -> None:
    answer = (
        "Last year I moved our nightly export from cron on one VM to an Airflow DAG on "
        "Kubernetes. It processed about four million rows from Postgres into S3 and I split it "
        "into twelve tasks by customer region."
    )
    decision = minilm_service.follow_up("Tell me about a data pipeline you built.", answer)
    assert decision.kind == "follow_up"
    assert decision.target not in (None, "specificity")


def test_not_done_on_a_question_about_the_past_asks_for_the_nearest_experience(service) -> None:
    qid, persona = first_question_of(service, "behavioural")
    session_id = one_question(service, qid, persona)
    turn = service.reply(session_id, "Honestly I haven't had that happen to me yet.")[0]
    assert turn.kind == "follow_up" and turn.target is None
    assert "closest thing that has happened" in turn.text
    assert "next week" not in turn.text  # "how would you approach it" fits no past event
    assert not NUMBERS.search(turn.text)


def test_the_offer_after_empty_replies_repeats_the_question_not_its_preamble(service) -> None:
    qid, persona = first_question_of(service, "technical")
    session_id = one_question(service, qid, persona)
    service.reply(session_id, "I haven't done that at work, honestly.")
    service.reply(session_id, "")
    offer = service.reply(session_id, " ")[0]
    assert "/skip" in offer.text
    assert "Thanks for being straight" not in offer.text
    assert "how would you approach it" in offer.text  # the question still pending


def test_quotes_never_end_on_a_dangling_word() -> None:
    from interviewer.probes import short_quote

    quote = short_quote(
        "In my last job I was responsible for the whole billing platform and my role as the "
        "tech lead was to keep it running every day"
    )
    assert quote.split()[-1] not in {"as", "and", "my", "the", "for"}
    assert quote in (
        "In my last job I was responsible for the whole billing platform and my role as the "
        "tech lead was to keep it running every day"
    )


def test_a_first_piece_of_design_is_built_on_not_ignored(service) -> None:
    session_id = one_question(service, "sd-url-shortener", "system-design")
    turn = service.reply(session_id, "I'd store the links in Postgres with a base62 id.")[0]
    assert turn.kind == "follow_up"
    assert "store the links in Postgres with a base62 id" in turn.text
    assert "Let's get something on the board" not in turn.text


def test_keyboard_noise_is_asked_again_and_never_quoted_back(service):
    session_id = one_question(service, "tech-slow-query", "fundamentals")
    turn = service.reply(session_id, "asdf jkl qwer")[0]
    assert "couldn't make out" in turn.text and "asdf" not in turn.text
    assert turn.kind == "follow_up"


@pytest.mark.parametrize("noise", ["asdf jkl qwer", "asdf"])
def test_an_off_topic_answer_after_noise_still_gets_its_redirect(service, noise):
    session_id = one_question(service, "tech-slow-query", "fundamentals")
    first = service.reply(session_id, noise)[0]
    assert "couldn't make out" in first.text and noise not in first.text
    turn = service.reply(
        session_id,
        "My favourite football team is Arsenal and I go to most home games with my brother; "
        "last season we went to 15 matches and the atmosphere was great.",
    )[0]
    assert "bring us back to the question" in turn.text


def test_an_emoji_only_reply_is_asked_again(service):
    session_id = one_question(service, "tech-slow-query", "fundamentals")
    turn = service.reply(session_id, "🔥🚀💯")[0]
    assert "couldn't make out any words" in turn.text


@pytest.mark.parametrize(
    "reply",
    [
        "I haven't done sharding in production myself, I've only read about it.",
        "Honestly I have never been in that situation.",
    ],
)
def test_not_done_after_a_wrench_invites_reasoning_instead_of_dropping_the_problem(service, reply):
    session_id = one_question(service, "sd-url-shortener", "system-design")
    design = (
        "An API service takes the long URL and writes a row to Postgres with a base62 id. "
        "Redirects read through a Redis cache with a CDN in front for hot links, and a "
        "background job expires old links so the table stays small."
    )
    turns = service.reply(session_id, design)
    while turns[0].kind != "wrench":  # answer probes until the wrench comes
        assert turns[0].kind == "follow_up", turns[0].text
        turns = service.reply(session_id, "Reads dominate, about a hundred to one, so I cache.")
    wrench = turns[0].text
    turn = service.reply(session_id, reply)[0]
    assert turn.kind == "follow_up" and "not_done" in turn.notes
    assert wrench in turn.text  # the same problem, asked again: reason it through
    again = service.reply(session_id, reply)[0]  # a second time: a smaller step, same wrench
    assert again.kind == "follow_up" and "not_done" in again.notes
    assert wrench in again.text and again.text != turn.text


def test_saying_you_have_not_done_it_is_never_a_strength(service):
    session_id, _ = service.start("behavioural")
    for _ in range(2):
        service.reply(session_id, "I have never been in that situation honestly.")
    card = service.end(session_id)
    assert not any("never been in that situation" in s for s in card.strengths)
    assert not any(
        "never been in that situation" in e.quote for c in card.criteria for e in c.evidence
    )
