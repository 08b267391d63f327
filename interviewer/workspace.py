"""Wiring shared by the CLI and the UI: settings -> content bank, Chroma store, provider.

The store is opened lazily and kept in line with the bank (ingest is incremental, so a store
that is up to date costs a hash comparison, not an embedding run).
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from .bank import Bank, get_bank
from .config import Settings, get_settings
from .models import Level, Plan, Question, Transcript
from .planner import plan_interview
from .providers import Provider, get_provider
from .scoring.judge import judge_transcript
from .scoring.scorecard import Scorecard

if TYPE_CHECKING:
    from .store import IngestReport, QuestionStore


class Workspace:
    """One user's view of the product: content, store and provider, from one Settings."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()

    @cached_property
    def bank(self) -> Bank:
        return get_bank(self.settings.content_dir)

    @cached_property
    def provider(self) -> Provider:
        return get_provider(self.settings.provider)

    def open_store(self, sync: bool = True, progress: bool = True) -> QuestionStore:
        store = self.__dict__.get("_store")
        if store is None:
            from .store import QuestionStore  # chromadb takes ~2 s to import; only when needed

            store = QuestionStore(self.settings.resolved_store_path(), self.settings.embedder)
            self.__dict__["_store"] = store
            if sync:
                self.ingest(progress=progress)
        return store

    def ingest(self, progress: bool = True) -> IngestReport:
        store = self.open_store(sync=False)
        return store.ingest(
            list(self.bank.questions.values()), list(self.bank.rubrics.values()), progress=progress
        )

    def plan(
        self,
        persona: str | None = None,
        role: str | None = None,
        level: Level | None = None,
        jd: str | None = None,
        resume: str | None = None,
        progress: bool = True,
    ) -> Plan:
        store = self.open_store(progress=progress)
        return plan_interview(self.bank, store, persona, role, level, jd, resume)

    def question_by_text(self, text: str) -> Question | None:
        """The bank question with this exact text (case and spacing ignored), if any."""
        key = " ".join(text.lower().split())
        for q in self.bank.questions.values():
            if " ".join(q.text.lower().split()) == key:
                return q
        return None

    def score(self, transcript: Transcript) -> Scorecard:
        persona = self.bank.persona(transcript.persona)
        return judge_transcript(
            transcript,
            self.bank.rubric_for(persona),
            self.provider,
            self.bank,
            self.settings.max_answer_chars,
        )
