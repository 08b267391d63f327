"""Stored transcripts on the command line, and the edges a new user trips over."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from interviewer.cli import main

ANSWER = (
    "At my last job I owned the billing service. I found a slow query on the invoices table, "
    "added an index, and p99 went from 900 ms to 120 ms."
)


def run(capsys, *argv: str) -> tuple[int, object, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    data = json.loads(out) if out.strip().startswith(("[", "{")) else out
    return code, data, err


def simulate(capsys, tmp_path: Path, answers: list[str], persona: str = "behavioural") -> dict:
    path = tmp_path / "answers.jsonl"
    path.write_text("".join(json.dumps({"answer": a}) + "\n" for a in answers))
    code, data, err = run(
        capsys, "simulate", "--persona", persona, "--answers", str(path), "--json"
    )
    assert code == 0, err
    assert isinstance(data, dict)
    return data


def test_list_show_and_export_a_stored_session(capsys, tmp_path):
    printed = simulate(capsys, tmp_path, [ANSWER, "/skip", "No questions."])
    code, rows, _ = run(capsys, "transcripts", "--json")
    assert code == 0 and len(rows) == 1
    row = rows[0]
    assert set(row) == {"session_id", "persona", "started", "answers", "finished"}
    assert row["session_id"] == printed["id"] and row["finished"] and row["answers"] == 2

    code, shown, _ = run(capsys, "transcripts", "show", printed["id"], "--json")
    assert code == 0 and shown == printed  # the simulate --json format, scorecard included
    code, markdown, _ = run(capsys, "transcripts", "show", printed["id"][:8])  # a unique prefix
    assert code == 0 and ANSWER in markdown and "# Scorecard" in markdown

    out = tmp_path / "export.json"
    code, _, _ = run(
        capsys, "transcripts", "export", printed["id"], "--format", "json", "--output", str(out)
    )
    assert code == 0 and json.loads(out.read_text()) == printed
    code, md, _ = run(capsys, "transcripts", "export", printed["id"], "--format", "md")
    assert code == 0 and md.startswith("# Interview: behavioural")

    skip = [t for t in shown["turns"] if t["role"] == "candidate" and t["kind"] == "skip"]
    assert len(skip) == 1  # /skip is part of the record


def test_unknown_session_is_exit_2(capsys):
    code, _, err = run(capsys, "transcripts", "show", "nosuchsession", "--json")
    assert code == 2 and "no session" in err


def test_a_version_1_transcript_file_is_imported(capsys, tmp_path):
    old = {  # what `interviewer chat` saved before sessions were stored in a database
        "persona": "behavioural",
        "role": None,
        "level": None,
        "turns": [
            {
                "role": "interviewer",
                "kind": "question",
                "text": "Tell me about a time.",
                "question_id": "beh-stuck-asked-for-help",
                "target": None,
                "notes": [],
            },
            {
                "role": "candidate",
                "kind": "answer",
                "text": ANSWER,
                "question_id": None,
                "target": None,
                "notes": [],
            },
        ],
        "ended_by": "candidate",
    }
    path = tmp_path / "old.json"
    path.write_text(json.dumps(old))
    code, data, err = run(capsys, "transcripts", "import", str(path), "--json")
    assert code == 0, err
    code, shown, _ = run(capsys, "transcripts", "show", data["session_id"], "--json")
    assert shown["schema_version"] == 2 and shown["turns"][1]["text"] == ANSWER
    code, card, _ = run(capsys, "score", str(path), "--json")
    assert code == 0 and card["persona"] == "behavioural"


def test_broken_transcript_files_get_one_line_that_names_the_place(capsys, tmp_path):
    good = simulate(capsys, tmp_path, [ANSWER])
    text = json.dumps(good, indent=2)
    cases = {
        "truncated.json": (text[: len(text) // 2], "line"),
        "badrole.json": (
            text.replace('"role": "candidate"', '"role": "robot"', 1),
            "turns[1].role",
        ),
        "extra.json": (json.dumps({**good, "mood": "happy"}), "mood"),
        "empty.json": ("", "empty"),
        "list.json": ("[1, 2]", "JSON object"),
        "version.json": (json.dumps({**good, "schema_version": 9}), "schema_version"),
    }
    for name, (content, expected) in cases.items():
        path = tmp_path / name
        path.write_text(content)
        for argv in (("score", str(path)), ("transcripts", "import", str(path))):
            code, _, err = run(capsys, *argv)
            assert code == 2, (name, argv)
            assert expected in err and str(path) in err, (name, err)
            assert len(err.strip().splitlines()) == 1, (name, err)
            assert "http" not in err and "Traceback" not in err


def test_jsonl_errors_keep_line_and_column_and_empty_files_say_so(capsys, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"answer": "fine"}\n{"answer": "oops}\n')
    code, _, err = run(capsys, "simulate", "--persona", "behavioural", "--answers", str(bad))
    assert code == 2 and "line 2, column 12" in err
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n  \n")
    for argv in (
        ("simulate", "--persona", "behavioural", "--answers", str(empty)),
        ("score-answers", str(empty)),
    ):
        code, _, err = run(capsys, *argv)
        assert code == 2 and "is empty" in err, argv


def test_terminal_escape_sequences_never_reach_the_stored_answer(capsys, tmp_path):
    data = simulate(
        capsys, tmp_path, ["\x1b[31mI fixed\x1b[0m the \x1b]0;title\x07bug in the cron job."]
    )
    answer = next(t for t in data["turns"] if t["role"] == "candidate")
    assert answer["text"] == "I fixed the bug in the cron job."


def test_empty_or_binary_job_description_is_refused(capsys, tmp_path):
    empty, binary = tmp_path / "jd.txt", tmp_path / "jd.pdf"
    empty.write_text("  \n\n")
    binary.write_bytes(b"%PDF-1.7\n\x00\x01\x02\x03binary")
    for path, word in ((empty, "empty"), (binary, "binary")):
        code, _, err = run(capsys, "plan", "--jd", str(path))
        assert code == 2 and word in err, err


def test_first_run_notice_appears_only_when_the_store_is_built(tmp_path):
    env = {**os.environ, "INTERVIEWER_HOME": str(tmp_path / "home")}

    def chat() -> str:
        result = subprocess.run(
            [sys.executable, "-m", "interviewer", "chat", "--persona", "behavioural"],
            input="/end\n",
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr
        return result.stderr

    assert "Building the question store" in chat()
    assert "Building the question store" not in chat()


def test_markdown_keeps_code_and_html_literal_and_inert(capsys, tmp_path):
    code = "```cpp\nif (a < b && c > d) { return std::vector<int>{}; }\n```"
    answer = f'I fixed the comparator. <img src="http://x/y.png"> ![t](http://x/i.png)\n{code}'
    data = simulate(capsys, tmp_path, [answer])
    code_, md, _ = run(capsys, "transcripts", "show", data["id"])
    assert code_ == 0
    assert "````text\n" + answer + "\n````" in md  # verbatim, inside a longer fence
    from interviewer.markdown import code_span, escape

    assert escape("<b>x</b> ![i](u)") == "\\<b\\>x\\</b\\> \\!\\[i\\]\\(u\\)"
    assert code_span("a | `b`", in_table=True) == "`` a \\| `b` ``"


def test_import_keeps_id_start_and_scorecard_and_refuses_a_second_import(capsys, tmp_path):
    printed = simulate(capsys, tmp_path, [ANSWER, "No questions."])
    exported = tmp_path / "exported.json"
    exported.write_text(json.dumps(printed))
    code, _, err = run(capsys, "transcripts", "import", str(exported))
    assert code == 2 and f"already stored as session {printed['id']}" in err
    other = dict(printed, id="imported-session-1")
    path = tmp_path / "other.json"
    path.write_text(json.dumps(other))
    code, data, _ = run(capsys, "transcripts", "import", str(path), "--json")
    assert code == 0 and data["session_id"] == "imported-session-1"
    code, shown, _ = run(capsys, "transcripts", "show", "imported-session-1", "--json")
    assert shown["scorecard"] == printed["scorecard"]
    code, rows, _ = run(capsys, "transcripts", "--json")
    row = next(r for r in rows if r["session_id"] == "imported-session-1")
    assert row["started"] == printed["turns"][0]["at"][:19] + "+00:00"


def test_bad_settings_and_a_failed_start_are_one_line_and_store_nothing(
    capsys, tmp_path, monkeypatch
):
    monkeypatch.setenv("INTERVIEWER_MAX_ANSWER_CHARS", "abc")
    code, _, err = run(capsys, "personas")
    assert code == 2 and err.startswith("error: INTERVIEWER_MAX_ANSWER_CHARS:")
    assert "http" not in err
    monkeypatch.delenv("INTERVIEWER_MAX_ANSWER_CHARS")
    monkeypatch.setenv("INTERVIEWER_PROVIDER", "banana")
    answers = tmp_path / "a.jsonl"
    answers.write_text(json.dumps({"answer": ANSWER}) + "\n")
    code, _, err = run(capsys, "simulate", "--persona", "behavioural", "--answers", str(answers))
    assert code == 2 and "unknown provider 'banana'" in err
    monkeypatch.delenv("INTERVIEWER_PROVIDER")
    code, rows, _ = run(capsys, "transcripts", "--json")
    assert rows == []


def test_the_list_shows_the_owners_sessions_and_all_lists_every_owners(
    capsys, tmp_path, monkeypatch
):
    printed = simulate(capsys, tmp_path, [ANSWER, "/skip", "No questions."])
    monkeypatch.setenv("INTERVIEWER_OWNER", "someone-else")
    code, rows, _ = run(capsys, "transcripts", "--json")
    assert code == 0 and rows == []
    code, text, err = run(capsys, "transcripts")
    assert code == 0 and "someone-else" in err and "--all" in err
    code, rows, _ = run(capsys, "transcripts", "--all", "--json")
    assert code == 0 and [r["session_id"] for r in rows] == [printed["id"]]


def test_an_empty_owner_variable_means_the_default_owner(capsys, tmp_path, monkeypatch):
    simulate(capsys, tmp_path, [ANSWER, "/skip", "No questions."])
    monkeypatch.setenv("INTERVIEWER_OWNER", "")
    code, rows, _ = run(capsys, "transcripts", "--json")
    assert code == 0 and len(rows) == 1
    code, rows, _ = run(capsys, "transcripts", "--all", "--json")
    assert code == 0 and rows[0]["owner"] == "local"


def test_show_prints_without_markdown_escapes_in_a_terminal_and_keeps_them_in_a_pipe(
    capsys, tmp_path, monkeypatch
):
    printed = simulate(capsys, tmp_path, [ANSWER, "/skip", "No questions."])
    code, piped, _ = run(capsys, "transcripts", "show", printed["id"])
    assert code == 0 and "\\." in piped  # a file stays valid, safe Markdown
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    code, shown, _ = run(capsys, "transcripts", "show", printed["id"])
    assert code == 0 and ANSWER in shown and "\\." not in shown
