"""The content is valid, complete, and a broken file names the file and the field."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml

from interviewer.bank import load_bank
from interviewer.config import REPO_ROOT
from interviewer.errors import DataFileError

PERSONAS = {
    "behavioural",
    "resume-deep-dive",
    "system-design",
    "fundamentals",
    "code-walkthrough",
    "complex-problem",
    "take-home-review",
    "startup-fit",
    "leadership",
    "appsec",
    "ml-engineering",
}


def test_all_eleven_personas_with_their_rubrics(bank):
    assert set(bank.personas) == PERSONAS
    for persona in bank.personas.values():
        assert persona.rubric in bank.rubrics
        assert persona.closing.logistics and persona.closing.candidate_questions


def test_question_bank_is_large_and_covers_every_persona(bank):
    assert len(bank.questions) >= 240
    per_persona = Counter(p for q in bank.questions.values() for p in q.personas)
    for persona in bank.personas.values():
        # enough for at least three different interviews of this persona
        assert per_persona[persona.id] >= 3 * persona.question_count, persona.id


def test_every_rubric_criterion_has_five_anchors_and_evidence(bank):
    for rubric in bank.rubrics.values():
        assert abs(sum(c.weight for c in rubric.criteria) - 1) < 0.01
        for c in rubric.criteria:
            assert sorted(c.anchors) == [1, 2, 3, 4, 5]
            assert sorted(c.evidence) == [1, 2, 3, 4, 5]


def test_design_questions_have_wrenches_and_topics_are_lowercase(bank):
    for q in bank.questions.values():
        assert all(t == t.lower() for t in q.topics)
        if q.kind == "design":
            assert len(q.wrenches) >= 2, q.id


def _copy_content(tmp_path: Path) -> Path:
    for sub in ("personas", "rubrics", "questions"):
        shutil.copytree(REPO_ROOT / sub, tmp_path / sub)
    return tmp_path


def test_broken_persona_file_names_file_and_field(tmp_path):
    root = _copy_content(tmp_path)
    path = root / "personas" / "behavioural.yaml"
    data = yaml.safe_load(path.read_text())
    data["duration_minutes"] = "about an hour"
    del data["closing"]["farewell"]
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(DataFileError) as err:
        load_bank(root)
    message = str(err.value)
    assert "behavioural.yaml" in message
    assert "duration_minutes" in message
    assert "closing.farewell" in message


def test_malformed_yaml_and_bad_question_field_are_named(tmp_path):
    root = _copy_content(tmp_path)
    (root / "personas" / "appsec.yaml").write_text("id: appsec\nname: [unclosed\n")
    with pytest.raises(DataFileError, match=r"appsec\.yaml: not valid YAML"):
        load_bank(root)
    root2 = _copy_content(tmp_path / "second")
    path = root2 / "questions" / "design.yaml"
    data = yaml.safe_load(path.read_text())
    first_id = data["questions"][0]["id"]
    data["questions"][0]["wrenches"] = []
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(DataFileError) as err:
        load_bank(root2)
    assert "design.yaml" in str(err.value) and first_id in str(err.value)


def test_unknown_rubric_reference_is_reported(tmp_path):
    root = _copy_content(tmp_path)
    path = root / "personas" / "leadership.yaml"
    data = yaml.safe_load(path.read_text())
    data["rubric"] = "does-not-exist"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(DataFileError, match=r"leadership\.yaml: field rubric"):
        load_bank(root)
