"""Concept groups: words that signal the same subject, so relevance is not only shared words.

"I'd put Redis in front of it with a TTL" is on topic for a caching question although it never
says "cache". Each group lists surface words; they are stemmed on import.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from .text import stem

_GROUPS: Mapping[str, str] = MappingProxyType(
    {
        "caching": "cache caching cached redis memcached ttl invalidation invalidate eviction evict "
        "lru hit miss warm stale cdn varnish",
        "rate-limit": "rate limit limiter throttle throttling quota burst token bucket leaky window "
        "429 abuse",
        "database": "database db sql postgres postgresql mysql query queries index indexes indexing "
        "table tables schema row rows transaction transactions orm migration replica",
        "nosql": "nosql mongodb mongo cassandra dynamodb document key-value wide-column",
        "queue": "queue queues kafka rabbitmq sqs pubsub consumer consumers producer topic topics "
        "partition partitions offset broker message messages event events stream streaming",
        "kubernetes": "kubernetes k8s pod pods cluster clusters helm deployment namespace node nodes "
        "container containers docker image images",
        "secrets": "secret secrets credential credentials password passwords vault kms rotation rotate "
        "sealed",
        "auth": "auth authentication authorization login oauth sso jwt session sessions permission "
        "permissions rbac access identity",
        "api": "api apis endpoint endpoints rest grpc graphql request requests response responses "
        "versioning version versions pagination contract contracts client clients sdk",
        "observability": "observability logging logs log metrics metric tracing traces trace "
        "dashboard dashboards alert alerts alerting monitoring prometheus grafana datadog slo slos",
        "incident": "incident incidents outage outages downtime page paged pager on-call oncall "
        "postmortem sev rollback rolled revert mitigate mitigation firefight",
        "performance": "performance latency slow slower faster throughput p99 p95 profile profiling "
        "profiler bottleneck cpu memory leak optimise optimize speed cache caching cached index indexes "
        "batch batching query queries n+1",
        "concurrency": "concurrency concurrent thread threads lock locks locking race deadlock mutex "
        "async parallel atomic contention",
        "testing": "test tests testing unit integration e2e coverage flaky mock mocks fixture qa "
        "regression tdd assertion",
        "deployment": "deploy deploys deployment deployments release releases rollout canary "
        "blue-green ci cd pipeline pipelines feature flag flags rollback production prod config "
        "configuration environment environments staging docker",
        "design-scale": "scale scaling scalability shard sharding partition replication replica "
        "load balancer balancing horizontal vertical capacity traffic qps rps",
        "storage": "storage store s3 blob object file files disk bucket archive retention",
        # "agree": "we was not agree" in non-native grammar, and how it ended, "we agreed"
        "conflict": "disagree disagreed disagreement agree agreed conflict conflicts argue argued "
        "argument pushback pushed push convince convinced persuade persuaded debate opinion tension friction "
        "compromise",
        "feedback": "feedback criticism critique review reviewed told hear heard harsh tough "
        "perform performance improvement",
        "failure": "fail failed failure failures mistake mistakes wrong broke broken regret lesson "
        "lessons missed",
        "deadline": "deadline deadlines late slip slipped scope timeline timelines estimate "
        "estimates crunch launch date cut",
        "mentoring": "mentor mentored mentoring mentee junior juniors coach coaching grow growth "
        "teach taught onboard onboarding pair pairing",
        "hiring": "hire hiring hired interview interviews interviewing candidate candidates "
        "recruit recruiting recruiter offer offers pipeline headcount",
        "team-lead": "team teams manager managing manage report reports direct one-on-one 1:1 "
        "morale lead leading leadership delegate delegation",
        "product": "product customer customers user users feature features roadmap prioritise "
        "prioritize priority priorities stakeholder stakeholders pm design designer",
        "startup": "startup founder founding early seed runway ambiguity ambiguous speed fast mvp "
        "prototype hack debt",
        "tech-debt": "debt legacy refactor refactoring rewrite cleanup maintainability messy "
        "shortcut shortcuts",
        "security": "security secure vulnerability vulnerabilities owasp injection xss csrf ssrf "
        "exploit attack attacker threat threats cve patch scanner scanning sast dast pentest audit "
        "scripting cross-site sanitize sanitise sanitization escaping malicious",
        "dependencies": "dependency dependencies package packages library libraries supply chain "
        "sbom lockfile upgrade upgrades npm pip",
        "ml": "ml model models training train trained inference feature features dataset datasets "
        "label labels accuracy precision recall drift evaluation eval evals",
        "llm": "llm llms gpt prompt prompts prompting rag retrieval embedding embeddings vector "
        "fine-tune fine-tuning finetune hallucination tokens context",
        "data-pipeline": "pipeline pipelines etl batch spark airflow warehouse ingest ingestion "
        "backfill dbt snowflake bigquery",
        "notification": "notification notifications push email emails sms webhook webhooks fan-out "
        "fanout subscriber subscribers deliver delivery",
        "url": "url urls shortener short link links redirect redirects slug alias",
        "payments": "payment payments ledger money billing invoice invoices charge refund "
        "transaction idempotency",
        "search": "search autocomplete typeahead suggest suggestions ranking elasticsearch index "
        "prefix trie",
        "tenancy": "tenant tenants multi-tenant tenancy isolation noisy neighbour neighbor",
        "code": "code codebase function functions class classes module modules library abstraction "
        "abstractions interface interfaces layer layers",
        "take-home": "take-home assignment exercise submission submitted reviewer readme",
        "motivation": "motivation motivated why leave left join joined move moved career role "
        "choose chose",
        "strengths": "strength strengths weakness weaknesses good bad improve improving",
        "logistics": "availability available notice remote office onsite on-site hybrid "
        "salary compensation contract visa relocation",
    }
)

CONCEPTS: Mapping[str, frozenset[str]] = MappingProxyType(
    {name: frozenset(stem(w) for w in words.split()) for name, words in _GROUPS.items()}
)


def _by_stem() -> Mapping[str, frozenset[str]]:
    out: dict[str, frozenset[str]] = {}
    for name, stems in CONCEPTS.items():
        for s in stems:
            out[s] = out.get(s, frozenset()) | {name}
    return MappingProxyType(out)


STEM_TO_CONCEPTS: Mapping[str, frozenset[str]] = _by_stem()  # stem -> concepts containing it


def concepts_of(stems: set[str] | frozenset[str]) -> set[str]:
    """The concept groups any of these stems belongs to."""
    found: set[str] = set()
    for s in stems:
        found |= STEM_TO_CONCEPTS.get(s, frozenset())
    return found
