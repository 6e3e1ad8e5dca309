"""Migrations upgrade real databases in place, keep their rows, and match schema.py."""

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from slowdown import slow
from sqlalchemy import DateTime, Engine, MetaData, bindparam, event, inspect, select, text

from course.store import (
    Facilitators,
    Plans,
    Sessions,
    Store,
    hash_code,
    make_engine,
    upgrade,
    write,
)
from course.store.db import alembic_config, current_revision, head_revision
from course.store.schema import metadata

OLD_CODE = "maple-river-candle-4821"
T1 = datetime(2025, 6, 1, 8, 30, tzinfo=UTC)
T2 = datetime(2025, 6, 1, 8, 45, 30, 500_000, tzinfo=UTC)


@pytest.fixture
def engine(store_url: str) -> Iterator[Engine]:
    """Yield a bare engine on a fresh database, with no migration run yet."""
    made = make_engine(store_url)
    try:
        yield made
    finally:
        made.dispose()


def run_sql(engine: Engine, sql: str, **params: Any) -> None:
    """Run one plain SQL statement with bound parameters, as 0001-era code would have."""
    statement = text(sql).bindparams(
        *(bindparam(name, type_=DateTime(timezone=True)) for name in params if name[0] == "t")
    )
    with write(engine) as conn:
        conn.execute(statement, params)


def fill_0001_tables(engine: Engine) -> None:
    """Insert rows into every 0001 table with plain SQL."""
    run_sql(
        engine,
        "INSERT INTO learners (id, code_hash, created_at) VALUES (7, :hash, :t1)",
        hash=hash_code(OLD_CODE),
        t1=T1,
    )
    run_sql(
        engine,
        "INSERT INTO lesson_progress (learner_id, lesson_id, current_step_id, current_index,"
        " furthest_index, started_at, updated_at, completed_at)"
        " VALUES (7, 'naloxone', 'how-to', 2, 3, :t1, :t2, NULL)",
        t1=T1,
        t2=T2,
    )
    for step, done in (("intro", T2), ("signs", None)):
        run_sql(
            engine,
            "INSERT INTO step_progress (learner_id, lesson_id, step_id, seen_at, completed_at)"
            " VALUES (7, 'naloxone', :step, :t1, :t2)",
            step=step,
            t1=T1,
            t2=done,
        )
    for attempt_no, answer, correct in ((1, '["b"]', False), (2, '["a"]', True)):
        run_sql(
            engine,
            "INSERT INTO answer_attempts (learner_id, quiz_id, question_id, attempt_no, answer,"
            " is_correct, answered_at) VALUES (7, 'post', 'q1', :n, :answer, :ok, :t2)",
            n=attempt_no,
            answer=answer,
            ok=correct,
            t2=T2,
        )


def test_rows_made_under_0001_survive_the_upgrade(engine: Engine, store_url: str) -> None:
    upgrade(engine, "0001")
    assert current_revision(engine) == "0001"
    assert "quiz_results" not in inspect(engine).get_table_names()
    fill_0001_tables(engine)
    engine.dispose()

    store = Store(store_url)
    try:
        assert current_revision(store.engine) == head_revision()
        assert store.find_learner(OLD_CODE) == 7
        progress = store.lesson_progress(7)["naloxone"]
        assert (progress.current_step_id, progress.current_index, progress.furthest_index) == (
            "how-to",
            2,
            3,
        )
        assert (progress.started_at, progress.updated_at, progress.completed_at) == (T1, T2, None)
        assert progress.steps_seen == {"intro", "signs"}
        assert progress.steps_completed == {"intro"}
        old = store.attempts(7)
        assert [(a.attempt_no, a.answer, a.is_correct, a.request_key) for a in old] == [
            (1, ["b"], False, None),
            (2, ["a"], True, None),
        ]
        assert [a.answered_at for a in old] == [T2, T2]

        # The new tables and column work on top of the old rows.
        new = store.record_answer(7, "post", "q1", ["a"], True, T2, request_key="retry-1")
        again = store.record_answer(7, "post", "q1", ["a"], True, T2, request_key="retry-1")
        assert new == again
        assert new.attempt_no == 3
        store.record_quiz_result(7, "post", 5, 5, True, True, T2)
        assert [r.score for r in store.quiz_results(7)] == [1.0]
        store.save_reflection(7, "naloxone", "why", "for my brother", T2)
        assert store.reflections(7) == {("naloxone", "why"): "for my brother"}
        assert store.delete_learner(7) == 1 + 1 + 2 + 3 + 1 + 1
    finally:
        store.close()


TABLES_0002 = (
    "learners",
    "lesson_progress",
    "step_progress",
    "answer_attempts",
    "quiz_results",
    "reflections",
)
TABLES_0003 = (
    "facilitators",
    "login_failures",
    "group_sessions",
    "session_questions",
    "participants",
    "responses",
)


def fill_0002_tables(engine: Engine) -> None:
    """Insert rows into every 0002 table with plain SQL."""
    fill_0001_tables(engine)
    run_sql(
        engine,
        "UPDATE answer_attempts SET request_key = 'k-1' WHERE attempt_no = 2",
    )
    run_sql(
        engine,
        "INSERT INTO quiz_results (learner_id, quiz_id, correct, total, score, passed,"
        " safety_ok, finished_at) VALUES (7, 'post', 4, 5, 0.8, :yes, :no, :t2)",
        yes=True,
        no=False,
        t2=T2,
    )
    run_sql(
        engine,
        "INSERT INTO reflections (learner_id, lesson_id, step_id, text, updated_at)"
        " VALUES (7, 'naloxone', 'why', 'for my brother', :t2)",
        t2=T2,
    )


def all_rows(engine: Engine, names: tuple[str, ...]) -> dict[str, list[tuple[Any, ...]]]:
    """Read every row of the named tables, in primary key order."""
    reflected = MetaData()
    reflected.reflect(engine, only=list(names))
    with engine.connect() as conn:
        return {
            name: [
                tuple(row)
                for row in conn.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for name, table in reflected.tables.items()
        }


def test_rows_made_under_0002_survive_0003(engine: Engine, store_url: str) -> None:
    upgrade(engine, "0002")
    fill_0002_tables(engine)
    before = all_rows(engine, TABLES_0002)
    assert all(before.values()), "the test left a 0002 table empty"
    assert not set(TABLES_0003) & set(inspect(engine).get_table_names())
    engine.dispose()

    store = Store(store_url)
    try:
        assert current_revision(store.engine) == head_revision()
        # 0004 gave every learner an audience, "learner" by default, and 0006 every answer an
        # empty confidence; 0010 names no furthest step of a lesson the content does not
        # have; 0017 gives no learner a read-aloud speed (the normal one); 0018 no chosen
        # language, and no language to the answers given before it (English); nothing else
        # changed.
        grown = {
            **before,
            "learners": [(*row, "learner", None, None) for row in before["learners"]],
            "answer_attempts": [(*row, None, None) for row in before["answer_attempts"]],
            "quiz_results": [(*row, None) for row in before["quiz_results"]],
            "lesson_progress": [(*row, None) for row in before["lesson_progress"]],
        }
        assert all_rows(store.engine, TABLES_0002) == grown
        assert set(TABLES_0003) <= set(inspect(store.engine).get_table_names())
        assert store.find_learner(OLD_CODE) == 7
        assert store.reflections(7) == {("naloxone", "why"): "for my brother"}

        # The new tables work on top of the old rows.
        facilitator = Facilitators(store.engine).add("counselor", "a long passphrase", T2)
        sessions = Sessions(store.engine)
        session = sessions.start(facilitator, "naloxone", "group", "intro", T2, min_group_size=1)
        _, token = sessions.join(session.join_code, None, T2)
        sessions.open_question(session.id, facilitator, "q1", T2)
        assert sessions.answer(token, "q1", "a", True, T2)
        assert sessions.tally(session.id, "q1").counts == {'"a"': 1}
    finally:
        store.close()


def test_downgrade_to_0002_drops_only_the_new_tables(engine: Engine) -> None:
    upgrade(engine, "0002")
    fill_0002_tables(engine)
    before = all_rows(engine, TABLES_0002)
    upgrade(engine)
    with write(engine) as conn:
        command.downgrade(alembic_config(conn), "0002")
    assert current_revision(engine) == "0002"
    assert not set(TABLES_0003) & set(inspect(engine).get_table_names())
    assert all_rows(engine, TABLES_0002) == before
    upgrade(engine)
    assert current_revision(engine) == head_revision()


def test_schema_module_matches_the_migrated_database(engine: Engine) -> None:
    upgrade(engine)
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    assert differences == []


def test_downgrade_to_0001_keeps_the_old_rows(engine: Engine) -> None:
    upgrade(engine, "0001")
    fill_0001_tables(engine)
    upgrade(engine)
    with write(engine) as conn:
        command.downgrade(alembic_config(conn), "0001")
    assert current_revision(engine) == "0001"
    columns = {c["name"] for c in inspect(engine).get_columns("answer_attempts")}
    assert "request_key" not in columns
    upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM answer_attempts")).scalar() == 2


def test_opening_a_store_again_changes_nothing(store_url: str) -> None:
    Store(store_url).close()
    statements: list[str] = []

    def remember(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement.upper())

    event.listen(Engine, "before_cursor_execute", remember)
    try:
        Store(store_url).close()
    finally:
        event.remove(Engine, "before_cursor_execute", remember)
    assert statements, "the second open did not even check the revision"
    writes = ("IMMEDIATE", "ADVISORY", "CREATE", "ALTER", "INSERT", "UPDATE", "DROP")
    assert [s for s in statements if any(word in s for word in writes)] == []


def test_two_processes_upgrading_at_once_end_at_head(store_url: str) -> None:
    engines = [make_engine(store_url) for _ in range(2)]
    start = threading.Barrier(len(engines))
    errors: list[Exception] = []

    def migrate(engine: Engine) -> None:
        try:
            start.wait()
            upgrade(engine)
        except Exception as error:  # reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=migrate, args=(engine,)) for engine in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=slow(60))
    try:
        assert errors == []
        assert [current_revision(engine) for engine in engines] == [head_revision()] * 2
        with engines[0].connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
    finally:
        for engine in engines:
            engine.dispose()


def fill_0003_session_tables(engine: Engine, facilitator: int) -> None:
    """A room with one participant and one answer, written with plain SQL as 0003 code did."""
    run_sql(
        engine,
        "INSERT INTO group_sessions (id, join_code, facilitator_id, lesson_id, kind, status,"
        " step_index, step_id, open_question, min_group_size, created_at, expires_at)"
        " VALUES (3, 'K7QX3M', :f, 'naloxone', 'group', 'open', 0, 'intro', 'q1', 1, :t1, :t2)",
        f=facilitator,
        t1=T1,
        t2=T2,
    )
    run_sql(
        engine,
        "INSERT INTO session_questions (session_id, question_key, opened_at) VALUES (3, 'q1', :t1)",
        t1=T1,
    )
    run_sql(
        engine,
        "INSERT INTO participants (id, session_id, token_hash, display_name, joined_at,"
        " last_seen_at) VALUES (5, 3, :hash, 'Sam', :t1, :t2)",
        hash="ab" * 32,
        t1=T1,
        t2=T2,
    )
    run_sql(
        engine,
        "INSERT INTO responses (session_id, participant_id, question_key, answer, is_correct,"
        " answered_at) VALUES (3, 5, 'q1', '\"a\"', TRUE, :t2)",
        t2=T2,
    )


def test_rows_made_under_0003_survive_0004_and_its_downgrade(
    engine: Engine, store_url: str
) -> None:
    upgrade(engine, "0003")
    fill_0002_tables(engine)
    facilitator = Facilitators(engine).add("counselor", "a long passphrase", T2)
    fill_0003_session_tables(engine, facilitator)
    tables = (*TABLES_0002, *TABLES_0003)
    before = all_rows(engine, tables)
    empty = [name for name, rows in before.items() if not rows]
    assert empty == ["login_failures"], "the test left a table empty"
    engine.dispose()

    store = Store(store_url)
    try:
        assert current_revision(store.engine) == head_revision()
        after = all_rows(store.engine, tables)
        assert after["learners"] == [(*row, "learner", None, None) for row in before["learners"]]
        assert after["facilitators"] == [(*row, "account") for row in before["facilitators"]]
        assert after["answer_attempts"] == [(*row, None, None) for row in before["answer_attempts"]]
        # 0018: answers given before it have no language recorded (they were all in English).
        assert after["quiz_results"] == [(*row, None) for row in before["quiz_results"]]
        assert after["responses"] == [(*row, None) for row in before["responses"]]
        # 0008 gave every room a seat cap: 40 unless the counselor sets another; 0012 a family
        # mode, which a group session does not have; 0013 a countdown, none running; 0014 the
        # join code at its usual size; 0015 approved thoughts as a list; 0016 no scenario point.
        assert after["group_sessions"] == [
            (*row, 40, None, None, False, "list", None, "en") for row in before["group_sessions"]
        ]
        # 0010: no furthest step named for a lesson the content does not have.
        assert after["lesson_progress"] == [(*row, None) for row in before["lesson_progress"]]
        grew = {
            "learners",
            "facilitators",
            "answer_attempts",
            "quiz_results",
            "responses",
            "group_sessions",
            "lesson_progress",
        }
        assert {k: v for k, v in after.items() if k not in grew} == {
            k: v for k, v in before.items() if k not in grew
        }
        assert (
            Facilitators(store.engine).verify("counselor", "a long passphrase", T2) == facilitator
        )
        Plans(store.engine).save(7, {"warning_signs": "stays in bed"}, T2)
        assert store.audience_of(7) == "learner"
    finally:
        store.close()
    with write(engine) as conn:
        command.downgrade(alembic_config(conn), "0003")
    assert current_revision(engine) == "0003"
    assert "support_plans" not in inspect(engine).get_table_names()
    assert all_rows(engine, tables) == before
