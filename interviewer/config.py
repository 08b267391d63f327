"""One documented settings model. Every field can be set by an ``INTERVIEWER_*`` variable."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Runtime configuration.

    Environment variables (prefix ``INTERVIEWER_``) override the defaults, e.g.
    ``INTERVIEWER_HOME=/tmp/iv`` or ``INTERVIEWER_PROVIDER=openai``. The model SDKs' own
    variables (``OPENAI_API_KEY``, ``OPENAI_BASE_URL``, ``ANTHROPIC_API_KEY``,
    ``ANTHROPIC_BASE_URL``) are read under those names; in code, pass the field names
    (``Settings(openai_base_url=...)``).
    """

    model_config = SettingsConfigDict(
        env_prefix="INTERVIEWER_", extra="ignore", populate_by_name=True
    )

    home: Path = Field(
        default=Path("~/.interviewer"),
        description="Data folder for the session database and the Chroma store.",
    )
    store_path: Path | None = Field(
        default=None, description="Chroma store folder; default <home>/chroma."
    )
    chroma_url: str | None = Field(
        default=None,
        description="A Chroma server to keep the question store in instead of a local folder, "
        "e.g. http://127.0.0.1:8000 (`chroma run --path DIR --port 8000`); https:// for TLS; "
        "without a port, 80 or 443. Replicas on several machines share it. Unset: the local "
        "store_path folder.",
    )
    content_dir: Path = Field(
        default=REPO_ROOT,
        description="Folder holding personas/, rubrics/ and questions/ (the repo root).",
    )
    provider: str = Field(
        default="offline",
        description="Who words the interviewer's turns (and judges, unless judge_provider is "
        "set): offline, openai (also any OpenAI-compatible server by OPENAI_BASE_URL), "
        "anthropic, or scripted (tests).",
    )
    model: str | None = Field(
        default=None,
        description="Model name for a model provider; unset: gpt-4o-mini for openai, "
        "claude-3-5-haiku-latest for anthropic. Ignored by offline.",
    )
    judge_provider: str | None = Field(
        default=None,
        description="Provider that scores transcripts; unset: the same as provider.",
    )
    judge_model: str | None = Field(
        default=None,
        description="Model for the judge; unset: model when the judge provider is the same "
        "provider, else that provider's default model.",
    )
    request_timeout: float = Field(
        default=60.0,
        gt=0,
        description="Seconds before a provider call (connect, or the wait for each part of "
        "the reply) is abandoned.",
    )
    max_retries: int = Field(
        default=2, ge=0, le=10, description="Retries of a failed provider call before fallback."
    )
    retry_backoff: float = Field(
        default=0.5,
        ge=0,
        le=60,
        description="Seconds to wait before the first retry; doubled for each further retry "
        "(at most 8 s). A 429's Retry-After, when given (up to 30 s), is used instead.",
    )
    temperature: float = Field(
        default=0.0, ge=0, le=2, description="Sampling temperature sent to model providers."
    )
    max_output_tokens: int = Field(
        default=2048,
        ge=16,
        description="Most tokens a model may write in one reply (sent to anthropic, which "
        "requires it; openai servers use their own limit).",
    )
    openai_api_key: SecretStr | None = Field(
        default=None,
        validation_alias="OPENAI_API_KEY",
        description="OPENAI_API_KEY. Optional when OPENAI_BASE_URL names another server "
        "(Ollama, vLLM, llama.cpp, LM Studio ignore it).",
    )
    openai_base_url: str | None = Field(
        default=None,
        validation_alias="OPENAI_BASE_URL",
        description="OPENAI_BASE_URL: an OpenAI-compatible server, e.g. "
        "http://127.0.0.1:11434/v1 for Ollama; unset: https://api.openai.com/v1.",
    )
    anthropic_api_key: SecretStr | None = Field(
        default=None,
        validation_alias="ANTHROPIC_API_KEY",
        description="ANTHROPIC_API_KEY. Optional when ANTHROPIC_BASE_URL names another server.",
    )
    anthropic_base_url: str | None = Field(
        default=None,
        validation_alias="ANTHROPIC_BASE_URL",
        description="ANTHROPIC_BASE_URL; unset: https://api.anthropic.com.",
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
    embed_runtime: Literal["auto", "onnx", "numpy"] = Field(
        default="auto",
        description="How MiniLM runs: onnx (onnxruntime, 1.6-2x faster here), numpy (no extra "
        "package), or auto (onnx when the onnx and onnxruntime packages are installed).",
    )
    judge_samples: int = Field(
        default=1,
        ge=1,
        le=7,
        description="Self-consistency for a model judge: score each transcript this many times "
        "and keep each criterion's median, with the spread reported.",
    )
    token_budget: int = Field(
        default=6000,
        ge=1000,
        description="Most tokens one model request may use (prompt and reply). Older turns are "
        "summarised or left out to stay under it; the persona, the current question and its "
        "follow-ups (and, for the judge, the rubric) are always kept.",
    )
    history_window_tokens: int = Field(
        default=2000,
        ge=200,
        description="Tokens of earlier turns sent for context, newest first.",
    )
    price_input_per_1k: float | None = Field(
        default=None,
        ge=0,
        description="USD per 1,000 prompt tokens of the configured model; with "
        "price_output_per_1k, the interview shows its estimated cost.",
    )
    price_output_per_1k: float | None = Field(
        default=None, ge=0, description="USD per 1,000 reply tokens of the configured model."
    )
    cassette: Path | None = Field(
        default=None,
        description="Record/replay file for the `record` and `replay` providers; default "
        "<home>/cassettes/<model>.jsonl.",
    )
    record_from: str = Field(
        default="openai",
        description="The provider the `record` provider calls and records (openai, anthropic).",
    )
    max_answer_chars: int = Field(
        default=6000,
        ge=200,
        description="Answers longer than this are kept whole in the transcript but cut for "
        "analysis, and the candidate is told.",
    )

    @field_validator("provider", "judge_provider", "record_from", "embed_runtime", mode="before")
    @classmethod
    def _provider_name(cls, value: object, info: ValidationInfo) -> object:
        """Provider and runtime names are case-insensitive; an empty variable means the
        default."""
        if isinstance(value, str):
            value = value.strip().lower()
            if not value:
                return cls.model_fields[str(info.field_name)].default
        return value

    @field_validator("owner", mode="before")
    @classmethod
    def _owner(cls, value: object) -> object:
        """An empty or blank INTERVIEWER_OWNER means the default owner."""
        if isinstance(value, str) and not value.strip():
            return cls.model_fields["owner"].default
        return value

    def resolved_home(self) -> Path:
        return self.home.expanduser()

    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.resolved_home() / 'interviewer.db'}"

    def resolved_store_path(self) -> Path:
        return (self.store_path or self.resolved_home() / "chroma").expanduser()

    def judge_settings(self) -> Settings:
        """These settings with the judge's provider and model as ``provider`` and ``model``."""
        provider = self.judge_provider or self.provider
        model = self.judge_model or (self.model if provider == self.provider else None)
        return self.model_copy(update={"provider": provider, "model": model})


def get_settings() -> Settings:
    """Fresh settings from the environment (cheap; not cached so tests can change env)."""
    return Settings()
