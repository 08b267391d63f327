"""What ``interviewer calibrate`` reports, and how: the pydantic report (``--json``), its
Markdown (the default) and a chart (``--chart FILE.png`` or ``.svg``).

The chart draws the confusion heat-map (label level by score level) beside the histogram of the
levels the scorer used and the labels gave. matplotlib is optional: imported only here, inside
``write_chart``, with the Agg (PNG) and SVG canvases and its bundled DejaVu font, so it works
offline; ``check_chart`` says how to install it before any scoring starts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from .errors import InputError, InterviewerError
from .markdown import escape

LEVELS = (1, 2, 3, 4, 5)
CHART_FORMATS = (".png", ".svg")
MATPLOTLIB_MISSING = (
    "the chart needs matplotlib, which is not installed: pip install matplotlib "
    "(or pip install -e '.[chart]')"
)
WORST_SHOWN = 5


class Interval(BaseModel):
    """A statistic with its 95% bootstrap confidence interval (None when undefined)."""

    value: float | None
    low: float | None = None
    high: float | None = None


class Retest(BaseModel):
    """Test-retest agreement of the scorer with itself over ``runs`` scorings of each answer."""

    runs: int
    deterministic: bool = Field(description="True: the offline scorer; repeats were skipped.")
    items: int = Field(description="Answers scored in every run (the ones compared).")
    exact_agreement: float | None = Field(description="Same level, mean over pairs of runs.")
    quadratic_weighted_kappa: float | None = Field(description="Mean over pairs of runs.")
    mean_spread: float | None = Field(description="Mean over answers of max - min score.")
    changed_items: int = Field(description="Answers whose level was not the same in every run.")
    label_spearman_by_run: list[float | None] = Field(
        default_factory=list, description="Spearman's rho with the labels, run by run."
    )
    note: str | None = None


class Item(BaseModel):
    """One labelled answer (or one overridden criterion) with the score it was given."""

    id: str
    label: float
    score: float | None = Field(description="The first run's score; None: could not be scored.")
    runs: list[float | None] = Field(default_factory=list, description="Every run, if repeated.")
    words: int = Field(description="Length of the answer (or the session's answers) in words.")


class Calibration(BaseModel):
    """What ``interviewer calibrate`` reports."""

    source: Literal["labels", "overrides"]
    source_detail: str = Field(description="The labels file, or how overrides became labels.")
    scorer: str = Field(description="Who gave the scores: offline, a model judge, or stored.")
    n: int = Field(description="Labels compared (those with a score).")
    unscored: int = Field(default=0, description="Labels left out: the judge gave no score.")
    unscored_reason: str | None = None
    spearman: Interval
    quadratic_weighted_kappa: Interval
    exact_agreement: Interval
    adjacent_agreement: Interval
    mean_bias: Interval = Field(description="Mean of score minus label; > 0: too generous.")
    levels_used: dict[int, int] = Field(description="How often the scorer gave each level.")
    levels_labelled: dict[int, int] = Field(description="How often the labels gave each level.")
    confusion: list[list[int]] = Field(
        description="Counts by label level (rows, 1-5) and score level (columns, 1-5)."
    )
    verbosity_spearman: float | None = Field(
        description="Spearman's rho of score with answer length in words."
    )
    padding_shift: float | None = Field(
        default=None, description="Mean score change when generic text is appended."
    )
    repetition_shift: float | None = Field(
        default=None, description="Mean score change when the answer is doubled."
    )
    retest: Retest | None = None
    items: list[Item] = Field(default_factory=list)

    def to_markdown(self) -> str:
        """A readable report: agreement, levels, confusion, gaming checks, retest, worst items."""
        lines = [
            f"# Calibration of {self.scorer} on {self.n} labels",
            "",
            f"Labels: {escape(self.source_detail)}.",
        ]
        if self.unscored:
            lines.append(
                f"Left out: {self.unscored} the judge gave no score ({self.unscored_reason})."
            )
        lines += [
            "",
            "## Agreement with the labels",
            "",
            "| measure | value | 95% interval |",
            "|---|---|---|",
            *(f"| {name} | {_value(i)} | {_ci(i)} |" for name, i in self._agreement_rows()),
            "",
            _bias_sentence(self.mean_bias.value),
            "",
            "## Levels",
            "",
            "| level | " + " | ".join(str(k) for k in LEVELS) + " |",
            "|---|" + "---|" * len(LEVELS),
            "| scorer | " + " | ".join(str(self.levels_used.get(k, 0)) for k in LEVELS) + " |",
            "| labels | " + " | ".join(str(self.levels_labelled.get(k, 0)) for k in LEVELS) + " |",
            "",
            "Confusion (rows: label level, columns: score level):",
            "",
            "| label / score | " + " | ".join(str(k) for k in LEVELS) + " |",
            "|---|" + "---|" * len(LEVELS),
            *(
                f"| {k} | " + " | ".join(str(c) for c in row) + " |"
                for k, row in zip(LEVELS, self.confusion, strict=True)
            ),
            "",
            "## Gaming checks",
            "",
            "| check | value |",
            "|---|---|",
            f"| score vs length in words (Spearman; near 0 is good) | {_fmt(self.verbosity_spearman)} |",
            f"| shift when padded with generic text | {_shift(self.padding_shift)} |",
            f"| shift when the answer is pasted twice | {_shift(self.repetition_shift)} |",
        ]
        if self.padding_shift is None:
            lines += ["", "Padding and repetition need answer text to score again: n/a here."]
        if self.retest is not None:
            lines += ["", *_retest_lines(self.retest)]
        worst = self._worst()
        if worst:
            lines += [
                "",
                "## Largest disagreements",
                "",
                "| id | label | score |",
                "|---|---|---|",
                *(f"| {escape(i.id)} | {i.label:g} | {_fmt(i.score)} |" for i in worst),
            ]
        return "\n".join(lines)

    def _agreement_rows(self) -> list[tuple[str, Interval]]:
        return [
            ("Spearman's rho", self.spearman),
            ("quadratic weighted kappa", self.quadratic_weighted_kappa),
            ("exact agreement (same level)", self.exact_agreement),
            ("adjacent agreement (within 1)", self.adjacent_agreement),
            ("mean bias (score - label)", self.mean_bias),
        ]

    def _worst(self) -> list[Item]:
        scored = [i for i in self.items if i.score is not None and abs(i.score - i.label) >= 1]
        scored.sort(key=lambda i: -abs((i.score or 0) - i.label))
        return scored[:WORST_SHOWN]


def _retest_lines(r: Retest) -> list[str]:
    head = [f"## Test-retest ({r.runs} runs)", ""]
    if r.deterministic:
        return [*head, r.note or "Deterministic: retest agreement is 1.0 by construction."]
    by_run = ", ".join(_fmt(x) for x in r.label_spearman_by_run)
    lines = [
        *head,
        "| measure | value |",
        "|---|---|",
        f"| answers scored in every run | {r.items} |",
        f"| exact agreement between runs (same level) | {_fmt(r.exact_agreement)} |",
        f"| quadratic weighted kappa between runs | {_fmt(r.quadratic_weighted_kappa)} |",
        f"| mean per-answer spread (max - min) | {_fmt(r.mean_spread)} |",
        f"| answers whose level changed | {r.changed_items} |",
        f"| Spearman with the labels, run by run | {by_run} |",
    ]
    return lines + (["", r.note] if r.note else [])


def _bias_sentence(bias: float | None) -> str:
    if bias is None:
        return "Mean bias: n/a."
    if abs(bias) < 0.25:
        return (
            f"Mean bias {bias:+.2f}: the scorer is neither generous nor harsh on average (this "
            "says nothing about agreement on single answers; see exact agreement above)."
        )
    side = "above" if bias > 0 else "below"
    word = "generous" if bias > 0 else "harsh"
    return f"On average the scorer is {abs(bias):.2f} levels {side} the labels (too {word})."


def _value(i: Interval) -> str:
    return _fmt(i.value)


def _ci(i: Interval) -> str:
    return "n/a" if i.low is None or i.high is None else f"[{i.low:.2f}, {i.high:.2f}]"


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _shift(value: float | None) -> str:
    return "n/a" if value is None else f"{value:+.2f}"


# -- the chart ------------------------------------------------------------------------------------
def check_chart(path: str) -> Path:
    """The chart's path, checked before any scoring: a .png or .svg name, matplotlib installed.

    Raises InputError for another suffix, InterviewerError (with the install command) when
    matplotlib is missing."""
    target = Path(path)
    if target.suffix.lower() not in CHART_FORMATS:
        raise InputError(f"--chart {path}: give a .png or .svg file name")
    if not target.parent.is_dir():
        raise InputError(f"--chart {path}: the folder {target.parent} does not exist")
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise InterviewerError(MATPLOTLIB_MISSING) from None
    return target


def write_chart(report: Calibration, path: str | Path) -> Path:
    """Draw the confusion heat-map and the levels histogram into ``path`` (.png or .svg)."""
    target = check_chart(str(path))
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 4.2), layout="constrained")
    FigureCanvasAgg(fig)  # Agg, never a display; pyplot's global state is left alone
    heat, bars = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.25]})
    counts = report.confusion
    image = heat.imshow(counts, cmap="Blues", origin="lower")
    peak = max((c for row in counts for c in row), default=0)
    for r, row in enumerate(counts):
        for c, count in enumerate(row):
            if count:
                color = "white" if count > peak / 2 else "black"
                heat.text(c, r, str(count), ha="center", va="center", color=color, fontsize=9)
    heat.plot([-0.5, 4.5], [-0.5, 4.5], color="grey", linewidth=0.8, linestyle=":")
    heat.set_xticks(range(5), [str(k) for k in LEVELS])
    heat.set_yticks(range(5), [str(k) for k in LEVELS])
    heat.set_xlabel("score level")
    heat.set_ylabel("label level")
    kappa = report.quadratic_weighted_kappa.value
    heat.set_title(f"Label vs score (n={report.n}, kappa {_fmt(kappa)})", fontsize=10)
    fig.colorbar(image, ax=heat, shrink=0.8, label="answers")

    width = 0.38
    xs = list(range(len(LEVELS)))
    used = [report.levels_used.get(k, 0) for k in LEVELS]
    labelled = [report.levels_labelled.get(k, 0) for k in LEVELS]
    bars.bar([x - width / 2 for x in xs], labelled, width, label="labels", color="#9ecae1")
    bars.bar([x + width / 2 for x in xs], used, width, label="scorer", color="#3182bd")
    bars.set_xticks(xs, [str(k) for k in LEVELS])
    bars.set_xlabel("level")
    bars.set_ylabel("count")
    bars.set_title("Levels: labels and scorer", fontsize=10)
    bars.legend(frameon=False)
    fig.suptitle(f"Calibration of {report.scorer}", fontsize=11)
    fig.savefig(target, dpi=110, metadata=_metadata(target))
    return target


def _metadata(target: Path) -> dict[str, str | None]:
    # no creation date or software version: the same report draws the same file
    if target.suffix.lower() == ".svg":
        return {"Date": None}
    return {"Software": None}
