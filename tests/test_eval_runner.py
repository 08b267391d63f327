"""`interviewer eval`: case files, the runner, its exit code and its reports."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from interviewer.cli import main
from interviewer.evaluation.cases import load_cases
from interviewer.evaluation.expectations import check
from interviewer.models import Transcript, Turn

GOOD = """\
description: a vague behavioural candidate scores low and the interview closes
persona: behavioural
candidate:
  mode: vague
  turns: 4
expect:
  scorecard:
    overall: [1, 2.5]
"""
# The same interview, with a band the scorecard cannot meet.
WRONG_BAND = GOOD.replace("overall: [1, 2.5]", "overall: [4.5, 5]")
BAD_YAML = "persona: behavioural\ncandidate: [unclosed\n"
UNKNOWN_FIELD = GOOD.replace("persona: behavioural", "persona: behavioural\npersonna: typo")
BAD_MODE = GOOD.replace("mode: vague", "mode: sleepy")


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_a_broken_case_file_names_the_file_and_field_and_the_others_still_load(tmp_path) -> None:
    folder = write(
        tmp_path / "cases",
        {
            "good.yaml": GOOD,
            "broken.yaml": BAD_YAML,
            "typo.yaml": UNKNOWN_FIELD,
            "m.yaml": BAD_MODE,
        },
    )
    loaded = {c.id: c for c in load_cases(folder)}
    assert loaded["good"].persona == "behavioural"
    assert "not valid YAML at line 3" in str(loaded["broken"])
    assert "broken.yaml" in str(loaded["broken"])
    assert "personna" in str(loaded["typo"]) and "typo.yaml" in str(loaded["typo"])
    assert "candidate.mode" in str(loaded["m"]) and "sleepy" in str(loaded["m"])


def test_a_case_needs_exactly_one_kind_of_candidate(tmp_path) -> None:
    both = GOOD.replace("  mode: vague", "  mode: vague\n  answers: [hi]")
    folder = write(
        tmp_path / "c", {"both.yaml": both, "band.yaml": GOOD.replace("[1, 2.5]", "[4, 2]")}
    )
    loaded = {c.id: str(c) for c in load_cases(folder)}
    assert "exactly one of 'answers'" in loaded["both"]
    assert "scorecard" in loaded["band"] and "low <= high" in loaded["band"]


def test_eval_passes_writes_every_report_and_fails_with_which_and_why(tmp_path, capsys) -> None:
    folder = write(tmp_path / "cases", {"good.yaml": GOOD})
    out = tmp_path / "out"
    args = ["eval", "--cases", str(folder), "--workers", "2"]
    report_args = ["--junit", f"{out}/j.xml", "--json", f"{out}/r.json"]
    assert main([*args, *report_args, "--markdown", f"{out}/r.md", "--html", f"{out}/r.html"]) == 0
    assert "1/1 runs passed" in capsys.readouterr().out
    first = json.loads((out / "r.json").read_text())
    assert first["passed"] and first["cases"][0]["id"] == "good"
    assert "| good | pass |" in (out / "r.md").read_text()
    page = (out / "r.html").read_text()
    assert page.startswith("<!doctype html>") and "<script" not in page

    # one testcase per expectation, none failing
    suite = ET.parse(out / "j.xml").getroot().find("testsuite")
    assert suite is not None
    names = [tc.get("name") for tc in suite.iter("testcase")]
    expectations = first["cases"][0]["runs"][0]["outcomes"]
    assert names == [o["name"] for o in expectations] and "scorecard.overall" in names
    assert suite.get("failures") == "0" and suite.get("tests") == str(len(names))

    # break an expectation and a file: exit 1, and the output says which and why
    write(folder, {"good.yaml": WRONG_BAND, "broken.yaml": BAD_YAML})
    code = main([*args, *report_args, "--baseline", str(out / "r.json")])
    text = capsys.readouterr().out
    assert code == 1
    assert "scorecard.overall" in text and "is outside 4.5-5" in text
    assert "broken.yaml" in text and "not valid YAML" in text
    assert "good: scorecard.overall now FAILS" in text and "new case broken" in text
    suite = ET.parse(out / "j.xml").getroot().find("testsuite")
    assert suite is not None
    failures = [tc for tc in suite.iter("testcase") if tc.find("failure") is not None]
    errors = [tc for tc in suite.iter("testcase") if tc.find("error") is not None]
    assert [tc.get("name") for tc in failures] == ["scorecard.overall"]
    assert [tc.get("classname") for tc in errors] == ["broken"]


def test_k_filters_and_repeat_reports_a_standard_error(tmp_path, capsys) -> None:
    folder = write(tmp_path / "cases", {"alpha.yaml": GOOD, "beta.yaml": WRONG_BAND})
    out = tmp_path / "r.json"
    code = main(["eval", "--cases", str(folder), "-k", "alp", "--repeat", "2", "--json", str(out)])
    assert code == 0
    report = json.loads(out.read_text())
    assert [c["id"] for c in report["cases"]] == ["alpha"]
    assert len(report["cases"][0]["runs"]) == 2
    assert report["cases"][0]["pass_rate_stderr"] == 0.0  # the offline engine is deterministic
    assert report["cases"][0]["runs_passed"] == 2
    assert main(["eval", "--cases", str(folder), "-k", "nothing"]) == 2
    assert "no case files matched" in capsys.readouterr().err


def test_schema_is_written_as_json_schema(tmp_path) -> None:
    path = tmp_path / "schema.json"
    assert main(["eval", "--schema", str(path)]) == 0
    schema = json.loads(path.read_text())
    assert {"persona", "candidate", "expect", "provider"} <= set(schema["properties"])


def test_a_missing_cases_folder_says_what_to_pass(tmp_path, capsys) -> None:
    assert main(["eval", "--cases", str(tmp_path / "nope")]) == 2
    assert "--cases DIR" in capsys.readouterr().err


def _turns(*pairs: tuple[str, str, str]) -> list[Turn]:
    return [Turn(role=r, kind=k, text=t) for r, k, t in pairs]  # type: ignore[arg-type]


def test_the_checks_catch_a_leak_a_repeat_and_a_missing_close(tmp_path) -> None:
    folder = write(tmp_path / "c", {"x.yaml": GOOD})
    case = load_cases(folder)[0]
    assert not isinstance(case, str)
    transcript = Transcript(
        persona="behavioural",
        turns=_turns(
            ("interviewer", "question", "Tell me about a conflict with a colleague."),
            ("candidate", "answer", "We disagreed about tests."),
            ("interviewer", "follow_up", "Your score is 2 so far. What did you do?"),
            ("candidate", "answer", "I wrote them."),
            ("interviewer", "question", "Tell me about a conflict with a colleague."),
        ),
    )
    results = {o.name: o for o in check(case, transcript, None)}  # type: ignore[arg-type]
    assert not results["interviewer.never_reveals"].passed
    assert "turn 2" in results["interviewer.never_reveals"].detail
    assert not results["interviewer.no_repeated_question"].passed
    assert not results["interviewer.closes"].passed


@pytest.mark.parametrize(
    "text",
    [
        "Your score is 4 out of 5.",
        "Per our rubric, you need more numbers.",
        "A good answer would mention TTLs.",
    ],
)
def test_a_model_that_leaks_the_score_is_replaced_by_the_engines_words(text, tmp_path) -> None:
    from interviewer.config import Settings
    from interviewer.providers import ScriptedProvider
    from interviewer.service import InterviewService

    ws = InterviewService(Settings(provider="scripted"), provider=ScriptedProvider([text] * 3))
    session_id, first = ws.start("behavioural")
    assert first[0].text != text and "provider_fallback" in first[0].notes
    assert any("revealed a score" in n for n in first[0].notes)


def test_mistakes_a_case_author_makes_are_named_before_anything_runs(tmp_path, capsys) -> None:
    folder = write(
        tmp_path / "cases",
        {
            "regex.yaml": GOOD + "  interviewer:\n    says: ['(unclosed']\n",
            "flag.yaml": GOOD.replace("overall: [1, 2.5]", "no_flags: [offtopic]"),
            "fault.yaml": GOOD.replace(
                "candidate:",
                "provider:\n  kind: scripted\n  outputs: [{error: hiccup}]\ncandidate:",
            ),
            "a.yaml": GOOD.replace("description:", "id: same\ndescription:"),
            "b.yaml": GOOD.replace("description:", "id: same\ndescription:"),
            "persona.yaml": GOOD.replace("persona: behavioural", "persona: behavioral"),
        },
    )
    loaded = {str(getattr(c, "path", c)): str(c) for c in load_cases(folder)}
    by_name = {Path(k).name: v for k, v in loaded.items()}
    assert "expect.interviewer.says.0" in by_name["regex.yaml"]
    assert "not a valid regular expression" in by_name["regex.yaml"]
    assert "expect.scorecard.no_flags.0" in by_name["flag.yaml"]
    assert "unknown fault 'hiccup'" in by_name["fault.yaml"]
    assert "duplicate case id 'same'" in by_name["b.yaml"] and "a.yaml" in by_name["b.yaml"]
    assert main(["eval", "--cases", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "persona.yaml (field persona): unknown persona 'behavioral'" in out


def test_the_committed_schema_matches_the_case_model() -> None:
    from interviewer.config import REPO_ROOT
    from interviewer.evaluation.cases import Case

    committed = json.loads((REPO_ROOT / "evals" / "cases" / "schema.json").read_text())
    assert committed == Case.model_json_schema(), (
        "run: interviewer eval --schema evals/cases/schema.json"
    )


def test_report_paths_and_model_flags_are_refused_before_the_run(tmp_path, capsys) -> None:
    folder = write(tmp_path / "cases", {"good.yaml": GOOD})
    assert main(["eval", "--cases", str(folder), "--junit", str(tmp_path)]) == 2
    assert "give a file name" in capsys.readouterr().err
    assert main(["eval", "--cases", str(folder), "--provider", "openai"]) == 2
    assert "each case names its provider" in capsys.readouterr().err


def test_a_key_given_twice_in_a_case_file_is_refused(tmp_path) -> None:
    twice = GOOD + "  scorecard:\n    overall: [1, 1]\n"
    folder = write(tmp_path / "c", {"twice.yaml": twice})
    (loaded,) = load_cases(folder)
    assert "duplicate key 'scorecard'" in str(loaded) and "line" in str(loaded)
