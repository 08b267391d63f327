"""What a user's commands cost on question banks of 1k, 10k and 100k questions.

    python bench/bench_scale.py [--sizes 1000,10000,100000] [--embedder auto|minilm|hash]

For each size a synthetic bank is generated (``bench_turns.write_bank``: the real personas and
rubrics, N questions made from the real ones) in a temporary folder with its own home. Then, each
in a fresh process as a user runs them, timed with its peak memory (``os.wait4``):

- ``ingest``: compiling the bank and building the store (cold);
- ``personas``: start-up with a warm cache (no question is read);
- ``questions --json``: the whole bank listed;
- ``search``: one query, the store checked first (a warm store is not read at all);
- ``plan --persona``, ``plan --jd``: planning from store queries;
- ``bank load``: ``load_bank`` in-process, cold (compiling) and warm;
- ``raw query``: a bare Chroma ``collection.query`` on the same store, the baseline;
- ``turn``: an interview turn (``reply``, offline provider) p50/p95 over a few sessions.

Store embedder "auto": MiniLM up to 10k questions, the hash embedder above (MiniLM ingests about
100-150 questions a second per core here, so 100k takes 10-20 minutes per core: use ``ingest
--workers`` and expect it). The answer reader always uses MiniLM on a 5,000-question sample.

Target (issue 11): at 100k each command costs at most 3x what it costs at 1k, peak memory under
2 GB. Writes bench/results/bench_scale.json.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from benchlib import command_line, machine, machine_line, summary_ms, table, write_results  # noqa: E402

JD = (
    "Senior backend engineer. Required: Python, PostgreSQL, Kafka, Kubernetes, observability and "
    "on-call. Nice to have: Terraform, GraphQL, caching at scale."
)
ANSWERS = [
    "I led the move of our billing jobs from cron to a queue with idempotent workers; I chose SQS "
    "over Kafka because volume was low, and missed invoices went from 30 a month to zero.",
    "We put Redis in front of the orders table with a 60 second TTL and invalidated on writes; "
    "the hit rate was 85% and p95 fell from 400 ms to 90 ms.",
    "I don't know that one well, but I would start by measuring where the time goes.",
]


# Started through this small launcher: a child forked straight from this (large) process
# would count this process's memory in its own peak.
_LAUNCH = (
    "import resource, subprocess, sys, time; t = time.perf_counter(); "
    "rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode; "
    "t = time.perf_counter() - t; "
    "print(t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
    "sys.exit(rc)"
)


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of one command in a fresh process."""
    proc = subprocess.run(
        [sys.executable, "-c", _LAUNCH, *cmd], env=env, capture_output=True, text=True
    )
    lines = proc.stderr.strip().splitlines()
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"{' '.join(cmd[1:])} failed: {proc.stderr.strip()[-400:]}")
    seconds, kb = lines[-1].split()
    return float(seconds), int(kb) / 1024


def measure(size: int, embedder: str, work: Path) -> dict[str, Any]:
    from bench_turns import write_bank

    content, home = work / "content", work / "home"
    write_bank(content, size)
    env = {
        **os.environ,
        "INTERVIEWER_CONTENT_DIR": str(content),
        "INTERVIEWER_HOME": str(home),
        "INTERVIEWER_EMBEDDER": embedder,
    }
    (work / "jd.txt").write_text(JD)
    cli = [sys.executable, "-m", "interviewer"]
    out: dict[str, Any] = {"size": size, "embedder": embedder}
    out["ingest"] = run([*cli, "ingest", "--quiet"], env)
    commands = {
        "personas": ["personas", "--json"],
        "questions --json": ["questions", "--json"],
        "search": ["search", "caching at scale", "--json"],
        "plan --persona": ["plan", "--persona", "system-design", "--json"],
        "plan --jd": ["plan", "--jd", str(work / "jd.txt"), "--level", "senior", "--json"],
    }
    for name, args in commands.items():
        runs = [run([*cli, *args], env) for _ in range(2)]
        out[name] = min(runs)  # the quieter of two runs
    out.update(in_process(content, home, embedder))
    return out


def in_process(content: Path, home: Path, embedder: str) -> dict[str, Any]:
    from interviewer.bank import load_bank
    from interviewer.config import Settings
    from interviewer.service import InterviewService

    started = time.perf_counter()
    load_bank(content, cache_dir=home / "cache")
    warm_load = time.perf_counter() - started
    shutil.rmtree(home / "cache-cold", ignore_errors=True)
    started = time.perf_counter()
    load_bank(content, cache_dir=home / "cache-cold")
    cold_load = time.perf_counter() - started
    settings = Settings(home=home, content_dir=content, embedder=embedder)
    ws = InterviewService(settings)
    started = time.perf_counter()
    store = ws.open_store(progress=False)
    store_check = time.perf_counter() - started
    ws.reader.warm_references()
    vector = [float(x) for x in store._ef.embed(["caching at scale"])[0]]
    raw, search, turns = [], [], []
    for _ in range(20):
        t = time.perf_counter()
        store._questions.query(query_embeddings=[vector], n_results=5)
        raw.append(time.perf_counter() - t)
        t = time.perf_counter()
        store.search("caching at scale", k=5)
        search.append(time.perf_counter() - t)
    for persona in ("system-design", "behavioural", "fundamentals"):
        session_id, _ = ws.start(persona)
        for answer in ANSWERS * 2:
            if ws.info(session_id).status == "finished":
                break
            t = time.perf_counter()
            ws.reply(session_id, answer)
            turns.append(time.perf_counter() - t)
    return {
        "bank load cold": cold_load,
        "bank load warm": warm_load,
        "store check (warm)": store_check,
        "raw query": summary_ms(raw),
        "store.search": summary_ms(search),
        "turn": summary_ms(turns),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--embedder", default="auto", choices=("auto", "minilm", "hash"))
    parser.add_argument("--json-out", type=Path, default=None)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results = []
    for size in sizes:
        embedder = args.embedder
        if embedder == "auto":
            embedder = "minilm" if size <= 10_000 else "hash"
        work = Path(tempfile.mkdtemp(prefix=f"bench-scale-{size}-"))
        try:
            print(f"{size} questions ({embedder} store)...", file=sys.stderr, flush=True)
            results.append(measure(size, embedder, work))
        except Exception as exc:  # a size that fails is reported, and the others still run
            results.append({"size": size, "embedder": embedder, "error": str(exc)})
        finally:
            shutil.rmtree(work, ignore_errors=True)
    base = next((r for r in results if "error" not in r), None)
    rows = []
    for name in ("ingest", "personas", "questions --json", "search", "plan --persona", "plan --jd"):
        row: list[Any] = [name]
        for r in results:
            if "error" in r:
                row.append("failed")
                continue
            s, mb = r[name]
            ratio = f" ({s / base[name][0]:.1f}x)" if base is not None and r is not base else ""
            row.append(f"{s:.2f} s{ratio}, {mb:.0f} MB")
        rows.append(row)
    for name in ("bank load cold", "bank load warm", "store check (warm)"):
        rows.append([name] + [f"{r[name]:.3f} s" if name in r else "failed" for r in results])
    for name in ("raw query", "store.search", "turn"):
        rows.append(
            [f"{name} p50/p95"]
            + [
                f"{r[name]['p50_ms']:.1f}/{r[name]['p95_ms']:.1f} ms" if name in r else "failed"
                for r in results
            ]
        )
    print(machine_line())
    print(table(["", *[f"{r['size']:,} ({r['embedder']})" for r in results]], rows))
    for r in results:
        if "error" in r:
            print(f"{r['size']}: {r['error']}")
    path = write_results(
        "bench_scale",
        {"command": command_line(), "machine": machine(), "results": results},
        args.json_out,
    )
    print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
