"""Deterministic answer analysis: which depth dimensions an answer shows, with the words that show it.

It judges substance, not length or jargon. A sentence counts for a dimension only when it carries
the thing itself: a number attached to a unit, an action the candidate took, a named alternative,
an outcome next to a measure. Tool-name lists, platitudes, context-free numbers and instructions
aimed at the grader are set aside before anything is counted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pydantic import BaseModel, Field

from ..models import DIMENSIONS, Dimension
from . import lexicon as lx
from .concepts import STEM_TO_CONCEPTS
from .reader import Reader
from .relevance import judge_relevance
from .text import Sentence, clean_text, split_sentences, stem, words

DEFAULT_MAX_CHARS = 6000
_SUBJECT_WORDS = re.compile(
    r"\b(?:our|the|my|their|this|that|these|those|its|his|her|I|we|they|it|he|she)\b",
    re.IGNORECASE,
)
METRIC_SALAD_NUMBERS = 3  # measurements in one sentence that need a subject to count
NOT_ENGLISH_MIN_WORDS = 6  # shorter replies are judged on depth only
FOREIGN_MIN_LETTERS = 12  # letters of another script: fewer are a name or a quoted term
# A run-on answer ("we did X, and then Y, and so Z") says as much in one sentence as three
# short ones: it gets the embedding relevance check too.
SUBSTANTIVE_WORDS = 30
NOT_ENGLISH_RATIO = 0.08  # English prose runs at 0.3-0.5 of these words; other languages near 0
DESCRIBED_MIN_WORDS = 15  # a sentence this long that says what its tools do is not a list...
DESCRIBED_MIN_VERBS = 2  # ...when it has at least this many verbs of what the system does
CAUSAL_ONLY_MAX = 0  # bare "because" is not reasoning; an alternative, constraint or trade-off is
HYPOTHETICAL_KINDS = frozenset(
    {"design", "technical", "security", "ml", "walkthrough", "take-home"}
)
_HYPOTHETICAL_Q = re.compile(
    r"^\s*(?:how would|what would|design|imagine|suppose|say you|if you|you're|you are|"
    r"walk me through how you would|how do you|how should)",
    re.IGNORECASE,
)
# Concept words too everyday to show subject-matter competence on their own.
_EVERYDAY = frozenset(
    stem(w)
    for w in "team teams user users customer customers good bad work time fast speed improve "
    "review told hear heard early lead leading manage manager report reports grow growth "
    "feature features design designer priority change people version run push data".split()
)


# Words that carry no checkable content however often they appear ("fast", "career").
_SOFT_STEMS = (
    frozenset(
        stem(w)
        for w in "fast quick quickly good great best better really very lot lots thing things "
        "stuff product startup career passion passionate love enjoy important always never "
        "also just like make made get got way ways kind sort etc things something everything "
        "team work working project experience skill skills people help helped".split()
    )
    | lx.STOPWORDS
)


class DimensionFinding(BaseModel):
    """One dimension's verdict: present or not, how strongly (0-1), and the words that show it."""

    present: bool
    strength: float = Field(ge=0, le=1)
    evidence: list[str] = Field(default_factory=list)


class AnswerAnalysis(BaseModel):
    """What one answer to one question shows. Evidence strings are exact substrings of the answer."""

    dimensions: dict[Dimension, DimensionFinding]
    on_topic: bool
    relevance: float
    word_count: int
    truncated: bool = False
    evasive: bool = False
    not_english: bool = Field(
        default=False, description="Written in a language the analysis does not read."
    )
    empty: bool = False
    noise: bool = Field(
        default=False,
        description="No recognisable words: keyboard noise or a transcription slip (scored as a "
        "non-answer, never quoted back).",
    )
    hypothetical: bool = False
    repeated: bool = Field(
        default=False, description="Same answer as given to an earlier question."
    )
    fits_neighbour: str | None = Field(
        default=None,
        description="In a file of answers: the neighbouring question this answer fits, when it "
        "is part of a run of answers shifted by a row or of two swapped neighbours "
        "(scoring/shifts.py).",
    )
    steering: list[str] = Field(
        default_factory=list, description="Instructions aimed at the grader."
    )
    tool_lists: list[str] = Field(
        default_factory=list, description="Sentences that only list tools."
    )
    generic_ratio: float = 0.0
    substance_sentences: int = 0
    narrative_sentences: int = Field(
        default=0,
        description="Sentences that tell a particular situation (a subject and a past tense).",
    )
    buzzword_ratio: float = Field(
        default=0.0, description="Tool names and buzzwords per content word (name-dropping)."
    )
    content_terms: int = Field(
        default=0,
        description="Distinct content words in sentences of substance (not platitudes, lists "
        "or steering): how much checkable content there is, in any domain.",
    )
    domain_terms: int = Field(
        default=0,
        description="Subject-matter words in non-platitude sentences (textbook competence).",
    )

    @property
    def present(self) -> list[Dimension]:
        return [d for d in DIMENSIONS if self.dimensions[d].present]

    @property
    def missing(self) -> list[Dimension]:
        return [d for d in DIMENSIONS if not self.dimensions[d].present]


@dataclass
class _Tally:
    strength: float = 0.0
    evidence: list[tuple[float, str]] = field(default_factory=list)

    def add(self, amount: float, quote: str) -> None:
        self.strength += amount
        self.evidence.append((amount, quote))

    def finding(self, threshold: float = 0.5) -> DimensionFinding:
        strength = min(1.0, round(self.strength, 3))
        quotes = [q for _, q in sorted(self.evidence, key=lambda e: -e[0])]
        unique = list(dict.fromkeys(quotes))[:3]
        return DimensionFinding(present=strength >= threshold, strength=strength, evidence=unique)


_LIST_SPLIT = re.compile(r",\s*|\s+(?:and|or|&|plus)\s+|\s*/\s*")


def _is_tool_list(s: Sentence) -> bool:
    """A sentence that lists names (tools, vendors, buzzwords) rather than saying what was done.

    A long sentence that names tools while saying what they do ("collect logs from every pod,
    stream them to Loki, buffer them in Kafka") is content, not a list.
    """
    tech = [w for w in s.words if w in lx.TECH_TERMS or w in lx.BUZZWORDS]
    content = [w for w in s.words if w not in lx.STOPWORDS]
    if len(s.words) >= DESCRIBED_MIN_WORDS and len(tech) / max(1, len(content)) < 0.5:
        if len(lx.FUNCTION_VERBS.findall(s.text)) >= DESCRIBED_MIN_VERBS:
            return False
    if len(tech) >= 3 and (len(tech) / max(1, len(content)) >= 0.4 or s.text.count(",") >= 3):
        return True
    parts = [p.strip(" .;:()") for p in _LIST_SPLIT.split(s.text)]
    named = [
        p
        for p in parts
        if 1 <= len(p.split()) <= 3
        and (p[:1].isupper() or p.lower() in lx.TECH_TERMS or p.lower() in lx.BUZZWORDS)
    ]
    return len(named) >= 4 or (len(named) >= 3 and s.text.count(",") >= 2)


def _is_metric_salad(s: Sentence) -> bool:
    """Several numbers with no subject: which system, which action, what baseline.

    "Latency dropped 40%, throughput up 3x, errors down 90%" says nothing checkable; "I batched
    the price lookups in our search API and p99 went from 900 ms to 120 ms" does.
    """
    if len(lx.NUMBER_WITH_UNIT.findall(s.text)) < METRIC_SALAD_NUMBERS:
        return False
    # Numbers are attached to something when the sentence has a subject: a pronoun or a
    # determined noun ("our checkout", "the pricing call", "we", "it").
    anchored = _SUBJECT_WORDS.search(s.text) or lx.NAMED_SYSTEM.search(s.text)
    return not anchored and not lx.FROM_TO.search(s.text)


# Every steering pattern contains one of these; the long patterns run only when one is present.
_STEER_HINTS = (
    "ignor",
    "disregard",
    "forget",
    "overrid",
    "bypass",
    "scor",
    "rate",
    "rating",
    "grad",
    "mark",
    "rubric",
    "evaluat",
    "assess",
    "system",
    "assistant",
    "instruction",
    "prompt",
    "perfect",
    "full",
    "max",
    "highest",
    "top",
    "outstanding",
    "excellent",
    "exceptional",
    "exemplary",
    "pretend",
    "act as",
    "jailbreak",
    "developer",
    "end the",
    "you are now",
    "new ",
    "ai ",
    "model",
    "give",
    "assign",
    "award",
    "record",
    "treat",
    "respond",
    "output",
    "5",
    "10",
    "hire",
    "<",
    "[",
    "candidate",
    "good answer",
    "ideal answer",
)


def _might_steer(s: Sentence) -> bool:
    low = s.text.lower()
    return any(hint in low for hint in _STEER_HINTS)


def _has_context(s: Sentence) -> bool:
    """A sentence long enough to attach a number to something (not 'It was 40%.')."""
    content = [w for w in s.words if w not in lx.STOPWORDS and not w[0].isdigit()]
    return len(s.words) >= 6 and len(content) >= 3


_NOISE_FILLERS = frozenset("hmm hm mm mmm uh uhh um umm er erm ah eh huh".split())
NOISE_MAX_WORDS = 12  # longer strings of unknown words are another language (not_english)
NOISE_LONGEST_WORD = 40  # no English word or tool name is longer


def _is_noise(tokens: list[str], reader: Reader) -> bool:
    """Keyboard noise or a transcription slip ("asdf", "asdf jkl qwer", "hmm uh zxcv"): up to
    NOISE_MAX_WORDS words and none of them a word we know (MiniLM's English vocabulary, our
    stopwords, tool names and concept words), fillers aside, or one string no word is like (a
    letter or two repeated, or longer than any word). A tool name we do not list, alone, is
    taken for noise too: as a whole answer it says nothing either, and it is only asked again."""
    if len(tokens) == 1 and tokens[0].isalpha():
        word = tokens[0]
        if (len(word) >= 4 and len(set(word)) <= 2) or len(word) > NOISE_LONGEST_WORD:
            return True
    if not 1 <= len(tokens) <= NOISE_MAX_WORDS:
        return False
    vocabulary = reader.known_words()
    if not vocabulary:
        return False  # without the model's vocabulary nothing else is called noise
    for token in tokens:
        if token in _NOISE_FILLERS:
            continue
        if not token.isalpha() or token in vocabulary or token in lx.STOPWORDS:
            return False  # a number or a known word: something was said
        if (
            token in lx.TECH_TERMS
            or token in lx.BUZZWORDS
            or reader.stem(token) in STEM_TO_CONCEPTS
        ):
            return False
    return True


def _tells(s: Sentence) -> bool:
    """Whether the sentence tells a particular situation: a subject and a past tense, not a
    habit ("we usually...") nor a platitude. The loop in ``analyse_answer`` counts these too."""
    return (
        _has_context(s)
        and bool(lx.NARRATIVE.search(s.text))
        and not lx.HABITUAL.search(s.text)
        and not lx.PLATITUDE.search(s.text)
    )


def _concrete(s: Sentence) -> float:
    """How concrete one sentence is: 0 (generic) .. ~1.5 (numbers, anchors, particular detail).

    Tool and product names earn almost nothing on their own: naming Kafka is trivia, saying what
    was keyed, sized or measured is detail.
    """
    score = 0.0
    if _has_context(s):
        units = lx.NUMBER_WITH_UNIT.findall(s.text)
        score += min(0.9, 0.45 * len(units))
        if lx.FROM_TO.search(s.text):
            score += 0.3
    if lx.ANCHOR.search(s.text):
        score += 0.4
    if lx.NAMED_SYSTEM.search(s.text):
        score += 0.15
    if lx.DETAIL.search(s.text):
        score += 0.25
    tech = sum(1 for w in s.words if w in lx.TECH_TERMS)
    if 0 < tech <= 2 and len(s.words) >= 6:
        score += 0.2
    return score


def analyse_answer(
    question: str,
    answer: str,
    *,
    kind: str | None = None,
    topics: list[str] | tuple[str, ...] = (),
    max_chars: int = DEFAULT_MAX_CHARS,
    check_short: bool = True,
    reader: Reader | None = None,
    relative: bool = True,
) -> AnswerAnalysis:
    """Analyse one answer to one question. Pure and deterministic.

    ``check_short=False`` (bulk scoring) skips the embedding relevance check on short answers.
    ``relative=False`` skips the test against other questions: a reply to a follow-up ("what
    did you learn?") naturally fits some other question in the bank better.
    ``reader`` holds the caches (stems, embeddings); pass a shared one, since a fresh one
    loads the embedding model again when the relevance check needs it.
    """
    reader = reader or Reader()
    text = clean_text(answer)
    truncated = len(text) > max_chars
    if truncated:
        text = text[:max_chars]
        # End at the last whole sentence: a sentence cut in two would read as a new one (the
        # same answer pasted past the limit scored higher than pasted once).
        cut = max(text.rfind(mark) for mark in ".!?\n")
        if cut >= max_chars // 2:
            text = text[: cut + 1]
    hypothetical = (kind in HYPOTHETICAL_KINDS) if kind else bool(_HYPOTHETICAL_Q.search(question))
    sentences = split_sentences(text)
    tallies = {d: _Tally() for d in DIMENSIONS}
    steering: list[str] = []
    tool_lists: list[str] = []
    kept: list[Sentence] = []
    # What the answer is about, for the off-topic test: every sentence but those aimed at the
    # grader. A tool list or a metric without a subject is shallow, not off topic: "An SLO is a
    # target... 99.9% of requests in 300 ms" names the asked subject even where it earns nothing.
    about: list[Sentence] = []
    seen_sentences: set[str] = set()
    for s in sentences:
        key = " ".join(s.words)
        if key in seen_sentences and len(s.words) >= 4:
            continue  # the same sentence pasted again adds nothing
        seen_sentences.add(key)
        if _might_steer(s) and (lx.INJECTION.search(s.text) or lx.STEERING.search(s.text)):
            steering.append(s.text)
        elif _is_tool_list(s) or _is_metric_salad(s):
            tool_lists.append(s.text)
            about.append(s)
        else:
            kept.append(s)
            about.append(s)
    all_tokens = [w for s in kept for w in s.words]
    about_tokens = [w for s in about for w in s.words]
    about_text = " ".join(s.text for s in about)
    word_count = len(words(text))
    content_words = sum(1 for w in all_tokens if w not in lx.STOPWORDS)
    # Letters in a script the tokenizer does not read (Cyrillic, CJK...) are an answer in
    # another language, not an empty one. Emoji and punctuation alone are empty.
    foreign = sum(1 for ch in text if ch.isalpha() and not ch.isascii())
    empty = word_count == 0 and foreign < NOT_ENGLISH_MIN_WORDS
    # The analysis reads English: an answer with (almost) none of its commonest words is in
    # another language, and is scored as a non-answer, never read for depth. Tool lists are
    # left out of the count: "Redis, Kafka, Nginx." is vague, not foreign.
    tokens = all_tokens
    evasive = not empty and content_words < 25 and bool(lx.EVASIVE.search(text))
    noise = not empty and not evasive and _is_noise(words(text), reader)  # "idk" is evasive
    # Mostly letters of another script, with a tool name or two in English ("Я использую
    # JavaScript каждый день"): another language too.
    mostly_foreign = foreign >= FOREIGN_MIN_LETTERS and foreign > 2 * sum(
        1 for ch in text if ch.isascii() and ch.isalpha()
    )
    not_english = not noise and (
        (word_count == 0 and not empty)
        or mostly_foreign
        or (
            len(tokens) >= NOT_ENGLISH_MIN_WORDS
            and sum(1 for t in tokens if t in lx.STOPWORDS) / len(tokens) < NOT_ENGLISH_RATIO
        )
    )
    before = reader.pending
    if before is not None and not (empty or evasive or not_english or noise):
        # A batch's first pass: if the relative off-topic test needs a vector, this answer is
        # analysed again once the vectors are in, so skip the rest of the work now.
        judge_relevance(
            reader,
            question,
            tuple(topics),
            about_tokens,
            about_text,
            substantive=False,
            check_short=check_short,
            relative=relative,
            told=any(_tells(s) for s in kept),
        )
        if (reader.pending or 0) > before:
            nothing = {d: DimensionFinding(present=False, strength=0.0) for d in DIMENSIONS}
            return AnswerAnalysis(
                dimensions=nothing, on_topic=True, relevance=0.0, word_count=word_count
            )

    generic = 0
    substance = 0
    domain_terms = 0
    content: set[str] = set()
    buzz = len(tool_lists) * 3
    narrative: list[str] = []
    causal_only = 0
    for s in kept:
        text = s.text
        placeholder = bool(lx.PLACEHOLDER.search(text))
        concrete = 0.0 if placeholder else _concrete(s)
        # "I haven't run Cassandra in production" tells of not doing it: no ownership, detail or
        # result is shown by it, whatever its words.
        denied = bool(lx.NOT_DONE_EXPERIENCE.search(text))
        if denied:
            concrete = 0.0
        owned = bool(lx.OWNERSHIP.search(text)) and not denied
        platitude = bool(lx.PLATITUDE.search(text))
        stems = [reader.stem(w) for w in s.words]
        domain = sum(1 for st in stems if st in STEM_TO_CONCEPTS and st not in _EVERYDAY)
        buzz += sum(1 for w in s.words if w in lx.TECH_TERMS or w in lx.BUZZWORDS)
        is_generic = (
            concrete < 0.25
            and not owned
            and (platitude or (domain == 0 and bool(lx.GENERIC_MODAL.search(text))))
        )
        if not platitude:
            domain_terms += domain
            if not is_generic:
                content.update(st for st in stems if len(st) > 2 and st not in _SOFT_STEMS)
        if is_generic:
            generic += 1
        else:
            substance += 1
        context = _has_context(s)
        narrated = context and bool(lx.NARRATIVE.search(text)) and not lx.HABITUAL.search(text)
        if narrated and not platitude:
            narrative.append(text)  # a told story is a particular situation, not a claim
        generic_you = bool(lx.GENERIC_YOU.search(text)) and not lx.FIRST_PERSON.search(text)
        if concrete >= 0.25:
            # "You'd put the counters in Redis" is the textbook; "we put them in Redis" is a case.
            tallies["specificity"].add(min(concrete, 1.0) * (0.3 if generic_you else 0.6), text)
        elif concrete > 0:  # a named system or a tool in a sentence: barely counts
            tallies["specificity"].add(0.05, text)
        if owned:
            tallies["ownership"].add(0.55 if concrete >= 0.25 or not platitude else 0.3, text)
        elif denied or platitude:
            pass
        elif lx.OWNERSHIP_LOOSE.search(text):
            tallies["ownership"].add(0.4 if concrete >= 0.25 else 0.3, text)
        elif lx.HYPOTHETICAL_OWNERSHIP.search(text):
            tallies["ownership"].add(0.45 if hypothetical else 0.2, text)
        reason = 0.0
        if not platitude and not placeholder and lx.REASON_ALTERNATIVE.search(text):
            reason = 0.5
        elif not platitude and lx.REASON_JUSTIFIED.search(text):
            reason = 0.4
        elif not is_generic and lx.REASON_CAUSAL.search(text):
            reason = 0.3
        if reason == 0.3:  # a bare "because": several of them are still thin reasoning
            causal_only += 1
            reason = 0.3 if causal_only <= CAUSAL_ONLY_MAX else 0.0
        if reason:
            # Reasoning about "you" in general is textbook; about one's own choice it is depth.
            tallies["reasoning"].add(reason * (0.25 if generic_you else 1.0), text)
        outcome = bool(lx.OUTCOME.search(text))
        measured = (context and bool(lx.NUMBER_WITH_UNIT.search(text))) or (
            len(s.words) >= 5 and bool(lx.FROM_TO.search(text))  # "it went from 8 s to 400 ms"
        )
        if outcome and measured:
            tallies["impact"].add(0.8, text)
        elif outcome and not is_generic and len(s.words) >= 5:  # not "It saved 20 hours."
            tallies["impact"].add(0.35, text)
        elif measured and narrated and lx.METRIC_NOUN.search(text):
            tallies["impact"].add(0.35, text)  # a measured state in a told story, not an estimate
        elif hypothetical and lx.DESIGN_MEASURE.search(text):
            tallies["impact"].add(0.35, text)
        if not platitude and lx.REFLECTION.search(text):
            tallies["reflection"].add(0.3 if lx.WEAK_REFLECTION.search(text) else 0.6, text)
        elif hypothetical and lx.DESIGN_REFLECTION.search(text):
            tallies["reflection"].add(0.4, text)

    on_topic, relevance = judge_relevance(
        reader,
        question,
        tuple(topics),
        about_tokens,
        about_text,
        substantive=substance >= 3 or content_words >= SUBSTANTIVE_WORDS,
        check_short=check_short,
        relative=relative,
        told=bool(narrative),
    )
    on_topic = on_topic and not empty and not evasive and not not_english and not noise
    if narrative:  # capped: a long "we did this, we did that" is not more specific for it
        tallies["specificity"].add(min(0.3, 0.1 * len(narrative)), narrative[0])
    generic_ratio = generic / max(1, len(kept))
    clarity = _clarity(kept, word_count, generic_ratio, on_topic, relevance, len(tool_lists))
    findings: dict[Dimension, DimensionFinding] = {
        d: tallies[d].finding() for d in DIMENSIONS if d != "clarity"
    }
    findings["clarity"] = clarity
    if not on_topic:
        findings = {d: DimensionFinding(present=False, strength=0.0) for d in DIMENSIONS}
    return AnswerAnalysis(
        dimensions=findings,
        on_topic=on_topic,
        relevance=relevance,
        word_count=word_count,
        truncated=truncated,
        evasive=evasive or not_english or noise,
        not_english=not_english,
        noise=noise,
        empty=empty,
        hypothetical=hypothetical,
        steering=steering,
        tool_lists=tool_lists,
        generic_ratio=round(generic_ratio, 3),
        substance_sentences=substance,
        narrative_sentences=len(narrative),
        domain_terms=domain_terms,
        content_terms=len(content),
        buzzword_ratio=round(buzz / max(1, content_words), 3),
    )


def _clarity(
    kept: list[Sentence],
    word_count: int,
    generic_ratio: float,
    on_topic: bool,
    relevance: float,
    tool_lists: int,
) -> DimensionFinding:
    """Structured, concise, answers the question. Read from shape, not vocabulary."""
    if not on_topic or not kept:
        return DimensionFinding(present=False, strength=0.0)
    if all(lx.NOT_DONE_EXPERIENCE.search(s.text) for s in kept):
        # "I have never been in that situation" is an honest non-answer, not a clear one
        return DimensionFinding(present=False, strength=0.0)
    score = 0.6
    lengths = [len(s.words) for s in kept]
    average = sum(lengths) / len(lengths)
    if word_count < 8:
        score -= 0.4
    elif word_count < 20:
        score -= 0.15
    if word_count > 700:
        score -= 0.35
    elif word_count > 450:
        score -= 0.2
    if average > 38:
        score -= 0.25
    elif average > 30:
        score -= 0.1
    fillers = sum(len(lx.FILLERS.findall(s.text)) for s in kept)
    if fillers / max(1, word_count) > 0.03:
        score -= 0.2
    score -= 0.4 * max(0.0, generic_ratio - 0.25)
    score -= 0.1 * tool_lists
    structured = [s for s in kept if lx.STRUCTURE.search(s.text)]
    if structured:
        score += 0.15
    if relevance >= 2:
        score += 0.15
    score = max(0.0, min(1.0, score))
    informative = [s for s in kept if len(s.words) >= 6] or kept
    evidence = (
        [structured[0].text]
        if structured and len(structured[0].words) >= 6
        else [informative[0].text]
    )
    return DimensionFinding(present=score >= 0.6, strength=round(score, 3), evidence=evidence)
