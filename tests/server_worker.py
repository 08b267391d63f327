"""One app process for tests/test_servers.py: an InterviewService driven by JSON lines.

Settings come from the environment (INTERVIEWER_DATABASE_URL, INTERVIEWER_CHROMA_URL...). The
service lives as long as the process, so its sessions stay in memory between commands, as in a
long-running app replica. One command per line on stdin, one JSON line back on stdout:

- ``{"op": "open"}``: open (build, migrate) the question store and the database
  -> ``{"questions": count}``
- ``{"op": "start", "persona": P}`` -> ``{"session_id": ID, "turns": [...]}``
- ``{"op": "reply", "session_id": ID, "text": T}`` -> ``{"turns": [...]}``
- ``{"op": "get", "session_id": ID}`` -> the stored transcript
- anything that fails -> ``{"error": "Type: message"}``
"""

from __future__ import annotations

import json
import sys
from typing import Any

from interviewer.service import InterviewService


def handle(service: InterviewService, command: dict[str, Any]) -> dict[str, Any]:
    op = command["op"]
    if op == "open":
        _ = service.repository
        return {"questions": service.open_store(progress=False).count()}
    if op == "start":
        session_id, turns = service.start(persona=command.get("persona"))
        return {"session_id": session_id, "turns": [t.model_dump(mode="json") for t in turns]}
    if op == "reply":
        turns = service.reply(command["session_id"], command["text"])
        return {"turns": [t.model_dump(mode="json") for t in turns]}
    if op == "get":
        return dict(service.get(command["session_id"]).model_dump(mode="json"))
    raise ValueError(f"unknown op {op!r}")


def main() -> None:
    service = InterviewService()
    for line in sys.stdin:
        try:
            out = handle(service, json.loads(line))
        except Exception as exc:  # reported to the test, which fails with it
            out = {"error": f"{type(exc).__name__}: {exc}"}
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
