"""Live sessions: the interviews in use, in memory, rebuilt from storage when they are not.

A live session is an ``InterviewAgent`` plus how many of its turns are stored. Calls on one
session are serialised by its lock; calls on different sessions run in parallel. A session not in
memory (after a restart, in another process, or evicted) is rebuilt by ``agent.replay`` from its
stored turns. Appends are numbered; when another process got there first the copy here is
dropped, rebuilt from the log, and the action applied on top.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from .agent import Decision, InterviewAgent, replay
from .errors import NotFoundError, SessionConflict, SessionMoved
from .models import Plan, Turn
from .storage import SessionRepository
from .storage.repository import now

Chunk = Callable[[str], None]
Action = Callable[[InterviewAgent], Decision | None]
Wording = Callable[[InterviewAgent, Decision, Chunk | None], tuple[str, list[str]]]


@dataclass
class _Live:
    agent: InterviewAgent
    owner: str
    stored: int  # how many of the agent's turns are in the database
    lock: threading.Lock = field(default_factory=threading.Lock)


class LiveSessions:
    """The sessions in memory, at most ``max_live`` (least recently used are dropped)."""

    def __init__(
        self,
        repository: Callable[[], SessionRepository],
        make_agent: Callable[[Plan, str | None], InterviewAgent],
        word: Wording,
        max_live: int,
    ) -> None:
        self._repository = repository
        self._make_agent = make_agent
        self._word = word
        self._max_live = max_live
        self._lock = threading.Lock()
        self._live: OrderedDict[str, _Live] = OrderedDict()

    @property
    def repository(self) -> SessionRepository:
        return self._repository()

    def open(
        self, session_id: str, owner: str, agent: InterviewAgent, on_chunk: Chunk | None
    ) -> list[Turn]:
        """Start a session already created in storage: ask its first question."""
        live = _Live(agent=agent, owner=owner, stored=0)
        with live.lock:
            turns = self._act(session_id, live, lambda a: a.start(), on_chunk)
        self._remember(session_id, live)
        return turns

    def agent(self, session_id: str, owner: str | None) -> InterviewAgent:
        """The session's agent, rebuilt from storage if it is not in memory."""
        return self._get(session_id, owner).agent

    def __contains__(self, session_id: str) -> bool:
        return session_id in self._live

    def forget(self, session_id: str) -> None:
        with self._lock:
            self._live.pop(session_id, None)

    def run(
        self,
        session_id: str,
        owner: str | None,
        action: Callable[[InterviewAgent], Decision | None],
        on_chunk: Chunk | None,
        after: int | None = None,
    ) -> list[Turn]:
        """Apply an agent action to a session and store what it produced.

        The candidate's turn is committed before the reply is worded; the reply is committed
        before it is returned. [] when the session is finished. ``after`` is the position of
        the last turn the caller has seen: if the session has moved on since (another window,
        another process), SessionMoved is raised and nothing is recorded.
        """
        for attempt in range(3):
            try:
                if session_id not in self._live:
                    if self.repository.info(session_id, owner).status == "finished":
                        return []  # nothing more to say; no need to rebuild it
                live = self._get(session_id, owner)
                with live.lock:
                    if self._live.get(session_id) is not live:
                        continue  # evicted while we waited: take the fresh one
                    if after is not None and live.agent.last_seq != after:
                        raise _moved(live.agent)
                    return self._act(session_id, live, action, on_chunk)
            except SessionMoved:
                raise
            except SessionConflict:
                self.forget(session_id)  # another process moved on: rebuild from the log
                if attempt == 2:
                    raise
            except BaseException:
                self.forget(session_id)  # never keep a half-applied state in memory
                raise
        raise SessionConflict(f"session {session_id} keeps changing elsewhere; try again")

    def _act(
        self,
        session_id: str,
        live: _Live,
        action: Callable[[InterviewAgent], Decision | None],
        on_chunk: Chunk | None,
    ) -> list[Turn]:
        agent = live.agent
        decision = action(agent)
        self._flush(session_id, live)  # the candidate's turn is durable before any wording
        if decision is None:
            return []
        return [self._word_and_store(session_id, live, decision, on_chunk)]

    def _word_and_store(
        self, session_id: str, live: _Live, decision: Decision, on_chunk: Chunk | None
    ) -> Turn:
        agent = live.agent
        text, notes = self._word(agent, decision, on_chunk)
        turn = agent.record(decision, text, notes=notes, at=now())
        self._flush(session_id, live)
        return turn

    def _flush(self, session_id: str, live: _Live) -> None:
        agent = live.agent
        new = agent.transcript.turns[live.stored :]
        finished = agent.finished and not agent.pending
        if not new and not finished:
            return
        self.repository.append(
            session_id,
            live.stored,
            new,
            status="finished" if finished else None,
            ended_by=agent.transcript.ended_by if finished else None,
        )
        live.stored = len(agent.transcript.turns)

    def _get(self, session_id: str, owner: str | None) -> _Live:
        with self._lock:
            live = self._live.get(session_id)
            if live is not None:
                if owner is not None and live.owner != owner:
                    raise NotFoundError(f"no session {session_id!r}")
                self._live.move_to_end(session_id)
                return live
        info = self.repository.info(session_id, owner)  # NotFoundError for a stranger's id
        plan = self.repository.plan(session_id)
        agent = self._make_agent(plan, session_id)
        stored = self.repository.turns(session_id)
        pending = replay(agent, stored)
        live = _Live(agent=agent, owner=info.owner, stored=len(stored))
        if pending is not None:  # stopped after storing an answer, before storing the reply
            with live.lock:
                self._word_and_store(session_id, live, pending, None)
        return self._remember(session_id, live)

    def _remember(self, session_id: str, live: _Live) -> _Live:
        with self._lock:
            existing = self._live.get(session_id)
            if existing is not None:
                return existing  # another thread rebuilt it first; use one copy
            self._live[session_id] = live
            while len(self._live) > self._max_live:
                self._live.popitem(last=False)
            return live


def _moved(agent: InterviewAgent) -> SessionMoved:
    last = next((t for t in reversed(agent.transcript.turns) if t.role == "interviewer"), None)
    question = last.text.split("\n\n")[-1] if last else ""
    return SessionMoved(
        "This interview went on in another window; your last input was not recorded. "
        f"The interviewer now asks: {question}",
        question,
    )
