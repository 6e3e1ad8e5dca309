"""Engines, transactions and schema migrations for the progress store."""

import functools
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, Table, create_engine, event, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, make_url

ENV_URL = "COURSE_DATABASE_URL"
DEFAULT_URL = "sqlite:///data/course.db"
MIGRATIONS_DIR = Path(__file__).parent / "migrations"

# synchronous=FULL syncs the WAL on every commit, so acknowledged progress survives a power
# loss (NORMAL may roll back the last commits); research/reliability.md 3.1 has the cost.
_SQLITE_PRAGMAS = (
    "PRAGMA busy_timeout = 10000",
    "PRAGMA synchronous = FULL",
    "PRAGMA foreign_keys = ON",
)
_BUSY_TIMEOUT_S = 10.0
# Execution option that marks a connection's transaction as a write (BEGIN IMMEDIATE).
_WRITE_OPTION = "course_write"
# Any fixed 64-bit number shared by every app process: the key of the migration lock.
_MIGRATION_LOCK_KEY = 0x636F757273650001
# Alembic keeps its running context in module globals, so one migration at a time per process.
_ALEMBIC_LOCK = threading.Lock()


def database_url(url: str | None = None) -> URL:
    """Resolve the URL from the argument, else COURSE_DATABASE_URL, else the SQLite default."""
    parsed = make_url(url or os.environ.get(ENV_URL) or DEFAULT_URL)
    if parsed.drivername == "postgresql":
        # Plain postgresql:// means psycopg2 to SQLAlchemy; psycopg 3 is what is installed.
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def make_engine(url: str | None = None) -> Engine:
    """Create an engine for SQLite or PostgreSQL with the store's settings."""
    is_default = not (url or os.environ.get(ENV_URL))
    resolved = database_url(url)
    backend = resolved.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(resolved, make_dir=is_default)
    if backend == "postgresql":
        return create_engine(resolved, pool_pre_ping=True)
    raise ValueError(f"unsupported database {backend!r}: use sqlite:/// or postgresql+psycopg://")


def _sqlite_engine(url: URL, *, make_dir: bool) -> Engine:
    """Create a SQLite engine with WAL, durable commits and SQLAlchemy-issued BEGINs."""
    database = url.database or ""
    if database in ("", ":memory:") or url.query.get("mode") == "memory":
        # Each pooled connection would see its own empty in-memory database.
        raise ValueError("an in-memory SQLite database cannot be shared: use a file")
    if make_dir:
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": _BUSY_TIMEOUT_S})
    event.listen(engine, "connect", _on_sqlite_connect)
    event.listen(engine, "begin", _on_sqlite_begin)
    return engine


def _on_sqlite_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    """Apply the pragmas and stop sqlite3 from issuing its own (deferred) BEGIN."""
    dbapi_connection.isolation_level = None
    for pragma in _SQLITE_PRAGMAS:
        dbapi_connection.execute(pragma)
    _use_wal(dbapi_connection)


def _use_wal(dbapi_connection: sqlite3.Connection) -> None:
    """Switch the file to WAL (kept in the file, so only the first switch does work)."""
    deadline = time.monotonic() + _BUSY_TIMEOUT_S
    while True:
        try:
            (mode,) = dbapi_connection.execute("PRAGMA journal_mode = WAL").fetchone()
        except sqlite3.OperationalError as error:
            # Two connections switching a new file at once: SQLite fails one of them at once
            # instead of waiting (busy_timeout does not apply here), so wait and try again.
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)
            continue
        if mode != "wal":
            raise RuntimeError(f"SQLite kept journal_mode={mode!r}: WAL needs a local disk")
        return


def _on_sqlite_begin(conn: Connection) -> None:
    """Begin IMMEDIATE for writes, so a read-then-write never fails with "database is locked"."""
    is_write = bool(conn.get_execution_options().get(_WRITE_OPTION))
    conn.exec_driver_sql("BEGIN IMMEDIATE" if is_write else "BEGIN")


@contextmanager
def write(engine: Engine) -> Iterator[Connection]:
    """Yield a connection in a write transaction (IMMEDIATE on SQLite); commit on success."""
    with engine.connect() as conn:
        conn.execution_options(**{_WRITE_OPTION: True})
        with conn.begin():
            yield conn


@contextmanager
def read(engine: Engine) -> Iterator[Connection]:
    """Yield a connection in a read transaction, so several queries see one snapshot."""
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            # READ COMMITTED takes a new snapshot per statement; an export must not mix two
            # moments. A transaction that only reads never fails to serialize at this level.
            conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            yield conn


def alembic_config(connection: Connection | None = None) -> Config:
    """Build the Alembic configuration in code (no alembic.ini needed)."""
    config = Config()
    # ConfigParser would read a "%" in the path as interpolation.
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


@functools.cache
def head_revision() -> str:
    """Return the newest migration revision shipped with this code."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations found in {MIGRATIONS_DIR}")
    return head


def current_revision(engine: Engine) -> str | None:
    """Return the database's migration revision, or None for an empty database."""
    with read(engine) as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Upgrade the database to revision, safely when several processes start at once."""
    if revision == "head" and current_revision(engine) == head_revision():
        return
    with _ALEMBIC_LOCK, write(engine) as conn:
        _lock_migrations(conn)
        # Alembic reads the current revision again under the lock, so a loser is a no-op.
        command.upgrade(alembic_config(conn), revision)


def _lock_migrations(conn: Connection) -> None:
    """Hold the migration lock until the transaction ends."""
    # On SQLite the IMMEDIATE write transaction already excludes every other writer.
    if conn.dialect.name == "postgresql":
        conn.execute(select(func.pg_advisory_xact_lock(_MIGRATION_LOCK_KEY)))


DialectInsert = postgresql.Insert | sqlite.Insert


def dialect_insert(conn: Connection, table: Table) -> DialectInsert:
    """Start an INSERT of the connection's dialect, which can take ON CONFLICT."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)
