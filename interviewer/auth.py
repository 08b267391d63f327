"""Logins and secrets: hashed coach (and optional candidate) credentials, signed coach tokens,
and the server secret that signs them and encrypts the candidate's id kept in the browser.

Passwords are stored only as scrypt hashes (``interviewer hash-password`` makes one). A coach
who logs in gets a token signed with the server secret (HMAC-SHA256) that names them and expires;
every coach call verifies it, so the review endpoints refuse calls without a valid login, and
tokens keep working across restarts and replicas that share the secret.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import time
from pathlib import Path

from .errors import InputError

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
TOKEN_SECONDS = 12 * 3600


def hash_password(password: str) -> str:
    """``scrypt$N$r$p$salt$hash`` (base64), for INTERVIEWER_COACH_CREDENTIALS."""
    if not password:
        raise InputError("the password is empty")
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    return "$".join(
        ["scrypt", str(SCRYPT_N), str(SCRYPT_R), str(SCRYPT_P), _b64(salt), _b64(digest)]
    )


def verify_password(password: str, stored: str) -> bool:
    """Constant-time check of a password against a ``hash_password`` string."""
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        expected = _unb64(digest)
        got = hashlib.scrypt(password.encode(), salt=_unb64(salt), n=int(n), r=int(r), p=int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


def parse_credentials(text: str | None, variable: str) -> dict[str, str]:
    """``name:hash,name2:hash2`` -> {name: hash}; InputError naming the variable if malformed."""
    users: dict[str, str] = {}
    for item in (text or "").split(","):
        item = item.strip()
        if not item:
            continue
        name, sep, digest = item.partition(":")
        if not sep or not name.strip() or not digest.startswith("scrypt$"):
            raise InputError(
                f"{variable}: expected name:hash entries separated by commas, where the hash "
                "comes from `interviewer hash-password`"
            )
        users[name.strip()] = digest.strip()
    return users


def server_secret(configured: str | None, home: Path) -> bytes:
    """The configured secret, or one generated once and kept in ``home/secret`` (mode 0600)."""
    if configured:
        return configured.encode()
    path = home / "secret"
    try:
        return path.read_bytes().strip() or _new_secret(path)
    except FileNotFoundError:
        return _new_secret(path)


def _new_secret(path: Path) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(32).encode()
    try:  # O_EXCL: two processes starting together keep the first one's secret
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes().strip()
    with os.fdopen(fd, "wb") as fh:
        fh.write(value)
    return value


class Logins:
    """Checks credentials and issues and verifies signed, expiring tokens."""

    def __init__(self, users: dict[str, str], secret: bytes, purpose: str = "coach") -> None:
        self.users = dict(users)
        self.secret = secret
        self.purpose = purpose

    @property
    def enabled(self) -> bool:
        return bool(self.users)

    def check(self, name: str, password: str) -> bool:
        stored = self.users.get((name or "").strip())
        if stored is None:
            verify_password(password or "", hash_password("x"))  # same time as a wrong password
            return False
        return verify_password(password or "", stored)

    def login(self, name: str, password: str) -> str | None:
        """A token for a valid login, else None."""
        if not self.check(name, password):
            return None
        expires = int(time.time()) + TOKEN_SECONDS
        body = f"{self.purpose}|{name.strip()}|{expires}"
        return f"{body}|{self._sign(body)}"

    def who(self, token: str | None) -> str | None:
        """The name a valid, unexpired token was issued to, else None."""
        if not token or token.count("|") != 3:
            return None
        purpose, name, expires, signature = token.split("|")
        body = f"{purpose}|{name}|{expires}"
        if purpose != self.purpose or not hmac.compare_digest(signature, self._sign(body)):
            return None
        if not expires.isdigit() or int(expires) < time.time() or name not in self.users:
            return None
        return name

    def _sign(self, body: str) -> str:
        return _b64(hmac.new(self.secret, body.encode(), hashlib.sha256).digest())


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
