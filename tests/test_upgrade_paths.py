"""Upgrade from every earlier schema version, with rows in every table, to the newest.

A clinic may skip releases: a database made at any revision must reach head without losing a
row. For each revision, a fresh database (SQLite and PostgreSQL) is brought there, every table
it has gets two rows (linked to each other's parents, as the app would link them), and then it
is upgraded to head; every row must still be there.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Engine,
    Float,
    Integer,
    MetaData,
    Table,
    func,
    select,
)

from course.store.db import alembic_config, current_revision, head_revision, write

T = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)
REVISIONS = [
    r.revision
    for r in reversed(list(ScriptDirectory.from_config(alembic_config()).walk_revisions()))
][:-1]  # every revision before head
ROWS = 2


def value_for(
    table: Table, column: Any, n: int, parents: dict[str, list[Any]], dialect: str
) -> Any:
    """A value this column accepts, distinct per row where it may need to be unique."""
    for fk in column.foreign_keys:
        return parents[fk.column.table.name][n % len(parents[fk.column.table.name])]
    kind = column.type
    if isinstance(kind, Boolean):
        return bool(n % 2)
    if isinstance(kind, DateTime):
        moment = T + dt.timedelta(minutes=n)
        return moment.replace(tzinfo=None) if dialect == "sqlite" else moment
    if isinstance(kind, Date):
        return T.date()
    if isinstance(kind, Integer):
        return n + 1
    if isinstance(kind, Float):
        return 0.5
    name = column.name
    if name in ("answer", "entry", "plan"):
        return json.dumps({"answer": f"a{n}"} if name != "answer" else f"a{n}")
    if name in ("status",):
        return "open"
    if name in ("kind",):
        return "group" if table.name == "group_sessions" else "account"
    if name == "audience":
        return "learner"
    length = getattr(kind, "length", None) or 40
    return f"{name[: length - 4]}-{n}"[:length]


def fill(engine: Engine) -> dict[str, int]:
    """Give every table ROWS rows, parents first; return the count per table."""
    metadata = MetaData()
    metadata.reflect(engine)
    parents: dict[str, list[Any]] = {}
    counts = {}
    with write(engine) as conn:
        for table in metadata.sorted_tables:
            if table.name == "alembic_version":
                continue
            count = conn.scalar(select(func.count()).select_from(table)) or 0
            for n in range(ROWS):
                row = {c.name: value_for(table, c, n, parents, engine.dialect.name)
                       for c in table.columns if not _made_by_database(table, c)}  # fmt: skip
                conn.execute(table.insert().values(row))
            key = next(iter(table.primary_key.columns), None)
            if key is not None and isinstance(key.type, Integer):
                parents[table.name] = list(conn.scalars(select(key).order_by(key)))
            counts[table.name] = count + ROWS
    return counts


def _made_by_database(table: Table, column: Any) -> bool:
    """Tell whether the database gives this column its value (a table's own integer id)."""
    return bool(
        column.primary_key and column.autoincrement is True and not column.foreign_keys
        and isinstance(column.type, Integer) and len(table.primary_key) == 1
    )  # fmt: skip


@pytest.mark.parametrize("revision", REVISIONS)
def test_every_row_survives_the_upgrade_from(
    revision: str, engine_at: Callable[[str], Engine]
) -> None:
    engine = engine_at(revision)
    counts = fill(engine)
    assert counts, "the revision has tables"
    engine_at("head")  # the app starting on that database
    assert current_revision(engine) == head_revision()
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.connect() as conn:
        after = {name: conn.scalar(select(func.count()).select_from(metadata.tables[name]))
                 for name in counts}  # fmt: skip
    assert after == counts
