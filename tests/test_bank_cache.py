"""The compiled bank: questions parsed once, re-read per changed file, looked up on demand."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml

from interviewer import bank_cache
from interviewer.bank import load_bank
from interviewer.config import REPO_ROOT
from interviewer.errors import DataFileError


@pytest.fixture
def content(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    for folder in ("personas", "rubrics", "questions"):
        shutil.copytree(REPO_ROOT / folder, root / folder)
    return root


def count_parses(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    parsed: list[Path] = []
    real = bank_cache._parse

    def spy(path: Path, data: bytes) -> object:
        parsed.append(path)
        return real(path, data)

    monkeypatch.setattr(bank_cache, "_parse", spy)
    return parsed


def touch_edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))  # a new mtime, surely


def test_a_warm_cache_parses_nothing_and_one_edit_reparses_one_file(content, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    first = load_bank(content, cache_dir=cache)
    parsed = count_parses(monkeypatch)
    again = load_bank(content, cache_dir=cache)
    assert parsed == []
    assert list(again.questions) == list(first.questions)  # same ids, same order
    qid = next(iter(first.questions))
    assert again.questions[qid] == first.questions[qid]
    assert again.revision == first.revision

    path = content / "questions" / "design.yaml"
    design = yaml.safe_load(path.read_text())["questions"][0]
    touch_edit(path, design["text"], design["text"] + " Keep it brief.")
    edited = load_bank(content, cache_dir=cache)
    assert parsed == [path]
    assert edited.questions[design["id"]].text.endswith("Keep it brief.")
    assert edited.revision != first.revision


def test_a_removed_file_drops_its_questions(content, tmp_path):
    cache = tmp_path / "cache"
    before = len(load_bank(content, cache_dir=cache).questions)
    gone = yaml.safe_load((content / "questions" / "ml.yaml").read_text())["questions"]
    (content / "questions" / "ml.yaml").unlink()
    after = load_bank(content, cache_dir=cache)
    assert len(after.questions) == before - len(gone)
    assert gone[0]["id"] not in after.questions
    with pytest.raises(KeyError):
        after.questions[gone[0]["id"]]


def test_a_broken_edit_names_file_and_field_and_the_cache_keeps_working(content, tmp_path):
    cache = tmp_path / "cache"
    load_bank(content, cache_dir=cache)
    path = content / "questions" / "technical.yaml"
    touch_edit(path, "kind: technical", "kind: telepathy")
    with pytest.raises(DataFileError) as err:
        load_bank(content, cache_dir=cache)
    assert str(path) in str(err.value) and ".kind" in str(err.value)
    touch_edit(path, "kind: telepathy", "kind: technical")
    assert len(load_bank(content, cache_dir=cache).questions) >= 240


def test_a_duplicate_id_in_another_file_names_both_files(content, tmp_path):
    first = yaml.safe_load((content / "questions" / "design.yaml").read_text())["questions"][0]
    (content / "questions" / "zz-extra.yaml").write_text(
        yaml.safe_dump({"questions": [first]}), encoding="utf-8"
    )
    with pytest.raises(DataFileError) as err:
        load_bank(content, cache_dir=tmp_path / "cache")
    message = str(err.value)
    assert "duplicate question id" in message and first["id"] in message
    assert "zz-extra.yaml" in message and "design.yaml" in message


def test_questions_of_a_persona_come_in_bank_order_with_their_personas(bank):
    pool = bank.questions_for("system-design")
    every = [q for q in bank.questions.values() if "system-design" in q.personas]
    assert [q.id for q in pool] == [q.id for q in every] and pool
    assert all("system-design" in q.personas for q in pool)


def test_the_store_skips_an_unchanged_bank_and_reads_a_changed_one_in_pages(
    content, tmp_path, monkeypatch
):
    from interviewer import store as store_module
    from interviewer.store import QuestionStore

    monkeypatch.setattr(store_module, "READ_PAGE", 7)  # many pages even for a small bank
    bank = load_bank(content, cache_dir=tmp_path / "cache")
    store = QuestionStore(tmp_path / "chroma", "hash")
    rubrics = list(bank.rubrics.values())
    first = store.ingest(bank.questions.values(), rubrics, progress=False, revision=bank.revision)
    assert first.questions.added == len(bank.questions)
    reads: list[int] = []
    real = QuestionStore._stored
    monkeypatch.setattr(QuestionStore, "_stored", lambda self, c: reads.append(1) or real(self, c))
    again = QuestionStore(tmp_path / "chroma", "hash")
    same = again.ingest(bank.questions.values(), rubrics, progress=False, revision=bank.revision)
    assert reads == [] and same.questions.unchanged == len(bank.questions)

    path = content / "questions" / "design.yaml"
    design = yaml.safe_load(path.read_text())["questions"][0]
    touch_edit(path, design["text"], design["text"] + " Keep it brief.")
    edited = load_bank(content, cache_dir=tmp_path / "cache")
    report = again.ingest(
        edited.questions.values(), rubrics, progress=False, revision=edited.revision
    )
    assert reads and report.questions.updated == 1 and report.questions.embedded == 1
    assert report.questions.unchanged == len(bank.questions) - 1
    assert again.revision() == edited.revision


def test_a_repeated_search_is_served_again_and_an_ingest_refreshes_it(content, tmp_path):
    from interviewer.store import QuestionStore

    bank = load_bank(content, cache_dir=tmp_path / "cache")
    store = QuestionStore(tmp_path / "chroma", "hash")
    rubrics = list(bank.rubrics.values())
    store.ingest(bank.questions.values(), rubrics, progress=False, revision=bank.revision)
    first = store.search("design a url shortener", k=3)
    assert store.search("design a url shortener", k=3) == first
    assert store.search("design a url shortener", k=2) == first[:2]

    path = content / "questions" / "design.yaml"
    design = yaml.safe_load(path.read_text())["questions"]
    hit = next(q for q in design if q["id"] == first[0].id)
    touch_edit(path, hit["text"], "Design a URL shortener for a tiny pastry shop.")
    edited = load_bank(content, cache_dir=tmp_path / "cache")
    store.ingest(edited.questions.values(), rubrics, progress=False, revision=edited.revision)
    again = {h.id: h.text for h in store.search("design a url shortener", k=10)}
    assert again.get(hit["id"]) == "Design a URL shortener for a tiny pastry shop."
