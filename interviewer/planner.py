"""Plan an interview: pick the persona, find the skills a job description names, choose questions.

The persona follows the role title when the title says which round it is ("Site Reliability
Engineer" is fundamentals in depth, "Engineering Manager" is leadership), else the JD's keywords.
Skills come from `skills.py` (tags, word forms, meaning), required ones before nice-to-haves.
Questions cover the skills first (greedy set cover: the persona's own questions, then up to half
the slots borrowed from other rounds for skills still uncovered), then are filled by similarity
between the role/JD/resume text and the questions in the store, filtered by persona and level.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

from .bank import Bank
from .models import Level, Persona, Plan, PlannedQuestion, Question
from .skills import ALIASES, CASE_SENSITIVE, Skill, find_skills, skill_index

if TYPE_CHECKING:
    from .store import QuestionStore

__all__ = ["ALIASES", "extract_skills", "pick_persona", "plan_interview", "skills_for"]

DEFAULT_PERSONA = "fundamentals"

# Role titles the personas' keywords do not spell out, and the round each one is.
ROLE_TITLES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), persona)
    for pattern, persona in (
        (
            r"\b(?:back[\s-]?end|front[\s-]?end|full[\s-]?stack|mobile|ios|android|data|dev\s*ops|"
            r"qa|test|sdet|platform|infrastructure|cloud|systems|database|web|python|java|go)"
            r"\s+(?:software\s+)?(?:engineer|developer|dev|eng)\b",
            "fundamentals",
        ),
        (r"\b(?:site reliability|sre)\b|\bdatabase administrator\b|\bdba\b", "fundamentals"),
        (
            r"\b(?:ml|mlops|machine learning|ai|llm|nlp|computer vision)\s+(?:\w+\s+)?"
            r"(?:engineer|developer|scientist)\b|\b(?:data|applied|research) scientist\b",
            "ml-engineering",
        ),
        (
            r"\b(?:security|appsec|application security|product security|infosec|devsecops)\s+"
            r"(?:\w+\s+)?(?:engineer|analyst|architect|specialist)\b|\bpen(?:etration)?\s*tester\b",
            "appsec",
        ),
        (
            r"\b(?:engineering|software|development)\s+manager\b|\bhead of \w+|"
            r"\b(?:director|vp|vice president) of engineering\b|\b(?:tech|team|technical) lead\b",
            "leadership",
        ),
        (r"\bfounding\s+(?:\w+\s+)?engineer\b|\bfirst engineer\b", "startup-fit"),
        (r"\b(?:staff|principal)\s+(?:software\s+)?engineer\b", "complex-problem"),
        (r"\b(?:software|solutions?|systems?|cloud|technical)\s+architect\b", "system-design"),
    )
)
# Title words that say the level or the trade, not the round.
_GENERIC_TITLE_KEYWORDS = frozenset({"software engineer", "senior engineer"})
_TITLE_END = re.compile(r"[.;:!?](?:\s|$)|\s[-\u2013\u2014|]\s|\n")


def extract_skills(text: str, bank: Bank) -> list[str]:
    """Skills (topic tags) named in a job description or resume: required first, then by mention."""
    return [s.name for s in find_skills(text, bank)]


def _keyword_pattern(kw: str) -> str:
    return CASE_SENSITIVE.get(kw) or r"(?i:(?<![\w/])" + re.escape(kw) + r"(?![\w/]))"


def job_title(jd: str | None, role: str | None = None) -> str:
    """The role's title: the role given, else the JD's first line up to its first full stop."""
    first = next((line.strip() for line in (jd or "").splitlines() if line.strip()), "")
    title = _TITLE_END.split(first, maxsplit=1)[0]
    return " | ".join(t for t in (role, " ".join(title.split()[:12])) if t)


def pick_persona(jd: str | None, bank: Bank, role: str | None = None) -> str:
    """The persona the role title names; else the one whose JD keywords the text mentions most.

    `fundamentals` when nothing stands out.
    """
    title = job_title(jd, role)
    if not title and not (jd and jd.strip()):
        return DEFAULT_PERSONA
    body_scores: dict[str, float] = {}
    title_scores: dict[str, float] = {}
    for pid in sorted(bank.personas):
        body = heading = 0.0
        for kw in bank.personas[pid].jd_keywords:
            pattern = _keyword_pattern(kw)
            body += min(len(re.findall(pattern, jd or "")), 3) * (1.5 if " " in kw else 1.0)
            if kw not in _GENERIC_TITLE_KEYWORDS:
                heading += (5.0 if " " in kw else 2.0) * len(re.findall(pattern, title))
        heading += sum(6.0 for pattern, p in ROLE_TITLES if p == pid and pattern.search(title))
        body_scores[pid], title_scores[pid] = body, heading
    best_title = max(title_scores.values())
    if best_title > 0:  # the title decides; the body only breaks a tie
        tied = [p for p in sorted(title_scores) if title_scores[p] == best_title]
        return max(tied, key=lambda p: body_scores[p])
    best, best_score = DEFAULT_PERSONA, 1.5
    for pid in sorted(body_scores):
        if body_scores[pid] > best_score:
            best, best_score = pid, body_scores[pid]
    return best


# Banks up to this size are ranked whole against the query (exact); larger ones are planned
# from bounded store queries, so planning costs the same at 100,000 questions as at 1,000.
EXACT_RANKING_UP_TO = 500
CANDIDATES = 200  # questions fetched per store query when planning a large bank
SKILL_CANDIDATES = 50  # questions tagged with a skill considered for covering it


def _level_ok(q: Question, level: Level | None) -> bool:
    return level is None or level in q.levels


def plan_interview(
    bank: Bank,
    store: QuestionStore | None,
    persona_id: str | None = None,
    role: str | None = None,
    level: Level | None = None,
    jd: str | None = None,
    resume: str | None = None,
    count: int | None = None,
    exclude: set[str] | None = None,
    *,
    meaning_distance: float | None = None,
) -> Plan:
    """Choose the questions for one interview. Deterministic for the same inputs.

    ``meaning_distance`` overrides the validated threshold for skills found by meaning.
    """
    persona = bank.persona(persona_id or pick_persona(jd, bank, role))
    count = count or persona.question_count
    exclude = exclude or set()
    context = " ".join(x for x in (role, jd, resume) if x)
    text = "\n".join(x for x in (jd, resume) if x)
    skills = skills_for(text, bank, store, level, meaning_distance)
    # A skill the round itself is about ("security" in the security round) needs no question.
    round_words = {persona.kind, *re.findall(r"[a-z]+", persona.name.lower())}
    to_cover = [s for s in skills if not round_words & {s.name, *ALIASES.get(s.name, ())}]
    query = context or persona.description
    if store is None or len(bank.questions) <= EXACT_RANKING_UP_TO:
        ranked, borrowed = _rank_all(bank, store, persona, level, exclude, query)
    else:
        ranked, borrowed = _rank_by_query(bank, store, persona, level, exclude, query, to_cover)
    chosen: list[PlannedQuestion] = []
    used: set[str] = set()
    note = f" (borrowed from another round: the {persona.name.lower()} questions do not cover it)"
    own = [bank.questions[qid] for qid in ranked]
    _cover(bank, own, borrowed, to_cover, count, count // 2, used, chosen, note)
    chosen.sort(key=lambda c: persona.id not in bank.questions[c.id].personas)  # own ones first

    seen_topics = {t for c in chosen for t in c.topics}
    for qid in ranked:
        if len(chosen) >= count:
            break
        q = bank.questions[qid]
        if qid in used or len(set(q.topics) & seen_topics) > len(q.topics) / 2:
            continue
        used.add(qid)
        seen_topics |= set(q.topics)
        why = f"close to the role '{role}'" if role else f"a core {persona.name.lower()} question"
        if level:
            why += f" at {level} level"
        chosen.append(_planned(q, why))
    for qid in ranked:  # still short (tiny pools): allow topic overlap
        if len(chosen) >= count:
            break
        if qid not in used:
            used.add(qid)
            chosen.append(_planned(bank.questions[qid], f"a core {persona.name.lower()} question"))
    names = [s.name for s in skills]
    return Plan(persona=persona.id, role=role, level=level, skills=names, questions=chosen)


def _rank_all(
    bank: Bank,
    store: QuestionStore | None,
    persona: Persona,
    level: Level | None,
    exclude: set[str],
    query: str,
) -> tuple[list[str], list[Question]]:
    """(the persona's question ids, closest to the query first; other rounds' questions) over
    the whole bank: exact, for banks small enough to rank whole."""
    pool = [q for q in bank.questions_for(persona.id) if q.id not in exclude]
    if not pool:
        pool = bank.questions_for(persona.id)
    by_level = [q for q in pool if _level_ok(q, level)] or pool
    near = _rank_by_similarity(store, query, bank)
    own_ids = {q.id for q in by_level}
    ranked = [qid for qid in near if qid in own_ids]
    return ranked, _borrowed(bank, near, persona, level, exclude)


def _rank_by_query(
    bank: Bank,
    store: QuestionStore,
    persona: Persona,
    level: Level | None,
    exclude: set[str],
    query: str,
    skills: list[Skill],
) -> tuple[list[str], list[Question]]:
    """The same for a large bank, from bounded store queries: the persona's questions closest
    to the query (filtered by persona and level in the store), other rounds' closest ones, and
    for each skill to cover the questions tagged with it or found for it by meaning."""
    hits = store.search(query, k=CANDIDATES, persona=persona.id, level=level, exclude_ids=exclude)
    if not hits:  # every question at this level asked already, or none at this level
        hits = store.search(query, k=CANDIDATES, persona=persona.id, level=level)
    if not hits:
        hits = store.search(query, k=CANDIDATES, persona=persona.id)
    ranked = [h.id for h in hits]
    others = store.search(query, k=CANDIDATES, level=level, exclude_ids=exclude)
    borrowed_ids = [h.id for h in others]
    tags = sorted(
        {form for s in skills if not s.questions for form in (s.name, *ALIASES.get(s.name, ()))}
    )
    mine = bank.questions.with_topics(tags, persona.question_kinds, SKILL_CANDIDATES)
    ranked += [q for q in mine if q not in exclude]
    borrowed_ids += bank.questions.with_topics(tags, None, SKILL_CANDIDATES)
    for s in skills:
        for qid in sorted(s.questions):
            (ranked if persona.id in bank.questions[qid].personas else borrowed_ids).append(qid)
    ranked = list(dict.fromkeys(ranked))
    ranked = [q for q in ranked if _level_ok(bank.questions[q], level)] or ranked
    return ranked, _borrowed(bank, dict.fromkeys(borrowed_ids), persona, level, exclude)


def _borrowed(
    bank: Bank, ids: Iterable[str], persona: Persona, level: Level | None, exclude: set[str]
) -> list[Question]:
    """Other rounds' questions among ``ids`` (in that order) at the level, not yet asked."""
    return [
        bank.questions[qid]
        for qid in ids
        if qid not in exclude
        and persona.id not in bank.questions[qid].personas
        and _level_ok(bank.questions[qid], level)
    ]


def _cover(
    bank: Bank,
    own: list[Question],
    borrowed: list[Question],
    skills: list[Skill],
    slots: int,
    borrow_slots: int,
    used: set[str],
    chosen: list[PlannedQuestion],
    note: str,
) -> list[Skill]:
    """Greedy set cover, required skills before nice-to-haves; returns the skills left uncovered.

    Each step takes the question covering the most uncovered required skills (then the most
    skills in all); the persona's own questions win ties, so other rounds' questions (at most
    ``borrow_slots``) come in for skills the persona's questions do not reach. Then a question
    whose topics (not only its text) name the skills; then the pools' order (closest to the JD).
    """
    index = skill_index(bank)
    covers, about = index.covers, index.about
    uncovered = list(skills)
    taken = 0
    while uncovered and len(chosen) < slots:
        best: Question | None = None
        best_key = (0, 0, 0, 0)
        best_cover: list[Skill] = []
        for mine, pool in ((1, own), (0, borrowed if taken < borrow_slots else [])):
            for q in pool:
                if q.id in used:
                    continue
                got = [s for s in uncovered if s.name in covers[q.id] or q.id in s.questions]
                on_topic = sum(s.name in about[q.id] or q.id in s.questions for s in got)
                key = (sum(s.required for s in got), len(got), mine, on_topic)
                if got and key > best_key:
                    best, best_key, best_cover = q, key, got
        if best is None:
            break
        used.add(best.id)
        if not best_key[2]:
            taken += 1
        uncovered = [s for s in uncovered if s not in best_cover]
        named = ", ".join(s.name for s in best_cover)
        why = f"covers {named} from the job description{'' if best_key[2] else note}"
        chosen.append(_planned(best, why))
    return uncovered


def _planned(q: Question, why: str) -> PlannedQuestion:
    return PlannedQuestion(id=q.id, text=q.text, topics=list(q.topics), why=why)


def _rank_by_similarity(store: QuestionStore | None, query: str, bank: Bank) -> list[str]:
    """Every question id, closest to the query first; bank order without a store."""
    order: list[str] = []
    if store is not None:
        order = [h.id for h in store.search(query, k=len(bank.questions))]
    seen = set(order)
    return order + [qid for qid in bank.questions if qid not in seen]


# --------------------------------------------------------------------------- skills by meaning

# Cosine distance (1 - cosine) under which a phrase names the question's skill, per embedder.
# Validated across every job description in evals/data/jds.jsonl by `evals.plans --sweep`.
MEANING_MAX_DISTANCE: Mapping[str, float] = MappingProxyType({"minilm": 0.45})
MAX_PHRASES = 40  # phrases looked up per text (about 6 ms each with MiniLM)
_MEANING_MARGIN = 0.03  # other questions this close to the best also cover the phrase
_CHUNK = re.compile(r"[^,;:.()\n\[\]|!?\u2022*]+")
_JOINS = re.compile(r"\s(?:and|or|&|as well as|plus|including|such as|like|e\.g)\s", re.I)
# What a clause says around a skill: leading pronouns, verbs and qualifiers ("you will build",
# "solid experience with"), and a trailing place or purpose ("... for the mobile app").
_FILLER = re.compile(
    r"^(?:(?:you(?:'ll|'re|\s+will)?|we|we're|our|to|the|a|an|and|also|be|must|should|can|strong|"
    r"solid|deep|good|great|proven|hands-on|some|own|experience|knowledge|understanding|"
    r"familiarity|expertise|background|comfortable|ability|able|with|in|of|on|for|at|\d+\+?|"
    r"years?|plus|bonus|nice|have|has|is|are|will|who|that|etc|build|building|develop|"
    r"developing|maintain|maintaining|run|running|write|writing|lead|leading|drive|driving|"
    r"improve|improving|implement|implementing|ship|shipping|create|creating|support|"
    r"supporting|operate|operating|deliver|delivering|help|work|working|use|using|set|setting)"
    r"\s+)+",
    re.IGNORECASE,
)
_TAIL = re.compile(
    r"\s+(?:for|in|to|across|at|on|from|into|within|that|which|who|so|when|where)\s.*$", re.I
)
_STOP = frozenset(
    "a an the and or of in on for to with at by from as is are be we you our your their this that "
    "it its will can all any who what how into more most very us they them new etc senior staff "
    "junior engineer engineers developer developers team teams role company day work".split()
)


def skills_for(
    text: str,
    bank: Bank,
    store: QuestionStore | None,
    level: Level | None = None,
    max_distance: float | None = None,
) -> list[Skill]:
    """The skills a JD or resume names: by tag and word form, and, with a store, by meaning.

    A phrase no tag explains becomes a skill when a question is within ``max_distance`` (default:
    the threshold validated for the store's embedder; none validated, no matching by meaning).
    """
    limit = max_distance
    if store is not None and limit is None:
        limit = MEANING_MAX_DISTANCE.get(store.embedder_name)
    if store is None or limit is None:
        return find_skills(text, bank)
    covers = skill_index(bank).covers

    def lookup(
        text: str, mentions: list[tuple[int, int, str]]
    ) -> list[tuple[int, str, frozenset[str]]]:
        assert limit is not None
        title = re.match(r"\s*([^\n]*)", text)
        title_end = title.end() if title and len(title.group(1).split()) <= 12 else 0
        out: list[tuple[int, str, frozenset[str]]] = []
        for pos, phrase, named in _phrases(text, mentions)[:MAX_PHRASES]:
            if pos < title_end:
                continue  # the job title names the role, not a skill
            hits = store.search(phrase, k=3, level=level)
            if not hits or hits[0].distance > limit or named & covers[hits[0].id]:
                continue  # nothing close, or the closest question is about a tag already named
            near = min(limit, hits[0].distance + _MEANING_MARGIN)
            out.append((pos, phrase, frozenset(h.id for h in hits if h.distance <= near)))
        return out

    return find_skills(text, bank, lookup)


def _phrases(
    text: str, mentions: list[tuple[int, int, str]]
) -> list[tuple[int, str, frozenset[str]]]:
    """Short phrases (clause parts) that tag mentions do not explain, with the tags they name.

    A phrase naming a tag is kept only when two more content words remain: "handle the
    performance of people" says more than "performance".
    """
    out: list[tuple[int, str, frozenset[str]]] = []
    seen: set[str] = set()
    for chunk in _CHUNK.finditer(text):
        pos = chunk.start()
        for part in _JOINS.split(chunk.group()):
            at = text.index(part, pos)
            pos = at + len(part)
            phrase = _TAIL.sub("", _FILLER.sub("", part.strip())).strip().lower()
            named = [m for m in mentions if m[0] < pos and m[1] > at]
            rest = " ".join(phrase.split())
            for m in named:
                rest = rest.replace(text[m[0] : m[1]].lower(), " ")
            words = [w for w in re.findall(r"[a-z][\w+#'/-]*", rest) if w not in _STOP]
            if len(words) < (2 if named else 1) or len(phrase.split()) > 7 or phrase in seen:
                continue
            seen.add(phrase)
            out.append((at, phrase, frozenset(m[2] for m in named)))
    return out
