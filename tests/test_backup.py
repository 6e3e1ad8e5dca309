"""Backup and restore: every row of every table comes back, on SQLite and PostgreSQL and across.

The database is filled the way the app fills it (tests/test_store.fill_every_table, a group
session with answers, a cohort's series and rate-limit rows); a learner is deleted first, so
the restored database must never give that learner's id out again.
"""

from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path

import pytest
from sqlalchemy import Engine, MetaData, select
from test_store import fill_every_table

from course.store import Cohorts, Facilitators, Sessions, Store, make_engine, read
from course.store.backup import BackupError, backup, restore
from course.store.db import current_revision, head_revision
from course.store.limits import JOIN_CODES, Limits
from course.store.series import Series

NOW = dt.datetime(2026, 12, 7, 9, 30, 15, 250_000, tzinfo=dt.UTC)


def fill(store: Store) -> int:
    """Fill every table as the app does; return the id of a learner deleted afterwards."""
    kept, _ = store.create_learner(NOW)
    fill_every_table(store, kept, "kept")
    gone, _ = store.create_learner(NOW)
    fill_every_table(store, gone, "gone")
    lead = Facilitators(store.engine).add("backup-lead", "a long pass phrase", NOW)
    sessions = Sessions(store.engine)
    room = sessions.start(lead, "tolerance-dependence-addiction", "group", "intro", NOW)
    sessions.open_question(room.id, lead, "quiz:q1", NOW)
    for name in ("Sam", "“Kai” <b>", None):
        _, token = sessions.join(room.join_code, name, NOW)
        sessions.answer(token, "quiz:q1", "b", True, NOW)
    cohort = Cohorts(store.engine).create(lead, "Tuesday group", NOW)
    series = Series(store.engine)
    series.plan(cohort.id, lead, "tolerance-dependence-addiction", NOW.date(), NOW,
                group_session_id=room.id)  # fmt: skip
    series.assign(cohort.id, lead, "thought-traps", dt.date(2026, 12, 14), NOW)
    Limits(store.engine).take(JOIN_CODES, "client-1", NOW)
    store.delete_learner(gone)
    return gone


def everything(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, in primary-key order, with times as aware UTC."""
    metadata = MetaData()
    metadata.reflect(engine)
    found = {}
    with read(engine) as conn:
        for table in metadata.sorted_tables:
            if table.name in ("alembic_version", "sqlite_sequence"):
                continue
            order = list(table.primary_key.columns) or list(table.columns)
            rows = conn.execute(select(table).order_by(*order))
            found[table.name] = [tuple(_same(value) for value in row) for row in rows]
    return found


def _same(value: object) -> object:
    if isinstance(value, dt.datetime):
        return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)
    return value


@pytest.fixture(params=["sqlite", "postgresql"])
def target_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of each kind to restore into (so SQLite -> PostgreSQL is tested too)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'restored.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


def test_a_backup_restores_every_row_and_no_id_comes_back(
    store: Store, target_url: str, tmp_path: Path
) -> None:
    gone = fill(store)
    before = everything(store.engine)
    empty = [name for name, rows in before.items() if not rows]
    assert empty == ["login_failures"], "the test left a table empty"
    file = tmp_path / "course.jsonl.gz"
    made = backup(store.engine, file, NOW)
    assert made.revision == head_revision()
    assert made.rows == {name: len(rows) for name, rows in before.items()}
    assert "“Kai” <b>" in gzip.open(file, "rt", encoding="utf-8").read()  # text as typed

    engine = make_engine(target_url)
    try:
        restored = restore(engine, file)
        assert restored.rows == made.rows
        assert everything(engine) == before
        assert current_revision(engine) == head_revision()
        with pytest.raises(BackupError, match="already holds data"):
            restore(engine, file)  # never into a database that has rows
        assert everything(engine) == before
    finally:
        engine.dispose()
    again = Store(target_url)
    try:
        new_id, _ = again.create_learner(NOW)
        assert new_id > gone, "a deleted learner's id was given out again"
    finally:
        again.close()


def test_what_is_not_a_backup_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    wrong = tmp_path / "notes.jsonl.gz"
    with gzip.open(wrong, "wt", encoding="utf-8") as out:
        out.write('{"format": "something else"}\n')
    engine = make_engine(f"sqlite:///{tmp_path / 'target.db'}")
    try:
        with pytest.raises(BackupError, match="is not a backup"):
            restore(engine, wrong)
        assert current_revision(engine) is None  # nothing was made
    finally:
        engine.dispose()
