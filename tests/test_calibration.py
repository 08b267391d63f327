"""`interviewer calibrate`: agreement with labels, with confidence intervals, and the ways a
scorer can be gamed (verbosity, padding, repetition). Our own labelled answers (evals/data);
labels from coaches' overrides in a real SQLite store; test-retest of a model judge served by the
local stub (tests/llm_stub.py) or the scripted provider; the Markdown, JSON and chart outputs."""

# ruff: noqa: F811 - the ``llm_stub`` fixture is imported, and test arguments name it
from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from llm_stub import Received, Reply, llm_stub  # noqa: F401 - llm_stub is a fixture

from interviewer import calibration_sources
from interviewer.calibration import _qwk, calibrate, parse_labels
from interviewer.calibration_sources import JudgeScorer
from interviewer.cli import main
from interviewer.config import Settings
from interviewer.providers import ScriptedProvider
from interviewer.service import InterviewService

DATA = Path(__file__).resolve().parent.parent / "evals" / "data" / "test.jsonl"


def labels_file(tmp_path: Path, n: int = 40, shuffle: bool = False) -> Path:
    rows = [json.loads(line) for line in DATA.read_text().splitlines()][:n]
    labels = [r["rating"] for r in rows]
    if shuffle:  # labels that have nothing to do with the answers
        labels = labels[1:] + labels[:1]
        labels = list(np.random.default_rng(1).permutation(labels))
    path = tmp_path / "labels.jsonl"
    path.write_text(
        "".join(
            json.dumps(
                {
                    "id": r["id"],
                    "question": r["question"],
                    "answer": r["answer"],
                    "label": int(label),
                }
            )
            + "\n"
            for r, label in zip(rows, labels, strict=True)
        )
    )
    return path


def test_calibrate_reports_agreement_with_intervals_and_the_gaming_checks(tmp_path, capsys):
    assert main(["calibrate", str(labels_file(tmp_path)), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["n"] == 40
    for key in ("spearman", "quadratic_weighted_kappa", "exact_agreement", "mean_bias"):
        got = report[key]
        assert got["low"] <= got["value"] <= got["high"], key
    assert report["spearman"]["value"] > 0.4  # our scorer does agree with these labels
    assert sum(report["levels_used"].values()) == 40
    assert report["padding_shift"] <= 0.25 and report["repetition_shift"] <= 0.25
    assert -1 <= report["verbosity_spearman"] <= 1


def test_labels_unrelated_to_the_answers_show_as_no_agreement(tmp_path, capsys):
    assert main(["calibrate", str(labels_file(tmp_path, shuffle=True)), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    # the interval reaches down to no agreement: nothing here says the scores track labels
    assert report["spearman"]["low"] < 0.15
    assert report["quadratic_weighted_kappa"]["value"] < 0.4


def test_quadratic_weighted_kappa_matches_known_values():
    levels = np.array([1, 2, 3, 4, 5, 3, 2, 4])
    assert _qwk(levels, levels) == pytest.approx(1.0)
    assert _qwk(levels, 6 - levels) < 0  # reversed: worse than chance
    # by hand: observed weighted disagreement 1/16, expected 56/64, so kappa = 1 - 1/14
    assert _qwk(np.array([1, 2, 3, 4.0]), np.array([1, 2, 3, 5.0])) == pytest.approx(13 / 14)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"question": "q", "answer": "a", "label": 7}', "line 1: field 'label'"),
        ('{"question": "q", "label": 3}', "line 1: field 'answer'"),
        ("[1, 2]", "line 1: expected a JSON object"),
    ],
)
def test_a_bad_labels_line_is_named(tmp_path, capsys, line, message):
    path = tmp_path / "bad.jsonl"
    path.write_text(line + "\n")
    assert main(["calibrate", str(path)]) == 2
    assert message in capsys.readouterr().err


def test_too_few_labels_is_a_clear_error():
    rows = [(1, {"question": "q", "answer": "a", "label": 3}, None)]
    with pytest.raises(Exception, match="at least 5"):
        parse_labels(rows)


# -- inputs ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"id": "a", "question": "q", "answer": "a"}', "line 2: field 'label' is missing"),
        ('{"id": "a", "answer": "a", "label": 3}', "line 2: field 'question' is missing"),
        ('{"id": "a", "question": "q", "answer": 4, "label": 3}', "line 2: field 'answer' must"),
    ],
)
def test_a_missing_or_wrong_field_names_its_line_and_field(tmp_path, capsys, line, message):
    path = tmp_path / "labels.jsonl"
    path.write_text('{"question": "q", "answer": "a", "label": 3}\n' + line + "\n")
    assert main(["calibrate", str(path)]) == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--from-overrides"], "not both"),
        (["--repeat", "0"], "--repeat must be 1-20"),
        (["--chart", "agreement.pdf"], ".png or .svg"),
    ],
)
def test_bad_options_are_refused_before_scoring(tmp_path, capsys, extra, message):
    assert main(["calibrate", str(labels_file(tmp_path, n=6)), *extra]) == 2
    captured = capsys.readouterr()
    assert message in captured.err and captured.out == ""


def test_no_source_at_all_says_what_to_give(capsys):
    assert main(["calibrate"]) == 2
    assert "give a LABELS.jsonl file, or --from-overrides" in capsys.readouterr().err


# -- outputs --------------------------------------------------------------------------------------
def test_the_markdown_report_holds_the_figures_of_the_json_one(tmp_path, capsys):
    path = str(labels_file(tmp_path, n=20))
    assert main(["calibrate", path, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert main(["calibrate", path]) == 0
    md = capsys.readouterr().out
    assert md.startswith("# Calibration of the offline scorer on 20 labels")
    rho, kappa = report["spearman"], report["quadratic_weighted_kappa"]
    assert f"| Spearman's rho | {rho['value']:.2f} | [{rho['low']:.2f}, {rho['high']:.2f}] |" in md
    assert f"| quadratic weighted kappa | {kappa['value']:.2f} |" in md
    used = " | ".join(str(report["levels_used"][str(k)]) for k in range(1, 6))
    assert f"| scorer | {used} |" in md
    for level, row in enumerate(report["confusion"], start=1):
        assert f"| {level} | " + " | ".join(map(str, row)) + " |" in md
    assert f"| shift when padded with generic text | {report['padding_shift']:+.2f} |" in md
    # the confusion matrix counts every label once, by its level and the score's
    assert sum(map(sum, report["confusion"])) == 20
    levels = [min(5, max(1, round(i["label"]))) for i in report["items"]]
    assert [sum(row) for row in report["confusion"]] == [levels.count(k) for k in range(1, 6)]


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_the_chart_is_written(tmp_path, capsys, suffix):
    chart = tmp_path / f"agreement{suffix}"
    assert main(["calibrate", str(labels_file(tmp_path, n=12)), "--chart", str(chart)]) == 0
    data = chart.read_bytes()
    assert len(data) > 10_000
    if suffix == ".png":
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert width > height > 300
    else:
        assert b"<svg" in data[:1000] and b"label level" in data
    assert f"chart written to {chart}" in capsys.readouterr().err


def test_without_matplotlib_the_chart_says_how_to_install_it(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib: ImportError
    path = labels_file(tmp_path, n=6)
    assert main(["calibrate", str(path), "--chart", str(tmp_path / "c.png")]) == 1
    captured = capsys.readouterr()
    assert "pip install matplotlib" in captured.err and captured.out == ""
    assert not (tmp_path / "c.png").exists()


# -- labels from coaches' overrides ---------------------------------------------------------------
DEEP = (
    "At my last job our checkout service had p99 latency of 1.2 s on Black Friday. I profiled it "
    "and found an N+1 query in the pricing module. I chose to batch the queries instead of "
    "caching because invalidation was risky. p99 went from 1.2 s to 180 ms."
)


def finished_session(service: InterviewService, answers: list[str]) -> str:
    session_id, _ = service.start("complex-problem", owner="cand")
    for a in answers:
        service.reply(session_id, a, owner="cand")
    service.end(session_id, owner="cand")
    return session_id


def test_overrides_in_the_store_become_labels_against_the_machine_scores(capsys):
    service = InterviewService(Settings())  # the same database the command opens
    assert main(["calibrate", "--from-overrides"]) == 2
    assert "no coach overrides in the session database" in capsys.readouterr().err

    expected: dict[str, tuple[float, float]] = {}  # id -> (label, machine score)
    for answers in ([DEEP, "We made it faster."], [DEEP, DEEP, "It went well."]):
        session_id = finished_session(service, answers)
        card = service.scorecard(session_id)
        assert card is not None
        scored = [c for c in card.criteria if c.score is not None]
        for k, c in enumerate(scored):
            assert c.score is not None
            level = int(np.clip(np.rint(c.score), 1, 5))
            agree = k % 2 == 0
            label = float(level if agree else (level + 1 if level < 5 else level - 1))
            # an earlier override of the same criterion is superseded by the latest one
            service.review.override(session_id, c.id, 6 - level, "first look", "alice")
            service.review.override(session_id, c.id, label, "on reflection", "bob")
            expected[f"{session_id}/{c.id}"] = (label, c.score)
    assert len(expected) >= 5

    assert main(["calibrate", "--from-overrides", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["source"] == "overrides" and report["n"] == len(expected)
    got = {i["id"]: (i["label"], i["score"]) for i in report["items"]}
    assert got == expected
    agreeing = sum(
        1 for label, score in expected.values() if label == np.clip(np.rint(score), 1, 5)
    )
    assert report["exact_agreement"]["value"] == pytest.approx(agreeing / len(expected), abs=1e-3)
    assert report["adjacent_agreement"]["value"] == 1.0
    assert report["padding_shift"] is None and report["retest"] is None

    assert main(["calibrate", "--from-overrides"]) == 0
    md = capsys.readouterr().out
    assert f"on {len(expected)} labels" in md and "coach overrides" in md
    assert f"| exact agreement (same level) | {report['exact_agreement']['value']:.2f} |" in md
    assert main(["calibrate", "--from-overrides", "--repeat", "2"]) == 2
    assert "nothing to repeat" in capsys.readouterr().err


# -- test-retest ----------------------------------------------------------------------------------
def test_the_offline_scorer_skips_repeats_with_agreement_one_by_construction(
    tmp_path, capsys, monkeypatch
):
    calls: list[str] = []
    score = calibration_sources.OfflineScorer.score

    def counting(self: Any, question: str, answer: str) -> float | None:
        calls.append(answer)
        return score(self, question, answer)

    monkeypatch.setattr(calibration_sources.OfflineScorer, "score", counting)
    assert main(["calibrate", str(labels_file(tmp_path, n=6)), "--repeat", "4", "--json"]) == 0
    retest = json.loads(capsys.readouterr().out)["retest"]
    assert retest["deterministic"] and retest["runs"] == 4
    assert retest["exact_agreement"] == retest["quadratic_weighted_kappa"] == 1.0
    assert "by construction" in retest["note"]
    assert len(calls) == 6 * 3  # one run, padding, repetition: no repeats


def judge_reply(levels: Callable[[str], int]) -> Callable[[str], str]:
    """A judge that reads the criteria and the candidate's answer from the prompt it is sent and
    gives every criterion ``levels(answer)``, quoting the answer's first words (so it verifies)."""

    def reply(prompt_text: str) -> str:
        ids = re.findall(r"^## ([a-z0-9-]+): ", prompt_text, re.M)
        answer = re.search(r"\| candidate \| answer>>>\n(.*?)\n<<<END TURN", prompt_text, re.S)
        assert ids and answer, "not a judge prompt"
        text = answer.group(1)
        quote = " ".join(text.split()[:6])
        level = levels(text)
        criteria = [
            {"id": i, "level": level, "quotes": [{"turn": 1, "quote": quote}], "rationale": "r"}
            for i in ids
        ]
        return json.dumps({"criteria": criteria, "accuracy_concerns": []})

    return reply


def levels_by_answer(vary: bool) -> Callable[[str], int]:
    """Levels 1-4 by answer, in the order first seen; ``vary``: one higher on every other ask."""
    base: dict[str, int] = {}
    asked: dict[str, int] = {}

    def level(answer: str) -> int:
        base.setdefault(answer, 1 + len(base) % 4)
        asked[answer] = asked.get(answer, 0) + 1
        return base[answer] + (1 if vary and asked[answer] % 2 == 0 else 0)

    return level


@pytest.mark.parametrize("vary", [False, True])
def test_a_model_judge_is_scored_again_and_its_retest_agreement_reported(
    tmp_path, capsys, monkeypatch, llm_stub, vary
):
    reply = judge_reply(levels_by_answer(vary))

    def answer(request: Received) -> Reply:
        text = "\n".join(m["content"] for m in request.body["messages"])
        return Reply.json(json.loads(reply(text)))

    llm_stub.default = answer
    for name, value in {
        "OPENAI_BASE_URL": llm_stub.openai_url,
        "INTERVIEWER_MAX_RETRIES": "0",
        "INTERVIEWER_REQUEST_TIMEOUT": "5",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)  # the progress bar shows
    path = str(labels_file(tmp_path, n=8))
    args = ["--judge-provider", "openai", "--judge-model", "stub-judge", "calibrate", path]
    assert main([*args, "--repeat", "3", "--json"]) == 0
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert len(llm_stub.requests) == 8 * (3 + 2)  # three runs, padding, repetition
    assert "calibrating" in captured.err and "40/40" in captured.err
    assert report["scorer"] == "openai (stub-judge)" and report["n"] == 8
    retest = report["retest"]
    assert not retest["deterministic"] and retest["runs"] == 3 and retest["items"] == 8
    first_levels = [1 + k % 4 for k in range(8)]
    assert [i["score"] for i in report["items"]] == first_levels  # run 1 is compared with labels
    if vary:  # runs: base, base + 1, base; pairs agree 0, 1 and 0 times in 3
        assert [i["runs"] for i in report["items"]] == [[b, b + 1, b] for b in first_levels]
        assert retest["exact_agreement"] == pytest.approx(1 / 3, abs=1e-3)
        assert retest["quadratic_weighted_kappa"] < 1
        assert retest["mean_spread"] == 1.0 and retest["changed_items"] == 8
    else:
        assert retest["exact_agreement"] == retest["quadratic_weighted_kappa"] == 1.0
        assert retest["mean_spread"] == 0.0 and retest["changed_items"] == 0

    assert main([*args, "--repeat", "2"]) == 0
    md = capsys.readouterr().out
    assert "## Test-retest (2 runs)" in md and "| exact agreement between runs" in md


def test_answers_the_judge_cannot_score_are_left_out_and_counted(tmp_path):
    rows = parse_labels(json_rows(labels_file(tmp_path, n=7)))
    good = judge_reply(lambda answer: 3)
    outputs: list[Any] = []
    for k in range(len(rows) * 3):  # one run, then padding and repetition
        if k == 2:  # the third answer: an invalid reply, and an invalid re-ask
            outputs += ["not json", "still not json"]
        else:
            outputs.append(lambda prompt: good("\n".join(m.content for m in prompt.messages)))
    provider = ScriptedProvider(outputs)
    scorer = JudgeScorer(InterviewService(Settings()), provider, [r["question"] for r in rows])
    report = calibrate(rows, scorer)
    assert report.n == 6 and report.unscored == 1
    assert report.items[2].score is None
    assert report.unscored_reason is not None and "no valid verdict" in report.unscored_reason
    assert report.levels_used == {1: 0, 2: 0, 3: 6, 4: 0, 5: 0}


def json_rows(path: Path) -> list[tuple[int, Any, None]]:
    lines = path.read_text().splitlines()
    return [(n, json.loads(line), None) for n, line in enumerate(lines, start=1)]
