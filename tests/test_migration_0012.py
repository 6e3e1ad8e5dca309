"""Migration 0012 keeps a family session's mode with the session (issue 16).

Rows go in with plain SQL at revision 0011, as 0011-era code wrote them. SQLite and PostgreSQL.
"""

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import DateTime, Engine, bindparam, inspect, text

from course.store import upgrade, write
from course.store.db import alembic_config, current_revision

T1 = datetime(2026, 12, 6, 18, 0, tzinfo=UTC)
ROOMS = [(1, "ABCDEF", "group"), (2, "GHJKLM", "family")]


@pytest.fixture
def engine(engine_at: Callable[[str], Engine]) -> Engine:
    """An engine on a fresh database at 0011, with a counselor's room and a family's."""
    engine = engine_at("0011")
    stamp = bindparam("t", type_=DateTime(timezone=True))
    with write(engine) as conn:
        conn.execute(
            text(
                "INSERT INTO facilitators (id, username, password_hash, created_at, kind)"
                " VALUES (1, 'lead', '!', :t, 'account')"
            ).bindparams(stamp),
            {"t": T1},
        )
        conn.execute(
            text(
                "INSERT INTO group_sessions (id, join_code, facilitator_id, lesson_id, kind,"
                " status, step_index, step_id, open_question, min_group_size, seat_cap,"
                " created_at, expires_at, closed_at) VALUES (:id, :code, 1, 'thought-traps',"
                " :kind, 'open', 0, 'intro', NULL, 2, 12, :t, :t, NULL)"
            ).bindparams(stamp),
            [{"id": i, "code": code, "kind": kind, "t": T1} for i, code, kind in ROOMS],
        )
    return engine


def modes(engine: Engine) -> dict[int, str | None]:
    with engine.connect() as conn:
        query = text("SELECT id, family_mode FROM group_sessions ORDER BY id")
        return {row.id: row.family_mode for row in conn.execute(query)}


def test_a_running_family_session_keeps_what_a_reload_showed_before(engine: Engine) -> None:
    upgrade(engine, "0012")
    # Before 0012 a reload fell back to phones; a group session has no family mode.
    assert modes(engine) == {1: None, 2: "phones"}


def test_downgrade_drops_the_column_and_keeps_the_rows(engine: Engine) -> None:
    upgrade(engine, "0012")
    with write(engine) as conn:
        command.downgrade(alembic_config(conn), "0011")
    assert current_revision(engine) == "0011"
    columns = {c["name"] for c in inspect(engine).get_columns("group_sessions")}
    assert "family_mode" not in columns
    with engine.connect() as conn:
        assert conn.execute(text("SELECT id, kind FROM group_sessions ORDER BY id")).all() == [
            (1, "group"),
            (2, "family"),
        ]
