"""InterviewService: the one API that the CLI, the terminal chat, the web app and evals call.

Front ends read input and show turns; everything else happens here. Data flow for one answer:
front end -> ``reply(session_id, text)`` -> the agent decides (reading the answer) -> the answer
is committed to the database -> the provider words the decision (streamed) -> the interviewer's
turn is committed -> front end. At the end: ``end()`` -> scoring (offline or a judge) -> the
scorecard is stored, versioned.

Sessions live in memory while in use and are rebuilt from their stored turns when they are not
(after a restart, or in another process): ``agent.replay`` runs the same decisions again, so the
rebuilt interview asks exactly the next question the uninterrupted one would. Calls on one
session are serialised by a per-session lock; different sessions run in parallel threads.
"""

from __future__ import annotations

import base64
import re
import secrets
from collections.abc import Iterable
from typing import TYPE_CHECKING, TypeVar

from .adhoc import FollowUpDecision, decide_once, persona_for, question_for
from .agent import Decision, InterviewAgent
from .config import Settings
from .drills import drill_plan, question_for_topic, random_question
from .errors import InputError, InterviewerError, NotFoundError
from .live import Chunk, LiveSessions
from .model_use import with_model_use
from .models import (
    Dimension,
    Level,
    Plan,
    PlannedQuestion,
    Question,
    SessionInfo,
    Transcript,
    Turn,
)
from .planner import plan_interview
from .progress import HistoryPoint, Progress, history_point, weakest
from .providers import Provider
from .resources import Resources
from .scoring.judge import judge_transcript
from .scoring.scorecard import Scorecard
from .storage.repository import now
from .transcripts import import_plan
from .wording import word

if TYPE_CHECKING:
    from .review import ReviewDesk

    pass

MIN_TIME_BOX, MAX_TIME_BOX = 5, 180  # minutes, as Plan.time_box_minutes allows
MAX_LIVE_SESSIONS = 2_000  # evicted sessions are rebuilt from the database when used again
T = TypeVar("T")


class InterviewService(Resources):
    """The API of the product: sessions, drills, scoring, from one Settings.

    Thread-safe. ``owner`` arguments scope every session call: a session is found only by its
    owner (``None`` means any owner, for the local command line and for coaches).
    """

    def __init__(
        self,
        settings: Settings | None = None,
        provider: Provider | None = None,
        judge: Provider | None = None,
    ) -> None:
        super().__init__(settings, provider, judge)
        self.live = LiveSessions(
            lambda: self.repository, self._agent, self._word, MAX_LIVE_SESSIONS
        )

    @property
    def review(self) -> ReviewDesk:
        """The coach's API (overrides, comments, agreement); the UI checks the login."""
        from .review import ReviewDesk
        from .storage.reviews import ReviewRepository

        return self._once(
            "review", lambda: ReviewDesk(self, ReviewRepository(self.repository.engine))
        )

    def plan(
        self,
        persona: str | None = None,
        role: str | None = None,
        level: Level | None = None,
        jd: str | None = None,
        resume: str | None = None,
        time_box: int | None = None,
        progress: bool = True,
    ) -> Plan:
        """The questions an interview would ask (nothing is stored)."""
        _check_document(jd, "job description")
        _check_document(resume, "resume")
        count = None
        if time_box is not None:
            if not MIN_TIME_BOX <= time_box <= MAX_TIME_BOX:
                raise InputError(
                    f"the time box must be {MIN_TIME_BOX}-{MAX_TIME_BOX} minutes, not {time_box}"
                )
            minutes = self.bank.persona(persona).minutes_per_question if persona else 8
            count = max(1, (time_box - 5) // minutes)
        store = self.open_store(progress=progress)
        plan = plan_interview(self.bank, store, persona, role, level, jd, resume, count=count)
        if time_box is None:
            return plan
        return Plan.model_validate({**plan.model_dump(), "time_box_minutes": time_box})

    # -- sessions -------------------------------------------------------------------------------
    def start(
        self,
        persona: str | None = None,
        role: str | None = None,
        level: Level | None = None,
        jd: str | None = None,
        resume: str | None = None,
        time_box: int | None = None,
        owner: str | None = None,
        on_chunk: Chunk | None = None,
        progress: bool = False,
    ) -> tuple[str, list[Turn]]:
        """Plan and store a new interview; returns (session_id, the interviewer's first turns)."""
        # a missing key or a server that is down says so before any planning, the judge's too
        _ = self.provider, self.judge
        plan = self.plan(persona, role, level, jd, resume, time_box, progress=progress)
        return self.start_plan(plan, owner, on_chunk)

    def start_plan(
        self, plan: Plan, owner: str | None = None, on_chunk: Chunk | None = None
    ) -> tuple[str, list[Turn]]:
        """Store a new session for a ready plan and ask its first question."""
        _ = self.provider  # an unknown or broken provider fails here, before anything is stored
        session_id = new_session_id()
        owner = owner or self.settings.owner
        self.repository.create(session_id, owner, plan)
        turns = self.live.open(session_id, owner, self._agent(plan, session_id), on_chunk)
        return session_id, turns

    def reply(
        self,
        session_id: str,
        text: str,
        owner: str | None = None,
        on_chunk: Chunk | None = None,
        after: int | None = None,
    ) -> list[Turn]:
        """The candidate's message; returns the interviewer's next turns ([] once finished).

        The answer is committed to the database before the reply is worded and returned.
        ``after``: the ``seq`` of the last turn the front end showed; if the interview has moved
        on since (another window), SessionMoved is raised and the answer is not recorded.
        """
        action = lambda a: a.reply(text, at=now())  # noqa: E731
        return self.live.run(session_id, owner, action, on_chunk, after)

    def skip(
        self, session_id: str, owner: str | None = None, after: int | None = None
    ) -> list[Turn]:
        """Move to the next question; the skip is recorded in the transcript."""
        return self.live.run(session_id, owner, lambda a: a.skip(at=now()), None, after)

    def repeat_question(self, session_id: str, owner: str | None = None) -> list[Turn]:
        """Say the current question again."""
        return self.live.run(session_id, owner, lambda a: a.repeat_question(), None)

    def end(self, session_id: str, owner: str | None = None) -> Scorecard:
        """Finish the interview (if it is not finished) and return its stored scorecard."""
        self.live.run(session_id, owner, lambda a: a.end(), None)
        existing = self.repository.latest_scorecard(session_id)
        return existing or self.score(session_id, owner)

    def score(self, session_id: str, owner: str | None = None) -> Scorecard:
        """Score the session's transcript now and store the scorecard as a new version."""
        transcript = self.get(session_id, owner)
        card = self.score_transcript(transcript)
        self.repository.save_scorecard(session_id, card)
        return card

    def get(self, session_id: str, owner: str | None = None) -> Transcript:
        """The stored transcript (the `simulate --json` format, without the scorecard)."""
        info = self.repository.info(session_id, owner)
        return Transcript(
            id=info.id,
            persona=info.persona,
            role=info.role,
            level=info.level,
            turns=self.repository.turns(session_id),
            ended_by=info.ended_by,  # type: ignore[arg-type]
        )

    def info(self, session_id: str, owner: str | None = None) -> SessionInfo:
        return self.repository.info(session_id, owner)

    def list_sessions(self, owner: str | None = None) -> list[SessionInfo]:
        """Sessions newest first, with their latest overall score."""
        return self.repository.list_sessions(owner)

    def scorecard(self, session_id: str, owner: str | None = None) -> Scorecard | None:
        """The latest stored scorecard, or None if the session was never scored."""
        self.repository.info(session_id, owner)
        return self.repository.latest_scorecard(session_id)

    def resolve(self, id_or_prefix: str, owner: str | None = None) -> str:
        """A full session id from a unique prefix (command-line convenience)."""
        return self.repository.resolve(id_or_prefix, owner)

    def rate_turn(
        self, session_id: str, seq: int, value: str | None, owner: str | None = None
    ) -> None:
        """Thumbs up/down (or None to take it back) on an interviewer turn."""
        if value not in ("up", "down", None):
            raise InputError("a rating is 'up', 'down' or none")
        turns = self.get(session_id, owner).turns
        if not 0 <= seq < len(turns) or turns[seq].role != "interviewer":
            raise InputError(f"turn {seq} is not an interviewer turn of this session")
        self.review.records.rate_turn(session_id, seq, value)

    def progress(self, session_id: str, owner: str | None = None) -> Progress:
        """Where the interview stands: question k of n, answers, status, time box."""
        info = self.info(session_id, owner)
        plan = self.repository.plan(session_id)
        agent = self.live.agent(session_id, owner) if info.status != "finished" else None
        number = agent.question_number if agent else len(plan.questions)
        persona = self.bank.persona(plan.persona)
        return Progress(
            session_id=session_id,
            persona=info.persona,
            question_number=max(1, number),
            question_count=len(plan.questions),
            answers=info.answers,
            status=info.status,
            started_at=info.created_at,
            time_box_minutes=plan.time_box_minutes or persona.duration_minutes,
        )

    def history(self, owner: str | None = None) -> list[HistoryPoint]:
        """The owner's scored sessions, oldest first, for progress charts."""
        points = []
        for info in reversed(self.list_sessions(owner)):
            card = self.repository.latest_scorecard(info.id)
            if card is not None:
                points.append(history_point(info, card))
        return points

    def weakest_dimension(self, owner: str | None = None) -> Dimension | None:
        """The depth dimension the owner's recent answers show least (None without history)."""
        return weakest(self.history(owner))

    def pending_turns(self, session_id: str, owner: str | None = None) -> list[Turn]:
        """Load the session (rebuilding it if needed) and return its last interviewer turn.

        What a resumed front end shows: the question the candidate is to answer next.
        """
        agent = self.live.agent(session_id, owner)
        for turn in reversed(agent.transcript.turns):
            if turn.role == "interviewer":
                return [turn]
        return []

    def import_transcript(
        self, transcript: Transcript, owner: str | None = None, card: Scorecard | None = None
    ) -> str:
        """Store a transcript from a file as a finished session (its scorecard too, if given).

        The session keeps the file's id when it has one that is free; a file already imported
        is refused with the id it was stored under.
        """
        owner = owner or self.settings.owner
        keep = transcript.id and re.fullmatch(r"[A-Za-z0-9_-]{6,64}", transcript.id)
        session_id = transcript.id if keep and transcript.id else new_session_id()
        try:
            self.repository.info(session_id)
        except NotFoundError:
            pass
        else:
            raise InputError(f"this transcript is already stored as session {session_id}")
        started = next((t.at for t in transcript.turns if t.at is not None), None)
        self.repository.create(session_id, owner, import_plan(self.bank, transcript), at=started)
        turns = [t.model_copy(update={"seq": i}) for i, t in enumerate(transcript.turns)]
        ended_by = transcript.ended_by or "candidate"
        self.repository.append(session_id, 0, turns, status="finished", ended_by=ended_by)
        if card is not None:
            self.repository.save_scorecard(session_id, card)
        return session_id

    # -- one-shot flows -------------------------------------------------------------------------
    def follow_up(self, question: str, answer: str, persona: str | None = None) -> FollowUpDecision:
        """What a live interview would do after this answer to this question: same code path."""
        if not question.strip():
            raise InputError("--question is empty; pass the question that was asked")
        chosen = self.bank.persona(persona) if persona else None
        q = question_for(self.bank, question, chosen)
        plan = Plan(
            persona=persona_for(self.bank, q, chosen).id,
            questions=[PlannedQuestion(id=q.id, text=q.text, topics=q.topics, why="follow-up")],
        )
        return decide_once(self._agent(plan, None, questions=[q]), answer)

    def simulate(
        self,
        answers: Iterable[str],
        persona: str | None = None,
        role: str | None = None,
        level: Level | None = None,
        jd: str | None = None,
        resume: str | None = None,
        owner: str | None = None,
    ) -> tuple[Transcript, Scorecard]:
        """A whole stored interview with the given replies; ends when they run out."""
        session_id, _ = self.start(persona, role, level, jd, resume, owner=owner)
        for answer in answers:
            if self.info(session_id).status == "finished":
                break
            self.reply(session_id, answer)
        card = self.end(session_id)
        return self.get(session_id), card

    def drill(
        self,
        persona: str | None = None,
        topic: str | None = None,
        level: Level | None = None,
        owner: str | None = None,
        focus: Dimension | None = None,
    ) -> tuple[str, list[Turn], str | None]:
        """A one-question drill session: (session_id, first turns, a note for the candidate).

        The question is the closest to ``topic`` by meaning, or a random one. Answer it with
        ``reply``; after one probe the drill ends, and ``end`` returns its scorecard.
        """
        if topic and topic.strip():
            question, note = question_for_topic(self.bank, self.open_store(), topic, persona, level)
        else:
            question, note = random_question(self.bank, persona, level, focus), None
        plan = drill_plan(self.bank, question, persona, level)
        session_id, turns = self.start_plan(plan, owner)
        return session_id, turns, note

    def score_transcript(self, transcript: Transcript) -> Scorecard:
        """The scorecard of any transcript (stored or from a file), through the judge."""
        persona = self.bank.persona(transcript.persona)
        try:
            judge: Provider | None = self.judge
        except InterviewerError:
            judge = None  # judge_transcript builds it again and falls back visibly, with why
        card = judge_transcript(
            transcript,
            self.bank.rubric_for(persona),
            self.provider,
            self.bank,
            self.settings.max_answer_chars,
            self.reader,
            judge=judge,
        )
        return with_model_use(card, transcript, self.settings)

    # -- internals ------------------------------------------------------------------------------
    def _word(
        self, agent: InterviewAgent, decision: Decision, on_chunk: Chunk | None
    ) -> tuple[str, list[str]]:
        question = agent.thread.question if agent.thread is not None else None
        return word(
            self.provider,
            agent.persona,
            agent.transcript,
            decision,
            on_chunk,
            question=question,
            budget=self.token_budget,
            counter=self.token_counter,
        )

    def _agent(
        self, plan: Plan, session_id: str | None, questions: list[Question] | None = None
    ) -> InterviewAgent:
        return InterviewAgent(
            self.bank,
            plan,
            self.settings.max_answer_chars,
            self.reader,
            transcript_id=session_id,
            questions=questions,
        )


def new_session_id() -> str:
    """120 random bits as 24 lowercase base32 characters: unguessable, safe in URLs and on a
    command line (never starts with '-'), and easy to read back."""
    return base64.b32encode(secrets.token_bytes(15)).decode("ascii").lower()


def _check_document(text: str | None, what: str) -> None:
    """Refuse an empty or binary job description or resume, with a message that says so."""
    if text is None:
        return
    if not text.strip():
        raise InputError(f"the {what} is empty; paste its text or leave it out")
    sample = text[:4000]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t")
    if "\x00" in sample or "\ufffd" * 3 in sample or controls > len(sample) * 0.05:
        raise InputError(
            f"the {what} looks like a binary file, not text; paste its text or save it as .txt"
        )
