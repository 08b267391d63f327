"""One documented settings model. Every field can be set by an ``INTERVIEWER_*`` variable."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Runtime configuration.

    Environment variables (prefix ``INTERVIEWER_``) override the defaults, e.g.
    ``INTERVIEWER_HOME=/tmp/iv`` or ``INTERVIEWER_PROVIDER=scripted``.
    """

    model_config = SettingsConfigDict(env_prefix="INTERVIEWER_", extra="ignore")

    home: Path = Field(
        default=Path("~/.interviewer"),
        description="Data folder for the session database and the Chroma store.",
    )
    store_path: Path | None = Field(
        default=None, description="Chroma store folder; default <home>/chroma."
    )
    content_dir: Path = Field(
        default=REPO_ROOT,
        description="Folder holding personas/, rubrics/ and questions/ (the repo root).",
    )
    provider: str = Field(
        default="offline", description="Interviewer/judge provider: offline or scripted."
    )
    model: str | None = Field(
        default=None, description="Model name for a model provider (ignored by offline)."
    )
    request_timeout: float = Field(
        default=60.0, gt=0, description="Seconds before a provider call is abandoned."
    )
    max_retries: int = Field(
        default=2, ge=0, le=10, description="Retries of a failed provider call before fallback."
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the session database; default SQLite at "
        "<home>/interviewer.db. A PostgreSQL URL lets several app replicas share state.",
    )
    coach_credentials: str | None = Field(
        default=None,
        description="Coach logins for the review tab: name:hash entries separated by commas, "
        "hashes from `interviewer hash-password`. Unset: the review tab is off.",
    )
    candidate_credentials: str | None = Field(
        default=None,
        description="Candidate logins for the web app (same format). Unset: candidates are "
        "identified by a pseudonymous id kept in their browser.",
    )
    secret: str | None = Field(
        default=None,
        description="Signs coach tokens and encrypts the id kept in the browser. Unset: one is "
        "generated once and kept in <home>/secret. Replicas must share it.",
    )
    owner: str = Field(
        default="local",
        min_length=1,
        max_length=200,
        description="Whose sessions the command line creates and lists.",
    )
    embedder: str = Field(
        default="minilm",
        description="Embedding function for the store: minilm (by meaning) or hash (fast, tests).",
    )
    max_answer_chars: int = Field(
        default=6000,
        ge=200,
        description="Answers longer than this are kept whole in the transcript but cut for "
        "analysis, and the candidate is told.",
    )

    def resolved_home(self) -> Path:
        return self.home.expanduser()

    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.resolved_home() / 'interviewer.db'}"

    def resolved_store_path(self) -> Path:
        return (self.store_path or self.resolved_home() / "chroma").expanduser()


def get_settings() -> Settings:
    """Fresh settings from the environment (cheap; not cached so tests can change env)."""
    return Settings()
