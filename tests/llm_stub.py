"""A scripted stand-in for the OpenAI and Anthropic HTTP APIs, on 127.0.0.1, for tests.

The real SDKs talk to it over HTTP (they use httpx2, which respx cannot intercept):

    from llm_stub import Reply, llm_stub  # noqa: F401  (the fixture)

    def test_something(llm_stub):
        llm_stub.enqueue(Reply.status(500), Reply.text("Tell me more."))
        settings = Settings(openai_base_url=llm_stub.openai_url, ...)   # or anthropic_url
        ...
        assert llm_stub.requests[1].body["temperature"] == 0

Endpoints: ``POST /v1/chat/completions`` (``stream: true`` answers server-sent events ending in
``data: [DONE]``) and ``POST /v1/messages`` (``stream: true`` answers ``message_start``,
``content_block_start``, ``content_block_delta`` (``text_delta``, or ``input_json_delta`` for a
tool call), ``content_block_stop``, ``message_delta``, ``message_stop``). Streams use chunked
transfer encoding, so a cut stream is visible to the client as an incomplete body.

Each request takes the next ``Reply`` from the queue (``enqueue``); when the queue is empty it
takes ``default`` (a Reply, or a function of the ``Received`` request returning one). With
neither, it answers 500 and counts ``exhausted``; the fixture fails the test on that.
Every request is recorded in ``requests`` (method, path, lower-cased headers, parsed body).
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

import pytest

Kind = Literal["text", "json", "status", "malformed", "empty", "refusal", "cut"]


@dataclass(frozen=True)
class Reply:
    """One scripted answer. Build with the class methods; ``delay`` applies to any of them."""

    kind: Kind
    content: str = ""  # the text, the error message or the refusal
    data: Any = None
    code: int = 200  # the HTTP status of a "status" reply
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0  # seconds before the answer starts (past the client's timeout: a timeout)
    chunks: int = 3  # how many deltas a streamed text is split into

    @classmethod
    def text(cls, value: str, chunks: int = 3) -> Reply:
        """A normal completion; streamed in ``chunks`` deltas when the request streams."""
        return cls("text", content=value, chunks=chunks)

    @classmethod
    def json(cls, data: Any) -> Reply:
        """Structured output: OpenAI gets it as the content's JSON text, Anthropic as the input
        of a ``tool_use`` block named by the request's ``tool_choice``."""
        return cls("json", data=data)

    @classmethod
    def status(
        cls, code: int, message: str = "stub error", retry_after: str | None = None
    ) -> Reply:
        """An HTTP error in the API's error format, with ``Retry-After`` when given."""
        headers = (("Retry-After", retry_after),) if retry_after is not None else ()
        return cls("status", content=message, code=code, headers=headers)

    @classmethod
    def malformed(cls) -> Reply:
        """200 with truncated JSON (non-streamed), or an SSE event whose data is cut JSON."""
        return cls("malformed")

    @classmethod
    def empty(cls) -> Reply:
        """A well-formed completion with no text."""
        return cls("empty")

    @classmethod
    def refusal(cls, text: str = "I can't help with that.") -> Reply:
        """OpenAI: ``message.refusal`` set; Anthropic: ``stop_reason: "refusal"``."""
        return cls("refusal", content=text)

    @classmethod
    def cut(cls, text: str = "The first part of a reply that ") -> Reply:
        """The connection closes mid-way: after ``text``'s deltas when streamed, after part of
        the body otherwise."""
        return cls("cut", content=text)

    def after(self, seconds: float) -> Reply:
        """The same reply, ``seconds`` later."""
        return replace(self, delay=seconds)


@dataclass
class Received:
    """One request as the stub saw it."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any
    raw: bytes = b""

    @property
    def api(self) -> str:
        return "anthropic" if self.path.endswith("/messages") else "openai"

    @property
    def stream(self) -> bool:
        return isinstance(self.body, dict) and bool(self.body.get("stream"))


@dataclass
class LLMStub:
    """The server: ``url`` (Anthropic base URL), ``openai_url`` (``url + "/v1"``)."""

    default: Reply | Callable[[Received], Reply] | None = None
    requests: list[Received] = field(default_factory=list)
    exhausted: int = 0
    _queue: deque[Reply] = field(default_factory=deque)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stop: threading.Event = field(default_factory=threading.Event)
    _server: ThreadingHTTPServer | None = None

    def start(self) -> LLMStub:
        stub = self

        class Handler(_Handler):
            owner = stub

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def close(self) -> None:
        self._stop.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the stub first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def openai_url(self) -> str:
        return f"{self.url}/v1"

    @property
    def anthropic_url(self) -> str:
        return self.url

    def enqueue(self, *replies: Reply) -> None:
        with self._lock:
            self._queue.extend(replies)

    def pending(self) -> int:
        with self._lock:
            return len(self._queue)

    def _next(self, received: Received) -> Reply | None:
        with self._lock:
            self.requests.append(received)
            if self._queue:
                return self._queue.popleft()
            if self.default is None:
                self.exhausted += 1
                return None
        return self.default(received) if callable(self.default) else self.default


class _Handler(BaseHTTPRequestHandler):
    owner: LLMStub
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet tests
        pass

    def do_POST(self) -> None:  # noqa: N802 - the http.server name
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            body: Any = json.loads(raw or b"null")
        except ValueError:
            body = None
        received = Received(
            "POST", self.path, {k.lower(): v for k, v in self.headers.items()}, body, raw
        )
        reply = self.owner._next(received)
        try:
            if reply is None:
                self._error(500, "llm_stub: the script ran out of replies", (), received.api)
                return
            if reply.delay and self.owner._stop.wait(reply.delay):
                return
            if not self.path.endswith(("/chat/completions", "/messages")):
                self._error(404, f"llm_stub: no route {self.path}", (), received.api)
            elif reply.kind == "status":
                self._error(reply.code, reply.content, reply.headers, received.api)
            elif received.stream:
                self._stream(reply, received)
            else:
                self._whole(reply, received)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test)

    # -- plain responses ---------------------------------------------------------------------
    def _send(self, status: int, payload: bytes, headers: tuple[tuple[str, str], ...] = ()) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Connection", "close")
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)
        self.close_connection = True

    def _error(
        self, status: int, message: str, headers: tuple[tuple[str, str], ...], api: str
    ) -> None:
        if api == "anthropic":
            kind = {429: "rate_limit_error", 529: "overloaded_error"}.get(status, "api_error")
            body = {"type": "error", "error": {"type": kind, "message": message}}
        else:
            body = {"error": {"message": message, "type": "server_error", "code": None}}
        self._send(status, json.dumps(body).encode(), headers)

    def _whole(self, reply: Reply, received: Received) -> None:
        if reply.kind == "malformed":
            self._send(200, b'{"id": "broken", "choices": [{"message": {"content": "Hel')
            return
        payload = json.dumps(_document(reply, received)).encode()
        if reply.kind == "cut":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload[: len(payload) // 2])
            self._hang_up()
            return
        self._send(200, payload)

    # -- streams -----------------------------------------------------------------------------
    def _stream(self, reply: Reply, received: Received) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        events = _openai_events if received.api == "openai" else _anthropic_events
        for event in events(reply, received):
            if event is CUT:
                self._hang_up()
                return
            self._chunk(event.encode())
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _hang_up(self) -> None:
        self.wfile.flush()
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


CUT = "\0cut"  # marks where a cut stream hangs up


def _pieces(value: str, n: int) -> list[str]:
    if not value:
        return []
    size = max(1, -(-len(value) // max(1, n)))
    return [value[i : i + size] for i in range(0, len(value), size)]


def _tool_name(received: Received) -> str:
    choice = received.body.get("tool_choice") or {}
    return str(choice.get("name") or "reply")


def _document(reply: Reply, received: Received) -> dict[str, Any]:
    """The non-streamed JSON document for a reply."""
    model = received.body.get("model", "stub-model")
    if received.api == "openai":
        content: str | None = reply.content
        if reply.kind == "json":
            content = json.dumps(reply.data)
        elif reply.kind == "empty":
            content = ""
        elif reply.kind == "refusal":
            content = None
        message = {
            "role": "assistant",
            "content": content,
            "refusal": reply.content if reply.kind == "refusal" else None,
        }
        return {
            "id": "chatcmpl-stub",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [
                {"index": 0, "message": message, "finish_reason": "stop", "logprobs": None}
            ],
            "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18},
        }
    blocks: list[dict[str, Any]] = []
    stop = "end_turn"
    if reply.kind == "json":
        blocks = [
            {
                "type": "tool_use",
                "id": "toolu_stub",
                "name": _tool_name(received),
                "input": reply.data,
            }
        ]
        stop = "tool_use"
    elif reply.kind == "refusal":
        stop = "refusal"
    elif reply.kind != "empty":
        blocks = [{"type": "text", "text": reply.content}]
    return {
        "id": "msg_stub",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": blocks,
        "stop_reason": stop,
        "stop_sequence": None,
        "usage": {"input_tokens": 11, "output_tokens": 7},
    }


def _sse(data: Any, event: str | None = None) -> str:
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {data if isinstance(data, str) else json.dumps(data)}\n\n"


def _openai_events(reply: Reply, received: Received) -> Iterator[str]:
    model = received.body.get("model", "stub-model")

    def chunk(delta: dict[str, Any], finish: str | None = None) -> str:
        return _sse(
            {
                "id": "chatcmpl-stub",
                "object": "chat.completion.chunk",
                "created": int(time.time()),
                "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            }
        )

    yield chunk({"role": "assistant", "content": ""})
    if reply.kind == "malformed":
        yield 'data: {"id": "chatcmpl-stub", "choices": [{"delta": {"content": "Hel\n\n'
    elif reply.kind == "refusal":
        yield chunk({"refusal": reply.content})
    elif reply.kind != "empty":
        value = json.dumps(reply.data) if reply.kind == "json" else reply.content
        for piece in _pieces(value, reply.chunks):
            yield chunk({"content": piece})
    if reply.kind == "cut":
        yield CUT
        return
    yield chunk({}, "stop")
    yield _sse("[DONE]")


def _anthropic_events(reply: Reply, received: Received) -> Iterator[str]:
    model = received.body.get("model", "stub-model")
    start = {
        "id": "msg_stub",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
        "usage": {"input_tokens": 11, "output_tokens": 1},
    }
    yield _sse({"type": "message_start", "message": start}, "message_start")
    stop = "end_turn"
    if reply.kind == "malformed":
        yield 'event: content_block_start\ndata: {"type": "content_block_start", "ind\n\n'
    elif reply.kind == "refusal":
        stop = "refusal"
    elif reply.kind != "empty":
        if reply.kind == "json":
            block = {
                "type": "tool_use",
                "id": "toolu_stub",
                "name": _tool_name(received),
                "input": {},
            }
            value, delta_type, key = json.dumps(reply.data), "input_json_delta", "partial_json"
            stop = "tool_use"
        else:
            block = {"type": "text", "text": ""}
            value, delta_type, key = reply.content, "text_delta", "text"
        yield _sse(
            {"type": "content_block_start", "index": 0, "content_block": block},
            "content_block_start",
        )
        for piece in _pieces(value, reply.chunks):
            delta = {
                "type": "content_block_delta",
                "index": 0,
                "delta": {"type": delta_type, key: piece},
            }
            yield _sse(delta, "content_block_delta")
        if reply.kind == "cut":
            yield CUT
            return
        yield _sse({"type": "content_block_stop", "index": 0}, "content_block_stop")
    message_delta = {
        "type": "message_delta",
        "delta": {"stop_reason": stop, "stop_sequence": None},
        "usage": {"output_tokens": 7},
    }
    yield _sse(message_delta, "message_delta")
    yield _sse({"type": "message_stop"}, "message_stop")


@pytest.fixture
def llm_stub() -> Iterator[LLMStub]:
    """A started stub; fails the test if a request found the script empty and no default."""
    stub = LLMStub().start()
    try:
        yield stub
    finally:
        stub.close()
    assert stub.exhausted == 0, f"{stub.exhausted} request(s) found the stub's script empty"
