"""The database engine: SQLite under INTERVIEWER_HOME by default, any SQLAlchemy URL otherwise.

SQLite is opened in WAL mode (readers never block the writer) with a generous busy timeout, and
every transaction starts with ``BEGIN IMMEDIATE`` so two processes never both read and then both
try to upgrade to a write lock (which SQLite resolves by failing one of them). Migrations are
Alembic's, run on open; a file lock (SQLite) or an advisory lock (PostgreSQL, in ``env.py``)
makes processes that start together migrate once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from filelock import FileLock
from sqlalchemy.engine import Engine

from ..errors import StorageError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_MS = 30_000


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def open_engine(url: str) -> Engine:
    """An engine for ``url``, migrated to the newest schema. Raises StorageError."""
    try:
        engine = sa.create_engine(url, future=True)
    except Exception as exc:  # a malformed URL or a missing driver
        raise StorageError(f"cannot open the database {_safe(url)}: {exc}") from exc
    if engine.dialect.name == "sqlite":
        database = engine.url.database
        if database and database != ":memory:":
            folder = Path(database).expanduser().parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StorageError(
                    f"cannot use {folder} for the database: {exc.strerror or exc} "
                    "(is INTERVIEWER_HOME a file, or not writable?)"
                ) from exc
        _configure_sqlite(engine)
    try:
        _migrate(engine)
    except StorageError:
        raise
    except Exception as exc:
        raise StorageError(f"cannot migrate the database {_safe(url)}: {exc}") from exc
    return engine


def _configure_sqlite(engine: Engine) -> None:
    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (below)
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")  # durable across process crashes in WAL
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _migrate(engine: Engine) -> None:
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(config).get_current_head()
    with engine.connect() as connection:
        if MigrationContext.configure(connection).get_current_revision() == head:
            return  # the common case: nothing to do, no lock taken
    lock = _lock_for(engine)
    with lock:
        with engine.begin() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
            if current == head:
                return
            config.attributes["connection"] = connection
            command.upgrade(config, "head")


class _NoLock:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def _lock_for(engine: Engine) -> FileLock | _NoLock:
    database = engine.url.database
    if engine.dialect.name == "sqlite" and database and database != ":memory:":
        return FileLock(str(Path(database).expanduser()) + ".migrate.lock", timeout=120)
    return _NoLock()  # PostgreSQL takes an advisory lock inside the migration (env.py)


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "(unparseable URL)"
