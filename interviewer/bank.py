"""Load and validate the content: personas/, rubrics/ and questions/.

Every file is validated by the pydantic models in ``models.py``. A broken file raises
``DataFileError`` whose message names the file and the field, never a bare traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, PrivateAttr, ValidationError

from .errors import DataFileError, NotFoundError
from .models import Persona, Question, Rubric

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")


def _describe_loc(loc: tuple[Any, ...], raw: Any) -> str:
    """Turn a pydantic error location into 'questions[3] (id x).probes' style text."""
    parts: list[str] = []
    node = raw
    for item in loc:
        if isinstance(item, int):
            label = f"[{item}]"
            if isinstance(node, list) and item < len(node):
                node = node[item]
                if isinstance(node, dict) and node.get("id"):
                    label += f" (id {node['id']})"
            parts.append(label)
        else:
            parts.append(("." if parts else "") + str(item))
            node = node.get(item) if isinstance(node, dict) else None
    return "".join(parts) or "(top level)"


def _format_validation(
    path: Path, err: ValidationError, raw: Any, prefix: tuple[Any, ...] = ()
) -> str:
    lines = [f"{path}: invalid content"]
    for e in err.errors()[:8]:
        where = _describe_loc(prefix + tuple(e["loc"]), raw)
        lines.append(f"  field {where}: {e['msg']}")
    return "\n".join(lines)


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(f"{path}: cannot read file ({exc})") from exc
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DataFileError(f"{path}: not valid YAML ({exc})") from exc


def _validate(model: type[M], data: Any, path: Path, raw: Any, prefix: tuple[Any, ...] = ()) -> M:
    if not isinstance(data, dict):
        where = _describe_loc(prefix, raw) if prefix else "top level"
        raise DataFileError(f"{path}: {where} must be a mapping of fields")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise DataFileError(_format_validation(path, exc, raw, prefix)) from exc


def load_persona_file(path: Path) -> Persona:
    raw = _read_yaml(path)
    persona = _validate(Persona, raw, path, raw)
    if persona.id != path.stem:
        raise DataFileError(f"{path}: field id: {persona.id!r} must match the file name")
    return persona


def load_rubric_file(path: Path) -> Rubric:
    raw = _read_yaml(path)
    return _validate(Rubric, raw, path, raw)


def load_question_file(path: Path) -> list[Question]:
    raw = _read_yaml(path)
    if not isinstance(raw, dict) or not isinstance(raw.get("questions"), list):
        raise DataFileError(f"{path}: field questions: must be a list of questions")
    return [
        _validate(Question, item, path, raw, ("questions", i))
        for i, item in enumerate(raw["questions"])
    ]


class Bank(BaseModel):
    """All content, cross-checked: rubric ids exist, question ids are unique."""

    personas: dict[str, Persona]
    rubrics: dict[str, Rubric]
    questions: dict[str, Question]
    _derived: dict[str, Any] = PrivateAttr(default_factory=dict)

    def derived(self, key: str, build: Callable[[], T]) -> T:
        """A value computed once from this bank (e.g. the planner's skill patterns).

        The bank is never changed after loading, so a racing second build gives the same value.
        """
        if key not in self._derived:
            self._derived[key] = build()
        return self._derived[key]  # type: ignore[no-any-return]

    def persona(self, persona_id: str) -> Persona:
        try:
            return self.personas[persona_id]
        except KeyError:
            known = ", ".join(sorted(self.personas))
            raise NotFoundError(f"unknown persona {persona_id!r}; choose one of: {known}") from None

    def rubric_for(self, persona: Persona) -> Rubric:
        return self.rubrics[persona.rubric]

    def questions_for(self, persona_id: str) -> list[Question]:
        return [q for q in self.questions.values() if persona_id in q.personas]

    def question(self, question_id: str) -> Question:
        try:
            return self.questions[question_id]
        except KeyError:
            raise NotFoundError(f"unknown question {question_id!r}") from None


def _files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise DataFileError(f"{folder}: content folder is missing")
    files = sorted(p for p in folder.iterdir() if p.suffix in {".yaml", ".yml"})
    if not files:
        raise DataFileError(f"{folder}: no .yaml files found")
    return files


def load_bank(content_dir: Path) -> Bank:
    """Load and cross-validate personas, rubrics and questions under ``content_dir``."""
    content_dir = Path(content_dir)
    rubrics: dict[str, Rubric] = {}
    for path in _files(content_dir / "rubrics"):
        rubric = load_rubric_file(path)
        if rubric.id in rubrics:
            raise DataFileError(f"{path}: field id: duplicate rubric id {rubric.id!r}")
        rubrics[rubric.id] = rubric
    personas: dict[str, Persona] = {}
    for path in _files(content_dir / "personas"):
        persona = load_persona_file(path)
        if persona.rubric not in rubrics:
            raise DataFileError(f"{path}: field rubric: no rubric with id {persona.rubric!r}")
        personas[persona.id] = persona
    questions: dict[str, Question] = {}
    for path in _files(content_dir / "questions"):
        for q in load_question_file(path):
            if q.id in questions:
                raise DataFileError(f"{path}: field id: duplicate question id {q.id!r}")
            owners = sorted(p.id for p in personas.values() if q.kind in p.question_kinds)
            questions[q.id] = q.model_copy(update={"personas": owners})
    return Bank(personas=personas, rubrics=rubrics, questions=questions)
