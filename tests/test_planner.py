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
