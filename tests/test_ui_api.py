"""The web app's API through gradio_client, against the real app started by ``app.py`` in a
subprocess (temp home, hash embedder): the start/send/end contract, 20 concurrent clients
with no cross-talk, owners kept apart, and kill -9 mid-interview then resume."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

pytest.importorskip("gradio")
from app_process import App, start_app  # noqa: E402
from gradio_client import Client  # noqa: E402
from gradio_client.exceptions import AppError  # noqa: E402

from interviewer.scoring.scorecard import Scorecard  # noqa: E402
from interviewer.service import InterviewService  # noqa: E402
from interviewer.ui.identity import NO_SESSION  # noqa: E402

PERSONAS = ("behavioural", "fundamentals", "system-design", "leadership", "complex-problem")


Server = App


def start_server(home: Path, port: int | None = None) -> App:
    return start_app(home, {"INTERVIEWER_EMBEDDER": "hash"}, port=port)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = start_server(tmp_path_factory.mktemp("ui-api") / "home")
    yield running
    running.stop()


def answers_for(n: int) -> list[str]:
    """Three answers that are this client's own (a named team, system and number)."""
    return [
        f"At Company-{n} I owned the billing-{n} service. One night p99 latency rose from "
        f"{100 + n}ms to {2000 + n}ms after a deploy; I rolled back in {5 + n} minutes and then "
        "fixed the N+1 query myself, because a cache would only have hidden it.",
        f"We measured it on Grafana for a week: errors fell from {n + 2}% to 0.{n}% and I added "
        f"a query-count check to CI for the team-{n} repositories.",
        f"Looking back, I would have load-tested the change; now team-{n} runs a replay of real "
        "traffic before every release, which I set up.",
    ]


def run_script(client: Client, persona: str, answers: list[str]) -> str:
    started = client.predict(
        persona, "Backend engineer", "senior", "", "", api_name="/start_interview"
    )
    session_id = started["session_id"]
    for text in answers:
        client.predict(session_id, text, api_name="/send_answer")
    client.predict(session_id, api_name="/end_interview")
    return str(session_id)


def turns_of(service: InterviewService, session_id: str) -> list[tuple[str, str, str]]:
    return [(t.role, t.kind, t.text) for t in service.get(session_id).turns]


# -- the contract ---------------------------------------------------------------------------------
def test_start_send_end_contract(server: Server) -> None:
    client = server.client()
    started = client.predict(
        persona="behavioural",
        role="Backend engineer",
        level="mid",
        jd="",
        resume="",
        api_name="/start_interview",
    )
    assert set(started) == {"session_id", "message"}
    assert len(started["session_id"]) == 24 and "?" in started["message"]
    sent = client.predict(
        session_id=started["session_id"], text=answers_for(1)[0], api_name="/send_answer"
    )
    assert set(sent) == {"message", "kind", "done"}
    assert sent["kind"] in ("question", "follow_up", "wrench") and sent["done"] is False
    assert sent["message"]
    card = client.predict(session_id=started["session_id"], api_name="/end_interview")
    scorecard = Scorecard.model_validate(card)
    assert scorecard.persona == "behavioural" and scorecard.criteria
    info = server.service().info(started["session_id"])
    assert info.status == "finished" and info.answers == 1
    assert info.owner.startswith("api-")
    # after the end: sending is a no-op that says it is done; ending again gives the same card
    after = client.predict(started["session_id"], "more", api_name="/send_answer")
    assert after == {"message": "", "kind": "", "done": True}
    assert client.predict(started["session_id"], api_name="/end_interview") == card


def test_bad_input_gets_a_clear_message_not_a_traceback(server: Server) -> None:
    client = server.client()
    with pytest.raises(AppError, match="Unknown persona 'astrology'"):
        client.predict("astrology", "", "", "", "", api_name="/start_interview")
    with pytest.raises(AppError, match="Level must be one of junior, mid, senior, staff"):
        client.predict("behavioural", "", "guru", "", "", api_name="/start_interview")
    with pytest.raises(AppError, match="No such session"):
        client.predict("doesnotexist", "hello", api_name="/send_answer")


def test_a_second_client_cannot_use_the_first_clients_session(server: Server) -> None:
    first, second = server.client(), server.client()
    started = first.predict("fundamentals", "", "", "", "", api_name="/start_interview")
    session_id = started["session_id"]
    first.predict(session_id, answers_for(2)[0], api_name="/send_answer")
    before = turns_of(server.service(), session_id)
    with pytest.raises(AppError) as sent:
        second.predict(session_id, "I am someone else", api_name="/send_answer")
    assert str(sent.value) == NO_SESSION
    with pytest.raises(AppError, match="No such session"):
        second.predict(session_id, api_name="/end_interview")
    assert turns_of(server.service(), session_id) == before
    assert server.service().info(session_id).status == "active"
    again = first.predict(session_id, answers_for(2)[1], api_name="/send_answer")
    assert again["message"]


# -- concurrency ----------------------------------------------------------------------------------
def test_twenty_concurrent_sessions_match_the_same_answers_run_alone(server: Server) -> None:
    scripts = [(PERSONAS[n % len(PERSONAS)], answers_for(n)) for n in range(20)]

    def one(n: int) -> str:
        persona, answers = scripts[n]
        return run_script(server.client(), persona, answers)

    with ThreadPoolExecutor(max_workers=20) as pool:
        together = list(pool.map(one, range(20)))  # raises the first error, if any
    alone_client = server.client()
    alone = [run_script(alone_client, persona, answers) for persona, answers in scripts]
    service = server.service()
    for n, (concurrent_id, alone_id) in enumerate(zip(together, alone, strict=True)):
        got = turns_of(service, concurrent_id)
        assert got == turns_of(service, alone_id), f"client {n} differs from its run alone"
        said = [text for role, kind, text in got if role == "candidate" and kind == "answer"]
        assert said == scripts[n][1][: len(said)] and said, f"client {n} got another's turns"
        assert service.info(concurrent_id).status == "finished"
    owners = {service.info(session_id).owner for session_id in together}
    assert len(owners) == 20  # each client its own owner


# -- crash and resume -----------------------------------------------------------------------------
def test_kill_9_mid_interview_loses_nothing_and_the_same_client_continues(
    tmp_path: Path,
) -> None:
    home = tmp_path / "crash-home"
    running = start_server(home)
    try:
        client = running.client()
        answers = answers_for(7)
        started = client.predict(
            "behavioural", "Backend engineer", "senior", "", "", api_name="/start_interview"
        )
        session_id = started["session_id"]
        for text in answers[:2]:
            client.predict(session_id, text, api_name="/send_answer")
        before = turns_of(running.service(), session_id)
        running.process.kill()  # SIGKILL: no shutdown code runs
        running.process.wait(timeout=10)
        running = start_server(home, running.port)
        assert turns_of(running.service(), session_id) == before  # no answered turn lost
        nxt = client.predict(session_id, answers[2], api_name="/send_answer")
        assert nxt["message"] and not nxt["done"]
        card = client.predict(session_id, api_name="/end_interview")
        assert Scorecard.model_validate(card).persona == "behavioural"
        # the interrupted interview is the one that was never interrupted
        other = running.client()
        uninterrupted = run_script(other, "behavioural", answers)
        service = running.service()
        assert turns_of(service, session_id) == turns_of(service, uninterrupted)
        with pytest.raises(AppError, match="No such session"):
            other.predict(session_id, "hi", api_name="/send_answer")
    finally:
        running.stop()
