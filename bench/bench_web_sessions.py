"""Turn latency of the web app's API with 50 concurrent sessions against a single session.

    python bench/bench_web_sessions.py [--quick] [--sessions 50] [--answers 8] [--think 0,5]

What it measures: the wall time of one ``/send_answer`` call (``gradio_client.Client.predict``,
the app's named API, see interviewer/ui/api.py), p50/p95, first for one session alone and then
for 50 sessions running at once, in the same run against the same app process.

How: the app is started as a user starts it (``python app.py``) in a subprocess on a free port
with a temporary INTERVIEWER_HOME, the offline provider and the product's MiniLM store
(tests/app_process.py's ``start_app``, imported, not changed; building the store is set-up, not
timed). Each session is its own ``gradio_client.Client`` (its own session hash, so its own owner),
created before the timing. A session starts an interview (``/start_interview``, personas in turn),
sends ``--answers`` answers (``/send_answer``; each answer is the eval answer, from evals/data, to
the eval question sharing most words with the interviewer's last message, as bench_budget.py
picks them) and ends it (``/end_interview``). Single session: ``--single-runs`` sessions one after
another. Concurrent: ``--sessions`` clients in threads, released together by a barrier, in two
scenarios: ``think 0``, every client sends its next answer as soon as it has the reply (a closed
loop with no human pause: the hardest case, and what the target is judged on first), and
``think 5``, each client waits 2.5-7.5 s (random, seeded) before each answer and starts within
the first 5 s (50 people answering every 5 s on average, still far faster than people type).

The client threads run in this process and the app in its own, both on this machine's 2 cores,
so the clients' own work (JSON, SSE parsing) competes with the app for CPU; the figures are for
the two together, as a load test on one machine gives them.

The CPU time of the app process and of this one per API call is reported too (from /proc), to
show where the time goes.

Target (the issue): p95 turn latency with 50 concurrent sessions <= 2x the single session's.
Writes bench/results/bench_web_sessions.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from benchlib import (  # noqa: E402
    command_line,
    machine,
    machine_line,
    summary_ms,
    table,
    write_results,
)

TARGET = 2.0  # p95 at 50 sessions / p95 of one session
PERSONAS = ["behavioural", "fundamentals", "system-design", "leadership", "complex-problem"]


class HttpClient:
    """The app's API through gradio's documented REST routes, on one kept-alive connection:
    ``POST /gradio_api/call/NAME`` with the data and this client's session hash (so the app sees
    one owner per client, as with gradio_client), then ``GET /gradio_api/call/NAME/EVENT_ID``,
    a server-sent event stream read until its ``complete`` event. No polling, no threads."""

    def __init__(self, url: str) -> None:
        import uuid

        import httpx

        self.base = url.rstrip("/") + "/gradio_api/call/"
        self.session_hash = uuid.uuid4().hex
        self.http = httpx.Client(timeout=httpx.Timeout(300.0))

    def predict(self, *data: Any, api_name: str) -> Any:
        name = api_name.strip("/")
        body = {"data": list(data), "session_hash": self.session_hash}
        response = self.http.post(self.base + name, json=body)
        response.raise_for_status()
        event_id = response.json()["event_id"]
        event = None
        with self.http.stream("GET", f"{self.base}{name}/{event_id}") as stream:
            for line in stream.iter_lines():
                if line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:") and event in ("complete", "error"):
                    payload = json.loads(line[5:])
                    if event == "error":
                        raise RuntimeError(f"{api_name}: {payload}")
                    return payload[0]
        raise RuntimeError(f"{api_name}: the stream ended without a result")


def run_session(client, number: int, answers: int, pools, think: float) -> dict[str, Any]:
    """One interview through the API; the wall time of each call."""
    from bench_budget import answer_for

    persona = PERSONAS[number % len(PERSONAS)]
    t0 = time.perf_counter()
    started = client.predict(
        persona, "Backend engineer", "senior", "", "", api_name="/start_interview"
    )
    start_s = time.perf_counter() - t0
    session_id, message = started["session_id"], started["message"]
    turns: list[float] = []
    asked: dict[str, int] = {}
    rng = random.Random(number)
    for _ in range(answers):
        if think:
            time.sleep(think * rng.uniform(0.5, 1.5))
        key = message[-200:]
        text = answer_for(pools, message, asked.get(key, 0))
        asked[key] = asked.get(key, 0) + 1
        t0 = time.perf_counter()
        reply = client.predict(session_id, text, api_name="/send_answer")
        turns.append(time.perf_counter() - t0)
        if reply["done"]:
            break
        message = reply["message"]
    t0 = time.perf_counter()
    card = client.predict(session_id, api_name="/end_interview")
    end_s = time.perf_counter() - t0
    if "overall" not in card:
        raise RuntimeError(f"no scorecard for {session_id}: {sorted(card)[:5]}")
    return {"start": start_s, "turns": turns, "end": end_s}


def make_clients(url: str, n: int, kind: str) -> list:
    """``n`` clients of a kind ("http" or "gradio_client"), made in parallel."""
    from concurrent.futures import ThreadPoolExecutor

    def make(_: int):
        if kind == "http":
            return HttpClient(url)
        from gradio_client import Client

        return Client(url, verbose=False)  # reads the app's config and API info

    with ThreadPoolExecutor(max_workers=min(n, 16)) as pool:
        return list(pool.map(make, range(n)))


def concurrent(clients: list, answers: int, pools, think: float) -> tuple[list, list, float]:
    """Every client runs one session at once; (results, errors, wall seconds)."""
    results: list[dict[str, Any]] = []
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(clients) + 1)

    def worker(number: int, client) -> None:
        barrier.wait()
        if think:  # people do not all start at the same second
            time.sleep(random.Random(-number).uniform(0, think))
        try:
            row = run_session(client, number, answers, pools, think)
        except Exception as exc:  # noqa: BLE001 - recorded, the others go on
            with lock:
                errors.append(f"session {number}: {type(exc).__name__}: {exc}")
            return
        with lock:
            results.append(row)

    threads = [
        threading.Thread(target=worker, args=(i, c), daemon=True) for i, c in enumerate(clients)
    ]
    for t in threads:
        t.start()
    barrier.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    return results, errors, time.perf_counter() - t0


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far (Linux /proc), all its threads included."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure_kind(app, kind: str, args, pools) -> dict[str, Any]:
    """The single-session baseline and every think-time scenario with one kind of client."""
    # warm-up, not timed: the first session pays for loading the model and the caches
    run_session(make_clients(app.url, 1, kind)[0], 0, 2, pools, 0.0)
    single: list[float] = []
    single_other: dict[str, list[float]] = {"start": [], "end": []}
    client = make_clients(app.url, 1, kind)[0]
    app_cpu, own_cpu = cpu_seconds(app.process.pid), time.process_time()
    for run in range(args.single_runs):
        row = run_session(client, run, args.answers, pools, 0.0)
        single += row["turns"]
        single_other["start"].append(row["start"])
        single_other["end"].append(row["end"])
    calls = args.single_runs * 2 + len(single)
    result: dict[str, Any] = {
        "client": kind,
        "single": {
            "send_answer": summary_ms(single),
            **{k: summary_ms(v) for k, v in single_other.items()},
            "app_ms_per_call": round((cpu_seconds(app.process.pid) - app_cpu) / calls * 1e3, 1),
            "client_ms_per_call": round((time.process_time() - own_cpu) / calls * 1e3, 1),
        },
        "concurrent": [],
    }
    print(f"[{kind}] single session: {len(single)} turns in {args.single_runs} sessions")
    one = result["single"]["send_answer"]
    for think in args.thinks:
        t0 = time.perf_counter()
        clients = make_clients(app.url, args.sessions, kind)
        made = time.perf_counter() - t0
        app_cpu, own_cpu = cpu_seconds(app.process.pid), time.process_time()
        results, errors, wall = concurrent(clients, args.answers, pools, think)
        many = [s for r in results for s in r["turns"]]
        calls = len(results) * 2 + len(many)
        app_used = cpu_seconds(app.process.pid) - app_cpu
        own_used = time.process_time() - own_cpu
        summary = summary_ms(many)
        ratio_p50 = round(summary["p50_ms"] / one["p50_ms"], 2) if many else None
        ratio_p95 = round(summary["p95_ms"] / one["p95_ms"], 2) if many else None
        result["concurrent"].append(
            {
                "think_s": think,
                "clients_made_s": round(made, 1),
                "send_answer": summary,
                "start": summary_ms([r["start"] for r in results]),
                "end": summary_ms([r["end"] for r in results]),
                "wall_s": round(wall, 2),
                "answers_per_s": round(len(many) / wall, 2) if wall else None,
                "app_ms_per_call": round(app_used / max(1, calls) * 1e3, 1),
                "client_ms_per_call": round(own_used / max(1, calls) * 1e3, 1),
                "app_cpu_busy": round(app_used / wall, 2) if wall else None,
                "ratio_p50": ratio_p50,
                "ratio_p95": ratio_p95,
                "target_met": ratio_p95 is not None and ratio_p95 <= TARGET and not errors,
                "errors": errors[:10],
                "error_count": len(errors),
            }
        )
        print(
            f"[{kind}] {args.sessions} sessions, think {think:g} s: {len(many)} turns in "
            f"{wall:.1f} s, {len(errors)} failed",
            flush=True,
        )
        for e in errors[:5]:
            print(f"  {e}")
        del clients
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10 sessions of 4 answers")
    parser.add_argument("--sessions", type=int, help="concurrent sessions (default 50)")
    parser.add_argument("--answers", type=int, help="answers per session (default 8)")
    parser.add_argument("--single-runs", type=int, help="single-session runs (default 5)")
    parser.add_argument(
        "--think",
        default=None,
        help="seconds between a reply and the next answer, one scenario per comma-separated "
        "value (default 0,5; --quick: 0); above 0 each wait is drawn from 0.5x-1.5x that",
    )
    parser.add_argument(
        "--clients",
        default=None,
        help="client kinds, comma-separated: http, gradio_client (default both; --quick: http)",
    )
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args()
    args.sessions = args.sessions or (10 if args.quick else 50)
    args.answers = args.answers or (4 if args.quick else 8)
    args.single_runs = args.single_runs or (2 if args.quick else 5)
    args.thinks = [float(x) for x in (args.think or ("0" if args.quick else "0,5")).split(",")]
    kinds = (args.clients or ("http" if args.quick else "http,gradio_client")).split(",")

    from app_process import start_app
    from bench_budget import answer_pools

    pools = answer_pools()
    info = machine()
    print(machine_line(info))
    with tempfile.TemporaryDirectory(prefix="bench-web-") as tmp:
        t0 = time.perf_counter()
        env = {"INTERVIEWER_PROVIDER": "offline", "INTERVIEWER_EMBEDDER": "minilm"}
        app = start_app(Path(tmp) / "home", env, timeout=300)
        try:
            startup = time.perf_counter() - t0
            print(
                f"app: python app.py on {app.url} (offline provider, MiniLM store), ready in "
                f"{startup:.1f} s (store build included, not timed)"
            )
            by_kind = [measure_kind(app, kind, args, pools) for kind in kinds]
        finally:
            app.stop()
            log = app.log_text()

    rows = []
    for r in by_kind:
        one = r["single"]
        rows.append(
            [
                f"{r['client']}: 1 session",
                "0",
                one["send_answer"]["n"],
                one["send_answer"]["p50_ms"],
                one["send_answer"]["p95_ms"],
                one["send_answer"]["max_ms"],
                1.0,
                1.0,
                one["app_ms_per_call"],
                one["client_ms_per_call"],
                "-",
            ]
        )
        for sc in r["concurrent"]:
            many = sc["send_answer"]
            rows.append(
                [
                    f"{r['client']}: {args.sessions} sessions",
                    f"{sc['think_s']:g}",
                    many.get("n", 0),
                    many.get("p50_ms"),
                    many.get("p95_ms"),
                    many.get("max_ms"),
                    sc["ratio_p50"],
                    sc["ratio_p95"],
                    sc["app_ms_per_call"],
                    sc["client_ms_per_call"],
                    "met" if sc["target_met"] else "MISSED",
                ]
            )
    print("\n/send_answer wall time (ms), against one session alone with the same kind of client")
    print(
        table(
            [
                "client: sessions",
                "think s",
                "turns",
                "p50",
                "p95",
                "max",
                "p50 ratio",
                "p95 ratio",
                "app CPU/call",
                "client CPU/call",
                f"p95 <= {TARGET:g}x",
            ],
            rows,
        )
    )
    print(
        "http: gradio's REST routes (/gradio_api/call/NAME) on a kept-alive connection; "
        "gradio_client: Client.predict.\napp CPU/call, client CPU/call: CPU ms of the app process "
        "and of this (client) process per API call (start, answers, end) in that phase"
    )
    for r in by_kind:
        s1, e1 = r["single"]["start"], r["single"]["end"]
        for sc in r["concurrent"]:
            print(
                f"{r['client']}, think {sc['think_s']:g} s: {args.sessions} sessions took "
                f"{sc['wall_s']:.1f} s ({sc['answers_per_s']} answers/s); app process CPU-busy "
                f"{sc['app_cpu_busy']:.2f} of the time; /start_interview p50 "
                f"{sc['start'].get('p50_ms', 0):.0f} ms (alone {s1['p50_ms']:.0f}), "
                f"/end_interview p50 {sc['end'].get('p50_ms', 0):.0f} ms (alone {e1['p50_ms']:.0f})"
            )
    warnings = [line for line in log.splitlines() if "Traceback" in line or "ERROR" in line]
    write_results(
        "bench_web_sessions",
        {
            "command": command_line(),
            "machine": info,
            "sessions": args.sessions,
            "answers_per_session": args.answers,
            "single_runs": args.single_runs,
            "app_ready_s": round(startup, 1),
            "target_ratio_p95": TARGET,
            "clients": by_kind,
            "app_log_errors": warnings[:10],
        },
        args.json_out,
    )
    return 0


if __name__ == "__main__":
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    sys.exit(main())
