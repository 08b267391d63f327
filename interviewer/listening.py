"""Listening: what the candidate's reply *is* before asking what it lacks.

A reply may be a clarifying question ("Do you mean a public or an internal API?"), which is
answered in persona from facts the question carries and is neither an answer nor evidence. It
may say the candidate has not done the thing ("I haven't run websockets in production"), which
is acknowledged, then turned into how they would approach it or the nearest thing they have
done: never a question about numbers of something that did not happen. Pure functions; the
agent keeps the state (which facts were used, how often the candidate said "not done").
"""

from __future__ import annotations

import re

from .analysis import lexicon as lx
from .analysis.concepts import concepts_of
from .analysis.text import split_sentences, stem, words
from .models import Question

MAX_CLARIFY_WORDS = 60
MAX_CLARIFICATIONS = 4  # per question; then the candidate is asked to assume and go ahead

# Facts an interviewer would give when asked, by kind of question. A question's own
# ``assumptions`` come first; these fill in for questions that have none.
_DESIGN_FACTS = (
    "Assume a consumer product with a few million users, and traffic growing about tenfold "
    "over the next two years.",
    "Start in one region; a second region comes later, so keep that door open.",
    "Reads outnumber writes roughly ten to one, and user-facing calls should stay under about "
    "200 ms at p99.",
    "The team is about five engineers, and managed cloud services are fine where they help.",
    "It is a public API used by third-party developers as well as our own apps.",
    "Some data loss is not acceptable for anything a user created; for derived data it is.",
)
_STORY_FACTS = (
    "Any real example works: a job, an internship, a side project, school or open source.",
    "Pick the one you remember best; it does not need to be a success story.",
    "Focus on your own part in it, even if it was a team effort.",
    "Something from the last few years is best, but an older example is fine if it is clearer.",
    "A small example is fine; what matters is what you did and why.",
)
_TECH_FACTS = (
    "Assume a typical web product: a relational database, a few services and production traffic.",
    "Use the language and stack you know best, and name it.",
    "If it helps, anchor it in a real system you have worked on.",
    "Assume a small team and that the code is already in production.",
    "Either is fine: say which one you are assuming, and why.",
)
_STORY_KINDS = frozenset({"behavioural", "experience", "problem", "leadership", "startup"})

_CLARIFY_OPENERS = re.compile(
    r"^\s*(?:do you mean|did you mean|should i (?:assume|focus|talk)|can i assume|may i assume|"
    r"are we (?:talking|assuming)|is (?:it|this|that) (?:a |an |for |about |ok )?|"
    r"what (?:kind|type|sort|scale|size|is the)|how (?:many|much|big|large)|which (?:one|kind)|"
    r"does (?:it|this|that) (?:have to|need to|matter)|would you like me to|"
    r"just to (?:clarify|confirm)|to clarify)",
    re.IGNORECASE,
)
# "I haven't done it" (lexicon.NOT_DONE_EXPERIENCE) or "I don't know".
NOT_DONE = re.compile(
    rf"{lx.NOT_DONE_EXPERIENCE.pattern.pattern}|\bi (?:do ?n'?t|do not) know\b|\bnot sure\b|\bno idea\b",
    re.IGNORECASE,
)


def facts_for(question: Question) -> tuple[str, ...]:
    """What the interviewer can say when asked: the question's own facts, then the kind's."""
    own = tuple(getattr(question, "assumptions", ()) or ())
    if question.kind == "design":
        return own + _DESIGN_FACTS
    if question.kind in _STORY_KINDS:
        return own + _STORY_FACTS
    return own + _TECH_FACTS


def is_clarifying(text: str) -> bool:
    """A short reply made only of questions, or opening like one: asking, not answering."""
    sentences = [s for s in split_sentences(text) if len(s.words) >= 2]
    if not sentences or len(words(text)) > MAX_CLARIFY_WORDS:
        return False
    if all(s.text.rstrip().endswith("?") for s in sentences):
        return True
    return len(sentences) == 1 and bool(_CLARIFY_OPENERS.search(text)) and "?" in text


def answer_clarification(question: Question, asked: str, used: set[int]) -> tuple[str, int | None]:
    """(what the interviewer says, index of the fact used) for one clarifying question.

    The unused fact sharing most words with what was asked; a different one each time, so
    several clarifying questions get several different answers.
    """
    facts = facts_for(question)
    asked_words = _fact_words(asked)
    asked_groups = concepts_of(frozenset(stem(w) for w in asked_words))
    best, best_overlap = None, -1
    for i, fact in enumerate(facts):
        if i in used:
            continue
        fact_words = _fact_words(fact)
        # shared words, and shared subjects ("requests a second" and "traffic growing tenfold"
        # are both about load) counting double
        groups = concepts_of(frozenset(stem(w) for w in fact_words))
        overlap = len(asked_words & fact_words) + 2 * len(asked_groups & groups)
        if overlap > best_overlap:
            best, best_overlap = i, overlap
    go_on = (
        "With that, what would you build first?"
        if question.kind == "design"
        else "Go ahead whenever you're ready."
    )
    if best is None:
        return f"Make the assumption you think is reasonable, say it, and go ahead. {go_on}", None
    return f"Good question. {facts[best]} {go_on}", best


# Words that name no subject of a question: "requests a *second*" is not about a "*second* region".
_NO_SUBJECT = frozenset(
    "first second third one two three next last other another roughly about around".split()
)


def _fact_words(text: str) -> set[str]:
    return {w for w in words(text) if w not in lx.STOPWORDS and w not in _NO_SUBJECT and len(w) > 2}


def not_done(text: str, substance: int, word_count: int) -> bool:
    """The reply is mainly "I haven't done that" / "I don't know", not an answer with detail."""
    if not NOT_DONE.search(text):
        return False
    return word_count <= 60 or substance <= 2


def after_not_done(times: int, quote: str | None, about_past: bool = False) -> str:
    """Acknowledge, then ask how they would approach it, or the nearest thing they did.

    ``about_past``: the question asks for something that happened ("the hardest bug you
    fixed", "feedback you received"), where "how would you approach it" makes no sense; the
    nearest real experience (a side project, study, another job) is asked for first.
    """
    lead = f'Thanks for being straight about it ("{quote}"). ' if quote else "That's fine. "
    if about_past and times <= 1:
        return (
            f"{lead}What is the closest thing that has happened to you, at work, in a side "
            "project or in your studies? Tell me about that one."
        )
    if times <= 1:
        return (
            f"{lead}Say you had to do it starting next week: how would you approach it, what "
            "would you do first, and what would you watch out for?"
        )
    if about_past:
        return (
            "Fair enough. Then tell me how you would handle it if it happened next month: what "
            "would you do first?"
        )
    return (
        "Fair enough. What is the closest thing you have done, and what from it would carry "
        "over here?"
    )


def after_not_done_design(asked: str, times: int = 1) -> str:
    """To "I haven't done that" in a design round: nobody needs to have run it; reason it
    through. ``asked``: the wrench or question still open, asked again; ``times``: the
    second time asks for only the first thing they would change."""
    if times >= 2:
        return (
            "Fair enough. Then just the first thing you would change or check, even a guess, "
            f"and why. {asked}"
        )
    return (
        "That's fine, nobody expects you to have run it yourself: this is a whiteboard "
        f"problem. Reason it through with me, first step first. {asked}"
    )


def pending_question(text: str | None) -> str | None:
    """An interviewer turn without its lead-in ("Thanks for being straight about it (...). Say
    you had to...?" -> "Say you had to...?"): what is still being asked. None for no text."""
    if not text:
        return None
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z\"'])", text.strip())
    while len(parts) > 1 and parts[0].startswith(_LEAD_INS):
        parts.pop(0)
    return " ".join(parts)


# Acknowledgements that open a turn; a quote ("You said ...") is part of the question.
_LEAD_INS = (
    "Thanks",
    "That's fine",
    "Fair enough",
    "No rush",
    "Good",
    "OK",
    "Okay",
    # a model's greeting on the opening turn ("Hi, thanks for joining. Walk me through...")
    "Hi",
    "Hello",
    "Hey",
    "Welcome",
    "Nice to meet",
    "Great to meet",
)


def empty_offer(question_text: str) -> str:
    """After two empty replies: offer to rephrase or move on instead of repeating."""
    return (
        "No rush. Would it help if I put it differently, or shall we move on? Say /skip (or "
        "press Skip) to go to the next question, or start with whatever comes to mind, even a "
        f"partial example. Where we were: {question_text}"
    )
