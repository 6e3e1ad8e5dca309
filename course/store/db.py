"""Engines, transactions and schema migrations for the progress store."""

import functools
import logging
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
from sqlalchemy.exc import OperationalError

ENV_URL = "COURSE_DATABASE_URL"
# The default database is the project's data/course.db wherever a command is run from, so
# `python -m course facilitator list` in another folder finds the app's accounts instead of
# making a second, empty database there.
DEFAULT_SQLITE = Path(__file__).resolve().parents[2] / "data" / "course.db"
MIGRATIONS_DIR = Path(__file__).parent / "migrations"

# synchronous=FULL syncs the WAL on every commit, so acknowledged progress survives a power
# loss (NORMAL may roll back the last commits); research/reliability.md 3.1 has the cost.
_SQLITE_PRAGMAS = (
    "PRAGMA busy_timeout = 10000",
    "PRAGMA synchronous = FULL",
    "PRAGMA foreign_keys = ON",
)
_BUSY_TIMEOUT_S = 10.0
# How long a write may wait for its turn on SQLite in all, over several busy timeouts: a class
# answering at once on a loaded machine queues writers; none may be lost to the queue.
WRITE_WAIT_S = 120.0
# How many times a write had to try BEGIN again (a sign the box is overloaded), per process.
lock_waits = 0
_LOG = logging.getLogger(__name__)
# Execution option that marks a connection's transaction as a write (BEGIN IMMEDIATE).
_WRITE_OPTION = "course_write"
# Any fixed 64-bit number shared by every app process: the key of the migration lock.
_MIGRATION_LOCK_KEY = 0x636F757273650001
# Alembic keeps its running context in module globals, so one migration at a time per process.
_ALEMBIC_LOCK = threading.Lock()


def database_url(url: str | None = None) -> URL:
    """Resolve the URL from the argument, else COURSE_DATABASE_URL, else the SQLite default."""
    parsed = make_url(url or os.environ.get(ENV_URL) or f"sqlite:///{DEFAULT_SQLITE}")
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
    """Begin IMMEDIATE for writes, so a read-then-write never fails with "database is locked".

    A write waits its turn: SQLite's busy_timeout waits up to 10 s for the lock, and when a
    loaded machine keeps many writers queued longer than that, BEGIN IMMEDIATE is tried again
    until WRITE_WAIT_S have passed. Nothing has been written yet when it fails, so trying
    again loses nothing; once it succeeds, the transaction holds the write lock to its end.
    """
    is_write = bool(conn.get_execution_options().get(_WRITE_OPTION))
    if not is_write:
        conn.exec_driver_sql("BEGIN")
        return
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None  # a connection being begun is checked out
    deadline = time.monotonic() + WRITE_WAIT_S
    while True:
        try:
            dbapi.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) and "busy" not in str(error):
                raise
            if time.monotonic() > deadline:
                raise OperationalError("BEGIN IMMEDIATE", None, error) from error
            global lock_waits
            lock_waits += 1
            _LOG.warning("a write waited past SQLite's busy timeout; trying again")


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
