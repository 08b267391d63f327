"""Record and replay: a cassette round trip, misses with a diff hint, and no secrets on disk."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from interviewer.config import Settings
from interviewer.errors import InputError, ProviderError
from interviewer.providers import Message, OfflineProvider, Prompt, Provider, Response
from interviewer.providers.base import Usage
from interviewer.providers.cassette import (
    CassetteMiss,
    RecordingProvider,
    ReplayProvider,
    cassette_path,
    load_cassette,
    record_provider,
    redact,
    replay_provider,
    request_key,
)
from interviewer.service import InterviewService

SHALLOW = "We had a slow service and we made it faster by improving some things in the code."


class Chunky(Provider):
    """Streams its reply in fixed pieces; fails on prompts that say 'fail'."""

    name = "chunky"

    def __init__(self, pieces: list[str]) -> None:
        super().__init__(Settings(model="test-model"))
        self.pieces = pieces
        self.calls = 0

    def execute(self, prompt: Prompt) -> Response:
        return Response(text="".join(self.stream(prompt)), provider=self.name)

    def stream(self, prompt: Prompt) -> Iterator[str]:
        self.calls += 1
        yield from self.pieces
        if "fail" in prompt.messages[-1].content:
            raise ProviderError("rate limited")


def prompt(text: str, purpose: str = "interviewer_turn") -> Prompt:
    return Prompt(
        purpose=purpose,  # type: ignore[arg-type]
        messages=[
            Message(role="system", content="You are the interviewer."),
            Message(role="user", content=text),
        ],
        draft="draft",
    )


def test_round_trip_replays_streams_chunk_by_chunk_and_execute_whole(tmp_path: Path):
    path = tmp_path / "c.jsonl"
    inner = Chunky(["Tell me ", "about ", "the p99."])
    recorder = RecordingProvider(inner, path)
    streamed = list(recorder.stream(prompt("first")))
    executed = recorder.execute(prompt("second"))
    with pytest.raises(ProviderError, match="rate limited"):
        list(recorder.stream(prompt("please fail")))
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3 and all(json.loads(line)["version"] == 1 for line in lines)
    first = json.loads(lines[0])
    assert first["chunks"] == ["Tell me ", "about ", "the p99."] and first["mode"] == "stream"
    assert first["key"] == request_key(prompt("first"), "test-model")
    assert first["request"]["model"] == "test-model" and "draft" not in first["request"]

    replay = ReplayProvider(path, model="test-model")
    assert list(replay.stream(prompt("first"))) == streamed == ["Tell me ", "about ", "the p99."]
    assert list(replay.stream(prompt("second"))) == [executed.text]  # recorded whole
    assert replay.execute(prompt("first")).text == "Tell me about the p99."
    got: list[str] = []
    with pytest.raises(ProviderError, match="rate limited"):
        for chunk in replay.stream(prompt("please fail")):
            got.append(chunk)
    assert got == ["Tell me ", "about ", "the p99."]  # the chunks before the failure, too
    assert inner.calls == 3  # replay never called the model


def test_reported_model_and_usage_are_replayed(tmp_path: Path):
    class Reporting(Chunky):
        def execute(self, prompt: Prompt) -> Response:
            usage = Usage(input_tokens=12, output_tokens=3)
            return Response(text="ok", provider="openai", model="gpt-4o-2024", usage=usage)

    path = tmp_path / "c.jsonl"
    original = RecordingProvider(Reporting([]), path).execute(prompt("x"))
    replayed = ReplayProvider(path, model="test-model").execute(prompt("x"))
    assert (replayed.text, replayed.model, replayed.usage) == ("ok", "gpt-4o-2024", original.usage)


def test_the_same_request_recorded_twice_replays_in_order_then_repeats(tmp_path: Path):
    path = tmp_path / "c.jsonl"
    for reply in ("one", "two"):
        RecordingProvider(Chunky([reply]), path).execute(prompt("same"))
    replay = ReplayProvider(path, model="test-model")
    assert [replay.execute(prompt("same")).text for _ in range(3)] == ["one", "two", "two"]


def test_a_miss_names_the_hash_and_the_first_difference(tmp_path: Path):
    path = tmp_path / "c.jsonl"
    recorder = RecordingProvider(Chunky(["ok"]), path)
    recorder.execute(prompt("Tell me about the cache you sharded by tenant."))
    recorder.execute(prompt("Something else entirely", purpose="judge_transcript"))
    replay = ReplayProvider(path, model="test-model")
    asked = prompt("Tell me about the cache you sharded by region.")
    with pytest.raises(CassetteMiss) as caught:
        replay.execute(asked)
    message = str(caught.value)
    assert caught.value.key == request_key(asked, "test-model")
    assert request_key(asked, "test-model") in message
    assert "message 1 (user) differs at character 39" in message
    assert message.endswith(
        "recorded '...ache you sharded by tenant.', requested '...ache you sharded by region.'"
    )
    with pytest.raises(
        CassetteMiss, match="model differs: recorded 'test-model', requested 'other'"
    ):
        ReplayProvider(path, model="other").execute(
            prompt("Tell me about the cache you sharded by tenant.")
        )
    longer = prompt("Tell me about the cache you sharded by tenant.")
    longer.messages.append(Message(role="assistant", content="more"))
    with pytest.raises(CassetteMiss, match="message count differs: recorded 2, requested 3"):
        replay.execute(longer)


def test_secrets_never_reach_the_cassette_and_replay_still_matches(tmp_path: Path):
    path = tmp_path / "c.jsonl"
    secret = "sk-proj-A1b2C3d4E5f6G7h8I9j0"
    bearer = "Bearer eyJhbGciOiJIUzI1NiJ9.payload.signature"
    inner = Chunky([f"header was Authorization: {bearer}", f" and key {secret}"])
    asked = prompt(f"my key is {secret} and x-api-key: abcdef123456")
    list(RecordingProvider(inner, path).stream(asked))
    stored = path.read_text(encoding="utf-8")
    for leaked in (secret, "eyJhbGciOiJIUzI1NiJ9", "abcdef123456"):
        assert leaked not in stored
    assert stored.count("[REDACTED]") == 6  # request 2, chunks 2, joined text 2
    replay = ReplayProvider(path, model="test-model")
    assert (
        "".join(replay.stream(asked)) == "header was Authorization: [REDACTED] and key [REDACTED]"
    )


def test_a_secret_split_across_chunks_is_still_redacted(tmp_path: Path):
    path = tmp_path / "c.jsonl"
    list(
        RecordingProvider(Chunky(["key sk-proj-A1b2", "C3d4E5f6G7h8 end"]), path).stream(
            prompt("x")
        )
    )
    entry = load_cassette(path)[0]
    assert "A1b2" not in path.read_text(encoding="utf-8")
    assert entry.chunks == ["key [REDACTED] end"] == [entry.text]


def test_redact_keeps_ordinary_text():
    text = "The bearer of bad news; api keys rotate; sk-8 is a size; tokens per minute."
    assert redact(text) == text
    assert redact("ANTHROPIC_API_KEY=abc123def456") == "ANTHROPIC_API_KEY=[REDACTED]"


def test_a_whole_interview_replays_identically_with_no_model(tmp_path: Path):
    path = tmp_path / "interview.jsonl"
    settings = Settings(home=tmp_path / "home")
    recording = InterviewService(settings, provider=RecordingProvider(OfflineProvider(), path))
    session_id, first = recording.start("complex-problem")
    texts = [first[0].text] + [recording.reply(session_id, SHALLOW)[0].text for _ in range(3)]

    replaying = InterviewService(
        Settings(home=tmp_path / "home2"), provider=ReplayProvider(path, settings=settings)
    )
    session_id, first = replaying.start("complex-problem")
    again = [first[0].text] + [replaying.reply(session_id, SHALLOW)[0].text for _ in range(3)]
    assert again == texts
    stored = replaying.get(session_id).turns
    assert all("provider_fallback" not in t.notes for t in stored)  # every request was a hit
    assert len(load_cassette(path)) == 4


def test_factories_for_the_registry_names(tmp_path: Path):
    settings = Settings(home=tmp_path, model="gpt-4o")
    recorder = record_provider(settings)
    assert recorder.name == "record" and recorder.path == tmp_path / "cassettes" / "gpt-4o.jsonl"
    assert cassette_path(Settings(home=tmp_path)).name == "default.jsonl"
    recorder.execute(prompt("x"))
    replay = replay_provider(settings)
    assert replay.name == "replay" and replay.execute(prompt("x")).text == "draft"


def test_a_malformed_cassette_line_is_named(tmp_path: Path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"not": "an entry"}\n', encoding="utf-8")
    with pytest.raises(InputError, match="bad.jsonl:1"):
        ReplayProvider(path)
