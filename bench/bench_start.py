"""Start-up: import time of the package, and cold and warm starts of the command line.

    python bench/bench_start.py [--quick] [--runs 3]

What it measures, each as the wall time of a fresh subprocess (``sys.executable``, the
repository on PYTHONPATH, pinned to one core with one BLAS thread), median of ``--runs`` runs:

- the baseline, a bare interpreter (``python -c pass``), in the same run;
- import time: ``import interviewer``, ``import interviewer.service`` (what every front end
  imports), ``import interviewer.store`` (chromadb) and ``import interviewer.ui.app`` (gradio);
- cold start: ``interviewer questions --json`` and ``interviewer plan --json`` each in a brand-new
  INTERVIEWER_HOME, so ``plan`` builds the Chroma store (embedding the bank with MiniLM, the
  product default) and creates the database; ``questions`` needs neither;
- warm start: the same commands again on the home the cold run left (store built, nothing to
  embed).

Each figure is also given as a multiple of the bare interpreter's start. The output of every
command is checked (valid JSON with questions) so a failure cannot pass for a fast start.

Target: the issue names none for start-up; these are the figures to track.
Writes bench/results/bench_start.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from benchlib import (  # noqa: E402
    command_line,
    machine,
    machine_line,
    table,
    write_results,
)

IMPORTS = [
    ("import interviewer", "import interviewer"),
    ("import interviewer.service", "import interviewer.service"),
    ("import interviewer.store (chromadb)", "import interviewer.store"),
    ("import interviewer.ui.app (gradio)", "import interviewer.ui.app"),
]
COMMANDS = [("questions --json", ["questions", "--json"]), ("plan --json", ["plan", "--json"])]


def environment(home: Path | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTERVIEWER_")}
    env.update(
        PYTHONPATH=str(ROOT),
        OPENBLAS_NUM_THREADS="1",
        OMP_NUM_THREADS="1",
        GRADIO_ANALYTICS_ENABLED="False",
    )
    if home is not None:
        env["INTERVIEWER_HOME"] = str(home)
    return env


def timed(args: list[str], env: dict[str, str], core: int | None) -> tuple[float, str]:
    """Wall seconds of one subprocess, and its stdout; raises if it fails."""
    cmd = [sys.executable, *args]
    if core is not None and shutil.which("taskset"):
        cmd = ["taskset", "-c", str(core), *cmd]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({proc.returncode}): {proc.stderr[-500:]}")
    return seconds, proc.stdout


def check(name: str, stdout: str) -> None:
    data = json.loads(stdout)
    questions = data if isinstance(data, list) else data.get("questions")
    if not questions:
        raise SystemExit(f"{name}: no questions in the output")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one run of each")
    parser.add_argument("--runs", type=int, help="runs per figure (default 3)")
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args()
    runs = args.runs or (1 if args.quick else 3)
    core = sorted(os.sched_getaffinity(0))[0] if hasattr(os, "sched_getaffinity") else None

    info = machine()
    print(machine_line(info))
    print(f"median of {runs} run(s); each a new process pinned to core {core}, 1 BLAS thread")
    samples: dict[str, list[float]] = {}
    env = environment(None)
    for _ in range(runs):
        samples.setdefault("python -c pass (baseline)", []).append(
            timed(["-c", "pass"], env, core)[0]
        )
        for label, code in IMPORTS:
            samples.setdefault(label, []).append(timed(["-c", code], env, core)[0])

    with tempfile.TemporaryDirectory(prefix="bench-start-") as tmp:
        for run in range(runs):
            for name, cli in COMMANDS:
                home = Path(tmp) / f"{name.split()[0]}-{run}"
                env = environment(home)
                for phase in ("cold", "warm"):  # a new home, then the same home again
                    seconds, out = timed(["-m", "interviewer", *cli], env, core)
                    check(name, out)
                    samples.setdefault(f"{phase}: interviewer {name}", []).append(seconds)
                shutil.rmtree(home, ignore_errors=True)

    base = statistics.median(samples["python -c pass (baseline)"])
    rows: list[list[Any]] = []
    results: dict[str, Any] = {}
    for label, values in samples.items():
        median = statistics.median(values)
        results[label] = {
            "median_s": round(median, 3),
            "runs_s": [round(v, 3) for v in values],
            "x_baseline": round(median / base, 1),
            "minus_baseline_s": round(median - base, 3),
        }
        rows.append([label, median, min(values), max(values), median - base, median / base])
    print()
    print(
        table(
            [
                "what (a new process each)",
                "median s",
                "min s",
                "max s",
                "- baseline s",
                "x baseline",
            ],
            rows,
        )
    )
    cold = results["cold: interviewer plan --json"]["median_s"]
    warm = results["warm: interviewer plan --json"]["median_s"]
    print(
        f"cold plan - warm plan = {cold - warm:.1f} s: building the store (MiniLM embeddings of the "
        "bank and its rubric criteria) and creating the database in a new home"
    )
    write_results(
        "bench_start",
        {
            "command": command_line(),
            "machine": info,
            "runs": runs,
            "pinned_core": core,
            "results": results,
        },
        args.json_out,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
