"""Back up every table of the app's database to one portable file, and restore it.

The file is gzip-compressed JSON lines: a header (format, schema revision, when, the id
counters), then one line per table (its name and columns), then one line per row. It is the
same on SQLite and PostgreSQL, so a backup of one restores into the other. Rows are streamed
both ways, never held whole in memory.

A restore goes into an empty database only: it brings the database to the backup's schema
revision, inserts every row parents first, sets the id counters so that no id is ever given
out twice (a deleted learner's id stays unused), then upgrades to the newest schema.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Boolean, Date, DateTime, Engine, MetaData, Table, func, select, text

from course.store.db import current_revision, read, upgrade, write

FORMAT = "course-backup"
VERSION = 1
_BATCH = 1_000
_SKIPPED = {"alembic_version", "sqlite_sequence"}
# Rows a migration makes by itself (0008's random keys): replaced by the backup's, so hashed
# client addresses and export pseudonyms stay what they were.
_MADE_BY_MIGRATIONS = {"app_secrets"}


class BackupError(Exception):
    """A backup cannot be made or restored; the message says why and what to do."""


@dataclass(frozen=True)
class Summary:
    """What a backup or restore covered."""

    revision: str
    rows: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def backup(engine: Engine, path: Path, now: dt.datetime) -> Summary:
    """Write every row of every table to `path` (gzip JSON lines), in one consistent read."""
    revision = current_revision(engine)
    if revision is None:
        raise BackupError("the database has no tables yet: nothing to back up")
    tables = _tables(engine)
    counts: dict[str, int] = {}
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    with read(engine) as conn, gzip.open(partial, "wt", encoding="utf-8") as out:
        header = {"format": FORMAT, "version": VERSION, "revision": revision,
                  "made_at": now.isoformat(), "counters": _counters(conn, tables)}  # fmt: skip
        _line(out, header)
        for table in tables:
            columns = [c.name for c in table.columns]
            _line(out, {"table": table.name, "columns": columns})
            order = list(table.primary_key.columns) or list(table.columns)
            rows = conn.execution_options(yield_per=_BATCH).execute(select(table).order_by(*order))
            n = 0
            for row in rows:
                _line(out, [_encode(value) for value in row])
                n += 1
            counts[table.name] = n
    partial.replace(path)  # a backup is there whole, or not at all
    return Summary(revision, counts)


def restore(engine: Engine, path: Path) -> Summary:
    """Load a backup into an empty database, then bring it to the newest schema."""
    with gzip.open(path, "rt", encoding="utf-8") as source:
        lines = (json.loads(line) for line in source)
        header = next(lines, None)
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            raise BackupError(f"{path} is not a backup made by `python -m course backup`")
        if header.get("version") != VERSION:
            raise BackupError(
                f"{path} is backup format {header.get('version')}; this app reads {VERSION}"
            )
        _refuse_if_not_empty(engine)
        upgrade(engine, str(header["revision"]))
        tables = {t.name: t for t in _tables(engine)}
        counts = _load(engine, tables, lines)
        _set_counters(engine, tables, header.get("counters", {}))
    upgrade(engine)
    return Summary(str(header["revision"]), counts)


def _load(engine: Engine, tables: dict[str, Table], lines: Iterator[Any]) -> dict[str, int]:
    """Insert each table's rows in batches, in one transaction."""
    counts: dict[str, int] = {}
    with write(engine) as conn:
        for name in _MADE_BY_MIGRATIONS & set(tables):
            conn.execute(tables[name].delete())
        table: Table | None = None
        columns: list[str] = []
        batch: list[dict[str, Any]] = []
        for item in lines:
            if isinstance(item, dict):
                if table is not None and batch:
                    conn.execute(table.insert(), batch)
                    batch = []
                if item.get("table") not in tables:
                    raise BackupError(
                        f"the backup has a table this schema lacks: {item.get('table')}"
                    )
                table, columns = tables[item["table"]], list(item["columns"])
                counts[table.name] = 0
                continue
            if table is None:
                raise BackupError("the backup has rows before any table")
            batch.append({name: _decode(table.c[name], value, conn.dialect.name)
                          for name, value in zip(columns, item, strict=True)})  # fmt: skip
            counts[table.name] += 1
            if len(batch) >= _BATCH:
                conn.execute(table.insert(), batch)
                batch = []
        if table is not None and batch:
            conn.execute(table.insert(), batch)
    return counts


def _tables(engine: Engine) -> list[Table]:
    """The database's own tables as they are (reflected), parents before children."""
    metadata = MetaData()
    metadata.reflect(engine)
    return [t for t in metadata.sorted_tables if t.name not in _SKIPPED]


def _refuse_if_not_empty(engine: Engine) -> None:
    if current_revision(engine) is None:
        return
    with read(engine) as conn:
        for table in _tables(engine):
            if table.name in _MADE_BY_MIGRATIONS:
                continue
            if conn.scalar(select(func.count()).select_from(table)):
                raise BackupError(
                    f"the database already holds data (table {table.name}): restore only into "
                    "an empty database, so nothing is mixed or lost"
                )


def _counters(conn: Any, tables: list[Table]) -> dict[str, int]:
    """The highest id each table has given out (deleted rows included), where it keeps one."""
    found: dict[str, int] = {}
    if conn.dialect.name == "sqlite":
        has = conn.scalar(text("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_sequence'"))
        if has:
            found = {name: int(seq) for name, seq in conn.execute(
                text("SELECT name, seq FROM sqlite_sequence"))}  # fmt: skip
    else:
        for table in tables:
            if "id" in table.c and table.c.id.primary_key:
                sequence = conn.scalar(
                    text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table.name}
                )
                last = sequence and conn.scalar(
                    text("SELECT last_value FROM pg_sequences "
                         "WHERE schemaname || '.' || sequencename = :s"), {"s": sequence},
                )  # fmt: skip
                if last:  # NULL until the sequence has given out an id
                    found[table.name] = int(last)
    return found


def _set_counters(engine: Engine, tables: dict[str, Table], counters: dict[str, int]) -> None:
    """Start each table's ids after the highest the original ever gave out."""
    with write(engine) as conn:
        for name, table in tables.items():
            if "id" not in table.c or not table.c.id.primary_key:
                continue
            top = max(
                int(counters.get(name, 0)), int(conn.scalar(select(func.max(table.c.id))) or 0)
            )
            if not top:
                continue
            if conn.dialect.name == "sqlite":
                conn.execute(text("DELETE FROM sqlite_sequence WHERE name = :t"), {"t": name})
                conn.execute(text("INSERT INTO sqlite_sequence (name, seq) VALUES (:t, :n)"),
                             {"t": name, "n": top})  # fmt: skip
            else:
                sequence = conn.scalar(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": name})
                if sequence:
                    conn.execute(text("SELECT setval(:s, :n)"), {"s": sequence, "n": top})


def _line(out: IO[str], value: object) -> None:
    out.write(json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n")


def _encode(value: object) -> object:
    if isinstance(value, dt.datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)  # SQLite keeps UTC
        return {"t": aware.astimezone(dt.UTC).isoformat()}
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    return value


def _decode(column: Any, value: object, dialect: str) -> object:
    if isinstance(value, dict) and "t" in value:
        moment = dt.datetime.fromisoformat(value["t"])
        return moment.replace(tzinfo=None) if dialect == "sqlite" else moment
    if isinstance(value, dict) and "d" in value:
        return dt.date.fromisoformat(value["d"])
    if isinstance(column.type, Boolean) and value is not None:
        return bool(value)
    if isinstance(column.type, DateTime | Date) and isinstance(value, str):
        raise BackupError(f"{column.table.name}.{column.name}: a date written as plain text")
    return value
