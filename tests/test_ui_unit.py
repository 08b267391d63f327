"""The web app's pure helpers: uploads, escaping, chat <-> transcript mapping, identity, errors,
scorecard text, and the built app's element ids and API listing. No server is started."""

from __future__ import annotations

import builtins
import io
import re
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("gradio")

import gradio as gr  # noqa: E402
from pypdf import PdfWriter  # noqa: E402
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject  # noqa: E402

from interviewer.errors import InputError, NotFoundError, ProviderError  # noqa: E402
from interviewer.models import Turn  # noqa: E402
from interviewer.progress import Progress  # noqa: E402
from interviewer.scoring.scorecard import CriterionScore, Evidence, Scorecard  # noqa: E402
from interviewer.ui import identity, uploads  # noqa: E402
from interviewer.ui.chat import (  # noqa: E402
    ChatState,
    Streamed,
    chat_messages,
    feedback_values,
    message_for,
    progress_text,
    rating_for,
    timer_text,
    turn_for,
)
from interviewer.ui.history import details_markdown, summary_markdown  # noqa: E402

ATTACK = (
    "<script>alert(1)</script> [click](javascript:alert(2)) ![x](http://evil.example/p.png) "
    '<img src=x onerror="alert(3)"> **bold**'
)


def pdf_bytes(text: str | None) -> bytes:
    """A one-page PDF made with pypdf; with no text, a page with nothing to extract."""
    writer = PdfWriter()
    page = writer.add_blank_page(612, 792)
    if text is not None:
        font = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
            }
        )
        fonts = DictionaryObject({NameObject("/F1"): writer._add_object(font)})
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): fonts})
        stream = DecodedStreamObject()
        stream.set_data(f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1"))
        page[NameObject("/Contents")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# -- uploads --------------------------------------------------------------------------------------
def test_text_and_markdown_files_are_read(tmp_path: Path) -> None:
    txt = tmp_path / "jd.txt"
    txt.write_bytes("\ufeffSenior engineer\r\nPython and PostgreSQL\r\n".encode())
    assert uploads.read_document(txt, "job description") == "Senior engineer\nPython and PostgreSQL"
    md = tmp_path / "cv.MD"
    md.write_text("# Ada\n\n- built a compiler\n", encoding="utf-8")
    assert uploads.read_document(md, "resume").startswith("# Ada")
    latin = tmp_path / "old.txt"
    latin.write_bytes("Caf\xe9 team lead".encode("cp1252"))
    assert uploads.read_document(latin) == "Café team lead"


def test_a_pdf_made_with_pypdf_gives_its_text(tmp_path: Path) -> None:
    pdf = tmp_path / "resume.pdf"
    pdf.write_bytes(pdf_bytes("Staff engineer: Kafka, Go and on-call leadership"))
    assert "Kafka, Go and on-call leadership" in uploads.read_document(pdf, "resume")


def test_an_image_only_pdf_says_there_is_no_text(tmp_path: Path) -> None:
    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(pdf_bytes(None))
    with pytest.raises(InputError, match="no text to read.*paste its text"):
        uploads.read_document(pdf, "resume")


def test_a_broken_pdf_says_it_cannot_be_read(tmp_path: Path) -> None:
    pdf = tmp_path / "broken.pdf"
    pdf.write_bytes(b"%PDF-1.7\nthis is not really a pdf\x00\x01")
    with pytest.raises(InputError, match="broken.pdf could not be read as a PDF"):
        uploads.read_document(pdf, "resume")


def test_size_and_length_limits_have_clear_messages(tmp_path: Path) -> None:
    big = tmp_path / "huge.txt"
    big.write_bytes(b"a" * (uploads.MAX_FILE_BYTES + 1))
    with pytest.raises(InputError, match=r"huge.txt is 2.0 MB; files up to 2 MB"):
        uploads.read_document(big)
    long_text = tmp_path / "long.txt"
    long_text.write_text("word " * 12_000, encoding="utf-8")
    with pytest.raises(InputError, match="59,999 characters; up to 50,000"):
        uploads.read_document(long_text, "job description")
    with pytest.raises(InputError, match="up to 50,000"):
        uploads.optional_text("x" * (uploads.MAX_CHARS + 1), "resume")
    assert uploads.optional_text("   \n", "resume") is None
    assert uploads.optional_text(" keep me ", "resume") == "keep me"


def test_other_file_kinds_and_binary_text_are_refused(tmp_path: Path) -> None:
    docx = tmp_path / "cv.docx"
    docx.write_bytes(b"PK\x03\x04")
    with pytest.raises(InputError, match=r"only \.txt, \.md and \.pdf"):
        uploads.read_document(docx, "resume")
    fake = tmp_path / "fake.txt"
    fake.write_bytes(b"\x00\x01\x02binary")
    with pytest.raises(InputError, match="binary file"):
        uploads.read_document(fake)


# -- escaping -------------------------------------------------------------------------------------
def test_candidate_and_interviewer_text_is_escaped_for_the_chat() -> None:
    for role, kind in (("candidate", "answer"), ("interviewer", "follow_up")):
        message = message_for(Turn(role=role, kind=kind, text=ATTACK))  # type: ignore[arg-type]
        content = str(message["content"])
        assert "<script" not in content and "<img" not in content
        assert "&lt;script&gt;" in content
        assert "](javascript" not in content and "![" not in content  # no link, no image
        assert "\\*\\*bold\\*\\*" in content
    assert message_for(Turn(role="candidate", kind="skip", text="/skip"))["content"] == (
        "*Skipped this question.*"
    )


def test_scorecard_text_is_escaped() -> None:
    card = Scorecard(
        persona="behavioural",
        rubric="behavioural",
        overall=3.2,
        criteria=[
            CriterionScore(
                id="c",
                name="Ownership <b>",
                weight=1,
                score=3,
                evidence=[Evidence(turn=1, quote=ATTACK)],
                rationale="r",
            )
        ],
        strengths=[f'Ownership: "{ATTACK}" (turn 1)'],
        gaps=["<iframe src=//evil>"],
        next_drill="![t](http://evil.example/t.png)",
    )
    text = summary_markdown(card, "Behavioural") + details_markdown(card)
    assert "<script" not in text and "<img" not in text and "<iframe" not in text
    assert "![" not in text and "](javascript" not in text
    assert "Overall: 3.2 / 5" in text


def test_the_history_details_show_the_judges_accuracy_concerns_and_model_use() -> None:
    from interviewer.scoring.scorecard import AccuracyConcern

    card = Scorecard(
        persona="fundamentals",
        rubric="fundamentals",
        overall=3.0,
        criteria=[],
        correctness_checked=True,
        accuracy_concerns=[
            AccuracyConcern(turn=3, quote=ATTACK, concern="UDP does not <b>retransmit</b>.")
        ],
        model_tokens=12345,
        model_requests=9,
        estimated_cost_usd=0.0421,
    )
    text = details_markdown(card)
    assert "### Accuracy concerns" in text and "- turn 3: " in text
    assert "<b>" not in text and "<script" not in text  # the concern and quote stay text
    assert "![" not in text and "](javascript" not in text
    assert "12,345 tokens in 9 turns, estimated $0.0421" in text
    plain = details_markdown(Scorecard(persona="x", rubric="x", overall=None, criteria=[]))
    assert "Accuracy" not in plain and "Model use" not in plain


# -- chat messages <-> transcript turns ---------------------------------------------------------
TURNS = [
    Turn(role="interviewer", kind="question", text="Q1"),
    Turn(role="candidate", kind="answer", text="A1"),
    Turn(role="interviewer", kind="follow_up", text="F1"),
    Turn(role="candidate", kind="skip", text="/skip"),
    Turn(role="interviewer", kind="question", text="Q2"),
    Turn(role="interviewer", kind="closing", text="Bye"),
]


def test_each_chat_message_maps_to_its_transcript_turn() -> None:
    messages, turn_of = chat_messages(TURNS)
    assert turn_of == [0, 1, 2, 3, 4, 5]
    assert [m["role"] for m in messages] == ["assistant", "user", "assistant", "user"] + [
        "assistant"
    ] * 2
    dropped, turn_of = chat_messages(TURNS, keep=lambda t: t.kind not in ("skip", "closing"))
    assert turn_of == [0, 1, 2, 4] and len(dropped) == 4
    assert turn_for(turn_of, 3) == 4
    assert turn_for(turn_of, (2, 0)) == 2  # two-dimensional index from the like event
    assert turn_for(turn_of, 4) is None and turn_for(turn_of, -1) is None
    assert turn_for(turn_of, None) is None and turn_for([None], 0) is None


def test_likes_become_ratings_and_come_back_as_thumbs() -> None:
    assert [rating_for(v) for v in (True, False, "", "Like", "Dislike")] == [
        "up",
        "down",
        None,
        "up",
        "down",
    ]
    _, turn_of = chat_messages(TURNS)
    assert feedback_values(TURNS, turn_of, {2: "up", 4: "down", 1: "up"}) == [
        None,
        "Like",
        "Dislike",
        None,
    ]


def test_progress_and_timer_text() -> None:
    start = datetime(2026, 1, 1, 10, 0, tzinfo=UTC)
    progress = Progress(
        session_id="s",
        persona="behavioural",
        question_number=3,
        question_count=7,
        answers=4,
        status="active",
        started_at=start,
        time_box_minutes=45,
    )
    state = ChatState(progress)
    assert state.session_id == "s" and not state.finished
    assert progress_text(progress) == "Question 3 of 7"
    assert timer_text(progress, start + timedelta(minutes=12, seconds=34)) == (
        "12:34 elapsed of 45 min"
    )
    late = timer_text(progress, start + timedelta(hours=1, seconds=5))
    assert late.startswith("1:00:05 elapsed of 45 min") and "time is up" in late
    done = progress.model_copy(update={"status": "finished", "answers": 1})
    assert progress_text(done) == "Finished · 1 answer" and ChatState(done).finished
    assert "time is up" not in timer_text(done, start + timedelta(hours=2))


def test_streamed_calls_yield_growing_text_and_reraise_errors() -> None:
    def call(on_chunk: Any) -> str:
        for piece in ("Tell ", "me ", "more."):
            on_chunk(piece)
        return "done"

    job = Streamed(call)
    assert list(job) == ["Tell ", "Tell me ", "Tell me more."]
    assert job.result() == "done"
    assert Streamed(lambda on_chunk: 7).result() == 7  # not iterated: runs once, to the end

    def broken(on_chunk: Any) -> None:
        raise ProviderError("down")

    failing = Streamed(broken)
    assert list(failing) == []
    with pytest.raises(ProviderError):
        failing.result()


# -- identity and errors --------------------------------------------------------------------------
def test_candidate_ids_are_random_and_validated() -> None:
    ids = {identity.new_candidate_id() for _ in range(50)}
    assert len(ids) == 50 and all(identity.valid_candidate_id(i) for i in ids)
    for bad in ("local", "api-abc", "cand-short", "cand-" + "A" * 24, None, 42, ""):
        assert not identity.valid_candidate_id(bad)


def test_the_browser_key_is_derived_and_does_not_reveal_the_server_secret() -> None:
    key = identity.browser_secret(b"server-secret")
    assert key == identity.browser_secret(b"server-secret") and len(key) == 64
    assert "server-secret" not in key and key != identity.browser_secret(b"other")


def test_core_errors_become_short_escaped_messages() -> None:
    assert identity.user_message(NotFoundError("no session 'abc'")) == identity.NO_SESSION
    assert identity.user_message(NotFoundError("unknown persona 'x'; choose one of: a")) == (
        "Unknown persona 'x'; choose one of: a."
    )
    assert identity.user_message(InputError("no question found for topic '<img src=x>'")) == (
        "No question found for topic '&lt;img src=x&gt;'."
    )
    assert identity.user_message(RuntimeError("secret internals")) == identity.SORRY
    with pytest.raises(gr.Error) as raised, identity.at_edge():
        raise NotFoundError("no session 'abc'")
    assert raised.value.message == identity.NO_SESSION
    with pytest.raises(gr.Error) as raised, identity.at_edge():
        raise KeyError("boom")
    assert raised.value.message == identity.SORRY


def test_a_missing_web_extra_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import interviewer.ui as ui

    real_import = builtins.__import__

    def no_gradio(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "gradio":
            raise ModuleNotFoundError("No module named 'gradio'", name="gradio")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_gradio)
    with pytest.raises(ImportError, match=re.escape("pip install 'interviewer[web]'")):
        ui.build_app()
    assert "make run" in ui.MISSING


def test_the_core_does_not_import_gradio() -> None:
    import subprocess

    code = (
        "import sys, interviewer.service, interviewer.cli, interviewer.ui; "
        "print('gradio' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# -- the built app ----------------------------------------------------------------------------
def test_the_app_has_its_element_ids_and_only_three_public_endpoints() -> None:
    from interviewer.service import InterviewService
    from interviewer.ui import build_app

    demo = build_app(InterviewService())
    config = demo.get_config_file()
    ids = [c["props"].get("elem_id") for c in config["components"] if c["props"].get("elem_id")]
    assert len(ids) == len(set(ids)), "element ids must be unique"
    needed = (
        "persona role level time-box jd resume start chat answer send skip repeat end timer "
        "progress scorecard criteria-chart transcript download-md download-json history-table "
        "history-chart reopen resume-session tab-practice tab-drill tab-history tab-review"
    ).split()
    assert set(needed) <= set(ids), set(needed) - set(ids)
    api = demo.get_api_info()
    assert sorted(api["named_endpoints"]) == ["/end_interview", "/send_answer", "/start_interview"]
    assert not api.get("unnamed_endpoints")
    browser = [c for c in config["components"] if c["type"] == "browserstate"]
    assert len(browser) == 1
    assert browser[0]["props"]["secret"] != InterviewService().secret.decode()


def test_progress_chart_rows_per_dimension_and_per_round() -> None:
    from interviewer.progress import HistoryPoint
    from interviewer.ui.history import BY_DIMENSION, criteria_frame, progress_frame

    day = datetime(2026, 3, 1, tzinfo=UTC)
    dims = {d: 3.0 for d in ("specificity", "ownership", "reasoning", "impact", "reflection")}
    points = [
        HistoryPoint(
            session_id=str(n),
            created_at=day + timedelta(days=n),
            persona="behavioural" if n % 2 else "system-design",
            overall=3.0,
            dimensions={**dims, "clarity": float(n)},
            criteria={"Ownership": float(n)},
        )
        for n in range(1, 4)
    ]
    frame, count = progress_frame(points, BY_DIMENSION)
    assert count == 3 and len(frame) == 18
    assert list(dict.fromkeys(frame["session"])) == ["1 · 02 Mar", "2 · 03 Mar", "3 · 04 Mar"]
    frame, count = progress_frame(points, "behavioural")
    assert count == 2 and list(frame["score"]) == [1.0, 3.0]
    assert list(frame["session"]) == ["1 · 02 Mar", "2 · 04 Mar"]
    assert progress_frame([], BY_DIMENSION)[1] == 0
    card = Scorecard(
        persona="behavioural",
        rubric="behavioural",
        overall=2.0,
        criteria=[
            CriterionScore(id="z", name="Zeal", weight=0.5, score=2, rationale="r"),
            CriterionScore(
                id="a", name="Aim", weight=0.5, score=None, insufficient_evidence=True, rationale=""
            ),
            CriterionScore(id="b", name="Basics", weight=0.5, score=4, rationale="r"),
        ],
    )
    assert list(criteria_frame(card)["criterion"]) == ["1. Zeal", "2. Basics"]


def test_twenty_api_sessions_can_run_at_once() -> None:
    from interviewer.service import InterviewService
    from interviewer.ui import build_app

    demo = build_app(InterviewService())
    assert demo._queue.default_concurrency_limit >= 20
    fns = demo.fns.values() if isinstance(demo.fns, dict) else demo.fns
    api = [f for f in fns if f.api_name in ("start_interview", "send_answer", "end_interview")]
    assert len(api) == 3 and all(f.concurrency_limit in ("default", None) for f in api)


def test_the_answer_list_tells_a_non_answer_from_an_off_topic_one(tmp_path) -> None:
    """An emoji-only reply is no answer, not an off-topic one. Through a real interview,
    scored as the history tab shows it."""
    from interviewer.config import Settings
    from interviewer.service import InterviewService

    service = InterviewService(Settings(home=tmp_path / "home"))
    session_id, _ = service.start("behavioural")
    service.reply(session_id, "🙂🙂🙂")
    service.reply(session_id, "🙂")
    service.skip(session_id)
    service.reply(
        session_id,
        "Honestly my favourite thing is baking sourdough on weekends, I keep my starter at 75% "
        "hydration and feed it twice a day, and the oven spring depends on the steam.",
    )
    text = details_markdown(service.end(session_id))
    assert "· no answer" in text
