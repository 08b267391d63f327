"""Eval cases: one YAML file per case, validated by ``Case`` (JSON Schema: ``evals/cases/
schema.json``, written by ``interviewer eval --schema``).

A case names a persona, a candidate (scripted replies in order, or a simulated mode), the
provider that words the interviewer's turns and judges (``offline``, ``scripted`` outputs, or a
``replay`` cassette), and expectations on the interviewer and on the scorecard. Checks that
hold for every interview (never reveal a score or the rubric, never repeat a question, close
properly, quote evidence verbatim) are on by default; a case switches one off by setting it
to false.

A file that does not parse or validate becomes a ``CaseError`` naming the file and the field;
the other cases still run.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationError,
    field_validator,
    model_validator,
)

from ..bank_cache import strict_loader
from ..models import Dimension, Level

CandidateMode = Literal[
    "strong",
    "vague",
    "bluffing",
    "silent",
    "gibberish",
    "repeating",
    "off_topic",
    "clarifying",
    "adversarial",
]
Fault = Literal["timeout", "rate_limited", "unavailable", "bad_response", "refused"]
FAULTS: tuple[str, ...] = Fault.__args__  # type: ignore[attr-defined]
# Every flag kind a scorecard can carry: a misspelt one in a case would pass forever.
FlagKind = Literal[
    "steering_attempt",
    "off_topic",
    "repeated_answer",
    "truncated",
    "provider_fallback",
    "judge_fallback",
    "judge_sample_failed",
    "unverified_quote",
]
Band = tuple[float, float]


def _pattern(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"not a valid regular expression ({exc})") from None
    return value


Pattern = Annotated[str, AfterValidator(_pattern)]


class _CaseModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ScriptedFault(_CaseModel):
    """A scripted provider call that fails the way a real model API does."""

    error: Fault


def _output(value: object) -> object:
    """A scripted output is text or ``{error: FAULT}``; say so plainly when it is neither."""
    if isinstance(value, str | ScriptedFault):
        return value
    if isinstance(value, dict) and set(value) == {"error"}:
        if value["error"] not in FAULTS:
            raise ValueError(f"unknown fault {value['error']!r}; use one of: {', '.join(FAULTS)}")
        return ScriptedFault(error=value["error"])
    raise ValueError(f"a scripted output is text or {{error: FAULT}}, not {value!r}")


ScriptedOutput = Annotated[
    str | ScriptedFault, PlainValidator(_output, json_schema_input_type=str | ScriptedFault)
]


def _criterion_band(value: object) -> object:
    if value == "insufficient":
        return value
    if isinstance(value, list | tuple) and len(value) == 2:
        low, high = (float(v) for v in value)
        if not 1 <= low <= high <= 5:
            raise ValueError(f"a band is [low, high] with 1 <= low <= high <= 5, not {list(value)}")
        return (low, high)
    raise ValueError(f"expected a band [low, high] or 'insufficient', not {value!r}")


CriterionBand = Annotated[
    Band | Literal["insufficient"],
    PlainValidator(_criterion_band, json_schema_input_type=Band | Literal["insufficient"]),
]


class Candidate(_CaseModel):
    """Who answers: ``answers`` (replies in order; the interview ends when they run out) or a
    simulated ``mode`` that replies to what was asked, for at most ``turns`` replies."""

    answers: list[str] | None = None
    mode: CandidateMode | None = None
    turns: int = Field(default=6, ge=1, le=40, description="Most replies a simulated mode gives.")

    @model_validator(mode="after")
    def _one_source(self) -> Candidate:
        if (self.answers is None) == (self.mode is None):
            raise ValueError("give exactly one of 'answers' (a list of replies) or 'mode'")
        if self.answers is not None and not self.answers:
            raise ValueError("'answers' is empty; give at least one reply")
        return self


class ProviderSpec(_CaseModel):
    """Who words the interviewer's turns, and who judges.

    ``offline``: the engine does both. ``scripted``: ``outputs`` are the interviewer's turns in
    order (a fault raises instead), ``judge`` the judge's replies in order (JSON text, or a
    fault); without ``judge`` the offline engine scores. ``replay``: model calls are served
    from ``cassette`` (a path relative to the case file), for the interviewer and the judge.
    """

    kind: Literal["offline", "scripted", "replay"] = "offline"
    model: str | None = Field(
        default=None, description="The model name a replay cassette was recorded with."
    )
    outputs: list[ScriptedOutput] = Field(default_factory=list)
    judge: list[ScriptedOutput] = Field(default_factory=list)
    cassette: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ProviderSpec:
        if self.kind == "replay" and not self.cassette:
            raise ValueError("a replay provider needs 'cassette' (a path to a .jsonl cassette)")
        if self.kind != "replay" and self.cassette:
            raise ValueError("'cassette' is only for kind: replay")
        if self.kind != "scripted" and (self.outputs or self.judge):
            raise ValueError("'outputs' and 'judge' are only for kind: scripted")
        return self


class InterviewerExpectations(_CaseModel):
    """What the interviewer must (or must not) do."""

    probes: list[Dimension] = Field(
        default_factory=list, description="A follow-up targets each of these dimensions."
    )
    never_probes: list[Dimension] = Field(
        default_factory=list, description="No follow-up targets these (the answers show them)."
    )
    answers_clarifying: bool = Field(
        default=False,
        description="Each clarifying question is answered (not taken as an answer).",
    )
    wrench_after_design: bool = Field(
        default=False, description="A wrench follows the candidate's design."
    )
    offers_skip: bool = Field(
        default=False, description="After repeated empty replies, offers to skip or rephrase."
    )
    says: list[Pattern] = Field(
        default_factory=list,
        description="Regular expressions some interviewer turn must match (case-insensitive).",
    )
    never_says: list[Pattern] = Field(
        default_factory=list,
        description="Regular expressions no interviewer turn may match (case-insensitive).",
    )
    never_reveals: bool = Field(
        default=True, description="No score, rating, rubric or model answer is revealed."
    )
    no_repeated_question: bool = Field(
        default=True, description="No question or follow-up is asked twice."
    )
    closes: bool = Field(default=True, description="The interview ends with a closing turn.")

    @model_validator(mode="after")
    def _consistent(self) -> InterviewerExpectations:
        return _check_contradictions(self)


def _no_overlap(a: list[str], b: list[str], names: str) -> None:
    both = sorted(set(a) & set(b))
    if both:
        raise ValueError(f"{names} both name {', '.join(both)}: a case cannot expect both")


class ScorecardExpectations(_CaseModel):
    """What the scorecard must show. Bands are inclusive [low, high] on the 1-5 scale."""

    overall: Band | None = None
    criteria: dict[str, CriterionBand] = Field(
        default_factory=dict,
        description="criterion id -> a band, or 'insufficient' (no score: too little evidence).",
    )
    flags: list[FlagKind] = Field(
        default_factory=list, description="Flag kinds that must be raised, e.g. off_topic."
    )
    no_flags: list[FlagKind] = Field(
        default_factory=list, description="Flag kinds that must not be raised."
    )
    source: Literal["offline", "judge", "offline_fallback"] | None = Field(
        default=None, description="Who scored every criterion."
    )
    correctness_checked: bool | None = None
    accuracy_concerns: bool | None = Field(
        default=None, description="True: the judge named wrong claims; False: none."
    )
    evidence_verbatim: bool = Field(
        default=True,
        description="Every evidence quote is the candidate's own words (an answer or a "
        "clarifying question).",
    )

    @model_validator(mode="after")
    def _flags_consistent(self) -> ScorecardExpectations:
        _no_overlap(list(self.flags), list(self.no_flags), "flags and no_flags")
        return self

    @field_validator("overall")
    @classmethod
    def _band(cls, band: Band | None) -> Band | None:
        if band is not None and not 1 <= band[0] <= band[1] <= 5:
            raise ValueError(f"a band is [low, high] with 1 <= low <= high <= 5, not {list(band)}")
        return band


def _check_contradictions(e: InterviewerExpectations) -> InterviewerExpectations:
    _no_overlap(list(e.probes), list(e.never_probes), "probes and never_probes")
    _no_overlap(e.says, e.never_says, "says and never_says")
    if any(not p.strip() for p in e.says):
        raise ValueError("says: an empty pattern matches every turn; remove it")
    return e


class Expectations(_CaseModel):
    interviewer: InterviewerExpectations = Field(default_factory=InterviewerExpectations)
    scorecard: ScorecardExpectations = Field(default_factory=ScorecardExpectations)


class Case(_CaseModel):
    """One eval case (one YAML file). ``id`` defaults to the file name without .yaml."""

    id: str = ""
    description: str = ""
    persona: str
    role: str | None = None
    level: Level | None = None
    questions: list[str] = Field(
        default_factory=list,
        description="Question ids to ask, in order (default: the planner's choice).",
    )
    candidate: Candidate
    provider: ProviderSpec = Field(default_factory=ProviderSpec)
    expect: Expectations = Field(default_factory=Expectations)
    path: Path | None = Field(default=None, exclude=True)


class CaseError(BaseModel):
    """A case file that could not be read: which file, which field, and why."""

    path: Path
    field: str
    message: str

    @property
    def id(self) -> str:
        return self.path.stem

    def __str__(self) -> str:
        where = f" (field {self.field})" if self.field else ""
        return f"{self.path}{where}: {self.message}"


def load_case(path: Path) -> Case | CaseError:
    """One case file, validated; never raises for a bad file (a CaseError says what is wrong)."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_loader())
    except (OSError, UnicodeDecodeError) as exc:
        return CaseError(path=path, field="", message=f"cannot read the file: {exc}")
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        return CaseError(path=path, field="", message=f"not valid YAML{where}: {problem}")
    if not isinstance(data, dict):
        return CaseError(path=path, field="", message="a case is a YAML mapping (key: value)")
    data.setdefault("id", path.stem)
    try:
        case = Case.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        field = ".".join(str(p) for p in first["loc"]) or "(top level)"
        more = len(exc.errors()) - 1
        extra = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        given = first.get("input")
        got = f" (got {given!r})" if isinstance(given, str | int | float) else ""
        return CaseError(path=path, field=field, message=f"{first['msg']}{got}{extra}")
    return case.model_copy(update={"path": path})


def load_cases(folder: Path, pattern: str | None = None) -> list[Case | CaseError]:
    """Every ``*.yaml``/``*.yml`` case under ``folder`` (sorted by path), as Case or CaseError.

    ``pattern`` keeps the cases whose id or file name contains it (case-insensitive), as
    pytest's ``-k`` does for a single word. Raises FileNotFoundError for a missing folder.
    """
    if not folder.is_dir():
        raise FileNotFoundError(f"no eval cases folder at {folder}")
    paths = sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
    loaded: list[Case | CaseError] = []
    seen: dict[str, Path] = {}
    for p in paths:
        item = load_case(p)
        if isinstance(item, Case) and item.id in seen:
            item = CaseError(
                path=p, field="id", message=f"duplicate case id {item.id!r} (also {seen[item.id]})"
            )
        elif isinstance(item, Case):
            seen[item.id] = p
        loaded.append(item)
    if pattern:
        needle = pattern.lower()
        loaded = [c for c in loaded if needle in c.id.lower() or needle in str(_path(c)).lower()]
    return loaded


def _path(item: Case | CaseError) -> Path:
    return item.path if item.path is not None else Path(item.id)


def _loader() -> type[yaml.SafeLoader]:
    return strict_loader()
