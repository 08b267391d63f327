"""Named API endpoints for scripts and other programs, usable with ``gradio_client``:

- ``/start_interview`` (persona, role, level, jd, resume) -> {"session_id", "message"}
- ``/send_answer`` (session_id, text) -> {"message", "kind", "done"}
- ``/end_interview`` (session_id) -> the scorecard as JSON

API callers have no browser storage: a session belongs to the client that started it (owner
``api-`` + the client's session hash, or the login name when candidate logins are on), so
another client cannot send to, end or read it even with its id. Errors come back as the same
short messages the page shows.

No ``from __future__ import annotations`` here: ``gr.api`` reads the endpoints' signatures.
"""

from typing import Any

import gradio as gr
from gradio.events import api

from ..models import LEVELS
from ..service import InterviewService
from .identity import Identity, at_edge
from .uploads import MAX_CHARS

MAX_ROLE_CHARS = 200


def register_api(service: InterviewService, identity: Identity) -> None:
    """Add the endpoints to the Blocks being built (call inside ``with gr.Blocks()``)."""

    def start_interview(
        request: gr.Request,
        persona: str = "",
        role: str = "",
        level: str = "",
        jd: str = "",
        resume: str = "",
    ) -> dict[str, Any]:
        """Start an interview. Empty persona: the best round for the job description.
        Returns the session id and the interviewer's first message."""
        with at_edge():
            owner = identity.api_owner(request)
            persona, role, level, jd, resume = (
                str(x or "")
                for x in (persona, role, level, jd, resume)  # None is "not given"
            )
            if level and level not in LEVELS:
                raise gr.Error(f"Level must be one of {', '.join(LEVELS)}, not {level!r}.")
            for name, value, limit in (("jd", jd, MAX_CHARS), ("resume", resume, MAX_CHARS),
                                       ("role", role, MAX_ROLE_CHARS)):  # fmt: skip
                if len(value) > limit:
                    raise gr.Error(f"{name} is {len(value):,} characters; the limit is {limit:,}.")
            session_id, turns = service.start(
                persona=persona.strip() or None,
                role=role.strip() or None,
                level=level if level in LEVELS else None,
                jd=jd if jd.strip() else None,
                resume=resume if resume.strip() else None,
                owner=owner,
            )
            return {"session_id": session_id, "message": "\n\n".join(t.text for t in turns)}

    def send_answer(request: gr.Request, session_id: str, text: str) -> dict[str, Any]:
        """Send the candidate's answer (or /skip, /end). Returns the interviewer's reply, its
        kind (question, follow_up, wrench, closing) and whether the interview is over."""
        with at_edge():
            owner = identity.api_owner(request)
            turns = service.reply(str(session_id or ""), str(text or ""), owner)
            done = service.info(session_id, owner).status == "finished"
            return {
                "message": "\n\n".join(t.text for t in turns),
                "kind": turns[-1].kind if turns else "",
                "done": done,
            }

    def end_interview(request: gr.Request, session_id: str) -> dict[str, Any]:
        """End the interview (if it is not over) and return its scorecard."""
        with at_edge():
            owner = identity.api_owner(request)
            card = service.end(session_id, owner)
            return card.model_dump(mode="json")

    api(start_interview, api_name="start_interview")
    api(send_answer, api_name="send_answer")
    api(end_interview, api_name="end_interview")
