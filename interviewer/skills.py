"""The skills a job description names: by tag and alias, by word form, and by meaning.

Three passes over the text, each catching what the one before missed:

1. Tags and aliases, as written ("Kubernetes", "k8s", "CI/CD").
2. Word forms: the words are stemmed, so "serve models" is model serving, "monitor" is
   monitoring and "tested" is testing; the words of a multi-word tag may come in any order.
3. Meaning (``by_meaning``; the planner's ``skills_for`` looks phrases up in the question store):
   a phrase no tag explains ("webhooks with retries", "handle the performance of people") becomes
   a skill the closest questions cover, when one is close enough.

Each mention is required or nice to have: after a "Nice to have:" or "Bonus" heading, or in a
sentence saying "is a plus", "preferred", "ideally" and the like.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING

from .analysis.text import Stemmer

if TYPE_CHECKING:
    from .bank import Bank


def _table(rows: str) -> Mapping[str, tuple[str, ...]]:
    pairs = (line.split(":", 1) for line in rows.strip().splitlines())
    return MappingProxyType({k.strip(): tuple(f.strip() for f in v.split(",")) for k, v in pairs})


# Surface forms that name a topic tag. The word forms of tags and of multi-word aliases are
# found by stemming; one-word aliases (mostly product names) count as written, plural or not.
ALIASES: Mapping[str, tuple[str, ...]] = _table(
    """
kubernetes: k8s, kube, eks, gke, aks, helm, openshift, kubeflow
postgresql: postgres, psql
go: golang
javascript: js, ecmascript
typescript: ts
node.js: node, nodejs
aws: amazon web services, ec2, s3, lambda
gcp: google cloud, bigquery
ci/cd: ci, cd, continuous integration, continuous delivery, continuous deployment, github actions, gitlab ci, jenkins, cicd, argocd, argo cd, circleci, fastlane
terraform: infrastructure as code, iac, pulumi, cloudformation
observability: opentelemetry, prometheus, grafana, datadog
monitoring: prometheus, grafana, datadog, dashboards
alerting: alerts, alert noise, alert fatigue
logging: logs, elk, kibana, splunk, loki, log aggregation
tracing: jaeger, distributed tracing
message queues: message queue, queues, rabbitmq, sqs, pub/sub, pubsub, celery, task queues, message broker, message brokers
rest: restful, rest api, rest apis
api design: apis, api, api-first
sql: sql
machine learning: ml, machine-learning, pytorch, tensorflow, scikit-learn
llm: llms, large language model, large language models, genai, generative ai, prompt engineering
secrets management: secrets, vault, credentials, kms
authentication: auth, sso, oidc, login
authorization: authorisation
access control: rbac, least privilege, iam, permissions, access reviews
encryption: cryptography, encrypted
compliance: soc 2, soc2, hipaa, gdpr, pci, pci-dss, iso 27001
security tooling: sast, dast, dependency scanning, secret scanning
supply chain: sbom, sboms, supply-chain
distributed systems: distributed system, distributed
microservices: microservice, service-oriented
incident response: incident, oncall, pager, postmortem, post-mortem, incident management
on-call: on call
reliability: slo, slos, sla, slas, error budgets, error budget
availability: high availability, uptime
replication: read replicas, multi-region, active-active
sharding: partitioning
disaster recovery: backups, rto, rpo
testing: tests, test automation, tdd
integration testing: end-to-end tests, e2e tests
a/b testing: a/b tests, experimentation
performance: latency, high-performance, low-latency
security: secure, appsec, application security
data modelling: data modeling, data model, schema design
data integrity: data quality, data correctness, data validation
data migration: schema migrations, schema migration, database migrations
data pipelines: etl, elt, data pipeline, airflow, dbt
batch processing: batch, batch jobs, batch pipelines
stream processing: streaming, flink, kinesis, real-time processing
event-driven: event sourcing, event-driven architecture, cqrs
caching: cache, caches, memcached
cdn: cloudfront, fastly, akamai
mentoring: mentor, mentorship, coaching, coach
career growth: career development, promotions
performance management: performance reviews, performance review, underperformance, underperforming, underperformers
hiring: recruiting, interviewing, hiring loops
roadmap: okrs, okr
prioritisation: prioritization, priorities, prioritize, prioritise
remote work: remote teams, distributed team, distributed teams
technical debt: tech debt
legacy code: legacy
react: react.js, reactjs
frontend: front-end, front end, vue, angular, svelte
web vitals: core web vitals, lighthouse
mobile: ios, android, react native, flutter, swiftui
crash reporting: crashlytics
c++: cpp
docker: containers, containerisation, containerization, containerize, containerise, containerized
python: django, flask, fastapi
java: spring, spring boot, jvm
mysql: mariadb
elasticsearch: opensearch
grpc: protobuf, protocol buffers
networking: tcp, tcp/ip
linux: unix, systemd
model serving: inference, serving, vllm, triton, torchserve
evaluation: evals, evaluations
mlops: ml platform, model registry, mlflow, sagemaker
feature engineering: feature store, feature pipelines, feature pipeline
gpu: gpus, cuda
fine-tuning: fine-tune, finetuning, lora
embeddings: vector database, vector databases, vector index, vector store
rag: retrieval-augmented generation, retrieval augmented generation
search: ranking, information retrieval, vector search, semantic search, search engine
api versioning: versioning, deprecation, backwards compatibility, backward compatibility
rate limiting: throttling
oauth: oauth2, openid connect
feature flags: feature toggles, launchdarkly
deployment: rollouts, rollout, canary, blue-green, releases
cost optimisation: cost optimization, cloud cost, cloud spend, finops
developer experience: developer productivity, devex
build systems: bazel, gradle
multi-tenancy: multi-tenant, tenant isolation
"""
)
# Forms too ambiguous to match in lowercase prose ("go", "the rest"): they count only as written.
CASE_SENSITIVE: Mapping[str, str] = MappingProxyType(
    {
        w.lower(): rf"\b{re.escape(w)}\b"
        for w in "Go REST CI CD TS ML AI Node auth API S3 IAM ELK Spring IaC iOS React".split()
    }
)
# Job-ad boilerplate that names a skill tag without asking for it ("we are hiring").
_BOILERPLATE = re.compile(r"\b(?:are|'re|is|now|currently|actively)\s+hiring\b", re.IGNORECASE)
# Tags too vague to name a skill by themselves (their aliases still count: "vector search").
TOO_GENERIC_TAGS = frozenset(
    "databases|cloud|ownership|communication|collaboration|learning|culture|motivation|design|"
    "architecture|code review|cost|search|memory|failure|feedback|deadlines|influence|ambiguity"
    "".split("|")
)
# Stems whose everyday sense is not the skill ("available", "rely", "at scale", "user profile",
# "embedded"): these count only in the exact forms the tag table lists.
_AMBIGUOUS_ROOTS = frozenset(
    "avail consist depend perform integr index log serv reli scal profil version interview "
    "embed distribut releas rest go spring".split()
)
# Words so common in job ads that a multi-word tag holding one must be written in order.
_COMMON_ROOTS = frozenset("engin build work team make time product design develop data".split())
_TOKEN = re.compile(r"[a-z0-9][a-z0-9+#]*(?:[./][a-z0-9+#]+)*", re.IGNORECASE)

# --------------------------------------------------------------------------- required or not

_NICE_HEAD = re.compile(
    r"^[\W\d]*(?:nice[\s-]+to[\s-]+haves?|bonus(?:\s+points)?|pluses|plus|preferred|preferably|"
    r"ideally|good[\s-]+to[\s-]+haves?|desirable|desired|optional|extra\s+points|advantages?|"
    r"would\s+be\s+(?:nice|great|helpful))\b",
    re.IGNORECASE,
)
_NICE_INLINE = re.compile(
    r"\b(?:(?:is|are|be|as)\s+(?:a\s+|an\s+)?(?:big\s+|strong\s+|huge\s+|real\s+)?"
    r"(?:plus|bonus|advantage)|nice[\s-]+to[\s-]+have|bonus|pluses|preferred|preferably|ideally|"
    r"not\s+required|optional|welcome|desirable|good[\s-]+to[\s-]+have|extra\s+points|"
    r"would\s+be\s+(?:nice|great|helpful))\b",
    re.IGNORECASE,
)
_REQUIRED_HEAD = re.compile(
    r"^[\W\d]*(?:requirements?|required|must(?:[\s-]+haves?)?|minimum|basic|qualifications|"
    r"responsibilities|what\s+you(?:'ll|\s+will)?\s+(?:need|bring|do|have)|about\s+you|you\s+have|"
    r"skills|tech(?:\s+stack)?|stack|tasks|what\s+we(?:'re|\s+are)?\s+look\w*\s+for|the\s+role)\b",
    re.IGNORECASE,
)
_LINE = re.compile(r"[^\n]+")
_SENTENCE_RUN = re.compile(r"(?:[^.!?;]|[.!?;](?=\S))+[.!?;]*")


def requirement_spans(text: str) -> list[tuple[int, int, bool]]:
    """(start, end, required) for every sentence of the text, in order.

    A short line or one ending in ":" that starts "Nice to have", "Bonus", "Preferred"... makes
    what follows optional until a "Requirements"-like heading; a sentence saying "is a plus",
    "ideally", "preferred" or "not required" is optional wherever it stands.
    """
    out: list[tuple[int, int, bool]] = []
    required = True
    for line in _LINE.finditer(text):
        body = line.group().strip()
        heading = len(body.split()) <= 5 or body.endswith(":")
        if heading and _NICE_HEAD.match(body):
            required = False
        elif heading and _REQUIRED_HEAD.match(body):
            required = True
        for sentence in _SENTENCE_RUN.finditer(line.group()):
            said = sentence.group()
            labelled = _NICE_HEAD.match(said) and ":" in said[:40]  # "Plus: push notifications"
            nice = not required or bool(labelled or _NICE_INLINE.search(said))
            out.append((line.start() + sentence.start(), line.start() + sentence.end(), not nice))
    return out


# --------------------------------------------------------------------------- word forms


def _root(stemmer: Stemmer, token: str) -> str:
    """A word's stem, a little further reduced: "scalable"/"scale", "response"/"respond" agree."""
    word = token.lower()
    if not word.isalpha():
        return word
    stem = stemmer(word)
    for suffix, repl in (("abl", ""), ("ibl", ""), ("ns", "nd"), ("is", "")):
        if stem.endswith(suffix) and len(stem) - len(suffix) >= 4:
            stem = stem[: len(stem) - len(suffix)] + repl
            break
    return stem.rstrip("e") if len(stem) > 4 else stem


@dataclass(frozen=True)
class _Forms:
    """Word forms (tuples of roots) of every tag and alias, built once per bank."""

    single: Mapping[str, str]
    multi: tuple[tuple[tuple[str, ...], bool, str], ...]  # (roots, any order?, tag)


def _build_forms(tags: frozenset[str], stemmer: Stemmer) -> _Forms:
    single: dict[str, str] = {}
    multi: dict[tuple[str, ...], tuple[bool, str]] = {}
    for tag in sorted(tags - TOO_GENERIC_TAGS):
        for form in (tag, *ALIASES.get(tag, ())):
            if form in CASE_SENSITIVE:
                continue
            roots = tuple(_root(stemmer, w) for w in _TOKEN.findall(form.replace("-", " ")))
            if len(roots) > 1:
                multi.setdefault(roots, (not set(roots) & _COMMON_ROOTS, tag))
            elif form == tag and len(roots[0]) >= 3 and roots[0] not in _AMBIGUOUS_ROOTS:
                single.setdefault(roots[0], tag)  # one-word aliases (brands) count as written
    return _Forms(
        MappingProxyType(single), tuple((r, free, t) for r, (free, t) in sorted(multi.items()))
    )


def _form_matches(text: str, forms: _Forms, stemmer: Stemmer) -> list[tuple[int, int, str]]:
    """(start, end, tag) wherever a tag's word forms occur within one clause."""
    found: list[tuple[int, int, str]] = []
    for clause in re.finditer(r"[^,;:.()\n\[\]|!?]+", text.replace("-", " ")):
        at = clause.start()
        toks = [(at + m.start(), at + m.end()) for m in _TOKEN.finditer(clause.group())]
        roots = [_root(stemmer, text[s:e]) for s, e in toks]
        where: dict[str, list[int]] = {}
        for i, root in enumerate(roots):
            where.setdefault(root, []).append(i)
            if root in forms.single:
                found.append((*toks[i], forms.single[root]))
        for want, any_order, tag in forms.multi:
            for i in sorted({i for w in want for i in where.get(w, [])}):
                if any_order:  # "serve models", "respond to incidents": one word may come between
                    window = roots[i : i + len(want) + 1]
                    if all(w in window for w in want):
                        last = max(i + window.index(w) for w in want)
                        found.append((toks[i][0], toks[last][1], tag))
                elif tuple(roots[i : i + len(want)]) in (want, want[::-1]):  # or "model data"
                    found.append((toks[i][0], toks[i + len(want) - 1][1], tag))
    return found


# --------------------------------------------------------------------------- the index


@dataclass(frozen=True)
class SkillIndex:
    """Everything the skill passes need from one bank, built once (``bank.derived``)."""

    patterns: tuple[tuple[str, re.Pattern[str]], ...]
    forms: _Forms
    stemmer: Stemmer
    # Per question: the tags it is about (its topics, and tags with an alias among them) ...
    about: Mapping[str, frozenset[str]]
    # ... and those plus the tags its text names ("an on-call rotation").
    covers: Mapping[str, frozenset[str]]


def skill_index(bank: Bank) -> SkillIndex:
    return bank.derived("skill_index", lambda: _build_index(bank))


def _build_index(bank: Bank) -> SkillIndex:
    tags = frozenset(bank.questions.topics())
    stemmer = Stemmer()
    empty: Mapping[str, frozenset[str]] = MappingProxyType({})
    index = SkillIndex(_patterns(tags), _build_forms(tags, stemmer), stemmer, empty, empty)
    # tag -> itself and the tags it is an alias of, so a question's tags are one lookup each
    alias_of: dict[str, set[str]] = {}
    for t in tags:
        for form in (t, *ALIASES.get(t, ())):
            alias_of.setdefault(form, set()).add(t)

    def about(qid: str) -> frozenset[str]:
        topics = bank.questions[qid].topics
        return frozenset(t for topic in topics for t in alias_of.get(topic, ()))

    def covers(qid: str) -> frozenset[str]:
        text = bank.questions[qid].text
        return about_map[qid] | {t for _, _, t in _matches(text, index)}

    about_map = _PerQuestion(about)
    return SkillIndex(index.patterns, index.forms, stemmer, about_map, _PerQuestion(covers))


class _PerQuestion(Mapping[str, frozenset[str]]):
    """Tags per question id, computed the first time a question is asked about (matching a
    question's text costs about 3 ms, so a bank of 100,000 is never matched as a whole)."""

    def __init__(self, compute: Callable[[str], frozenset[str]]) -> None:
        self._compute = compute
        self._known: dict[str, frozenset[str]] = {}

    def __getitem__(self, qid: str) -> frozenset[str]:
        found = self._known.get(qid)
        if found is None:
            found = self._known[qid] = self._compute(qid)  # a racing thread computes the same
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._known)

    def __len__(self) -> int:
        return len(self._known)


def _patterns(tags: frozenset[str]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    out: list[tuple[str, re.Pattern[str]]] = []
    alias_owner = {a: t for t, forms in ALIASES.items() if t in tags for a in forms if a != t}
    for tag in sorted(tags):
        if tag in alias_owner and len(tag) <= 3:
            continue  # part of another tag: "CI" is CI/CD
        parts = []
        # A tag too vague to name a skill by itself ("search") still has specific aliases.
        for form in (() if tag in TOO_GENERIC_TAGS else (tag,)) + ALIASES.get(tag, ()):
            if form in CASE_SENSITIVE:
                parts.append(CASE_SENSITIVE[form])
            else:
                plural = "(?:s|es)?" if form[-1].isalpha() else ""  # "incident(s)"
                parts.append(r"(?i:(?<!\w)" + re.escape(form) + plural + r"(?!\w))")
        if parts:
            out.append((tag, re.compile("|".join(parts))))
    return tuple(out)


def _matches(text: str, index: SkillIndex) -> list[tuple[int, int, str]]:
    """Tag mentions as (start, end, tag). Of overlapping mentions the longer wins ("CI/CD" is not
    "CI"); on the same words, the tag written as itself ("RabbitMQ" is rabbitmq, not queues)."""
    found: list[tuple[int, int, bool, str]] = []
    for tag, pattern in index.patterns:
        for m in pattern.finditer(text):
            found.append((m.start(), m.end(), m.group().lower() != tag, tag))
    found += [(s, e, True, t) for s, e, t in _form_matches(text, index.forms, index.stemmer)]
    kept: list[tuple[int, int, str]] = []
    for start, end, _, tag in sorted(found, key=lambda f: (f[0] - f[1], f[2], f[0], f[3])):
        if not any(s <= start and end <= e for s, e, _ in kept):
            kept.append((start, end, tag))
    return sorted(kept)


# --------------------------------------------------------------------------- the skills


@dataclass(frozen=True)
class Skill:
    """One skill: a topic tag, or the job description's own phrase when found by meaning."""

    name: str
    required: bool
    # For a skill found by meaning: the questions close to it (a tag is covered by its topics).
    questions: frozenset[str] = frozenset()


# Finds skills by meaning: (text, tag mentions) -> (position, phrase, question ids) per phrase.
MeaningLookup = Callable[[str, list[tuple[int, int, str]]], list[tuple[int, str, frozenset[str]]]]


def find_skills(text: str, bank: Bank, by_meaning: MeaningLookup | None = None) -> list[Skill]:
    """Skills named in the text: required ones first, each group in order of first mention.

    ``by_meaning`` (the planner's, over the question store) adds phrases no tag explains.
    """
    if not text or not text.strip():
        return []
    text = _BOILERPLATE.sub(lambda m: " " * len(m.group()), text)
    spans = requirement_spans(text)

    def required_at(pos: int) -> bool:
        return next((req for s, e, req in spans if s <= pos < e), True)

    mentions = _matches(text, skill_index(bank))
    first: dict[str, tuple[bool, int]] = {}
    for start, _, tag in mentions:
        req, pos = first.get(tag, (False, start))
        first[tag] = (req or required_at(start), min(pos, start))
    found = [(pos, Skill(tag, req)) for tag, (req, pos) in first.items()]
    for pos, phrase, ids in by_meaning(text, mentions) if by_meaning else []:
        found.append((pos, Skill(phrase, required_at(pos), ids)))
    ordered = sorted(found, key=lambda p: (not p[1].required, p[0]))
    return [s for _, s in ordered]
