"""Durable state: sessions, append-only turns and versioned scorecards (SQLAlchemy Core).

``open_engine`` opens and migrates the database; ``SessionRepository`` is the only code that
reads or writes it.
"""

from .database import open_engine, sqlite_url
from .repository import SessionRepository

__all__ = ["SessionRepository", "open_engine", "sqlite_url"]
