"""Who is calling, and what they are told when something goes wrong.

Owners. With candidate logins configured, the owner is the login name. Without them, each
browser gets a pseudonymous id (``cand-`` + 24 base32 characters, 120 random bits) created on its
first visit and kept in the browser's local storage, so it survives server restarts. API callers
have no browser storage: their owner is ``api-`` + the gradio_client session hash, so a second
client cannot use a session id it did not create. Every service call passes ``owner=``.

Errors. The core raises ``InterviewerError`` subclasses; here, at the edge, they become short
messages shown with ``gr.Error``. Nothing else reaches the page, and never a traceback.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import logging
import re
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import gradio as gr

from ..errors import (
    InterviewerError,
    NotFoundError,
    ProviderError,
    SessionMoved,
    StorageError,
)
from ..service import InterviewService

STORAGE_KEY = "interviewer-candidate-id"
CANDIDATE_ID = re.compile(r"^cand-[a-z2-7]{24}$")
NO_SESSION = (
    "No such session. Check the id, or open it from the browser (or login) that started it."
)
SORRY = "Something went wrong on our side. Everything you answered is saved; please try again."


def new_candidate_id() -> str:
    """A fresh pseudonymous candidate id: 'cand-' + 24 lowercase base32 characters."""
    return "cand-" + base64.b32encode(secrets.token_bytes(15)).decode("ascii").lower()


def browser_secret(server_secret: bytes) -> str:
    """The key for the browser-stored id, derived from the server secret.

    Gradio sends a BrowserState's key to the page, so the server secret itself (which also
    signs coach tokens) must never be used there; a keyed hash of it is stable across restarts
    and replicas that share the secret, and reveals nothing about it.
    """
    return hmac.new(server_secret, b"interviewer/browser-state/v1", hashlib.sha256).hexdigest()


class Identity:
    """Resolves the owner of each call: the login name, the browser id or the API session."""

    def __init__(self, service: InterviewService) -> None:
        self.secret = browser_secret(service.secret)
        self.logins = service.candidate_logins

    @property
    def logins_enabled(self) -> bool:
        return self.logins.enabled

    def auth(self) -> Callable[[str, str], bool] | None:
        """What ``launch(auth=...)`` takes: None when candidates are not asked to log in."""
        if not self.logins.enabled:
            return None
        return self.logins.check

    def ensure(self, browser_id: str | None, request: gr.Request | None) -> tuple[str, str]:
        """On page load: the browser id to keep (a new one if missing), and who-am-I text."""
        if self.logins.enabled and request is not None and request.username:
            return browser_id or "", f"Signed in as **{_md(request.username)}**"
        if not valid_candidate_id(browser_id):
            browser_id = new_candidate_id()
        assert browser_id is not None
        return browser_id, (
            f"Practice id `{browser_id[:11]}…`: kept in this browser, no sign-up needed"
        )

    def owner(self, browser_id: str | None, request: gr.Request | None) -> str:
        """The owner of a call from the page."""
        if self.logins.enabled:
            name = request.username if request is not None else None
            if not name:
                raise gr.Error("Please sign in again.", print_exception=False)
            return str(name)
        if not valid_candidate_id(browser_id):
            raise gr.Error(
                "This browser has no practice id yet. Reload the page and try again.",
                print_exception=False,
            )
        assert browser_id is not None
        return browser_id

    def api_owner(self, request: gr.Request | None) -> str:
        """The owner of an API call: the login name, else one per gradio_client session."""
        if request is not None and self.logins.enabled and request.username:
            return str(request.username)
        session_hash = request.session_hash if request is not None else None
        if not session_hash:
            raise gr.Error("API calls need a client session (use gradio_client).")
        return f"api-{session_hash}"


def valid_candidate_id(value: object) -> bool:
    return isinstance(value, str) and CANDIDATE_ID.match(value) is not None


def user_message(exc: BaseException) -> str:
    """What the candidate is told about an error from the core, HTML-escaped: gradio shows
    error and warning messages as HTML, and core messages can quote what the user typed."""
    return html.escape(_plain_message(exc), quote=False)


def _plain_message(exc: BaseException) -> str:
    if isinstance(exc, NotFoundError):
        text = str(exc)
        return NO_SESSION if text.startswith("no session") else _sentence(text)
    if isinstance(exc, ProviderError):
        return "The interviewer could not answer just now. Your answer is saved; try again."
    if isinstance(exc, SessionMoved):
        return str(exc)
    if isinstance(exc, StorageError):
        return "Your session could not be saved or read just now; please try again."
    if isinstance(exc, InterviewerError):
        return _sentence(str(exc))
    return SORRY


@contextmanager
def at_edge() -> Iterator[None]:
    """Turn core errors into ``gr.Error`` messages; log the unexpected, show no traceback."""
    try:
        yield
    except gr.Error:
        raise
    except InterviewerError as exc:
        raise gr.Error(user_message(exc), print_exception=False) from None
    except Exception:
        logging.getLogger(__name__).exception("unexpected error in the web app")
        raise gr.Error(SORRY, print_exception=False) from None


def _sentence(text: str) -> str:
    text = text.strip() or "That did not work"
    if not any(c in text.split(" ", 1)[0] for c in "./_'\""):  # keep file names and ids as-is
        text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def _md(text: str) -> str:
    from .render import escape_text

    return escape_text(text)
