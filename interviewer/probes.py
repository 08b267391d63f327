"""What to probe next, and how to say it: the most important missing dimension, named in the
candidate's own words. Pure functions, shared by the interview and `interviewer follow-up`.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Mapping
from types import MappingProxyType

from .analysis import AnswerAnalysis
from .analysis.lexicon import INJECTION, STOPWORDS
from .analysis.text import split_sentences, stem, words
from .models import Dimension, Question
from .scoring.answer import overall_score

# Any real evidence of a dimension (a number, a reason, a lesson) means it is not probed: asking
# "give me a number" after one was given sounds like the interviewer was not listening.
SHOWN_FOR_PROBING = 0.25
# Outside a told story, specificity counts as shown only when this strong: tools, a coverage
# target and a rule of thumb (about 0.6) are what raters call a "generic" answer.
SPECIFIC_WITHOUT_STORY = 0.8
_NARRATIVE: tuple[Dimension, ...] = (
    "specificity",
    "ownership",
    "impact",
    "reasoning",
    "reflection",
)
_DESIGN: tuple[Dimension, ...] = ("reasoning", "specificity", "impact", "reflection", "ownership")
_TECHNICAL: tuple[Dimension, ...] = (
    "specificity",
    "reasoning",
    "ownership",
    "impact",
    "reflection",
)
PRIORITY: Mapping[str, tuple[Dimension, ...]] = MappingProxyType(
    {
        "behavioural": _NARRATIVE,
        "experience": _NARRATIVE,
        "problem": _NARRATIVE,
        "startup": _NARRATIVE,
        "leadership": _NARRATIVE,
        "design": _DESIGN,
    }
)
GENERIC_PROBES: Mapping[str, str] = MappingProxyType(
    {
        "specificity": "Can you make that concrete: when was it, what exactly was involved, and how big was it?",
        "ownership": "Which part of that did you personally do or decide?",
        "reasoning": "Why that choice? What else did you consider, and what did it cost you?",
        "impact": "What was the result, and how did you measure it?",
        "reflection": "Looking back, what would you do differently?",
        "clarity": "Could you sum that up in two sentences?",
    }
)
SKETCH_NUDGES = (
    "Let's get something on the board. What would you build first? Name the main components "
    "and walk me through how one request flows through them.",
    "It doesn't need to be complete. Where would the data live, and what is the first thing "
    "that happens when a request comes in?",
)
# The same nudges after a first piece of design: they build on it.
BUILD_ON_IT = (
    "What are the other main components around it, and how does one request flow through them?",
    "Where does the data live, and what happens, step by step, when a request comes in?",
)
_LEADS = ('You said "{q}".', 'You mentioned "{q}".', 'Going back to "{q}":')
_CHOICE = re.compile(
    r"\b(?:used|chose|picked|went with|decided|moved|switched|introduced|added|built|would use|"
    r"'d use|'d go with|would go with|store|put)\b",
    re.IGNORECASE,
)
_OUTCOME_HINT = re.compile(
    r"\b(?:faster|slower|better|worse|improved|reduced|fixed|worked|helped|success|shipped|"
    r"launched|result|happier|stable|down|up)\b",
    re.IGNORECASE,
)
_WE = re.compile(r"\b(?:we|our|the team)\b", re.IGNORECASE)


def stable_index(key: str, n: int) -> int:
    return zlib.crc32(key.encode()) % n


def short_quote(sentence: str, max_words: int = 14) -> str:
    """A verbatim fragment of a sentence, at most ``max_words`` words, cut at a clause if possible."""
    text = sentence.strip().rstrip(".!?;:")
    words = text.split()
    if len(words) <= max_words:
        return text
    for sep in (", ", "; ", " because ", " but ", " and ", " so "):
        head = text.split(sep)[0]
        if 4 <= len(head.split()) <= max_words:
            return head
    cut = words[:max_words]
    # Never end a quote on a word that promises more ("...my role as", "...incident on").
    while len(cut) > 4 and cut[-1].lower().strip(",;") in _DANGLING:
        cut.pop()
    return " ".join(cut).rstrip(",;")


_DANGLING = frozenset(
    "a an the as on of to in for with and or but my our their his her its at by from into "
    "that which who is was were be been than then so because when while".split()
)


def pick_quote(answer: str, target: Dimension | None) -> str | None:
    """The part of the answer a follow-up should name, chosen for the dimension it probes."""
    sentences = [
        s.text
        for s in split_sentences(answer)
        if len(s.words) >= 3 and not INJECTION.search(s.text)
    ]
    if not sentences:
        return None
    pattern = {
        "impact": _OUTCOME_HINT,
        "ownership": _WE,
        "reasoning": _CHOICE,
        "reflection": _OUTCOME_HINT,
    }.get(target or "")
    if pattern is not None:
        for s in sentences:
            if pattern.search(s):
                return short_quote(s)
    if target == "reflection":
        return short_quote(sentences[-1])
    return short_quote(sentences[0])


def shown_for_probing(analysis: AnswerAnalysis) -> set[str]:
    """The dimensions an answer shows enough of that probing them would not sound like listening.

    Any real evidence counts (a number, a reason, a lesson), except for specificity outside a
    told story: in a general answer a named tool or a rule of thumb is weak specificity, not a
    concrete example, and the candidate is still asked for one.
    """
    told = analysis.narrative_sentences > 0
    return {
        d
        for d, finding in analysis.dimensions.items()
        if finding.strength >= SHOWN_FOR_PROBING
        and (d != "specificity" or told or finding.strength >= SPECIFIC_WITHOUT_STORY)
    }


def probe_target(
    kind: str | None,
    analysis: AnswerAnalysis,
    shown: set[str] | frozenset[str] = frozenset(),
    probed: set[str] | frozenset[str] = frozenset(),
) -> Dimension | None:
    """The most important dimension the answers so far have not shown, or None if deep enough.

    Never a dimension the answer clearly shows: an answer with a measured result is not probed
    for impact. Clarity is never probed; it is judged, not asked for.
    """
    if not analysis.on_topic or overall_score(analysis) >= 4.4:
        return None
    for dim in PRIORITY.get(kind or "", _TECHNICAL):
        if dim in shown or dim in probed:
            continue
        if dim not in shown_for_probing(analysis):
            return dim
    return None


# Words a probe uses to ask, not what it asks about.
_ASKING = frozenset(
    stem(w)
    for w in "what which why how when who where would could did does do you your was were is "
    "are be been the a an and or of to in on for it that this there then than with about "
    "before after just make made happen happened exactly part give tell".split()
)
ALREADY_SAID = 0.6  # share of a probe's subject words already in the answer


def already_said(probe: str, answer: str) -> bool:
    """Whether the answer already names most of what ``probe`` asks about (at least two words),
    e.g. "which operation was at risk, and what went wrong?" after the candidate named both."""
    asked = {stem(w) for w in words(probe)} - _ASKING - {stem(w) for w in STOPWORDS}
    if len(asked) < 2:
        return False
    said = {stem(w) for w in words(answer)}
    return len(asked & said) / len(asked) >= ALREADY_SAID


def follow_up_text(
    question: Question | None, answer: str, target: Dimension, salt: str = ""
) -> str:
    """A probe that names what the candidate said, then asks for the missing dimension."""
    quote = pick_quote(answer, target)
    probe = question.probes.get(target) if question else None
    if probe is None or already_said(probe, answer):
        probe = GENERIC_PROBES[target]  # never ask for what the candidate has just said
    lead = _LEADS[stable_index(f"{question.id if question else ''}{salt}", len(_LEADS))]
    return f"{lead.format(q=quote)} {probe}" if quote else probe
