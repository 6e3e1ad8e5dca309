"""Shared fixtures: a fresh, real database per test, on SQLite and on PostgreSQL."""

import os
import secrets
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import streamlit as st
from slowdown import slowdown
from sqlalchemy import Engine, create_engine
from sqlalchemy.pool import NullPool

from course.loader import REPO_ROOT, load_course
from course.model import Course
from course.store import Facilitators, Store, make_engine, upgrade
from course.store.db import database_url

PG_URL_ENV = "COURSE_TEST_DATABASE_URL"
TEST_TIMEOUT_S = 300  # pytest-timeout's limit per test on a quiet machine (pyproject.toml)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """On a busy machine, give each test as much more time as the machine is slower."""
    factor = slowdown()
    if factor > 1:
        for item in items:
            if item.get_closest_marker("timeout") is None:
                item.add_marker(pytest.mark.timeout(TEST_TIMEOUT_S * factor))


REQUIRE_PG_ENV = "COURSE_REQUIRE_POSTGRES"


@pytest.fixture(scope="module")
def course() -> Course:
    """The shipped course, loaded once per test module (a module may define its own)."""
    loaded = load_course(REPO_ROOT).course
    assert loaded is not None
    return loaded


@pytest.fixture
def engine_at(store_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], Engine]]:
    """Make engines on the fresh database, upgraded to a given revision; disposed after.

    For migration tests: the shipped course is the content migrations read (no COURSE_ROOT).
    """
    monkeypatch.delenv("COURSE_ROOT", raising=False)
    made: list[Engine] = []

    def at(revision: str) -> Engine:
        engine = make_engine(store_url)
        made.append(engine)
        upgrade(engine, revision)
        return engine

    yield at
    for engine in made:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Yield the URL of an empty database of each kind, dropped after the test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'course.db'}"
    else:
        yield from _fresh_postgres_database(_postgres_admin_url())


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """Yield the URL of an empty PostgreSQL database (for tests that only make sense there)."""
    yield from _fresh_postgres_database(_postgres_admin_url())


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """Yield a Store on a fresh database."""
    opened = Store(store_url)
    try:
        yield opened
    finally:
        opened.close()


def _postgres_admin_url() -> str:
    """Return the PostgreSQL URL to create test databases from, or skip (or fail) without."""
    url = os.environ.get(PG_URL_ENV)
    if url:
        return url
    if os.environ.get(REQUIRE_PG_ENV) == "1":
        pytest.fail(f"{REQUIRE_PG_ENV}=1 but {PG_URL_ENV} is not set", pytrace=False)
    pytest.skip(f"set {PG_URL_ENV} to run the PostgreSQL cases")


def _fresh_postgres_database(admin_url: str) -> Iterator[str]:
    """Create a uniquely named database, yield its URL, then drop it."""
    url = database_url(admin_url)
    name = f"course_t_{secrets.token_hex(8)}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    quoted = admin.dialect.identifier_preparer.quote(name)
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {quoted}")
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            # FORCE: a failed test may leave connections open; they must not block the drop.
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")
        admin.dispose()


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh SQLite database for the app under AppTest (the shipped course, no other root)."""
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("COURSE_DATABASE_URL", url)
    monkeypatch.delenv("COURSE_ROOT", raising=False)
    st.cache_resource.clear()  # the store and course are per process: start each test fresh
    yield url
    st.cache_resource.clear()


@pytest.fixture
def leads(store: Store) -> tuple[int, int]:
    """Two counselors' accounts, for tests of what each may see and do."""
    accounts = Facilitators(store.engine)
    made = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
    return (
        accounts.add("lead-one", "a long pass phrase", made),
        accounts.add("lead-two", "another long phrase", made),
    )
