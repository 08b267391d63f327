"""Chat helpers shared by the Practice and Drill tabs: transcript turns as chat messages, the
message-to-turn mapping for thumbs, progress and timer text, and streaming a service call.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, cast

from gradio.components.chatbot import MessageDict

from ..live import Chunk
from ..models import Turn
from ..progress import Progress
from .render import escape_text

if TYPE_CHECKING:
    from ..service import InterviewService

T = TypeVar("T")
THINKING = "…"


@dataclass
class ChatState:
    """One browser's interview in progress: what the chat shows and where it maps to."""

    progress: Progress
    messages: list[MessageDict] = field(default_factory=list)
    turn_of: list[int | None] = field(default_factory=list)  # chat index -> transcript turn
    last_seq: int | None = None  # the newest stored turn this window has seen

    @property
    def session_id(self) -> str:
        return self.progress.session_id

    @property
    def finished(self) -> bool:
        return self.progress.status == "finished"


# -- pure helpers (unit-tested) -----------------------------------------------------------------
def message_for(turn: Turn) -> MessageDict:
    """A chat message for a stored turn; every text escaped so it shows literally."""
    if turn.role == "candidate":
        text = "*Skipped this question.*" if turn.kind == "skip" else escape_text(turn.text)
        return MessageDict(role="user", content=text)
    return MessageDict(role="assistant", content=escape_text(turn.text))


def chat_messages(
    turns: list[Turn], keep: Callable[[Turn], bool] | None = None
) -> tuple[list[MessageDict], list[int | None]]:
    """Messages for the chat and, for each, the index of the transcript turn it shows."""
    messages: list[MessageDict] = []
    turn_of: list[int | None] = []
    for seq, turn in enumerate(turns):
        if keep is None or keep(turn):
            messages.append(message_for(turn))
            turn_of.append(seq)
    return messages, turn_of


def turn_for(turn_of: list[int | None], index: object) -> int | None:
    """The transcript turn behind chat message ``index`` (None if it shows no stored turn)."""
    if isinstance(index, list | tuple):
        index = index[0] if index else None
    if not isinstance(index, int) or not 0 <= index < len(turn_of):
        return None
    return turn_of[index]


def rating_for(liked: bool | str) -> str | None:
    """The chatbot's like value -> the stored rating: True 'up', False 'down', '' none."""
    if liked is True or liked == "Like":
        return "up"
    if liked is False or liked == "Dislike":
        return "down"
    return None


def feedback_values(
    turns: list[Turn], turn_of: list[int | None], ratings: dict[int, str | None]
) -> list[str | None]:
    """The chatbot's thumbs, one per assistant message, from the stored ratings."""
    shown = {"up": "Like", "down": "Dislike"}
    return [
        shown.get(ratings.get(seq) or "")
        for seq in turn_of
        if seq is not None and turns[seq].role == "interviewer"
    ]


def clock(seconds: float) -> str:
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def progress_text(p: Progress) -> str:
    if p.status == "finished":
        return f"Finished · {p.answers} answer{'s' if p.answers != 1 else ''}"
    return f"Question {min(p.question_number, p.question_count)} of {p.question_count}"


def timer_text(p: Progress, now: datetime | None = None) -> str:
    elapsed = ((now or datetime.now(UTC)) - p.started_at).total_seconds()
    text = f"{clock(elapsed)} elapsed of {p.time_box_minutes} min"
    if p.status != "finished" and elapsed > p.time_box_minutes * 60:
        text += " · time is up: wrap up when you are ready"
    return text


class Streamed(Generic[T]):
    """Runs ``call(on_chunk)`` in a worker thread; iterating yields the text streamed so far.

    The interviewer's words arrive chunk by chunk from the provider (the offline one sends one
    chunk). If the page goes away mid-stream, the worker still finishes and stores the turn.
    """

    def __init__(self, call: Callable[[Chunk], T]) -> None:
        self._call = call
        self._chunks: queue.Queue[str | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._result: T | None = None
        self._error: BaseException | None = None

    def _run(self) -> None:
        try:
            self._result = self._call(self._chunks.put)
        except BaseException as exc:  # handed to the caller's thread by result()
            self._error = exc
        finally:
            self._chunks.put(None)

    def __iter__(self) -> Iterator[str]:
        if self._thread is not None:
            raise RuntimeError("a streamed call runs once")
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        text = ""
        while (chunk := self._chunks.get()) is not None:
            text += chunk
            yield text

    def result(self) -> T:
        """The call's result (running it first if it was not iterated); re-raises its error."""
        if self._thread is None:
            for _ in self:
                pass
        assert self._thread is not None
        self._thread.join()
        if self._error is not None:
            raise self._error
        return cast(T, self._result)


def says(text: str) -> MessageDict:
    return MessageDict(role="assistant", content=text)


class Shown(Protocol):
    """What a tab keeps per browser for its chat: the session, its messages, the newest turn."""

    messages: list[MessageDict]
    last_seq: int | None

    @property
    def session_id(self) -> str: ...


def stream_answer(
    service: InterviewService,
    owner: str,
    state: Shown,
    text: str,
    chat: Any,
    answer: Any,
    view: Callable[[str, str], dict[Any, Any]],
) -> Iterator[dict[Any, Any]]:
    """Send an answer and stream the reply into ``chat``; then show the stored session.

    The answer shows at once; the reply grows as the provider words it. If the interview moved
    on in another window, nothing is recorded and the text goes back into the ``answer`` box;
    on any other failure too (``at_edge`` around the caller says what happened).
    """
    import gradio as gr

    from ..errors import SessionMoved
    from .identity import user_message

    shown = [*state.messages, MessageDict(role="user", content=escape_text(text))]
    yield {chat: [*shown, says(THINKING)], answer: ""}
    sid, seen = state.session_id, state.last_seq
    job = Streamed(lambda on_chunk: service.reply(sid, text, owner, on_chunk, seen))
    for partial in job:
        yield {chat: [*shown, says(escape_text(partial))]}
    try:
        job.result()
    except SessionMoved as moved:  # answered in another window: nothing was recorded
        gr.Warning(user_message(moved))
        yield view(sid, owner) | {answer: text}
        return
    except Exception:  # the answer goes back in the box; at_edge says what happened
        yield {chat: state.messages, answer: text}
        raise
    yield view(sid, owner)
