"""A client of a Chroma server (``INTERVIEWER_CHROMA_URL``), checked before it is used.

Chroma's own client waits forever for a server that never answers, and echoes URLs whole; here
a malformed URL, credentials, or a server that does not answer within SERVER_PROBE_TIMEOUT
seconds is one StoreError line naming the variable.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from urllib.parse import urlsplit

import chromadb
from chromadb.api import ClientAPI
from chromadb.config import Settings

from interviewer.errors import StoreError

SERVER_PROBE_TIMEOUT = 10.0  # seconds to wait for a Chroma server's heartbeat before giving up


def chroma_server(url: str, settings: Settings) -> ClientAPI:
    """A client of the Chroma server at ``url``. A malformed URL, or a server that does not
    answer within SERVER_PROBE_TIMEOUT seconds, is a one-line StoreError naming the variable."""
    shape = "it should look like http://HOST:PORT, e.g. http://127.0.0.1:8000"
    try:
        parts = urlsplit(url.strip())
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:  # a port that is not a number, an unbalanced [
        raise StoreError(f"INTERVIEWER_CHROMA_URL={url!r} is not a URL ({exc}); {shape}") from None
    if parts.username or parts.password:
        host = parts.hostname or "HOST"
        raise StoreError(
            f"INTERVIEWER_CHROMA_URL names a user or password (http://***@{host}...); a Chroma "
            f"server with authentication is not supported yet; {shape}"
        )
    extras = parts.query or parts.fragment
    if parts.scheme not in ("http", "https") or not parts.hostname or extras:
        raise StoreError(f"INTERVIEWER_CHROMA_URL={url!r} is not a server URL; {shape}")
    if parts.path.strip("/"):
        raise StoreError(f"INTERVIEWER_CHROMA_URL={url!r} has a path; {shape}")
    ssl = parts.scheme == "https"
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    base = f"{parts.scheme}://{host}:{port}"
    # Chroma's client waits forever for a server that never answers: ask with a timeout first.
    probe = f"{base}/api/v2/heartbeat"  # the API this client speaks (chromadb 1.x)
    reason = None
    try:
        with urllib.request.urlopen(probe, timeout=SERVER_PROBE_TIMEOUT) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        reason = f"it answered HTTP {exc.code} to {probe}; is it a Chroma server?"
    except OSError as exc:  # refused, unknown host, timed out
        why = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        reason = getattr(why, "strerror", None) or str(why)
    if reason is None:
        try:
            return chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=settings)
        except Exception as exc:  # answered the heartbeat, then failed (a proxy, a wrong server)
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    raise StoreError(f"cannot reach the Chroma server at {base} (INTERVIEWER_CHROMA_URL): {reason}")
