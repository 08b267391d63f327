"""The interviewer: asks one question at a time, probes the weakest missing dimension, throws
wrenches in design rounds, keeps the time box and closes with the candidate's questions.

The agent *decides*; it never words a turn through a model and never scores. Each call returns a
``Decision`` (what to do, and a draft of the words); the caller (the service) has a provider word
it, possibly streaming, and hands the final text back with ``record()``. Keeping the two apart
lets a resumed session replay its stored turns through the same decisions without calling a
model again (see ``replay``), and lets the `follow-up` command run exactly this code.

Text the candidate writes is data, never instructions: attempts to steer the interviewer are
noted and ignored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from .analysis import DEFAULT_MAX_CHARS, AnswerAnalysis, Reader, analyse_answer
from .analysis.text import clean_text, split_sentences
from .bank import Bank
from .errors import InterviewerError
from .listening import (
    MAX_CLARIFICATIONS,
    after_not_done,
    after_not_done_design,
    answer_clarification,
    empty_offer,
    is_clarifying,
    not_done,
    pending_question,
)
from .models import Dimension, Persona, Plan, Question, Transcript, Turn, TurnKind
from .probes import (
    BUILD_ON_IT,
    SKETCH_NUDGES,
    follow_up_text,
    probe_target,
    short_quote,
    shown_for_probing,
    stable_index,
)

WORDS_PER_MINUTE = 130  # speaking pace used to turn answers into interview minutes
# Question kinds that ask about something that happened, not how one would do something.
PAST_KINDS = frozenset({"behavioural", "experience", "leadership", "problem"})
CLOSING_RESERVE_MINUTES = 5
END_COMMANDS = frozenset({"/end", "/quit", "/exit", "/stop"})
SKIP_COMMANDS = frozenset({"/skip", "/next"})
EMPTY_BEFORE_MOVING_ON = 2  # re-asks in a row (the second offers to skip) before moving on
_NEUTRAL_NOTES = frozenset({"reask", "steering_ignored", "repeat"})


class Decision(BaseModel):
    """What the interviewer does next, before it is worded.

    ``text`` is the offline engine's draft; ``lead`` (an acknowledgement, or a note about a very
    long answer) goes before it. ``analysis`` is the reading of the answer that led here, if any.
    """

    model_config = ConfigDict(frozen=True)

    kind: TurnKind
    text: str
    lead: str | None = None
    question_id: str | None = None
    target: Dimension | None = None
    notes: tuple[str, ...] = ()
    analysis: AnswerAnalysis | None = Field(default=None, exclude=True)

    @property
    def draft(self) -> str:
        return f"{self.lead}\n\n{self.text}" if self.lead else self.text


@dataclass
class _Thread:
    """State of the current main question."""

    question: Question
    probes: int = 0
    wrenches: int = 0
    redirects: int = 0
    reasks: int = 0  # replies that could not be read (noise, another language), asked again
    clarified: bool = False
    nudges: int = 0
    designed: bool = False
    minutes: float = 0.0
    words: int = 0  # across the thread's on-topic replies: a design may come in short pieces
    substance: int = 0
    clarifications: int = 0
    facts_used: set[int] = field(default_factory=set)
    not_done: int = 0  # times the candidate said they have not done this
    followups: int = 0  # follow-ups of any kind (probes, nudges, wrenches, redirects)
    shown: set[str] = field(default_factory=set)
    probed: set[str] = field(default_factory=set)


class InterviewAgent:
    """One interview's decisions. ``start()``, then ``reply(text)`` until ``finished``.

    Every method that returns a Decision leaves it pending; ``record(decision, text)`` appends
    the worded turn to ``transcript``. Not thread-safe: the service serialises calls per session.
    """

    def __init__(
        self,
        bank: Bank,
        plan: Plan,
        max_answer_chars: int = DEFAULT_MAX_CHARS,
        reader: Reader | None = None,
        transcript_id: str | None = None,
        questions: list[Question] | None = None,
    ) -> None:
        self.bank = bank
        persona = bank.persona(plan.persona)
        updates: dict[str, int] = {}
        if plan.probes_per_question is not None:
            updates["probes_per_question"] = plan.probes_per_question
        if plan.time_box_minutes is not None:
            updates["duration_minutes"] = plan.time_box_minutes
        self.persona: Persona = persona.model_copy(update=updates) if updates else persona
        self.plan = plan
        self.questions = questions or [bank.question(p.id) for p in plan.questions]
        if not self.questions:
            raise InterviewerError(f"no questions planned for persona {self.persona.id!r}")
        self.max_answer_chars = max_answer_chars
        self.reader = reader or Reader()
        self.transcript = Transcript(
            id=transcript_id, persona=self.persona.id, role=plan.role, level=plan.level
        )
        self.phase = "not_started"
        self.index = -1
        self.thread: _Thread | None = None
        self.minutes = 0.0
        self.steering_attempts = 0
        self.pending: Decision | None = None
        self.last_analysis: AnswerAnalysis | None = None

    # -- public API -------------------------------------------------------------------------
    @property
    def finished(self) -> bool:
        return self.phase == "done"

    @property
    def question_number(self) -> int:
        """1-based number of the current main question (0 before the start)."""
        return self.index + 1

    def start(self) -> Decision:
        if self.phase != "not_started":
            raise InterviewerError("the interview has already started")
        self.phase = "main"
        return self._pend(self._next_question(lead=self._opening()))

    def reply(self, raw: str, at: datetime | None = None) -> Decision | None:
        """Take the candidate's message; returns what the interviewer does next (None if done).

        ``/skip`` and ``/end`` (and their synonyms) are commands, not answers. Empty input is
        re-asked and not recorded. Anything else is appended to the transcript as a candidate
        turn before the decision is returned.
        """
        self._check_ready()
        if self.finished:
            return None
        self.last_analysis = None
        text = clean_text(raw or "")
        command = text.lower()
        if command in END_COMMANDS:
            return self.end()
        if not text:
            if self.phase == "main" and self._empty_streak() >= EMPTY_BEFORE_MOVING_ON:
                # a third empty reply after the offer to skip: move on rather than say the
                # offer again (recorded as a skip, so a rebuilt session decides the same)
                return self.skip(at, lead="Let's leave that one for now and move on.")
            return self._pend(self._reask())
        if command in SKIP_COMMANDS and self.phase == "main":
            return self.skip(at)
        notes: list[str] = []
        truncated = len(text) > self.max_answer_chars
        if truncated:
            notes.append("truncated")
        main = self.thread is not None and self.phase == "main"
        clarify = main and is_clarifying(text)
        candidate = Turn(
            role="candidate",
            kind="clarify" if clarify else "answer",
            text=text,
            notes=notes,
            question_id=self.thread.question.id if main and self.thread else None,
            at=at,
        )
        self._append(candidate)
        analysed = text[: self.max_answer_chars]
        self.minutes += 0.5 + len(analysed.split()) / WORDS_PER_MINUTE
        if clarify:
            decision = self._clarify(analysed)
        elif self.phase == "main":
            decision = self._after_answer(analysed, notes)
            candidate.notes = list(notes)  # what the interviewer concluded about this answer
            decision = decision.model_copy(update={"analysis": self.last_analysis})
        elif self.phase == "candidate_questions":
            decision = self._closing_logistics()
        else:
            decision = self._farewell()
        if truncated:
            note = (
                f"(Your answer was very long, so I focused on its first "
                f"{self.max_answer_chars:,} characters; nothing you wrote is lost.)"
            )
            lead = f"{note} {decision.lead}" if decision.lead else note
            decision = decision.model_copy(update={"lead": lead})
        return self._pend(decision)

    def skip(
        self, at: datetime | None = None, lead: str = "No problem, let's move on."
    ) -> Decision | None:
        """The candidate asks to move on: recorded as a ``skip`` turn, then the next question."""
        self._check_ready()
        if self.finished:
            return None
        if self.phase != "main":
            return self._pend(self._reask())  # nothing to skip in the closing segment
        qid = self.thread.question.id if self.thread else None
        self._append(Turn(role="candidate", kind="skip", text="/skip", question_id=qid, at=at))
        return self._pend(self._move_on(lead=lead))

    def repeat_question(self) -> Decision | None:
        """Say the current question (or closing prompt) again; changes no state."""
        self._check_ready()
        if self.finished:
            return None
        last = self._last_interviewer_turn()
        text = last.text.split("\n\n")[-1] if last else ""
        if last and last.kind == "follow_up" and last.target is None and self.thread:
            text = self.thread.question.text  # after a redirect or an answered aside: the question
        return self._pend(
            Decision(
                kind=last.kind if last else "question",
                text=f"Of course. {text}",
                question_id=last.question_id if last else None,
                target=last.target if last else None,
                notes=("repeat",),
            )
        )

    def end(self) -> Decision | None:
        """The candidate ends the interview early."""
        if self.finished:
            return None
        self.transcript.ended_by = "candidate"
        return self._pend(self._farewell(notes=("end",)))

    def record(
        self,
        decision: Decision,
        text: str | None = None,
        notes: Iterable[str] = (),
        at: datetime | None = None,
    ) -> Turn:
        """Append the worded turn for the pending decision (``text`` defaults to the draft).

        ``notes`` are added to the decision's own (e.g. 'provider_fallback').
        """
        if decision is not self.pending:
            raise InterviewerError("record() takes the decision the agent just returned")
        self.pending = None
        turn = Turn(
            role="interviewer",
            kind=decision.kind,
            text=text if text is not None else decision.draft,
            question_id=decision.question_id,
            target=decision.target,
            notes=[*decision.notes, *notes],
            at=at,
        )
        self._append(turn)
        return turn

    def _append(self, turn: Turn) -> None:
        turn.seq = len(self.transcript.turns)
        self.transcript.turns.append(turn)

    @property
    def last_seq(self) -> int:
        """The position of the newest turn (-1 before the start)."""
        return len(self.transcript.turns) - 1

    # -- decisions ---------------------------------------------------------------------------
    def _after_answer(self, answer: str, notes: list[str]) -> Decision:
        thread = self.thread
        assert thread is not None
        q = thread.question
        last_asked = self._last_interviewer_text()
        context = q.text if last_asked.strip() == q.text.strip() else f"{q.text} {last_asked}"
        analysis = analyse_answer(
            context,
            answer,
            kind=q.kind,
            topics=q.topics,
            max_chars=self.max_answer_chars,
            reader=self.reader,
            # Once the candidate is answering this question, a short reply continues it ("It
            # writes a row to Postgres"): only a first reply is checked for being elsewhere.
            check_short=thread.words == 0,
            relative=thread.words == 0,
        )
        self.last_analysis = analysis
        if analysis.steering:
            self.steering_attempts += 1
            notes.append("steering_ignored")
        thread.minutes += 0.5 + analysis.word_count / WORDS_PER_MINUTE
        if self.plan.mode == "drill" and thread.followups >= self.persona.probes_per_question:
            return self._move_on()  # a drill is one question and its one probe
        if analysis.steering and analysis.substance_sentences == 0 and not analysis.tool_lists:
            text = f"Let's stay with the interview. {self._last_interviewer_text() or q.text}"
            return self._say("follow_up", text, q.id, None, notes=("steering_ignored",))
        thread.shown |= shown_for_probing(analysis)
        if self._out_of_time():
            return self._move_on()

        asking_only = (
            answer.count("?") >= 1
            and analysis.substance_sentences <= 2
            and (analysis.word_count < 60)
        )
        if q.kind == "design" and asking_only and not thread.clarified and not thread.designed:
            thread.clarified = True
            return self._say("follow_up", self._clarification(q), q.id, None)
        if not analysis.on_topic and not analysis.evasive and not analysis.empty:
            notes.append("off_topic")  # the scorecard honours what the interviewer saw
        if analysis.noise or analysis.empty:  # keyboard noise, emoji: ask again, never quote it
            note = "noise" if analysis.noise else "no_words"
            notes.append(note)
            return self._ask_again(
                q,
                thread,
                note,
                "I couldn't make out any words in that (it is saved). "
                f"Could you say it again in a sentence or two? {q.text}",
            )
        if analysis.not_english:
            notes.append("not_english")
            return self._ask_again(
                q,
                thread,
                "not_english",
                "I can only read answers in English for now, so I "
                f"couldn't follow that one (it is saved). Could you answer in English? {q.text}",
            )
        if (
            q.kind == "design"
            and thread.designed
            and not_done(answer, analysis.substance_sentences, analysis.word_count)
        ):
            # "I haven't done sharding in production" to a wrench: a design is reasoned, not
            # remembered, so invite the reasoning instead of dropping the problem; a second
            # time, a smaller first step; a third, the next wrench or problem.
            if thread.not_done >= 2:
                return self._move_on()
            thread.not_done += 1
            notes.append("not_done")
            text = after_not_done_design(self._last_asked(q), thread.not_done)
            return self._say("follow_up", text, q.id, None, notes=("not_done",))
        # A design is hypothetical anyway: "not sure" there gets a smaller first step (below).
        if q.kind != "design" and not_done(
            answer, analysis.substance_sentences, analysis.word_count
        ):
            notes.append("not_done")
            if thread.not_done < 2:
                thread.not_done += 1
                quote = short_quote(split_sentences(answer)[0].text, 10) if answer else None
                text = after_not_done(thread.not_done, quote, q.kind in PAST_KINDS)
                return self._say("follow_up", text, q.id, None, notes=("not_done",))
            return self._move_on()
        if analysis.evasive or (not analysis.on_topic and not analysis.empty):
            if thread.redirects == 0 and thread.probes < max(1, self.persona.probes_per_question):
                thread.redirects += 1
                thread.probes += 1
                return self._say("follow_up", self._redirect(q, analysis), q.id, None)
            return self._move_on()
        thread.words += analysis.word_count
        thread.substance += analysis.substance_sentences
        if thread.substance >= 3 or (thread.substance >= 2 and thread.words >= 35):
            thread.designed = True  # however the design was spread over replies
        if q.wrenches and thread.designed and thread.wrenches < self._wrench_budget(q):
            if thread.wrenches == 0 or thread.probes >= self.persona.probes_per_question:
                return self._wrench(q)
        if q.kind == "design" and not thread.designed:
            if thread.nudges < min(len(SKETCH_NUDGES), self.persona.probes_per_question):
                # No design on the table yet: probes about "your algorithm" would presume one.
                text = SKETCH_NUDGES[thread.nudges]
                first = split_sentences(answer)
                said = (
                    short_quote(first[0].text, 12) if first and analysis.word_count >= 4 else None
                )
                if said:  # build on what they said rather than ask as if nothing was said
                    text = f'You said "{said}". Good start. {BUILD_ON_IT[thread.nudges]}'
                thread.nudges += 1
                return self._say("follow_up", text, q.id, "specificity")
            return self._move_on()
        target = probe_target(q.kind, analysis, thread.shown, thread.probed)
        if thread.not_done and target not in (None, "reasoning", "reflection"):
            target = None  # no numbers or ownership about something that did not happen
        if target and thread.probes < self.persona.probes_per_question:
            thread.probes += 1
            thread.probed.add(target)
            own = None if thread.not_done else q  # its probes presume a real example
            text = follow_up_text(own, answer, target, salt=str(thread.probes))
            return self._say("follow_up", text, q.id, target)
        if q.wrenches and thread.designed and thread.wrenches < self._wrench_budget(q):
            return self._wrench(q)
        return self._move_on()

    def _clarify(self, asked: str) -> Decision:
        """Answer a clarifying question in persona from the question's facts (not evidence)."""
        thread = self.thread
        assert thread is not None
        q = thread.question
        thread.minutes += 0.5
        if thread.clarifications >= MAX_CLARIFICATIONS:
            text, _ = answer_clarification(q, asked, set(range(100)))
        else:
            text, used = answer_clarification(q, asked, thread.facts_used)
            if used is not None:
                thread.facts_used.add(used)
        thread.clarifications += 1
        return self._say("follow_up", text, q.id, None, notes=("clarification",))

    def _wrench(self, q: Question) -> Decision:
        assert self.thread is not None
        text = q.wrenches[self.thread.wrenches % len(q.wrenches)]
        self.thread.wrenches += 1
        return self._say("wrench", text, q.id, None)

    def _last_asked(self, q: Question) -> str:
        """The wrench just thrown, or the question itself."""
        assert self.thread is not None
        if self.thread.wrenches and q.wrenches:
            return q.wrenches[(self.thread.wrenches - 1) % len(q.wrenches)]
        return q.text

    def _wrench_budget(self, q: Question) -> int:
        return min(len(q.wrenches), 2)

    def _out_of_time(self) -> bool:
        assert self.thread is not None
        budget = self.persona.duration_minutes - CLOSING_RESERVE_MINUTES
        return (
            self.minutes >= budget or self.thread.minutes >= self.persona.minutes_per_question * 1.5
        )

    def _ask_again(self, q: Question, thread: _Thread, note: str, text: str) -> Decision:
        """Ask once more after a reply that could not be read (noise, another language), then
        move on: the reply is saved but never quoted back."""
        # Its own count: a later off-topic answer still gets its redirect.
        if thread.reasks == 0:
            thread.reasks += 1
            return self._say("follow_up", text, q.id, None, notes=(note,))
        return self._move_on()

    def _move_on(self, lead: str | None = None) -> Decision:
        acks = self.persona.acknowledgements
        ack = lead or acks[stable_index(f"{self.persona.id}{self.index}", len(acks))]
        if self.plan.mode == "drill":
            return self._farewell(lead=ack, text="That's the drill. Here is how that answer reads.")
        budget = self.persona.duration_minutes - CLOSING_RESERVE_MINUTES
        room = self.minutes + self.persona.minutes_per_question / 2 <= budget
        if self.index + 1 < len(self.questions) and room:
            return self._next_question(lead=ack)
        if not room:
            self.transcript.ended_by = "time"
        return self._closing_invite(ack)

    # -- turns ---------------------------------------------------------------------------------
    def _next_question(self, lead: str | None = None) -> Decision:
        self.index += 1
        q = self.questions[self.index]
        self.thread = _Thread(question=q)
        self.minutes += 0.5
        return self._say("question", q.text, q.id, None, lead=lead)

    def _opening(self) -> str:
        """The persona's own opening, unless a drill or a time box makes its promises untrue."""
        if self.plan.mode == "drill":
            return (
                "Here is one question to drill. Answer as you would in an interview; I'll "
                "follow up once, then show you how the answer reads."
            )
        if self.plan.time_box_minutes is None:
            return self.persona.opening
        count = len(self.questions)
        questions = "one question" if count == 1 else f"up to {count} questions"
        return (
            f"Hi, thanks for making the time today. We have about {self.persona.duration_minutes}"
            f" minutes: {questions}, with follow-ups, and a few minutes at the end for your "
            "questions. Real examples work best; take a moment before you start if you need it."
        )

    def _reask(self) -> Decision:
        again = self._last_interviewer_text()
        if self.phase == "main" and self.thread is not None:
            q = self.thread.question
            if self._empty_streak() >= 1:  # the second empty reply in a row: offer a way out
                offer = empty_offer(pending_question(again) or q.text)  # e.g. a wrench
                return self._say("question", offer, q.id, None, notes=("reask",))
            text = f"Take your time; there's no rush. When you're ready: {again or q.text}"
            return self._say("question", text, q.id, None, notes=("reask",))
        text = "Take your time. " + (again or "Anything you'd like to add?")
        return self._say("closing", text, None, None, notes=("reask",))

    def _clarification(self, q: Question) -> str:
        assert self.thread is not None
        asked = self.transcript.turns[-1].text if self.transcript.turns else ""
        text, used = answer_clarification(q, asked, self.thread.facts_used)
        if used is not None:
            self.thread.facts_used.add(used)
        return text

    def _empty_streak(self) -> int:
        """Re-asks in a row at the end of the transcript (empty replies are not recorded)."""
        streak = 0
        for turn in reversed(self.transcript.turns):
            if turn.role != "interviewer" or "reask" not in turn.notes:
                break
            streak += 1
        return streak

    def _redirect(self, q: Question, analysis: AnswerAnalysis) -> str:
        if analysis.evasive:
            return f"That's fine; even a small or partial example helps. {q.text}"
        return f"Let me bring us back to the question I asked. {q.text}"

    def _closing_invite(self, ack: str) -> Decision:
        self.phase = "candidate_questions"
        self.thread = None
        return self._say("closing", self.persona.closing.candidate_questions, None, None, lead=ack)

    def _closing_logistics(self) -> Decision:
        self.phase = "logistics"
        last = self.transcript.turns[-1].text
        lead = (
            "Thanks, those are good things to ask. I'll make sure they're answered in the next conversation."
            if "?" in last
            else "Thanks."
        )
        items = "\n".join(f"- {item}" for item in self.persona.closing.logistics)
        return self._say(
            "closing", f"{lead} Before we wrap up, some logistics:\n{items}", None, None
        )

    def _farewell(
        self, notes: tuple[str, ...] = (), lead: str | None = None, text: str | None = None
    ) -> Decision:
        self.phase = "done"
        self.thread = None
        if self.transcript.ended_by is None:
            self.transcript.ended_by = "interviewer"
        farewell = text or self.persona.closing.farewell
        return self._say("closing", farewell, None, None, notes=notes, lead=lead)

    def _say(
        self,
        kind: TurnKind,
        text: str,
        question_id: str | None,
        target: Dimension | None,
        notes: tuple[str, ...] = (),
        lead: str | None = None,
    ) -> Decision:
        if kind in ("follow_up", "wrench") and self.thread is not None:
            self.thread.followups += 1
        return Decision(
            kind=kind,
            text=text,
            lead=lead,
            question_id=question_id,
            target=target,
            notes=notes,
        )

    def _pend(self, decision: Decision) -> Decision:
        self.pending = decision
        return decision

    def _check_ready(self) -> None:
        if self.phase == "not_started":
            raise InterviewerError("call start() before reply()")
        if self.pending is not None:
            raise InterviewerError("record() the last decision before the next reply")

    def _last_interviewer_turn(self) -> Turn | None:
        for turn in reversed(self.transcript.turns):
            if turn.role == "interviewer" and not _NEUTRAL_NOTES & set(turn.notes):
                return turn
        return None

    def _last_interviewer_text(self) -> str:
        """The last thing the interviewer asked (without its lead-in), skipping re-asks."""
        turn = self._last_interviewer_turn()
        if turn is None:
            return ""
        last = turn.text.split("\n\n")[-1]
        return pending_question(last) or last  # never a greeting in the middle of an interview


def replay(agent: InterviewAgent, turns: Iterable[Turn]) -> Decision | None:
    """Rebuild an agent's state from stored turns, deterministically and without any model.

    Candidate turns go through the same decisions as live; each stored interviewer turn is the
    wording of the decision pending at that point, or a state-neutral turn (a re-ask, a repeat)
    when none is pending. Returns the decision still pending at the end (the process stopped
    after storing an answer but before storing the reply), which the caller words and records.
    """
    pending: Decision | None = agent.start()
    for turn in turns:
        if turn.role == "candidate":
            if pending is not None:  # a stored answer with no stored reply before it: keep going
                agent.record(pending)
            if turn.kind == "skip":
                pending = agent.skip(at=turn.at)
            else:
                pending = agent.reply(turn.text, at=turn.at)
            continue
        if pending is None and "end" in turn.notes:
            pending = agent.end()
        if pending is not None:
            agent.record(pending, turn.text, notes=_added_notes(pending, turn), at=turn.at)
            pending = None
        else:
            agent._append(turn)  # a re-ask or a repeat: no state to change
    return pending


def _added_notes(decision: Decision, turn: Turn) -> list[str]:
    return [n for n in turn.notes if n not in decision.notes]
