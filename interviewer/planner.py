"""Plan an interview: pick the persona, find the skills a job description names, choose questions.

Questions are chosen to cover the named skills first (greedy set cover over the questions' topic
tags), then filled by similarity between the role/JD/resume text and the questions in the store,
with metadata filters for persona and level.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

from .bank import Bank
from .models import Level, Plan, PlannedQuestion, Question

if TYPE_CHECKING:
    from .store import QuestionStore

DEFAULT_PERSONA = "fundamentals"

# Surface forms that name a topic tag. Tags match themselves; these add the usual aliases.
ALIASES: Mapping[str, list[str]] = MappingProxyType(
    {
        "kubernetes": ["k8s", "kube", "eks", "gke", "aks", "helm"],
        "postgresql": ["postgres", "psql"],
        "go": ["golang"],
        "javascript": ["js", "ecmascript"],
        "typescript": ["ts"],
        "node.js": ["node", "nodejs"],
        "aws": ["amazon web services", "ec2", "s3", "lambda"],
        "gcp": ["google cloud"],
        "ci/cd": [
            "ci",
            "cd",
            "continuous integration",
            "continuous delivery",
            "continuous deployment",
            "github actions",
            "gitlab ci",
            "jenkins",
            "cicd",
        ],
        "terraform": ["infrastructure as code", "iac", "pulumi"],
        "observability": ["opentelemetry", "prometheus", "grafana", "datadog"],
        "monitoring": ["prometheus", "grafana", "datadog"],
        "message queues": ["message queue", "queues", "rabbitmq", "sqs", "pub/sub", "pubsub"],
        "rest": ["restful", "rest api", "rest apis"],
        "api design": ["apis", "api", "api-first"],
        "sql": ["sql"],
        "machine learning": ["ml", "machine-learning"],
        "llm": ["llms", "large language model", "large language models", "genai", "generative ai"],
        "secrets management": ["secrets", "vault", "credentials", "kms"],
        "authentication": ["auth", "sso", "oidc", "login"],
        "distributed systems": ["distributed system", "distributed"],
        "microservices": ["microservice", "service-oriented"],
        "incident response": ["incidents", "on-call", "oncall", "pager"],
        "testing": ["tests", "test automation", "tdd"],
        "performance": ["latency", "high-performance", "low-latency"],
        "security": ["secure", "appsec", "application security"],
        "data modelling": ["data modeling", "data model", "schema design"],
        "caching": ["cache", "caches", "memcached"],
        "mentoring": ["mentor", "mentorship", "coaching"],
        "performance management": [
            "performance reviews",
            "performance review",
            "underperformance",
            "underperforming",
            "performance management",
        ],
        "hiring": ["recruiting", "interviewing"],
        "react": ["react.js", "reactjs"],
        "c++": ["cpp"],
        "docker": ["containers", "containerisation", "containerization"],
        "stream processing": ["streaming", "flink", "kinesis"],
        "data pipelines": ["etl", "elt", "data pipeline", "airflow", "dbt"],
        "model serving": ["inference", "serving"],
        "evaluation": ["evals", "evaluations"],
    }
)
# Tags whose bare word is too ambiguous to match in lowercase prose.
_CASE_SENSITIVE = MappingProxyType(
    {
        "go": r"\bGo\b",
        "rest": r"\bREST\b",
        "ci": r"\bCI\b",
        "cd": r"\bCD\b",
        "ts": r"\bTS\b",
        "ml": r"\bML\b",
        "ai": r"\bAI\b",
        "node": r"\bNode\b",
        "auth": r"\bauth\b",
        "api": r"\bAPI\b",
        "s3": r"\bS3\b",
    }
)
# Job-ad boilerplate that names a skill tag without asking for it ("we are hiring").
_BOILERPLATE = re.compile(r"\b(?:are|'re|is|now|currently|actively)\s+hiring\b", re.IGNORECASE)
_TOO_GENERIC_TAGS = frozenset(
    {
        "ownership",
        "communication",
        "collaboration",
        "learning",
        "culture",
        "motivation",
        "design",
        "architecture",
        "code review",
        "cost",
        "search",
        "memory",
        "failure",
        "feedback",
        "deadlines",
        "influence",
        "ambiguity",
    }
)


def _skill_patterns(tags: frozenset[str]) -> list[tuple[str, re.Pattern[str]]]:
    out: list[tuple[str, re.Pattern[str]]] = []
    alias_owner = {a: t for t, forms in ALIASES.items() if t in tags for a in forms if a != t}
    for tag in sorted(tags):
        if tag in _TOO_GENERIC_TAGS or tag in alias_owner:
            continue  # too vague to name a skill, or another tag's alias ("ci" of "ci/cd")
        forms = [tag, *ALIASES.get(tag, [])]
        parts = []
        for form in forms:
            if form in _CASE_SENSITIVE:
                parts.append(_CASE_SENSITIVE[form])
            else:
                parts.append(r"(?i:(?<![\w/])" + re.escape(form) + r"(?![\w/]))")
        out.append((tag, re.compile("|".join(parts))))
    return out


def extract_skills(text: str, bank: Bank) -> list[str]:
    """Topic tags named in a job description or resume, in order of first mention."""
    if not text:
        return []
    tags = frozenset(t for q in bank.questions.values() for t in q.topics)
    text = _BOILERPLATE.sub(" ", text)
    found: list[tuple[int, int, str]] = []
    for tag, pattern in bank.derived("skill_patterns", lambda: _skill_patterns(tags)):
        match = pattern.search(text)
        if match:
            found.append((match.start(), match.end(), tag))
    # "CI/CD" also contains "CI", and two tags may match the same words: keep one per span.
    kept: list[tuple[int, str]] = []
    spans: list[tuple[int, int]] = []
    for start, end, tag in sorted(found, key=lambda f: (f[0], f[0] - f[1], f[2])):
        if any(s <= start and end <= e for s, e in spans):
            continue
        spans.append((start, end))
        kept.append((start, tag))
    return [tag for _, tag in sorted(kept)]


def pick_persona(jd: str | None, bank: Bank) -> str:
    """The persona whose JD keywords the text mentions most; `fundamentals` when none stands out."""
    if not jd or not jd.strip():
        return DEFAULT_PERSONA
    title = next((line for line in jd.splitlines() if line.strip()), "")
    best, best_score = DEFAULT_PERSONA, 1.5
    for pid in sorted(bank.personas):
        persona = bank.personas[pid]
        score = 0.0
        for kw in persona.jd_keywords:
            pattern = _CASE_SENSITIVE.get(kw) or r"(?i:(?<![\w/])" + re.escape(kw) + r"(?![\w/]))"
            hits = len(re.findall(pattern, jd))
            score += min(hits, 3) * (1.5 if " " in kw else 1.0)
            # The job title says the most, and a phrase there ("engineering manager") more than a word.
            score += (5.0 if " " in kw else 1.0) * len(re.findall(pattern, title))
        if score > best_score:
            best, best_score = pid, score
    return best


def _level_ok(q: Question, level: Level | None) -> bool:
    return level is None or level in q.levels


def plan_interview(
    bank: Bank,
    store: QuestionStore | None,
    persona_id: str | None = None,
    role: str | None = None,
    level: Level | None = None,
    jd: str | None = None,
    resume: str | None = None,
    count: int | None = None,
    exclude: set[str] | None = None,
) -> Plan:
    """Choose the questions for one interview. Deterministic for the same inputs."""
    persona = bank.persona(persona_id or pick_persona(jd, bank))
    count = count or persona.question_count
    exclude = exclude or set()
    pool = [q for q in bank.questions_for(persona.id) if q.id not in exclude]
    if not pool:
        pool = bank.questions_for(persona.id)
    by_level = [q for q in pool if _level_ok(q, level)] or pool
    context = " ".join(x for x in (role, jd, resume) if x)
    skills = extract_skills(" ".join(x for x in (jd, resume) if x), bank)

    ranked = _rank_by_similarity(store, context or persona.description, persona.id, by_level, level)
    rank = {qid: i for i, qid in enumerate(ranked)}
    own_topics = {t for q in by_level for t in q.topics}
    # Skills this persona's questions never touch (a startup role that names React) get up to
    # half the slots from the rest of the bank, so the plan still covers what the JD asks for.
    borrowed_pool = [
        q
        for q in bank.questions.values()
        if q.id not in exclude and persona.id not in q.personas and _level_ok(q, level)
    ]
    external = [s for s in skills if s not in own_topics]
    reserve = min(count // 2, (len(external) + 1) // 2) if persona.id != "fundamentals" else 0
    chosen: list[PlannedQuestion] = []
    used: set[str] = set()
    uncovered = _cover(by_level, skills, count - reserve, rank, used, chosen, "")
    uncovered = _cover(
        sorted(borrowed_pool, key=lambda q: (q.kind not in {"technical", "design"}, q.id)),
        [s for s in uncovered if s in external],
        reserve,
        {},
        used,
        chosen,
        f" (borrowed from another interview kind: the {persona.name.lower()} questions do not cover it)",
    )
    seen_topics = {t for c in chosen for t in c.topics}
    for qid in ranked:
        if len(chosen) >= count:
            break
        q = bank.questions[qid]
        if qid in used or len(set(q.topics) & seen_topics) > len(q.topics) / 2:
            continue
        used.add(qid)
        seen_topics |= set(q.topics)
        why = f"close to the role '{role}'" if role else f"a core {persona.name.lower()} question"
        if level:
            why += f" at {level} level"
        chosen.append(_planned(q, why))
    for qid in ranked:  # still short (tiny pools): allow topic overlap
        if len(chosen) >= count:
            break
        if qid not in used:
            used.add(qid)
            chosen.append(_planned(bank.questions[qid], f"a core {persona.name.lower()} question"))
    return Plan(persona=persona.id, role=role, level=level, skills=skills, questions=chosen)


def _cover(
    pool: list[Question],
    skills: list[str],
    slots: int,
    rank: dict[str, int],
    used: set[str],
    chosen: list[PlannedQuestion],
    note: str,
) -> list[str]:
    """Greedy set cover: pick questions covering the most uncovered skills; return the rest."""
    uncovered = list(skills)
    taken = 0
    while uncovered and taken < slots:
        best: Question | None = None
        best_cover: list[str] = []
        for q in sorted(pool, key=lambda q: rank.get(q.id, 10_000)):
            if q.id in used:
                continue
            cover = [s for s in uncovered if s in q.topics]
            if len(cover) > len(best_cover):
                best, best_cover = q, cover
        if best is None:
            break
        used.add(best.id)
        taken += 1
        uncovered = [s for s in uncovered if s not in best_cover]
        chosen.append(
            _planned(best, f"covers {', '.join(best_cover)} from the job description{note}")
        )
    return uncovered


def _planned(q: Question, why: str) -> PlannedQuestion:
    return PlannedQuestion(id=q.id, text=q.text, topics=list(q.topics), why=why)


def _rank_by_similarity(
    store: QuestionStore | None,
    query: str,
    persona_id: str,
    pool: list[Question],
    level: Level | None,
) -> list[str]:
    """Pool ids, closest to the query first; falls back to bank order without a store."""
    allowed = {q.id for q in pool}
    order: list[str] = []
    if store is not None:
        hits = store.search(query, k=max(len(pool), 1) + 20, persona=persona_id)
        order = [h.id for h in hits if h.id in allowed]
    order += sorted(allowed - set(order), key=[q.id for q in pool].index)
    return order
