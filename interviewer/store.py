"""The Chroma question store: incremental ingest of the bank, and retrieval by meaning.

The store is a cache derived from the YAML bank, so it can always be rebuilt with
``interviewer ingest``. Each item carries a content hash in its metadata; ingest embeds only new
or changed items and deletes ids that left the bank, so a second ingest of the same bank embeds
nothing.

Metadata filters use boolean flags (``level_senior: True``, ``persona_system-design: True``)
rather than list metadata with ``$contains``: chromadb 1.5.9 accepts lists but rejects empty ones
(a question with no personas yet), and older Chroma servers lack them; flags work everywhere.
"""

from __future__ import annotations

import hashlib
import json
import sys
import threading
import uuid
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import chromadb
from chromadb.api.models.Collection import Collection
from chromadb.config import Settings
from pydantic import BaseModel
from tqdm import tqdm

from interviewer.chroma_embeddings import get_embedder
from interviewer.chroma_server import chroma_server
from interviewer.embeddings import MiniLMEmbedder
from interviewer.errors import InputError, StoreError
from interviewer.ingest_workers import embed_in_processes
from interviewer.models import LEVELS, QUESTION_KINDS, Question, Rubric

QUESTIONS = "questions"
CRITERIA = "criteria"
EMBED_CHUNK = (
    64  # items embedded and written per step: progress moves, and an interrupted ingest resumes
)
MAX_CACHED_RESULTS = 512  # search results and query vectors kept per store (per process)
READ_PAGE = 5_000  # items per paged read of a collection
REVISION_KEY, EMBEDDER_KEY = "bank_revision", "bank_embedder"  # collection metadata


class StoreEmpty(StoreError):
    """Search on a store with nothing ingested: the fix is `interviewer ingest`."""


class CollectionReport(BaseModel):
    """What one ingest did to one collection."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    embedded: int = 0  # added plus re-embedded updates; metadata-only updates cost no embedding


class IngestReport(BaseModel):
    """What one ingest did, per collection; ``total`` sums them."""

    questions: CollectionReport
    criteria: CollectionReport

    @property
    def total(self) -> CollectionReport:
        fields = CollectionReport.model_fields
        return CollectionReport(
            **{f: getattr(self.questions, f) + getattr(self.criteria, f) for f in fields}
        )


class SearchHit(BaseModel):
    """A question found by ``QuestionStore.search``; distance is cosine distance (0: identical)."""

    id: str
    text: str
    topics: list[str]
    distance: float


class CriterionHit(BaseModel):
    """A rubric criterion found by ``QuestionStore.search_criteria``."""

    id: str
    rubric_id: str
    criterion_id: str
    name: str
    weight: float
    text: str
    distance: float


# --------------------------------------------------------------------------- documents


def question_document(question: Question) -> str:
    """Question text plus its topics in words, so a query about the topic finds the question."""
    topics = ", ".join(t.replace("-", " ") for t in question.topics)
    return f"{question.text}\nTopics: {topics}"


def question_metadata(question: Question) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "kind": question.kind,
        "text": question.text,
        "topics": "|".join(question.topics),
    }
    meta.update({f"level_{level}": True for level in question.levels})
    meta.update({f"persona_{persona}": True for persona in question.personas})
    return meta


def criterion_document(rubric: Rubric, index: int) -> str:
    c = rubric.criteria[index]
    return (
        f"{c.name}: {c.description}\nGood answer: {c.anchors[4]}\nExcellent answer: {c.anchors[5]}"
    )


def criterion_metadata(rubric: Rubric, index: int) -> dict[str, Any]:
    c = rubric.criteria[index]
    return {"rubric_id": rubric.id, "criterion_id": c.id, "name": c.name, "weight": c.weight}


def _content_hash(document: str, metadata: dict[str, Any]) -> str:
    payload = json.dumps([document, metadata], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


# --------------------------------------------------------------------------- store


class QuestionStore:
    """Questions and rubric criteria in two cosine-space Chroma collections.

    ``path=None`` gives an in-memory store for tests. Chroma shares one in-memory system per
    process, so in-memory stores get uniquely suffixed collection names to stay isolated.
    ``url`` names a Chroma server (INTERVIEWER_CHROMA_URL) to use instead; ``path`` is then
    ignored and every process using that server shares its collections.
    """

    def __init__(
        self,
        path: Path | None,
        embedder_name: str = "minilm",
        minilm: MiniLMEmbedder | None = None,
        url: str | None = None,
    ) -> None:
        settings = Settings(anonymized_telemetry=False)
        self.url = url or None
        if url:
            self._client = chroma_server(url, settings)
            path, suffix = None, ""
        elif path is None:
            self._client = chromadb.EphemeralClient(settings=settings)
            suffix = f"-{uuid.uuid4().hex[:12]}"
        else:
            path = Path(path)
            path.mkdir(parents=True, exist_ok=True)
            self._client = chromadb.PersistentClient(path=str(path), settings=settings)
            suffix = ""
        self.path = path
        self.embedder_name = embedder_name
        # per store: search results by (collection, query, n, filter) and query vectors;
        # cleared when an ingest changes the content
        self._results: dict[tuple[str, str, int, str], list[Any]] = {}
        self._vectors: dict[str, Any] = {}
        self._cache_lock = threading.Lock()
        self._ef = get_embedder(embedder_name, minilm)
        self._questions = self._collection(QUESTIONS + suffix)
        self._criteria = self._collection(CRITERIA + suffix)

    def _collection(self, name: str) -> Collection:
        """Open or create a collection; one built by another embedder is dropped and rebuilt."""
        existing = {c.name for c in self._client.list_collections()}
        if name in existing:
            try:
                stored = self._client.get_collection(name).configuration.get("embedding_function")
            except ValueError:  # persisted with an embedding function this process cannot build
                stored = None
            if stored is None or stored.name() != self._ef.name():
                self._client.delete_collection(name)
        return self._client.get_or_create_collection(
            name,
            # chromadb types this as EmbeddingFunction[Documents | Images]; ours embeds text only
            embedding_function=self._ef,  # type: ignore[arg-type]
            configuration={"hnsw": {"space": "cosine"}},
        )

    # ----------------------------------------------------------------------- ingest

    def ingest(
        self,
        questions: Iterable[Question],
        rubrics: list[Rubric],
        progress: bool = True,
        revision: str | None = None,
        workers: int = 1,
    ) -> IngestReport:
        """Bring both collections in line with the bank, embedding only what is new or changed.

        ``revision`` (``Bank.revision``) is recorded once everything is in; when the store
        already holds that revision, nothing is read or compared (start-up does not grow with
        the bank). An interrupted ingest records nothing, and the next one resumes: what was
        written is found unchanged and not embedded again.
        """
        if revision is not None and self.revision() == revision:
            return IngestReport(
                questions=CollectionReport(unchanged=self._questions.count()),
                criteria=CollectionReport(unchanged=self._criteria.count()),
            )
        q_items = {
            q.id: (question_document(q), question_metadata(q))
            for q in _unique(questions, "question")
        }
        c_items: dict[str, tuple[str, dict[str, Any]]] = {}
        for rubric in _unique(rubrics, "rubric"):
            for i, criterion in enumerate(rubric.criteria):
                c_items[f"{rubric.id}/{criterion.id}"] = (
                    criterion_document(rubric, i),
                    criterion_metadata(rubric, i),
                )
        report = IngestReport(
            questions=self._sync(self._questions, q_items, progress, "questions", workers),
            criteria=self._sync(self._criteria, c_items, progress, "criteria", workers),
        )
        with self._cache_lock:
            self._results.clear()  # search results of the old content
        if revision is not None:
            self._set_revision(revision)
        return report

    def revision(self) -> str | None:
        """The bank revision whose content the store holds in full (None: unknown)."""
        meta = self._questions.metadata or {}
        value = meta.get(REVISION_KEY)
        return f"{value}" if value and meta.get(EMBEDDER_KEY) == self._ef.name() else None

    def _set_revision(self, revision: str) -> None:
        meta = {
            k: v for k, v in (self._questions.metadata or {}).items() if not k.startswith("hnsw:")
        }
        meta.update({REVISION_KEY: revision, EMBEDDER_KEY: self._ef.name()})
        self._questions.modify(metadata=meta)

    def _stored(self, collection: Collection) -> dict[str, tuple[str, dict[str, Any]]]:
        """Every stored item (document, metadata), read in pages: one unbounded ``get`` of a
        large collection exceeds SQLite's limit on query variables."""
        old: dict[str, tuple[str, dict[str, Any]]] = {}
        offset = 0
        while True:
            page = collection.get(
                include=["metadatas", "documents"], limit=READ_PAGE, offset=offset
            )
            ids = page["ids"]
            for id_, doc, meta in zip(
                ids, page["documents"] or [], page["metadatas"] or [], strict=True
            ):
                old[id_] = (doc, dict(meta or {}))
            if len(ids) < READ_PAGE:
                return old
            offset += len(ids)

    def _sync(
        self,
        collection: Collection,
        items: dict[str, tuple[str, dict[str, Any]]],
        progress: bool,
        label: str,
        workers: int = 1,
    ) -> CollectionReport:
        report = CollectionReport()
        old = self._stored(collection)
        to_embed: list[tuple[str, str, dict[str, Any]]] = []
        meta_only: list[tuple[str, dict[str, Any]]] = []
        for id_, (doc, meta) in items.items():
            meta = {**meta, "hash": _content_hash(doc, meta)}
            if id_ not in old:
                report.added += 1
                to_embed.append((id_, doc, meta))
                continue
            old_doc, old_meta = old[id_]
            if old_meta.get("hash") == meta["hash"]:
                report.unchanged += 1
                continue
            # Chroma merges metadata on update, so a dropped flag (a level removed) is sent as None.
            meta.update({key: None for key in old_meta if key not in meta})
            report.updated += 1
            if old_doc == doc:
                meta_only.append((id_, meta))
            else:
                to_embed.append((id_, doc, meta))

        gone = [id_ for id_ in old if id_ not in items]
        limit = max(1, self._client.get_max_batch_size())
        for start in range(0, len(gone), limit):
            collection.delete(ids=gone[start : start + limit])
        report.removed = len(gone)

        for start in range(0, len(meta_only), limit):
            chunk = meta_only[start : start + limit]
            collection.update(ids=[c[0] for c in chunk], metadatas=[c[1] for c in chunk])

        with tqdm(
            total=len(to_embed),
            desc=f"Building the question store ({label})",
            unit="item",
            file=sys.stderr,
            disable=not progress or not to_embed,
        ) as bar:
            batches = [
                to_embed[start : start + EMBED_CHUNK]
                for start in range(0, len(to_embed), EMBED_CHUNK)
            ]
            texts = [[c[1] for c in batch] for batch in batches]
            for batch, vectors in zip(batches, self._embed_all(texts, workers), strict=True):
                collection.upsert(
                    ids=[c[0] for c in batch],
                    documents=[c[1] for c in batch],
                    metadatas=[c[2] for c in batch],
                    embeddings=list(vectors),
                )
                bar.update(len(batch))
        report.embedded = len(to_embed)
        return report

    def _embed_all(self, chunks: list[list[str]], workers: int) -> Iterator[Any]:
        """Vectors per chunk, in order; ``workers`` > 1 embeds in that many processes."""
        if workers <= 1 or len(chunks) < 2:
            return (self._ef.embed(chunk) for chunk in chunks)
        return embed_in_processes(self.embedder_name, chunks, workers)

    # ----------------------------------------------------------------------- retrieval

    def search(
        self,
        query: str,
        k: int = 5,
        persona: str | None = None,
        kind: str | None = None,
        level: str | None = None,
        exclude_ids: set[str] | None = None,
    ) -> list[SearchHit]:
        """The k questions closest in meaning to the query among those passing every filter."""
        if kind is not None and kind not in QUESTION_KINDS:
            raise InputError(
                f"unknown question kind {kind!r}; expected one of {', '.join(QUESTION_KINDS)}"
            )
        if level is not None and level not in LEVELS:
            raise InputError(f"unknown level {level!r}; expected one of {', '.join(LEVELS)}")
        clauses: list[dict[str, Any]] = []
        if persona is not None:
            clauses.append({f"persona_{persona}": True})
        if kind is not None:
            clauses.append({"kind": kind})
        if level is not None:
            clauses.append({f"level_{level}": True})
        rows = self._query(self._questions, query, k, clauses, exclude_ids or set())
        return [
            SearchHit(
                id=id_,
                text=str(meta["text"]),
                topics=str(meta["topics"]).split("|") if meta.get("topics") else [],
                distance=distance,
            )
            for id_, _doc, meta, distance in rows
        ]

    def search_criteria(
        self, query: str, rubric_id: str | None = None, k: int = 5
    ) -> list[CriterionHit]:
        """The k rubric criteria closest to the query, optionally within one rubric."""
        clauses = [{"rubric_id": rubric_id}] if rubric_id is not None else []
        rows = self._query(self._criteria, query, k, clauses, set())
        return [
            CriterionHit(
                id=id_,
                rubric_id=str(meta["rubric_id"]),
                criterion_id=str(meta["criterion_id"]),
                name=str(meta["name"]),
                weight=float(meta["weight"]),
                text=doc,
                distance=distance,
            )
            for id_, doc, meta, distance in rows
        ]

    def _query(
        self,
        collection: Collection,
        query: str,
        k: int,
        clauses: list[dict[str, Any]],
        exclude: set[str],
    ) -> list[tuple[str, str, dict[str, Any], float]]:
        if k < 1:
            raise InputError(f"k must be at least 1, got {k}")
        size = collection.count()
        if size == 0:
            raise StoreEmpty(
                f"The question store{f' at {self.path}' if self.path else ''} is empty: "
                "run `interviewer ingest` first."
            )
        where: dict[str, Any] | None
        where = None if not clauses else clauses[0] if len(clauses) == 1 else {"$and": clauses}
        # Chroma's where cannot filter ids, so ask for enough extra results to drop the excluded.
        wanted = min(size, k + len(exclude))
        # Embed here rather than let Chroma do it: Chroma rebuilds its embedding function from
        # config, and a rebuilt MiniLM would load its weights a second time.
        key = (collection.name, query, wanted, json.dumps(where, sort_keys=True))
        rows = self._results.get(key)
        if rows is None:
            result = collection.query(
                query_embeddings=[self._query_vector(query)],
                n_results=wanted,
                where=where,
                include=["metadatas", "documents", "distances"],
            )
            rows = [
                (id_, doc or "", dict(meta or {}), float(dist))
                for id_, doc, meta, dist in zip(
                    result["ids"][0],
                    (result["documents"] or [[]])[0],
                    (result["metadatas"] or [[]])[0],
                    (result["distances"] or [[]])[0],
                    strict=True,
                )
            ]
            with self._cache_lock:
                if len(self._results) >= MAX_CACHED_RESULTS:
                    self._results.clear()
                self._results[key] = rows
        return [row for row in rows if row[0] not in exclude][:k]

    def _query_vector(self, query: str) -> Any:
        """The query's embedding; the same queries recur (every plan for a persona ranks the
        bank against its description), and MiniLM costs ~40 ms per query on one core."""
        vector = self._vectors.get(query)
        if vector is None:
            vector = self._ef.embed([query])[0]
            with self._cache_lock:
                if len(self._vectors) >= MAX_CACHED_RESULTS:
                    self._vectors.clear()
                self._vectors[query] = vector
        return vector

    def count(self) -> int:
        """Number of questions in the store."""
        return self._questions.count()

    def count_criteria(self) -> int:
        """Number of rubric criteria in the store."""
        return self._criteria.count()


def _unique(items: Iterable[Question] | Iterable[Rubric], what: str) -> Sequence[Any]:
    seen: set[str] = set()
    out = []
    for item in items:
        if item.id in seen:
            raise InputError(f"duplicate {what} id {item.id!r}")
        seen.add(item.id)
        out.append(item)
    return out
