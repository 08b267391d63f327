"""Load and validate the content: personas/, rubrics/ and questions/.

Every file is validated by the pydantic models in ``models.py``. A broken file raises
``DataFileError`` whose message names the file and the field, never a bare traceback.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence, ValuesView
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from .bank_cache import (
    CompiledQuestions,
    cache_file,
    question_from_json,
    strict_loader,
    yaml_problem,
)
from .errors import DataFileError, NotFoundError
from .models import Persona, Question, Rubric

M = TypeVar("M", bound=BaseModel)
MAX_CACHED_QUESTIONS = 20_000  # questions kept parsed per bank; the rest are read on demand
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


def _yaml_loader() -> type[yaml.SafeLoader]:
    return strict_loader()


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(f"{path}: cannot read file ({exc})") from exc
    try:
        return yaml.load(text, Loader=_yaml_loader())
    except yaml.YAMLError as exc:
        raise DataFileError(f"{path}: not valid YAML ({yaml_problem(exc)})") from exc


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
    return _validate_questions(path, _read_yaml(path))


class QuestionMap(Mapping[str, Question]):
    """The bank's questions by id, read from the compiled cache on demand (``bank_cache``).

    Lookups are cached per instance; iterating (``values()``) streams the whole bank, so the
    hot paths (interview turns, search, planning) look questions up by id instead.
    """

    def __init__(self, compiled: CompiledQuestions, owners: Mapping[str, list[str]]) -> None:
        self._compiled = compiled
        self._owners = owners  # question kind -> the personas that ask it
        self._cache: dict[str, Question] = {}
        self._lock = threading.Lock()

    def __getitem__(self, question_id: str) -> Question:
        q = self._cache.get(question_id)
        if q is not None:
            return q
        body = self._compiled.body(question_id)
        if body is None:
            raise KeyError(question_id)
        q = self._build(body)
        with self._lock:
            if len(self._cache) >= MAX_CACHED_QUESTIONS:
                self._cache.clear()
            self._cache[question_id] = q
        return q

    def __contains__(self, question_id: object) -> bool:
        if not isinstance(question_id, str):
            return False
        return question_id in self._cache or self._compiled.body(question_id) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self._compiled.ids())

    def __len__(self) -> int:
        return self._compiled.count()

    def values(self) -> ValuesView[Question]:
        return _Values(self)

    def summaries(self, kinds: Sequence[str] | None = None) -> Iterator[dict[str, Any]]:
        """id, text, kind, topics, levels and personas of every question (or of these kinds),
        in bank order, straight from the cached JSON: listing 100,000 questions parses none."""
        for body in self._compiled.bodies(list(kinds) if kinds is not None else None):
            d = json.loads(body)
            yield {
                "id": d["id"],
                "text": d["text"],
                "kind": d["kind"],
                "topics": d["topics"],
                "levels": d["levels"],
                "personas": list(self._owners.get(d["kind"], [])),
            }

    def summaries_json(self, kinds: Sequence[str] | None = None) -> Iterator[str]:
        """The same as ``summaries``, each already a JSON object (for listing a large bank)."""
        owners = {k: json.dumps(v) for k, v in self._owners.items()}
        for kind, text in self._compiled.summaries_json(list(kinds) if kinds else None):
            yield f'{text[:-1]},"personas":{owners.get(kind, "[]")}}}'

    def of_kinds(self, kinds: Sequence[str]) -> list[Question]:
        """The questions of these kinds, in bank order."""
        return [self._build(b) for b in self._compiled.bodies(list(kinds))]

    def texts(self, at_most: int | None = None) -> list[str]:
        """Question texts in bank order, or an evenly spaced sample of ``at_most`` of them."""
        return self._compiled.texts(at_most)

    def topics(self) -> list[str]:
        """Every distinct topic tag, sorted."""
        return self._compiled.topics()

    def topic_counts(self) -> dict[str, int]:
        """How many questions carry each topic tag (one query, however large the bank)."""
        return self._compiled.topic_counts()

    def with_topics(
        self, topics: Sequence[str], kinds: Sequence[str] | None = None, limit: int = 50
    ) -> list[str]:
        """Ids of up to ``limit`` questions tagged with any of ``topics``, in bank order."""
        return self._compiled.with_topics(topics, kinds, limit)

    def ids(self, kinds: Sequence[str] | None = None) -> list[str]:
        """Question ids in bank order, optionally only of these kinds (no question is parsed)."""
        return self._compiled.ids(kinds)

    def _build(self, body: str) -> Question:
        return question_from_json(body, self._owners)


class _Values(ValuesView[Question]):
    """Streams questions from the cache in bank order (one query per 2,000 questions)."""

    def __init__(self, questions: QuestionMap) -> None:
        super().__init__(questions)
        self._questions = questions

    def __iter__(self) -> Iterator[Question]:
        for body in self._questions._compiled.bodies():
            yield self._questions._build(body)


class Bank:
    """All content, cross-checked: rubric ids exist, question ids are unique.

    ``personas`` and ``rubrics`` are small dicts; ``questions`` is a read-only mapping backed
    by the compiled cache, so a bank of 100,000 questions loads as fast as one of 100.
    ``revision`` changes whenever any question file changes (the store uses it to skip
    checking an unchanged bank).
    """

    def __init__(
        self,
        personas: dict[str, Persona],
        rubrics: dict[str, Rubric],
        questions: QuestionMap,
        revision: str,
    ) -> None:
        self.personas = personas
        self.rubrics = rubrics
        self.questions = questions
        self.revision = revision
        self._derived: dict[str, Any] = {}

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
        """The persona's pool, in bank order (one indexed query by question kind)."""
        return self.questions.of_kinds(self.persona(persona_id).question_kinds)

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


def load_bank(content_dir: Path, cache_dir: Path | None = None) -> Bank:
    """Load and cross-validate personas, rubrics and questions under ``content_dir``.

    Questions go through the compiled cache in ``cache_dir`` (``bank_cache``): only question
    files that changed since the last run are parsed again. Without ``cache_dir`` the cache is
    built in memory. Raises DataFileError naming the file and field of the first problem.
    """
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
    owners: dict[str, list[str]] = {}
    for p in sorted(personas.values(), key=lambda p: p.id):
        for kind in p.question_kinds:
            owners.setdefault(kind, []).append(p.id)
    compiled = CompiledQuestions(
        cache_file(cache_dir, content_dir) if cache_dir is not None else None
    )
    compiled.sync(_files(content_dir / "questions"), _validate_questions)
    # What the question store derives from the content: questions, which personas ask them
    # (by kind), and the rubrics' criteria.
    derived_from = json.dumps(
        [
            compiled.revision(),
            sorted(owners.items()),
            [r.model_dump(mode="json") for r in rubrics.values()],
        ],
        sort_keys=True,
    )
    revision = hashlib.blake2b(derived_from.encode(), digest_size=16).hexdigest()
    return Bank(personas, rubrics, QuestionMap(compiled, owners), revision)


def _validate_questions(path: Path, raw: Any) -> list[Question]:
    if not isinstance(raw, dict) or not isinstance(raw.get("questions"), list):
        raise DataFileError(f"{path}: field questions: must be a list of questions")
    return [
        _validate(Question, item, path, raw, ("questions", i))
        for i, item in enumerate(raw["questions"])
    ]
