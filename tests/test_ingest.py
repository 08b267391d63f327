"""Ingest at scale: resumable after an interruption, and the same store with several workers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from interviewer import store as store_module
from interviewer.bank import load_bank
from interviewer.config import REPO_ROOT
from interviewer.store import QuestionStore


def snapshot(store: QuestionStore) -> dict[str, tuple[str, str, tuple[float, ...]]]:
    got = store._questions.get(include=["documents", "metadatas", "embeddings"])
    return {
        i: (d, m["hash"], tuple(np.round(e, 5)))
        for i, d, m, e in zip(
            got["ids"], got["documents"], got["metadatas"], got["embeddings"], strict=True
        )
    }


@pytest.fixture(scope="module")
def bank():
    return load_bank(REPO_ROOT)


def test_an_interrupted_ingest_resumes_and_ends_with_the_same_store(bank, tmp_path, monkeypatch):
    whole = QuestionStore(tmp_path / "whole", "hash")
    whole.ingest(bank.questions.values(), list(bank.rubrics.values()), False, bank.revision)

    store = QuestionStore(tmp_path / "cut", "hash")
    real = store._questions.upsert
    calls = {"n": 0}

    def upsert_then_die(**kwargs: object) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt  # Ctrl-C in the middle of the ingest
        real(**kwargs)

    monkeypatch.setattr(store._questions, "upsert", upsert_then_die)
    with pytest.raises(KeyboardInterrupt):
        store.ingest(bank.questions.values(), list(bank.rubrics.values()), False, bank.revision)
    monkeypatch.undo()

    resumed = QuestionStore(tmp_path / "cut", "hash")
    assert resumed.revision() is None  # an interrupted ingest records no revision
    report = resumed.ingest(
        bank.questions.values(), list(bank.rubrics.values()), False, bank.revision
    )
    chunk = store_module.EMBED_CHUNK
    assert report.questions.unchanged == 2 * chunk  # the two chunks written before the cut
    assert report.questions.embedded == len(bank.questions) - 2 * chunk
    assert resumed.revision() == bank.revision
    assert snapshot(resumed) == snapshot(whole)


def test_workers_build_the_same_store(bank, tmp_path: Path):
    one = QuestionStore(tmp_path / "one", "hash")
    one.ingest(bank.questions.values(), list(bank.rubrics.values()), False, workers=1)
    two = QuestionStore(tmp_path / "two", "hash")
    two.ingest(bank.questions.values(), list(bank.rubrics.values()), False, workers=2)
    assert snapshot(two) == snapshot(one)
    assert len(snapshot(two)) == len(bank.questions)


def test_ingest_workers_from_the_command_line(tmp_path: Path):
    """The worker processes are spawned: `python -m interviewer` must not run the command
    again in each of them."""
    import os
    import re
    import subprocess
    import sys

    env = {**os.environ, "INTERVIEWER_HOME": str(tmp_path), "INTERVIEWER_EMBEDDER": "hash"}
    done = subprocess.run(
        [sys.executable, "-m", "interviewer", "ingest", "--workers", "2", "--quiet"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    added = re.search(r"questions: (\d+) added", done.stdout)
    assert added and int(added.group(1)) > 300, done.stdout
    assert "Traceback" not in done.stderr
