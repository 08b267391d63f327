"""Shared fixtures: every test gets its own data folder and the fast hash embedder."""

from __future__ import annotations

from pathlib import Path

import pytest

from interviewer.bank import Bank, load_bank
from interviewer.config import REPO_ROOT


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the data folder at a temp dir; use the hash embedder unless a test opts out."""
    home = tmp_path / "home"
    monkeypatch.setenv("INTERVIEWER_HOME", str(home))
    monkeypatch.setenv("INTERVIEWER_EMBEDDER", "hash")
    monkeypatch.delenv("INTERVIEWER_PROVIDER", raising=False)
    monkeypatch.delenv("INTERVIEWER_CONTENT_DIR", raising=False)
    return home


@pytest.fixture(scope="session")
def bank() -> Bank:
    return load_bank(REPO_ROOT)


@pytest.fixture(scope="session")
def reader():
    """One answer reader (stem and embedding caches) shared by the whole test session."""
    from interviewer.analysis import Reader

    return Reader()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "real_llm: calls a real model API (needs a key); runs only with INTERVIEWER_REAL_LLM=1",
    )
