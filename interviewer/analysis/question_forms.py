"""What form a question takes, which changes what answers it.

Open questions ("your hardest bug") take any story the candidate chooses; story prompts ("tell
me about a time...") and scenes ("what if someone keeps writing bad code?") are answered in
the words of the candidate's own situation or response, not the prompt's; questions about the
candidate or the company ("where do you see yourself?", "any questions for us?") take any of
their work, in their form. ``relevance`` reads these; ``scoring.shifts`` keeps questions about
the candidate out of shifted runs.
"""

from __future__ import annotations

import re

# Questions whose subject the candidate chooses: "your hardest bug", "a project you're proud of".
OPEN_QUESTION = re.compile(
    r"\b(?:your|you've|you have|you're|you)\b[^?.]{0,40}\b(?:biggest|hardest|most|best|worst|"
    r"favou?rite|proudest|last|recent|current|previous)\b|\b(?:a|one|any) (?:project|system|"
    r"codebase|library|decision|time|situation|problem|bug|mistake|thing|feature|role|team)\b|"
    r"\bwalk me through\b|\bwhich of your\b|\bpick (?:a|one)\b|\btell me about (?:a|your|one|the)\b|"
    r"\bthe (?:biggest|hardest|most|best|worst|toughest|largest)\b|\bwhat did you\b|"
    r"\b(?:something|anything) you\b|\byou (?:took on|owned|built|led|shipped|made)\b",
    re.IGNORECASE,
)
# Questions about the candidate or the company ("tell me about yourself", "where do you see
# yourself in five years?", "what attracts you to our company?", "any questions for us?"): any
# of their work or of ours answers them, and such answers fit the technical questions they
# mention far better than the question itself. The relative test never runs.
_CLOSING = r"\b(?:any|some) questions? for (?:me|us)\b"  # the closing question
_ATTRACTS = r"\battracts? you\b"
_ABOUT_THEM = re.compile(
    r"\btell (?:me|us) (?:a bit |a little )?about yourself\b|\bintroduce yourself\b|"
    rf"{_ATTRACTS}|{_CLOSING}|\bsee yourself\b|"
    r"\b(?:career|long-term) (?:goals?|plans?|ambitions?)\b|"
    r"\bwhy (?:do you want to|would you like to|are you interested|should we)\b|"
    r"\b(?:why|what)\b[^?.]{0,40}\b(?:our|this) (?:company|team|role|position|product|mission|"
    r"startup)\b",
    re.IGNORECASE,
)
# Questions asking for a story: a told story's words are its own situation's, not the prompt's.
STORY_PROMPT = re.compile(
    r"\b(?:tell (?:me|us) about|describe|walk me through|give (?:me|us) an example|"
    r"a time (?:you|when)|have you (?:ever|had|been|seen|dealt|tackled|led|made|built))\b",
    re.IGNORECASE,
)
# Questions setting a scene and asking for a response ("what if someone keeps writing bad
# code?"): the answer's words are the response's (mentoring, a rollback), not the scene's.
SCENARIO_PROMPT = re.compile(
    r"\bwhat if\b|\bwhat (?:do|would|will) you do (?:if|when)\b|\bhow (?:do|would|will) you "
    r"(?:react|respond)\b|^\s*if (?:a|an|the|your|someone|somebody)\b",
    re.IGNORECASE,
)
# The candidate picks the subject whatever words follow: "walk me through a PR you're proud of".
STRONGLY_OPEN = re.compile(
    r"\bwhich (?:part|parts|piece|bit|area|aspect) of your\b|\bwalk me through (?:a|an|one|your)\b|\bproud of\b|\bwhich of your\b|\bpick (?:a|one)\b|"
    r"\byour (?:biggest|hardest|favou?rite|proudest|best|worst)\b",
    re.IGNORECASE,
)


def about_them(question: str) -> bool:
    """Whether the question is about the candidate or the company ("where do you see yourself
    in five years?", "any questions for us?"): any of their work answers it."""
    return bool(_ABOUT_THEM.search(question))


_FIRST_PERSON = re.compile(
    r"\b(?:i|i'm|i've|i'd|i'll|me|my|mine|myself|we|our|us)\b", re.IGNORECASE
)
_ABOUT_COMPANY = re.compile(
    rf"{_ATTRACTS}|\b(?:our|this|the) (?:company|team|role|position|product|mission|startup)\b",
    re.IGNORECASE,
)


def speaks_for_them(question: str, answer: str) -> bool:
    """Whether an answer to a question about the candidate or the company has their form: it
    asks something (to "any questions for us?") or speaks of the candidate."""
    if _ABOUT_COMPANY.search(question) and re.search(r"\byou(?:'re|r)?\b", answer, re.I):
        return True  # the company, addressed: "you're building payments in-house"
    if re.search(_CLOSING, question, re.IGNORECASE):
        return "?" in answer or bool(
            re.search(r"\b(?:wonder|curious|like to (?:know|ask|hear))\b", answer, re.IGNORECASE)
        )
    return bool(_FIRST_PERSON.search(answer))
