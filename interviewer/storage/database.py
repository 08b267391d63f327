"""The database engine: SQLite under INTERVIEWER_HOME by default, any SQLAlchemy URL otherwise
(INTERVIEWER_DATABASE_URL; PostgreSQL through psycopg 3, ``postgresql+psycopg://...``, lets
several app replicas share sessions).

SQLite is opened in WAL mode (readers never block the writer) with a generous busy timeout, and
every transaction starts with ``BEGIN IMMEDIATE`` so two processes never both read and then both
try to upgrade to a write lock (which SQLite resolves by failing one of them). Migrations are
Alembic's, run on open; a file lock (SQLite) or an advisory lock (PostgreSQL, in ``env.py``)
makes processes that start together migrate once.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from filelock import FileLock
from sqlalchemy.engine import Engine

from ..errors import StorageError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_MS = 30_000
CONNECT_TIMEOUT_S = 10  # PostgreSQL: give up on a server that does not answer
# Alembic runs migrations through module-global proxies (alembic.context, alembic.op), so two
# threads of one process must not migrate at the same time, even on different databases.
_MIGRATING = threading.Lock()


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def open_engine(url: str) -> Engine:
    """An engine for ``url``, migrated to the newest schema. Raises StorageError, one line.

    A database server (PostgreSQL: ``postgresql+psycopg://user:password@host:5432/name``) is
    checked first, so a server that cannot be reached says so and names the variable.
    """
    if url.startswith("postgres://"):  # what many hosts hand out; SQLAlchemy wants postgresql://
        url = "postgresql://" + url.removeprefix("postgres://")
    try:
        engine = sa.create_engine(url, future=True, **_server_options(url))
    except ModuleNotFoundError as exc:  # the URL names a driver that is not installed
        hint = (
            "; for PostgreSQL use postgresql+psycopg://... (pip install 'psycopg[binary]')"
            if url.startswith("postgresql")
            else ""
        )
        raise StorageError(
            f"cannot open the database {_safe(url)} (INTERVIEWER_DATABASE_URL): "
            f"its driver is not installed ({exc}){hint}"
        ) from exc
    except Exception as exc:  # a malformed URL or an unknown database
        raise StorageError(
            f"cannot open the database {_safe(url)} (INTERVIEWER_DATABASE_URL): {_reason(exc)}"
        ) from exc
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
    else:
        try:
            with engine.connect():
                pass
        except Exception as exc:
            engine.dispose()
            raise StorageError(
                f"cannot connect to the database {_safe(url)} (INTERVIEWER_DATABASE_URL): "
                f"{_reason(exc)}"
            ) from exc
    try:
        _migrate(engine)
    except StorageError:
        raise
    except Exception as exc:
        raise StorageError(f"cannot migrate the database {_safe(url)}: {_reason(exc)}") from exc
    return engine


def _server_options(url: str) -> dict[str, Any]:
    """Engine options for a database server: connections checked before use (a restarted
    server or a dropped idle connection costs a reconnect, not an error), and for PostgreSQL a
    connect timeout unless the URL sets one (psycopg's default is to wait forever)."""
    try:
        parsed = sa.make_url(url)
    except Exception:
        return {}  # create_engine reports it
    if parsed.get_backend_name() == "sqlite":
        return {}
    options: dict[str, Any] = {"pool_pre_ping": True}
    if parsed.get_backend_name() == "postgresql" and "connect_timeout" not in parsed.query:
        options["connect_args"] = {"connect_timeout": CONNECT_TIMEOUT_S}
    return options


def _reason(exc: BaseException) -> str:
    """The driver's own message, first line only (no SQL, no 'Background on this error')."""
    original = getattr(exc, "orig", None) or exc
    lines = [line.strip() for line in str(original).splitlines() if line.strip()]
    return lines[0] if lines else type(original).__name__


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
    with _MIGRATING, _lock_for(engine):
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
