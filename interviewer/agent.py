"""The interviewer: asks one question at a time, probes the weakest missing dimension, throws
wrenches in design rounds, keeps the time box and closes with the candidate's questions.

No UI and no scoring here: the agent reads the analyser's verdict only to decide what to ask next,
and never tells the candidate a score or the rubric. Text the candidate writes is data, never
instructions: attempts to steer the interviewer are noted and ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .analysis import DEFAULT_MAX_CHARS, AnswerAnalysis, analyse_answer
from .analysis.text import clean_text
from .bank import Bank
from .errors import InterviewerError, ProviderError
from .models import DIMENSIONS, Dimension, Persona, Plan, Question, Transcript, Turn
from .probes import (
    SHOWN_FOR_PROBING,
    SKETCH_NUDGES,
    follow_up_text,
    pick_quote,
    probe_target,
    short_quote,
    stable_index,
)
from .providers import OfflineProvider, Prompt, Provider

WORDS_PER_MINUTE = 130  # speaking pace used to turn answers into interview minutes
CLOSING_RESERVE_MINUTES = 5
END_COMMANDS = {"/end", "/quit", "/exit", "/stop"}
SKIP_COMMANDS = {"/skip", "/next"}


@dataclass
class _Thread:
    """State of the current main question."""

    question: Question
    probes: int = 0
    wrenches: int = 0
    redirects: int = 0
    clarified: bool = False
    nudges: int = 0
    designed: bool = False
    minutes: float = 0.0
    shown: set[str] = field(default_factory=set)
    probed: set[str] = field(default_factory=set)


class InterviewSession:
    """One interview. Drive it with `start()`, then `reply(text)` until `finished`."""

    def __init__(
        self,
        bank: Bank,
        plan: Plan,
        provider: Provider | None = None,
        max_answer_chars: int = DEFAULT_MAX_CHARS,
    ) -> None:
        self.bank = bank
        self.persona: Persona = bank.persona(plan.persona)
        self.plan = plan
        self.questions = [bank.question(p.id) for p in plan.questions]
        if not self.questions:
            raise InterviewerError(f"no questions planned for persona {self.persona.id!r}")
        self.provider = provider or OfflineProvider()
        self.max_answer_chars = max_answer_chars
        self.transcript = Transcript(persona=self.persona.id, role=plan.role, level=plan.level)
        self.phase = "not_started"
        self.index = -1
        self.thread: _Thread | None = None
        self.minutes = 0.0
        self.steering_attempts = 0

    # -- public API -------------------------------------------------------------------------
    @property
    def finished(self) -> bool:
        return self.phase == "done"

    def start(self) -> list[Turn]:
        if self.phase != "not_started":
            raise InterviewerError("the interview has already started")
        self.phase = "main"
        return self._next_question(lead=self.persona.opening)

    def reply(self, raw: str) -> list[Turn]:
        """Take the candidate's message and return what the interviewer says next."""
        if self.phase == "not_started":
            raise InterviewerError("call start() before reply()")
        if self.finished:
            return []
        text = clean_text(raw or "")
        command = text.lower()
        if command in END_COMMANDS:
            return self.end()
        if not text:
            return [self._reask()]
        if command in SKIP_COMMANDS and self.phase == "main":
            return self._move_on(lead="No problem, let's move on.")
        notes: list[str] = []
        truncated = len(text) > self.max_answer_chars
        if truncated:
            notes.append("truncated")
        self.transcript.turns.append(
            Turn(
                role="candidate",
                kind="answer",
                text=text,
                notes=notes,
                question_id=self.thread.question.id
                if self.thread and self.phase == "main"
                else None,
            )
        )
        candidate = self.transcript.turns[-1]
        analysed = text[: self.max_answer_chars]
        self.minutes += 0.5 + len(analysed.split()) / WORDS_PER_MINUTE
        if self.phase == "main":
            turns = self._after_answer(analysed, notes)
            candidate.notes = list(notes)  # what the interviewer concluded about this answer
        elif self.phase == "candidate_questions":
            turns = [self._closing_logistics()]
        else:
            turns = [self._farewell()]
        if truncated and turns:
            note = (
                f"(Your answer was very long, so I focused on its first "
                f"{self.max_answer_chars:,} characters; nothing you wrote is lost.) "
            )
            first = turns[0]
            turns[0] = first.model_copy(update={"text": note + first.text})
            self.transcript.turns[-len(turns)] = turns[0]
        return turns

    def end(self) -> list[Turn]:
        """The candidate ends the interview early."""
        if self.finished:
            return []
        self.transcript.ended_by = "candidate"
        return [self._farewell()]

    # -- decisions ---------------------------------------------------------------------------
    def _after_answer(self, answer: str, notes: list[str]) -> list[Turn]:
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
        )
        if analysis.steering:
            self.steering_attempts += 1
            notes.append("steering_ignored")
        thread.minutes += 0.5 + analysis.word_count / WORDS_PER_MINUTE
        if analysis.steering and analysis.substance_sentences == 0 and not analysis.tool_lists:
            text = f"Let's stay with the interview. {self._last_interviewer_text() or q.text}"
            return [self._say("follow_up", text, q.id, None, notes=["steering_ignored"])]
        thread.shown |= {
            d for d in DIMENSIONS if analysis.dimensions[d].strength >= SHOWN_FOR_PROBING
        }
        if self._out_of_time():
            return self._move_on()

        asking_only = (
            answer.count("?") >= 1
            and analysis.substance_sentences <= 2
            and (analysis.word_count < 60)
        )
        if q.kind == "design" and asking_only and not thread.clarified and not thread.designed:
            thread.clarified = True
            return [self._say("follow_up", self._clarification(q), q.id, None)]
        if not analysis.on_topic and not analysis.evasive and not analysis.empty:
            notes.append("off_topic")  # the scorecard honours what the interviewer saw
        if analysis.evasive or (not analysis.on_topic and not analysis.empty):
            if thread.redirects == 0 and thread.probes < max(1, self.persona.probes_per_question):
                thread.redirects += 1
                thread.probes += 1
                return [self._say("follow_up", self._redirect(q, analysis), q.id, None)]
            return self._move_on()
        if analysis.substance_sentences >= 2 and analysis.word_count >= 35:
            thread.designed = True
        if q.wrenches and thread.designed and thread.wrenches < self._wrench_budget(q):
            if thread.wrenches == 0 or thread.probes >= self.persona.probes_per_question:
                text = q.wrenches[thread.wrenches % len(q.wrenches)]
                thread.wrenches += 1
                return [self._say("wrench", text, q.id, None)]
        if q.kind == "design" and not thread.designed:
            if thread.nudges < min(len(SKETCH_NUDGES), self.persona.probes_per_question):
                # No design on the table yet: probes about "your algorithm" would presume one.
                text = SKETCH_NUDGES[thread.nudges]
                thread.nudges += 1
                return [self._say("follow_up", text, q.id, "specificity")]
            return self._move_on()
        target = self._probe_target(q, analysis)
        if target and thread.probes < self.persona.probes_per_question:
            thread.probes += 1
            thread.probed.add(target)
            text = follow_up_text(q, answer, target, salt=str(thread.probes))
            return [self._say("follow_up", text, q.id, target)]
        if q.wrenches and thread.designed and thread.wrenches < self._wrench_budget(q):
            text = q.wrenches[thread.wrenches % len(q.wrenches)]
            thread.wrenches += 1
            return [self._say("wrench", text, q.id, None)]
        return self._move_on()

    def _probe_target(self, q: Question, analysis: AnswerAnalysis) -> Dimension | None:
        assert self.thread is not None
        return probe_target(q.kind, analysis, self.thread.shown, self.thread.probed)

    def _wrench_budget(self, q: Question) -> int:
        return min(len(q.wrenches), 2)

    def _out_of_time(self) -> bool:
        assert self.thread is not None
        budget = self.persona.duration_minutes - CLOSING_RESERVE_MINUTES
        return (
            self.minutes >= budget or self.thread.minutes >= self.persona.minutes_per_question * 1.5
        )

    def _move_on(self, lead: str | None = None) -> list[Turn]:
        ack = (
            lead
            or self.persona.acknowledgements[
                stable_index(f"{self.persona.id}{self.index}", len(self.persona.acknowledgements))
            ]
        )
        budget = self.persona.duration_minutes - CLOSING_RESERVE_MINUTES
        room = self.minutes + self.persona.minutes_per_question / 2 <= budget
        if self.index + 1 < len(self.questions) and room:
            return self._next_question(lead=ack)
        if not room:
            self.transcript.ended_by = "time"
        return [self._closing_invite(ack)]

    # -- turns ---------------------------------------------------------------------------------
    def _next_question(self, lead: str | None = None) -> list[Turn]:
        self.index += 1
        q = self.questions[self.index]
        self.thread = _Thread(question=q)
        self.minutes += 0.5
        text = f"{lead}\n\n{q.text}" if lead else q.text
        return [self._say("question", text, q.id, None)]

    def _reask(self) -> Turn:
        if self.phase == "main" and self.thread is not None:
            q = self.thread.question
            text = f"Take your time; there's no rush. When you're ready: {self._last_interviewer_text() or q.text}"
            return self._say("question", text, q.id, None, notes=["reask"])
        text = "Take your time. " + (self._last_interviewer_text() or "Anything you'd like to add?")
        return self._say("closing", text, None, None, notes=["reask"])

    def _clarification(self, q: Question) -> str:
        return (
            "Good questions. Make the assumptions you think are reasonable and state them: say a "
            "product with a few million users, traffic growing about tenfold over two years, one "
            "region to start. What would you build first, and why?"
        )

    def _redirect(self, q: Question, analysis: AnswerAnalysis) -> str:
        if analysis.evasive:
            return f"That's fine; even a small or partial example helps. {q.text}"
        return f"Let me bring us back to the question I asked. {q.text}"

    def _closing_invite(self, ack: str) -> Turn:
        self.phase = "candidate_questions"
        self.thread = None
        return self._say(
            "closing", f"{ack}\n\n{self.persona.closing.candidate_questions}", None, None
        )

    def _closing_logistics(self) -> Turn:
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

    def _farewell(self) -> Turn:
        self.phase = "done"
        if self.transcript.ended_by is None:
            self.transcript.ended_by = "interviewer"
        return self._say("closing", self.persona.closing.farewell, None, None)

    def _say(
        self,
        kind: str,
        draft: str,
        question_id: str | None,
        target: Dimension | None,
        notes: list[str] | None = None,
    ) -> Turn:
        notes = list(notes or [])
        prompt = Prompt(
            purpose="interviewer_turn",
            system=f"You are the interviewer. Persona: {self.persona.name}. Tone: {self.persona.tone}",
            messages=[{"role": t.role, "content": t.text} for t in self.transcript.turns[-12:]],
            draft=draft,
            context={"kind": kind, "target": target, "question_id": question_id},
        )
        try:
            text = self.provider.execute(prompt).text.strip() or draft
        except ProviderError:
            text, notes = draft, notes + ["provider_fallback"]
        turn = Turn(
            role="interviewer",
            kind=kind,
            text=text,
            question_id=question_id,
            target=target,
            notes=notes,
        )  # type: ignore[arg-type]
        self.transcript.turns.append(turn)
        return turn

    def _last_interviewer_text(self) -> str:
        """The last thing the interviewer asked (without its lead-in), skipping re-asks."""
        for turn in reversed(self.transcript.turns):
            if turn.role == "interviewer" and not {"reask", "steering_ignored"} & set(turn.notes):
                return turn.text.split("\n\n")[-1]
        return ""


__all__ = [
    "InterviewSession",
    "follow_up_text",
    "pick_quote",
    "probe_target",
    "short_quote",
    "DIMENSIONS",
]
