"""Reports of an eval run: a terminal summary, JUnit XML, JSON, Markdown, self-contained HTML,
and what changed against an earlier JSON report (``--baseline``).

JUnit: one ``<testcase>`` per expectation (``classname`` the case id, ``name`` the expectation),
and one per case that could not load or run, so CI shows exactly which check failed and why.
"""

from __future__ import annotations

import html
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from .runner import CaseResult, EvalReport


def _status(r: CaseResult) -> str:
    if r.error is not None:
        return "error"
    return "pass" if r.passed else "fail"


def _failures(r: CaseResult) -> list[str]:
    if r.error is not None:
        return [r.error]
    return [f"{o.name}: {o.detail}" for o in r.outcomes if not o.passed]


def to_json(report: EvalReport) -> dict[str, Any]:
    """The JSON report: totals, then per case its pass rate (and standard error over
    repeats) and every run's expectations."""
    cases = []
    for cid in report.case_ids():
        runs = [r for r in report.results if r.id == cid]
        rate, stderr = report.pass_rate(cid)
        cases.append(
            {
                "id": cid,
                "path": runs[0].path,
                "passed": all(r.passed for r in runs),
                "pass_rate": round(rate, 4),
                "pass_rate_stderr": None if stderr is None else round(stderr, 4),
                "runs_passed": sum(r.passed for r in runs),
                "runs": [r.model_dump(mode="json") for r in runs],
            }
        )
    return {
        "passed": report.passed,
        "totals": report.totals(),
        "repeat": report.repeat,
        "workers": report.workers,
        "seconds": report.seconds,
        "cases": cases,
    }


def write_json(report: EvalReport, path: Path) -> None:
    path.write_text(json.dumps(to_json(report), indent=2) + "\n", encoding="utf-8")


def write_junit(report: EvalReport, path: Path) -> None:
    """JUnit XML as CI systems read it: one testsuite, one testcase per expectation per run."""
    suite = ET.Element("testsuite", name="interviewer-eval")
    tests = failures = errors = 0
    for r in report.results:
        suffix = f"[{r.attempt}]" if report.repeat > 1 else ""
        if r.error is not None:
            case = ET.SubElement(
                suite, "testcase", classname=r.id, name=f"load{suffix}", file=r.path, time="0"
            )
            ET.SubElement(case, "error", message=r.error[:500]).text = r.error
            tests, errors = tests + 1, errors + 1
            continue
        share = r.seconds / max(1, len(r.outcomes))
        for o in r.outcomes:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=r.id,
                name=o.name + suffix,
                file=r.path,
                time=f"{share:.3f}",
            )
            tests += 1
            if not o.passed:
                failures += 1
                ET.SubElement(case, "failure", message=o.detail[:500]).text = o.detail
    suite.set("tests", str(tests))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    suite.set("time", f"{report.seconds:.3f}")
    root = ET.Element("testsuites")
    root.append(suite)
    tree = ET.ElementTree(root)
    ET.indent(tree)
    tree.write(path, encoding="utf-8", xml_declaration=True)


def summary_rows(report: EvalReport) -> list[tuple[str, str, str, list[str]]]:
    """(case, result, expectations passed, every distinct failure) per case, failures first."""
    rows = []
    for cid in report.case_ids():
        runs = [r for r in report.results if r.id == cid]
        rate, stderr = report.pass_rate(cid)
        outcomes = [o for r in runs for o in r.outcomes]
        ok = sum(o.passed for o in outcomes)
        status = (
            "pass"
            if all(r.passed for r in runs)
            else _status(next(r for r in runs if not r.passed))
        )
        score = f"{ok}/{len(outcomes)}"
        if stderr is not None:
            passed_runs = sum(r.passed for r in runs)
            score += f", {passed_runs}/{len(runs)} runs passed (checks {rate:.0%} ± {stderr:.0%})"
        failures = list(dict.fromkeys(f for r in runs for f in _failures(r)))
        rows.append((cid, status, score, failures))
    rows.sort(key=lambda row: (row[1] == "pass", row[0]))
    return rows


def to_markdown(report: EvalReport) -> str:
    t = report.totals()
    lines = [
        "# Eval report",
        "",
        f"**{'PASSED' if report.passed else 'FAILED'}**: {t['passed_runs']}/{t['runs']} runs of "
        f"{t['cases']} cases passed; {t['failed_expectations']} of {t['expectations']} "
        f"expectations failed, {t['errors']} case(s) could not run ({report.seconds:.1f} s, "
        f"{report.workers} worker(s), repeat {report.repeat}).",
        "",
        "| Case | Result | Expectations | Failures |",
        "|---|---|---|---|",
    ]
    for cid, status, score, failures in summary_rows(report):
        shown = "<br>".join(_md(f) for f in failures)
        lines.append(f"| {_md(cid)} | {status} | {score} | {shown} |")
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_html(report: EvalReport) -> str:
    """A self-contained page (no scripts, no external files): totals, then each case with its
    expectations, failures open."""
    t = report.totals()
    head = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Eval report</title>"
        "<style>body{font:15px/1.45 system-ui,sans-serif;margin:2rem;max-width:70rem}"
        "table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;"
        "padding:.3rem .5rem;text-align:left;vertical-align:top}.pass{color:#17603a}"
        ".fail,.error{color:#a4161a;font-weight:600}details{margin:.4rem 0}"
        "summary{cursor:pointer}code{font-size:90%}</style></head><body>"
    )
    verdict = "PASSED" if report.passed else "FAILED"
    parts = [
        head,
        f"<h1>Eval report: <span class='{'pass' if report.passed else 'fail'}'>{verdict}</span></h1>",
        f"<p>{t['passed_runs']}/{t['runs']} runs of {t['cases']} cases passed; "
        f"{t['failed_expectations']} of {t['expectations']} expectations failed; "
        f"{t['errors']} case(s) could not run. {report.seconds:.1f} s, {report.workers} "
        f"worker(s), repeat {report.repeat}.</p>",
        "<table><tr><th>Case</th><th>Result</th><th>Expectations</th><th>Failures</th></tr>",
    ]
    for cid, status, score, failures in summary_rows(report):
        shown = "<br>".join(html.escape(f) for f in failures)
        parts.append(
            f"<tr><td><a href='#{html.escape(cid)}'>{html.escape(cid)}</a></td>"
            f"<td class='{status}'>{status}</td><td>{html.escape(score)}</td>"
            f"<td>{shown}</td></tr>"
        )
    parts.append("</table><h2>Cases</h2>")
    for cid in report.case_ids():
        runs = [r for r in report.results if r.id == cid]
        failed = not all(r.passed for r in runs)
        parts.append(
            f"<details id='{html.escape(cid)}'{' open' if failed else ''}><summary>"
            f"<b>{html.escape(cid)}</b> <code>{html.escape(runs[0].path)}</code></summary><ul>"
        )
        for r in runs:
            if r.error is not None:
                parts.append(f"<li class='error'>{html.escape(r.error)}</li>")
            for o in r.outcomes:
                mark = "pass" if o.passed else "fail"
                detail = f": {html.escape(o.detail)}" if o.detail else ""
                parts.append(f"<li class='{mark}'>{mark} {html.escape(o.name)}{detail}</li>")
        parts.append("</ul></details>")
    parts.append("</body></html>\n")
    return "".join(parts)


def baseline_changes(
    report: EvalReport, baseline: dict[str, Any], pattern: str | None = None
) -> list[str]:
    """What changed against an earlier JSON report: cases and expectations that now fail or
    now pass, cases that no longer load (and how many checks that loses), and cases added or
    removed (cases a ``-k`` pattern left out are not "removed"). Raises ValueError for a file
    that is not a report."""
    try:
        before = {
            c["id"]: {o["name"]: o["passed"] for run in c["runs"] for o in run["outcomes"]}
            | ({"load": False} if any(run.get("error") for run in c["runs"]) else {})
            for c in baseline["cases"]
        }
    except (KeyError, TypeError) as exc:
        raise ValueError(f"not an `interviewer eval --json` report (missing {exc})") from None
    now: dict[str, dict[str, bool]] = {}
    for r in report.results:
        checks = now.setdefault(r.id, {})
        if r.error is not None:
            checks["load"] = False
        for o in r.outcomes:
            checks[o.name] = checks.get(o.name, True) and o.passed
    changes = [f"new case {cid}" for cid in now if cid not in before]
    changes += [
        f"removed case {cid}"
        for cid in before
        if cid not in now and (not pattern or pattern.lower() in cid.lower())
    ]
    for cid, checks in now.items():
        old = before.get(cid)
        if old is None:
            continue
        if checks.get("load") is False and old.get("load") is not False:
            lost = sum(1 for name in old if name != "load")
            changes.append(f"{cid}: the case no longer runs; {lost} expectation(s) not checked")
            continue
        for name, passed in checks.items():
            was = old.get(name)
            if was is None:
                changes.append(f"{cid}: new expectation {name} ({'pass' if passed else 'FAIL'})")
            elif was and not passed:
                changes.append(f"{cid}: {name} now FAILS")
            elif passed and not was:
                changes.append(f"{cid}: {name} now passes")
    return changes
