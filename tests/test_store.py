"""The Chroma question store: incremental ingest, filters, errors, and retrieval by meaning."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from interviewer.errors import StoreError
from interviewer.models import Criterion, Question, Rubric
from interviewer.store import QuestionStore, StoreEmpty

PROBES = {
    "specificity": "Can you give a concrete example?",
    "reasoning": "Why that option over the alternatives?",
    "impact": "What changed as a result?",
}
WRENCHES = ["Traffic grows tenfold overnight.", "Your budget is cut in half."]


def q(
    id_: str,
    text: str,
    topics: list[str],
    kind: str = "technical",
    levels=("mid", "senior"),
    personas=("tech",),
) -> Question:
    return Question(
        id=id_,
        text=text,
        kind=kind,
        topics=topics,
        levels=list(levels),
        probes=PROBES,
        wrenches=WRENCHES if kind == "design" else [],
        personas=list(personas),
    )


def bank() -> list[Question]:
    return [
        q(
            "k8s-secrets",
            "How would you manage secrets such as database passwords and API tokens on Kubernetes?",
            ["kubernetes", "secrets-management"],
            personas=("tech", "devops"),
        ),
        q(
            "rate-limiter",
            "Design a rate limiter for a public API used by thousands of clients.",
            ["rate-limiting", "api-design"],
            kind="design",
            levels=("senior", "staff"),
            personas=("system-design",),
        ),
        q(
            "url-shortener",
            "Design a URL shortening service like bit.ly.",
            ["hashing", "storage"],
            kind="design",
            levels=("mid", "senior"),
            personas=("system-design",),
        ),
        q(
            "conflict",
            "Tell me about a time you disagreed strongly with a teammate.",
            ["conflict", "communication"],
            kind="behavioural",
            levels=("junior", "mid", "senior"),
            personas=("behavioural",),
        ),
        q(
            "failure",
            "Tell me about a project that failed and what you learned.",
            ["failure", "learning"],
            kind="behavioural",
            personas=("behavioural",),
        ),
        q(
            "btree",
            "Why do databases use B-trees for indexes, and when does an index hurt?",
            ["databases", "indexing"],
        ),
        q(
            "gc",
            "How does garbage collection work in your main runtime, and when has it bitten you?",
            ["memory", "garbage-collection"],
        ),
        q(
            "tls",
            "Walk me through what happens during a TLS handshake.",
            ["networking", "tls"],
            kind="security",
            personas=("security",),
        ),
        q(
            "sql-injection",
            "How would you find and fix SQL injection risks in a legacy codebase?",
            ["sql-injection", "appsec"],
            kind="security",
            personas=("security",),
        ),
        q(
            "ml-drift",
            "How would you detect and respond to data drift in a deployed model?",
            ["ml-ops", "monitoring"],
            kind="ml",
            personas=("ml",),
        ),
        q(
            "mentoring",
            "How do you help a junior engineer grow on your team?",
            ["mentoring", "leadership"],
            kind="leadership",
            levels=("senior", "staff"),
            personas=("leadership",),
        ),
        q(
            "cache",
            "When would you add a cache in front of a service, and how do you keep it consistent?",
            ["caching", "consistency"],
            levels=("junior", "mid"),
        ),
    ]


def criterion(id_: str, name: str, description: str, weight: float) -> Criterion:
    levels = {i: f"{name} level {i} looks like this." for i in range(1, 6)}
    return Criterion(
        id=id_,
        name=name,
        description=description,
        weight=weight,
        signals=["reasoning"],
        anchors=levels,
        evidence=levels,
    )


def rubrics() -> list[Rubric]:
    return [
        Rubric(
            id="design",
            name="Design",
            description="System design",
            criteria=[
                criterion(
                    "tradeoffs",
                    "Trade-offs",
                    "Weighs alternatives and explains what each costs.",
                    0.5,
                ),
                criterion("scaling", "Scaling", "Plans for growth in load and data volume.", 0.5),
            ],
        ),
        Rubric(
            id="behavioural",
            name="Behavioural",
            description="Past behaviour",
            criteria=[
                criterion(
                    "ownership", "Ownership", "Takes personal responsibility for outcomes.", 0.6
                ),
                criterion(
                    "reflection",
                    "Reflection",
                    "Learns from mistakes and says what they would change.",
                    0.4,
                ),
            ],
        ),
    ]


@pytest.fixture
def store() -> QuestionStore:
    s = QuestionStore(None, embedder_name="hash")
    s.ingest(bank(), rubrics(), progress=False)
    return s


# --------------------------------------------------------------------------- ingest


def test_first_ingest_adds_everything(store: QuestionStore) -> None:
    fresh = QuestionStore(None, embedder_name="hash")
    report = fresh.ingest(bank(), rubrics(), progress=False)
    assert (report.questions.added, report.questions.embedded) == (12, 12)
    assert (report.criteria.added, report.total.added) == (4, 16)
    assert fresh.count() == 12 and fresh.count_criteria() == 4


def test_second_ingest_embeds_nothing(
    store: QuestionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(texts: object) -> None:
        raise AssertionError("embedded on an unchanged ingest")

    monkeypatch.setattr(store._ef, "embed", boom)
    report = store.ingest(bank(), rubrics(), progress=False)
    assert report.total.unchanged == 16
    assert (
        report.total.added
        == report.total.updated
        == report.total.removed
        == report.total.embedded
        == 0
    )


def test_changed_text_is_reembedded_and_removed_question_deleted(store: QuestionStore) -> None:
    questions = [x for x in bank() if x.id != "gc"]
    questions[0] = questions[0].model_copy(
        update={"text": "How do you rotate leaked credentials on Kubernetes?"}
    )
    report = store.ingest(questions, rubrics(), progress=False)
    assert (report.questions.updated, report.questions.embedded, report.questions.removed) == (
        1,
        1,
        1,
    )
    assert report.questions.unchanged == 10
    assert store.count() == 11
    ids = {h.id for h in store.search("garbage collection pauses", k=11)}
    assert "gc" not in ids
    top = store.search("rotate leaked credentials", k=1)[0]
    assert top.text.startswith("How do you rotate leaked credentials")


def test_metadata_only_change_skips_embedding_and_drops_old_flags(store: QuestionStore) -> None:
    questions = [
        x.model_copy(update={"levels": ["staff"]}) if x.id == "cache" else x for x in bank()
    ]
    report = store.ingest(questions, rubrics(), progress=False)
    assert (report.questions.updated, report.questions.embedded) == (1, 0)
    assert "cache" in {h.id for h in store.search("cache", k=12, level="staff")}
    assert "cache" not in {h.id for h in store.search("cache", k=12, level="junior")}


def test_duplicate_ids_are_rejected(store: QuestionStore) -> None:
    with pytest.raises(ValueError, match="duplicate question id 'btree'"):
        store.ingest([*bank(), bank()[5]], rubrics(), progress=False)


def test_progress_bar_goes_to_stderr_only_when_asked(capsys: pytest.CaptureFixture[str]) -> None:
    QuestionStore(None, embedder_name="hash").ingest(bank(), rubrics(), progress=False)
    assert capsys.readouterr().err == ""
    QuestionStore(None, embedder_name="hash").ingest(bank(), rubrics(), progress=True)
    captured = capsys.readouterr()
    assert "Building the question store (questions)" in captured.err and captured.out == ""


def test_in_memory_stores_are_isolated(store: QuestionStore) -> None:
    assert QuestionStore(None, embedder_name="hash").count() == 0
    assert store.count() == 12


# --------------------------------------------------------------------------- search and filters


def test_filters_by_persona_level_and_kind(store: QuestionStore) -> None:
    design = store.search("design a service", k=12, persona="system-design")
    assert {h.id for h in design} == {"rate-limiter", "url-shortener"}
    staff = store.search("design a service", k=12, persona="system-design", level="staff")
    assert [h.id for h in staff] == ["rate-limiter"]
    security = store.search("vulnerabilities", k=12, kind="security")
    assert {h.id for h in security} == {"tls", "sql-injection"}
    junior = store.search("anything", k=12, level="junior")
    assert {h.id for h in junior} == {"conflict", "cache"}
    assert store.search("anything", persona="nobody") == []


def test_search_hit_fields_and_exclusion(store: QuestionStore) -> None:
    hits = store.search("Design a rate limiter for a public API", k=3)
    assert hits[0].id == "rate-limiter"
    assert hits[0].topics == ["rate-limiting", "api-design"]
    assert hits[0].text == "Design a rate limiter for a public API used by thousands of clients."
    assert hits[0].distance <= hits[1].distance <= hits[2].distance
    rest = store.search("Design a rate limiter for a public API", k=3, exclude_ids={"rate-limiter"})
    assert len(rest) == 3 and "rate-limiter" not in {h.id for h in rest}


def test_k_is_capped_and_validated(store: QuestionStore) -> None:
    assert len(store.search("anything", k=100)) == 12
    with pytest.raises(ValueError):
        store.search("anything", k=0)
    with pytest.raises(ValueError, match="unknown level"):
        store.search("anything", level="principal")


def test_search_criteria_filters_by_rubric(store: QuestionStore) -> None:
    hits = store.search_criteria("ownership", rubric_id="behavioural", k=5)
    assert {h.rubric_id for h in hits} == {"behavioural"} and len(hits) == 2
    assert hits[0].id == "behavioural/ownership" and hits[0].weight == 0.6
    assert len(store.search_criteria("anything", k=10)) == 4


def test_empty_store_says_to_ingest() -> None:
    empty = QuestionStore(None, embedder_name="hash")
    with pytest.raises(StoreEmpty, match="interviewer ingest") as caught:
        empty.search("anything")
    assert isinstance(caught.value, StoreError)
    with pytest.raises(StoreEmpty, match="interviewer ingest"):
        empty.search_criteria("anything")


# --------------------------------------------------------------------------- persistence


def test_persistent_store_reopens_without_warnings_or_reembedding(tmp_path: Path) -> None:
    QuestionStore(tmp_path / "store", embedder_name="hash").ingest(
        bank(), rubrics(), progress=False
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        reopened = QuestionStore(tmp_path / "store", embedder_name="hash")
        report = reopened.ingest(bank(), rubrics(), progress=False)
        assert reopened.search("rate limiter", k=1)[0].id == "rate-limiter"
    assert report.total.embedded == 0 and reopened.count() == 12


@pytest.mark.slow
def test_switching_embedder_drops_incompatible_vectors(tmp_path: Path) -> None:
    QuestionStore(tmp_path, embedder_name="hash").ingest(bank(), rubrics(), progress=False)
    switched = QuestionStore(tmp_path, embedder_name="minilm")
    assert switched.count() == 0
    assert switched.ingest(bank(), rubrics(), progress=False).questions.added == 12


# --------------------------------------------------------------------------- meaning (MiniLM)


@pytest.fixture(scope="module")
def minilm_store() -> QuestionStore:
    s = QuestionStore(None)
    s.ingest(bank(), rubrics(), progress=False)
    return s


@pytest.mark.slow
def test_minilm_finds_secrets_question_by_meaning(minilm_store: QuestionStore) -> None:
    assert minilm_store.search("keeping credentials safe on a cluster", k=3)[0].id == "k8s-secrets"


@pytest.mark.slow
@pytest.mark.parametrize(
    "query, expected",
    [
        ("a time my coworker and I argued about the approach", "conflict"),
        ("coaching less experienced developers", "mentoring"),
        ("model performance degrading because production inputs changed", "ml-drift"),
    ],
)
def test_minilm_retrieves_by_meaning(
    minilm_store: QuestionStore, query: str, expected: str
) -> None:
    assert minilm_store.search(query, k=1)[0].id == expected


@pytest.mark.slow
def test_minilm_criteria_search(minilm_store: QuestionStore) -> None:
    assert (
        minilm_store.search_criteria("handles ten times more traffic", k=1)[0].id
        == "design/scaling"
    )
