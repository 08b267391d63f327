"""Helpers shared by the benchmark scripts in bench/ (not a benchmark itself).

Percentiles, a description of the machine, plain-text tables and the JSON written under
bench/results/. Only the standard library, so importing it costs nothing.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
# Every persona, in the order the session benchmarks cycle through them.
PERSONAS = [
    "fundamentals",
    "system-design",
    "behavioural",
    "appsec",
    "ml-engineering",
    "code-walkthrough",
    "complex-problem",
    "leadership",
    "resume-deep-dive",
    "startup-fit",
    "take-home-review",
]


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100), as bench_service.py computes it."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def summary_ms(seconds: Sequence[float]) -> dict[str, float | int]:
    """n, p50, p95, max and mean of durations given in seconds, in milliseconds."""
    if not seconds:
        return {"n": 0}
    return {
        "n": len(seconds),
        "p50_ms": round(percentile(seconds, 50) * 1000, 3),
        "p95_ms": round(percentile(seconds, 95) * 1000, 3),
        "max_ms": round(max(seconds) * 1000, 3),
        "mean_ms": round(sum(seconds) / len(seconds) * 1000, 3),
    }


def machine() -> dict[str, Any]:
    """What the figures were measured on, and how loaded the machine was when they were."""
    try:
        load = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        load = None
    affinity = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    return {
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "affinity": affinity,
        "python": platform.python_version(),
        "load_average": load,
        "when": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
    }


def machine_line(info: dict[str, Any] | None = None) -> str:
    info = info or machine()
    return (
        f"machine: {info['machine']}, {info['cpus']} cpus, Python {info['python']}, "
        f"load average {info['load_average']} at {info['when']}"
    )


def pin_to_one_core() -> int | None:
    """Pin this process (and the children it starts) to its first allowed core; returns it."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    core = sorted(os.sched_getaffinity(0))[0]
    os.sched_setaffinity(0, {core})
    return core


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain-text table: the first column left-aligned, the others right-aligned."""
    cells = [[str(h) for h in headers]] + [[_cell(v) for v in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        out = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        return "  ".join(out).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), rule] + [line(r) for r in cells[1:]])


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


def code_version() -> dict[str, Any]:
    """The commit measured and any uncommitted change to the package, from git when ROOT is a
    checkout; else the BENCH_SOURCE variable (e.g. the commit a ``git archive`` copy came from)."""
    import subprocess

    def git(*args: str) -> str | None:
        try:
            out = subprocess.run(
                ["git", "-C", str(ROOT), *args], capture_output=True, text=True, timeout=10
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        return out.stdout.strip() if out.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if commit is None:
        return {"commit": os.environ.get("BENCH_SOURCE"), "uncommitted": None}
    changed = git("status", "--porcelain", "--", "interviewer", "app.py") or ""
    return {"commit": commit, "uncommitted": [line[3:] for line in changed.splitlines()]}


def write_results(name: str, data: dict[str, Any], path: Path | None = None) -> Path:
    """Write ``data`` as JSON to bench/results/NAME.json (or ``path``), with the code measured
    (``code_version``); returns the path."""
    data = {**data, "code": code_version()}
    path = path or RESULTS / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, sort_keys=False) + "\n")
    print(f"\nwrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return path


def command_line() -> str:
    """How this script was run, e.g. ``python bench/bench_turns.py --quick``."""
    script = Path(sys.argv[0]).resolve()
    shown = script.relative_to(ROOT) if script.is_relative_to(ROOT) else script
    return " ".join(["python", str(shown), *sys.argv[1:]])
