"""Follow-ups on real shallow answers: does the probe aim at what the answer lacks?

    python -m evals.followups

For each real answer rated 3.5 or below (``$INTERVIEWER_REAL_DATA``, as ``evals.real``), the
interview's own decision (``InterviewService.follow_up``) is compared with what the two raters'
reasons say is missing. The raters did not label dimensions, so their words are mapped to them
(e.g. "no measured outcome" -> impact, "textbook" / "no example" -> specificity or ownership).
A probe counts as aimed when its target is among the dimensions the reasons name. Indicative:
the mapping is ours.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path

from evals.real import real_rows
from interviewer.config import Settings
from interviewer.service import InterviewService

LACKS = {
    "specificity": r"no (?:specifics|specific|details?|example|concrete|described|actual|"
    r"checkable)|vague|generic|platitude|textbook|nothing checkable|hypothetical|keyword|"
    r"list|brief|short|buzzword|cliché|stock",
    "ownership": r"no personal|personal evidence|could be written|textbook|generic|hypothetical|"
    r"without naming|claims",
    "impact": r"no (?:\w+ )?(?:outcome|results?|impact|measures?|measurement)|thin on outcomes|"
    r"impact stay|without (?:a )?result|or results|unmeasured|no measure",
    "reasoning": r"no (?:\w+ )?(?:reasoning|trade-?offs?|why)|little reasoning|without choosing|"
    r"no justification",
    "reflection": r"no lessons?|lessons? described|no reflection",
}


def lacking(reasons: str) -> set[str]:
    return {d for d, pattern in LACKS.items() if re.search(pattern, reasons, re.IGNORECASE)}


def main() -> int:
    home = Path(tempfile.mkdtemp())
    service = InterviewService(
        Settings(home=home, embedder=os.environ.get("INTERVIEWER_EMBEDDER", "minilm"))
    )
    aimed = probed = moved_on = 0
    misses: list[str] = []
    for row in real_rows():
        if row["depth"] > 3.5 or not row["on_topic"]:
            continue
        reasons = f"{row['rater_a']['why']} {row['rater_b']['why']}"
        want = lacking(reasons)
        decision = service.follow_up(row["question"], row["answer"])
        if decision.kind != "follow_up" or decision.target is None:
            moved_on += 1
            continue
        probed += 1
        if decision.target in want:
            aimed += 1
        else:
            misses.append(f"{row['id']}: probed {decision.target}; reasons: {reasons}")
    print(f"probes aimed at a dimension the raters say is missing: {aimed}/{probed}")
    print(f"no probe (moved on, redirected or re-asked): {moved_on}")
    for line in misses[:10]:
        print("  miss", line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
