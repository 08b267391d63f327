"""Planning: the right persona for a job description, and questions that cover its skills."""

from __future__ import annotations

import pytest

from interviewer.planner import extract_skills, pick_persona, plan_interview

BACKEND_JD = """Senior Backend Engineer. We are hiring! You will build services in Go on Kubernetes
(EKS) in AWS, provisioned with Terraform, store data in Postgres, stream events through Kafka,
and keep them healthy with Prometheus. CI/CD and Redis caching experience is a plus."""


def test_skills_are_found_through_aliases_and_boilerplate_is_ignored(bank):
    skills = extract_skills(BACKEND_JD, bank)
    for skill in ("go", "kubernetes", "aws", "terraform", "postgresql", "kafka", "ci/cd", "redis"):
        assert skill in skills
    assert "hiring" not in skills  # "We are hiring" is not a skill
    assert "ci" not in skills  # CI/CD is one skill, not two
    assert extract_skills("Let's go to the rest of the day", bank) == []  # plain English words


@pytest.mark.parametrize(
    ("jd", "persona"),
    [
        (
            "Engineering Manager with direct reports; you will own hiring and people management.",
            "leadership",
        ),
        (
            "Founding engineer at a seed-stage startup, zero to one, no product manager.",
            "startup-fit",
        ),
        (
            "ML engineer: LLM serving, RAG, model evaluation and drift monitoring with PyTorch.",
            "ml-engineering",
        ),
        (
            "AppSec engineer: OWASP Top 10, threat modelling, penetration testing, vulnerability triage.",
            "appsec",
        ),
        ("", "fundamentals"),
    ],
)
def test_persona_is_picked_from_the_job_description(bank, jd, persona):
    assert pick_persona(jd, bank) == persona


def test_plan_covers_most_skills_within_the_time_box(bank):
    plan = plan_interview(bank, None, jd=BACKEND_JD, level="senior")
    persona = bank.persona(plan.persona)
    assert len(plan.questions) == persona.question_count
    covered = {t for q in plan.questions for t in q.topics} & set(plan.skills)
    assert len(covered) >= 0.6 * len(plan.skills)
    assert all(q.why for q in plan.questions)
    assert len({q.id for q in plan.questions}) == len(plan.questions)
    for q in plan.questions:
        assert "senior" in bank.question(q.id).levels


def test_plan_is_deterministic_and_respects_exclusions(bank):
    first = plan_interview(bank, None, persona_id="behavioural")
    again = plan_interview(bank, None, persona_id="behavioural")
    assert first == again
    other = plan_interview(
        bank, None, persona_id="behavioural", exclude={q.id for q in first.questions}
    )
    assert not {q.id for q in other.questions} & {q.id for q in first.questions}


def test_the_role_title_chooses_the_round(bank):
    from interviewer.planner import pick_persona

    sre = (
        "Site Reliability Engineer\nYou will own our on-call rotation, SLOs, Kubernetes "
        "clusters, Terraform and incident response."
    )
    assert pick_persona(sre, bank) == "fundamentals"  # reliability work, not a behavioural round
    assert pick_persona("Engineering Manager, Platform\nLead a team of 8.", bank) == "leadership"
    ml = "Senior Machine Learning Engineer\nServe models in production and monitor drift."
    assert pick_persona(ml, bank) == "ml-engineering"


# --------------------------------------------------------------------------- issue 14: skills


@pytest.mark.parametrize(
    ("jd", "skill"),
    [
        ("You will serve models to millions of users.", "model serving"),
        ("Monitor the fleet and fix what breaks.", "monitoring"),
        ("Experience deploying services several times a day.", "deployment"),
        ("Everything you ship is tested.", "testing"),
        ("Keep our services observable.", "observability"),
        ("You will respond to incidents calmly.", "incident response"),
        ("We model data carefully before writing code.", "data modelling"),
    ],
)
def test_skills_are_found_by_word_form(bank, jd, skill):
    assert skill in extract_skills(jd, bank)


def test_everyday_words_are_not_mistaken_for_skills(bank):
    text = (
        "Available to start in May. You can rely on a friendly team, we work at scale, "
        "version 2 of the product ships soon, engineers build features and embedded devices."
    )
    assert extract_skills(text, bank) == []


def test_required_skills_come_before_nice_to_haves(bank):
    from interviewer.skills import find_skills

    jd = (
        "Nice to have: Kafka.\n"
        "Requirements:\n- Terraform\n- Redis\n"
        "PostgreSQL experience is a plus. Ideally you know Go. Python preferred.\n"
        "Bonus:\n- Docker\n"
        "Must have:\n- Kubernetes"
    )
    assert extract_skills(jd, bank)[:3] == ["terraform", "redis", "kubernetes"]
    found = [(s.name, s.required) for s in find_skills(jd, bank)]
    assert found == [
        ("terraform", True),
        ("redis", True),
        ("kubernetes", True),
        ("kafka", False),
        ("postgresql", False),
        ("go", False),
        ("python", False),
        ("docker", False),
    ]


def test_a_required_skill_gets_the_slot_before_nice_to_haves(bank):
    # One question covers the three nice-to-haves at once; the single slot still goes to Redis.
    jd = "Requirements: Redis.\nNice to have: Kafka, RabbitMQ and message queues in general."
    plan = plan_interview(bank, None, persona_id="fundamentals", jd=jd, count=1)
    assert plan.skills[0] == "redis"
    assert "redis" in plan.questions[0].topics


def test_slots_left_after_the_personas_questions_cover_other_skills(bank):
    # Fundamentals has no OWASP, XSS or CSRF questions: up to half the slots come from other rounds.
    jd = "Backend Engineer\nWe need PostgreSQL, plus OWASP, XSS, CSRF and threat modelling."
    plan = plan_interview(bank, None, persona_id="fundamentals", jd=jd, level="senior")
    topics = {t for q in plan.questions for t in q.topics}
    assert {"postgresql", "owasp", "xss", "csrf"} <= topics
    borrowed = [q for q in plan.questions if "fundamentals" not in bank.question(q.id).personas]
    assert 1 <= len(borrowed) <= len(plan.questions) // 2
    assert all("borrowed" in q.why for q in borrowed)
    assert "fundamentals" in bank.question(plan.questions[0].id).personas  # own questions first


def test_uncovered_skills_get_the_free_slots_before_similarity_fill(bank):
    # Hiring takes one leadership question; GPUs and XSS need two different borrowed questions.
    jd = (
        "Engineering Manager\nYou will own hiring. Our product is GPU-heavy and XSS is a real risk."
    )
    plan = plan_interview(bank, None, jd=jd)
    assert plan.persona == "leadership"
    topics = {t for q in plan.questions for t in q.topics}
    assert {"hiring", "gpu", "xss"} <= topics


SYSTEM_DESIGN_BODY = " ".join(
    ["Distributed systems, scalability, microservices, Kafka, architecture, latency."] * 3
)


@pytest.mark.parametrize(
    ("jd", "role", "persona"),
    [
        ("Site Reliability Engineer\n" + SYSTEM_DESIGN_BODY, None, "fundamentals"),
        ("Data Engineer\n" + SYSTEM_DESIGN_BODY, None, "fundamentals"),
        ("We're hiring a Platform Engineer. " + SYSTEM_DESIGN_BODY, None, "fundamentals"),
        (
            "Frontend Engineer\nYou love code review, clean code, refactoring, open source, an "
            "SDK mindset and maintainability.",
            None,
            "fundamentals",
        ),
        (
            "Engineering Manager - Mobile team\nHiring and 1:1s for iOS engineers.",
            None,
            "leadership",
        ),
        ("Staff Software Engineer, Payments\n" + SYSTEM_DESIGN_BODY, None, "complex-problem"),
        ("Security Engineer\nYou will mentor, give feedback and collaborate.", None, "appsec"),
        (
            "You will keep our Python services fast: caching and testing.",
            "Engineering Manager",
            "leadership",
        ),
        ("", "Site Reliability Engineer", "fundamentals"),
    ],
)
def test_the_title_outweighs_the_body(bank, jd, role, persona):
    assert pick_persona(jd, bank, role) == persona
    assert plan_interview(bank, None, role=role, jd=jd).persona == persona


class FakeStore:
    """A store whose nearest question for a phrase is scripted: (needle, question id, distance)."""

    def __init__(self, near: list[tuple[str, str, float]], embedder_name: str = "minilm") -> None:
        self.near = near
        self.embedder_name = embedder_name
        self.queries: list[str] = []

    def search(self, query, k=5, persona=None, kind=None, level=None, exclude_ids=None):
        from interviewer.store import SearchHit

        self.queries.append(query)
        for needle, qid, distance in self.near:
            if needle in query:
                return [SearchHit(id=qid, text="", topics=[], distance=distance)]
        return [SearchHit(id="beh-learning-fast", text="", topics=[], distance=0.9)]


LEDGER_JD = "Backend Engineer\nYou will keep the double-entry ledger balanced.\nGo and Redis."


def test_a_skill_no_tag_knows_is_found_by_meaning(bank):
    store = FakeStore([("ledger", "sd-payments-ledger", 0.3)])
    plan = plan_interview(bank, store, persona_id="fundamentals", jd=LEDGER_JD)  # type: ignore[arg-type]
    assert "keep the double-entry ledger balanced" in plan.skills
    assert "sd-payments-ledger" in [q.id for q in plan.questions]
    assert not any("backend engineer" in q for q in store.queries)  # the title is no skill


def test_a_distant_match_is_not_a_skill(bank):
    far = FakeStore([("ledger", "sd-payments-ledger", 0.6)])
    plan = plan_interview(bank, far, persona_id="fundamentals", jd=LEDGER_JD)  # type: ignore[arg-type]
    assert plan.skills == ["go", "redis"]


def test_meaning_is_skipped_without_a_store_or_a_validated_embedder(bank):
    assert plan_interview(bank, None, persona_id="fundamentals", jd=LEDGER_JD).skills == [
        "go",
        "redis",
    ]
    hashed = FakeStore([("ledger", "sd-payments-ledger", 0.1)], embedder_name="hash")
    plan = plan_interview(bank, hashed, persona_id="fundamentals", jd=LEDGER_JD)  # type: ignore[arg-type]
    assert plan.skills == ["go", "redis"]
    assert "keep the double-entry ledger balanced" not in hashed.queries


@pytest.fixture(scope="module")
def minilm_store(bank):
    from interviewer.store import QuestionStore

    # The design questions hold the answers; the people questions are what boilerplate drifts to.
    rounds = {"system-design", "behavioural", "leadership", "startup-fit"}
    store = QuestionStore(None, "minilm")
    questions = [q for q in bank.questions.values() if rounds & set(q.personas)]
    store.ingest(questions, [], progress=False)
    return store


@pytest.mark.slow
def test_minilm_finds_unknown_skills_and_ignores_boilerplate(bank, minilm_store):
    from interviewer.planner import skills_for

    jd = (
        "Backend Engineer\nYou will build webhooks with retries for our partners and push "
        "notifications for the mobile app.\nWe offer a competitive salary, equity, 30 days of "
        "paid leave and visa sponsorship. We value diversity and a remote-first culture."
    )
    found = {s.name: s.questions for s in skills_for(jd, bank, minilm_store) if s.questions}
    assert set(found) == {"webhooks with retries", "push notifications"}
    assert "sd-webhook-delivery" in found["webhooks with retries"]
    assert "sd-notification-system" in found["push notifications"]


def test_the_eval_counts_a_skill_only_when_a_question_is_about_it():
    from evals.plans import covered

    assert covered("kafka", {"kafka", "message queues"}, "")
    assert covered("schema migrations", set(), "How have you run a schema migration on a table?")
    assert not covered("kafka", {"message queues"}, "Tell me about a queue you ran.")
    assert not covered("rest", set(), "What would you do with the rest of the time?")
