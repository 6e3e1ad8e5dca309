"""The progress store on real SQLite and PostgreSQL databases."""

import json
import secrets
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from slowdown import slow
from sqlalchemy import MetaData, String, Table, Text, func, select

from course import i18n
from course.store import (
    MAX_REFLECTION_CHARS,
    Cohorts,
    Devices,
    Facilitators,
    Plans,
    Store,
    make_engine,
    read,
    write,
)
from course.store import db as db_module
from course.store.codes import normalize_code
from course.store.db import database_url
from course.store.practice import Practice
from course.store.schema import ACCOUNT_TABLES, LIMIT_TABLES, PROGRAM_TABLES, SESSION_TABLES
from course.store.wordlist import WORDS

NOW = datetime(2026, 3, 1, 12, 0, 0, 250_000, tzinfo=UTC)
HOSTILE = [
    "'; DROP TABLE learners; --",
    "' OR '1'='1",
    'Robert"); DELETE FROM answer_attempts; --',
    "\u201csmart quotes\u201d, \u00e9l\u00e8ve, \u4f60\u597d, \U0001f331, \u202eright-to-left",
    "<script>alert(1)</script>",
    "line one\nline two\ttabbed\r\n",
    "x" * MAX_REFLECTION_CHARS,
]

# Facilitator accounts and group sessions hold no learner's data; any other table must.
NOT_LEARNER_DATA = {
    "alembic_version",
    *(table.name for table in ACCOUNT_TABLES),
    *(table.name for table in LIMIT_TABLES),
    *(table.name for table in PROGRAM_TABLES),
    *(table.name for table, _ in SESSION_TABLES),
}


def at(seconds: float) -> datetime:
    """Return a fixed test time, seconds after NOW."""
    return NOW + timedelta(seconds=seconds)


def database_tables(store: Store) -> list[Table]:
    """Reflect every table the database really has that schema.py does not declare learner-free."""
    metadata = MetaData()
    metadata.reflect(store.engine)
    return [table for name, table in metadata.tables.items() if name not in NOT_LEARNER_DATA]


def learner_column(table: Table) -> Any:
    """Return the column that names the learner a row belongs to."""
    return table.c.id if table.name == "learners" else table.c.learner_id


def rows_by_table(store: Store, learner_id: int) -> dict[str, int]:
    """Count the learner's rows in every table of the database."""
    with read(store.engine) as conn:
        return {
            table.name: conn.scalar(
                select(func.count()).select_from(table).where(learner_column(table) == learner_id)
            )
            or 0
            for table in database_tables(store)
        }


def fill_every_table(store: Store, learner_id: int, tag: str) -> None:
    """Give the learner rows in every table, tagged so they can be told apart."""
    store.visit_step(learner_id, f"lesson-{tag}", "intro", 0, at(1))
    store.visit_step(learner_id, f"lesson-{tag}", "facts", 1, at(2))
    store.complete_step(learner_id, f"lesson-{tag}", "intro", at(3))
    store.complete_lesson(learner_id, f"lesson-{tag}", at(4))
    store.record_answer(learner_id, f"quiz-{tag}", "q1", ["b"], False, at(5), request_key=tag)
    store.record_answer(learner_id, f"quiz-{tag}", "q1", ["a"], True, at(6))
    store.record_quiz_result(learner_id, f"quiz-{tag}", 4, 5, True, True, at(7))
    store.save_reflection(learner_id, f"lesson-{tag}", "reflect", f"thoughts {tag}", at(8))
    Plans(store.engine).save(learner_id, {"naloxone": f"drawer {tag}"}, at(9))
    cohorts = Cohorts(store.engine)
    facilitator = Facilitators(store.engine).add(f"lead-{tag}", "a long pass phrase", at(0))
    cohorts.join(learner_id, cohorts.create(facilitator, f"Program {tag}", at(0)).code, at(10))
    Devices(store.engine).remember(learner_id, at(11))
    practice = Practice(store.engine)
    practice.save_entry(learner_id, f"lesson-{tag}", "reframe", {"thought": f"t {tag}"}, at(12))
    done = practice.commit(learner_id, f"lesson-{tag}", "try", f"walk {tag}", at(13))
    practice.check_in(learner_id, done, "partly", f"rain {tag}", at(14))
    practice.record_drill(learner_id, f"lesson-{tag}", "drill", 1, "signs", True, 2_500, at(15))


# Engine and transactions (SQLite specifics)


def test_default_url_is_sqlite_in_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The default file is the project's, wherever a command runs from (not the cwd's)."""
    project = tmp_path / "project"
    monkeypatch.setattr(db_module, "DEFAULT_SQLITE", project / "data" / "course.db")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.delenv("COURSE_DATABASE_URL", raising=False)
    engine = make_engine()
    try:
        assert (project / "data").is_dir() and not (elsewhere / "data").exists()
        with read(engine) as conn:
            pragmas = {
                name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "synchronous", "busy_timeout", "foreign_keys")
            }
        assert pragmas == {
            "journal_mode": "wal",
            "synchronous": 2,
            "busy_timeout": 10_000,
            "foreign_keys": 1,
        }
        assert (project / "data" / "course.db").is_file()
    finally:
        engine.dispose()


def test_environment_url_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COURSE_DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    store = Store()
    try:
        assert store.engine.url.database == str(tmp_path / "env.db")
    finally:
        store.close()


def test_plain_postgresql_urls_use_psycopg_3() -> None:
    assert database_url("postgresql://u@h/db").drivername == "postgresql+psycopg"
    assert database_url("postgresql+psycopg://u@h/db").drivername == "postgresql+psycopg"


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:", "mysql://u@h/db"])
def test_unsupported_databases_are_refused(url: str) -> None:
    with pytest.raises(ValueError):
        make_engine(url)


def test_sqlite_write_takes_the_write_lock_at_begin(tmp_path: Path) -> None:
    path = tmp_path / "lock.db"
    engine = make_engine(f"sqlite:///{path}")
    other = sqlite3.connect(path, timeout=slow(0), isolation_level=None)
    try:
        with read(engine) as conn:
            conn.exec_driver_sql("SELECT 1")
            other.execute("BEGIN IMMEDIATE")  # a reader does not block a writer
            other.execute("ROLLBACK")
        with write(engine):
            with pytest.raises(sqlite3.OperationalError, match="database is locked"):
                other.execute("BEGIN IMMEDIATE")
    finally:
        other.close()
        engine.dispose()


# Learners and codes


def test_create_and_find_learner(store: Store) -> None:
    first_id, code = store.create_learner(NOW)
    second_id, other_code = store.create_learner(NOW)
    assert first_id != second_id
    assert normalize_code(code) == code
    assert store.find_learner(code) == first_id
    assert store.find_learner(code.upper()) == first_id
    assert store.find_learner("  " + code.replace("-", "  ") + " ") == first_id
    assert store.find_learner(code.replace("-", "\u2013")) == first_id
    assert store.find_learner(other_code) == second_id
    words = code.split("-")
    wrong_digits = f"{(int(words[3]) + 1) % 10_000:04d}"
    assert store.find_learner("-".join([*words[:3], wrong_digits])) is None
    assert store.find_learner("not a code") is None
    assert store.find_learner("") is None


def test_database_holds_no_plaintext_code(store: Store, store_url: str) -> None:
    learner_id, code = store.create_learner(NOW)
    fill_every_table(store, learner_id, "a")
    needles = {code, code.replace("-", " "), code.replace("-", ""), code.upper()}
    with read(store.engine) as conn:
        for table in database_tables(store):
            text_columns = [c for c in table.columns if isinstance(c.type, String | Text)]
            for column in text_columns:
                for value in conn.scalars(select(column)):
                    assert not any(n in str(value) for n in needles), (table.name, column.name)
    if store_url.startswith("sqlite"):
        store.close()
        raw = b"".join(p.read_bytes() for p in Path(store_url[10:]).parent.glob("course.db*"))
        assert code.encode() not in raw


def test_create_learner_draws_again_on_a_collision(store: Store) -> None:
    class Replay(secrets.SystemRandom):
        """Hand out the same first code twice, then a different one."""

        def __init__(self, picks: list[Any]) -> None:
            super().__init__()
            self.picks = iter(picks)

        def choice(self, seq: Any) -> Any:
            return next(self.picks)

        def randrange(self, *args: Any, **kwargs: Any) -> int:
            return int(next(self.picks))

    same = [WORDS[0], WORDS[1], WORDS[2], 1234]
    first_id, first = store.create_learner(NOW, rng=Replay(same))
    second_id, second = store.create_learner(NOW, rng=Replay([*same, *WORDS[3:6], 5678]))
    assert first == f"{WORDS[0]}-{WORDS[1]}-{WORDS[2]}-1234"
    assert second == f"{WORDS[3]}-{WORDS[4]}-{WORDS[5]}-5678"
    assert first_id != second_id
    assert store.find_learner(second) == second_id


# Progress


def test_progress_round_trip(store: Store) -> None:
    learner_id, _ = store.create_learner(NOW)
    store.visit_step(learner_id, "what-are-opioids", "intro", 0, at(1))
    store.visit_step(learner_id, "what-are-opioids", "facts", 1, at(2))
    store.visit_step(learner_id, "what-are-opioids", "check", 2, at(3))
    store.visit_step(learner_id, "what-are-opioids", "facts", 1, at(4))  # went back a step
    store.complete_step(learner_id, "what-are-opioids", "intro", at(5))
    store.complete_step(learner_id, "what-are-opioids", "intro", at(6))  # first time stays
    store.visit_step(learner_id, "naloxone", "intro", 0, at(7))
    store.complete_lesson(learner_id, "naloxone", at(8))
    store.complete_lesson(learner_id, "naloxone", at(9))
    progress = store.lesson_progress(learner_id)
    assert set(progress) == {"what-are-opioids", "naloxone"}
    opioids = progress["what-are-opioids"]
    assert (opioids.current_step_id, opioids.current_index, opioids.furthest_index) == (
        "facts",
        1,
        2,
    )
    assert opioids.steps_seen == frozenset({"intro", "facts", "check"})
    assert opioids.steps_completed == frozenset({"intro"})
    assert (opioids.started_at, opioids.updated_at, opioids.completed_at) == (at(1), at(4), None)
    naloxone = progress["naloxone"]
    assert naloxone.completed_at == at(8)
    assert naloxone.updated_at == at(9)
    assert naloxone.is_completed


def test_going_back_to_step_one_keeps_what_was_done(store: Store) -> None:
    """What "Review" on the course map rests on: only the current step moves back."""
    learner_id, _ = store.create_learner(NOW)
    for n, step in enumerate(["intro", "facts", "check"]):
        store.visit_step(learner_id, "naloxone", step, n, at(n))
        store.complete_step(learner_id, "naloxone", step, at(n))
    store.complete_lesson(learner_id, "naloxone", at(3))
    store.visit_step(learner_id, "naloxone", "intro", 0, at(4))
    again = store.lesson_progress(learner_id)["naloxone"]
    assert (again.current_step_id, again.current_index, again.furthest_index) == ("intro", 0, 2)
    assert again.steps_completed == again.steps_seen == {"intro", "facts", "check"}
    assert again.completed_at == at(3) and again.is_completed


def test_progress_is_per_learner(store: Store) -> None:
    first, _ = store.create_learner(NOW)
    second, _ = store.create_learner(NOW)
    store.visit_step(first, "lesson", "intro", 0, NOW)
    assert store.lesson_progress(second) == {}


def test_completing_an_unvisited_lesson_is_refused(store: Store) -> None:
    learner_id, _ = store.create_learner(NOW)
    with pytest.raises(LookupError, match="never visited"):
        store.complete_lesson(learner_id, "never-opened", NOW)


def test_times_come_back_aware_utc(store: Store) -> None:
    learner_id, _ = store.create_learner(NOW)
    india = datetime(2026, 3, 1, 17, 30, tzinfo=timezone(timedelta(hours=5, minutes=30)))
    store.visit_step(learner_id, "lesson", "intro", 0, india)
    started = store.lesson_progress(learner_id)["lesson"].started_at
    assert started == datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    assert started.utcoffset() == timedelta(0)
    with pytest.raises(ValueError, match="timezone-aware"):
        store.visit_step(learner_id, "lesson", "intro", 0, datetime(2026, 3, 1))


# Answers


def test_attempts_are_kept_not_overwritten(store: Store) -> None:
    learner_id, _ = store.create_learner(NOW)
    for n, answer in enumerate([["a"], ["b"], ["c", "d"]]):
        store.record_answer(learner_id, "quiz-1", "q1", answer, n == 2, at(n))
    store.record_answer(learner_id, "quiz-1", "q2", {"order": [3, 1, 2]}, True, at(10))
    store.record_answer(learner_id, "quiz-2", "q1", True, False, at(11))
    attempts = store.attempts(learner_id, "quiz-1")
    assert [(a.question_id, a.attempt_no, a.answer, a.is_correct) for a in attempts] == [
        ("q1", 1, ["a"], False),
        ("q1", 2, ["b"], False),
        ("q1", 3, ["c", "d"], True),
        ("q2", 1, {"order": [3, 1, 2]}, True),
    ]
    assert [a.answered_at for a in attempts] == [at(0), at(1), at(2), at(10)]
    assert len(store.attempts(learner_id)) == 5
    assert store.attempts(learner_id, "no-such-quiz") == []


def test_a_retried_submit_is_recorded_once(store: Store) -> None:
    learner_id, _ = store.create_learner(NOW)
    other_id, _ = store.create_learner(NOW)
    first = store.record_answer(learner_id, "quiz", "q1", "a", True, at(1), request_key="k-1")
    again = store.record_answer(learner_id, "quiz", "q1", "a", True, at(2), request_key="k-1")
    assert again == first
    assert first.attempt_no == 1
    assert first.request_key == "k-1"
    other = store.record_answer(other_id, "quiz", "q1", "a", True, at(3), request_key="k-1")
    assert other.learner_id == other_id  # keys are per learner
    for n in range(2):  # no key: every submit is a new attempt
        store.record_answer(learner_id, "quiz", "q1", "b", False, at(4 + n))
    assert [a.attempt_no for a in store.attempts(learner_id)] == [1, 2, 3]


def test_answers_for_unknown_learners_or_bad_values_are_refused(store: Store) -> None:
    learner_id, _ = store.create_learner(NOW)
    with pytest.raises(LookupError):
        store.record_answer(learner_id + 1000, "quiz", "q1", "a", True, NOW)
    with pytest.raises(ValueError):
        store.record_answer(learner_id, "quiz", "q1", float("nan"), True, NOW)
    with pytest.raises(TypeError):
        store.record_answer(learner_id, "quiz", "q1", object(), True, NOW)
    with pytest.raises(ValueError, match="quiz_id"):
        store.record_answer(learner_id, "", "q1", "a", True, NOW)
    with pytest.raises(ValueError, match="at most 10000"):
        store.record_answer(learner_id, "quiz", "q1", "x" * 10_000, True, NOW)
    with pytest.raises(ValueError, match="request_key"):
        store.record_answer(learner_id, "quiz", "q1", "a", True, NOW, request_key="k" * 201)
    assert store.attempts(learner_id) == []


def test_quiz_results_round_trip(store: Store) -> None:
    learner_id, _ = store.create_learner(NOW)
    store.record_quiz_result(learner_id, "pre", 3, 8, False, True, at(1))
    store.record_quiz_result(learner_id, "pre", 8, 8, True, False, at(2))
    results = store.quiz_results(learner_id)
    assert [(r.quiz_id, r.correct, r.total, r.passed, r.safety_ok) for r in results] == [
        ("pre", 3, 8, False, True),
        ("pre", 8, 8, True, False),
    ]
    assert [r.score for r in results] == [0.375, 1.0]
    assert [r.finished_at for r in results] == [at(1), at(2)]
    for correct, total in [(9, 8), (-1, 8), (0, 0)]:
        with pytest.raises(ValueError):
            store.record_quiz_result(learner_id, "pre", correct, total, False, False, NOW)


# Reflections and hostile input


def test_reflections_upsert_and_cap(store: Store) -> None:
    learner_id, _ = store.create_learner(NOW)
    store.save_reflection(learner_id, "lesson", "why", "first thoughts", at(1))
    store.save_reflection(learner_id, "lesson", "why", "second thoughts", at(2))
    store.save_reflection(learner_id, "lesson", "who", "my sister", at(3))
    assert store.reflections(learner_id) == {
        ("lesson", "why"): "second thoughts",
        ("lesson", "who"): "my sister",
    }
    with pytest.raises(ValueError, match="10001 characters; at most 10000"):
        store.save_reflection(learner_id, "lesson", "why", "x" * 10_001, NOW)
    assert store.reflections(learner_id)[("lesson", "why")] == "second thoughts"
    store.save_reflection(learner_id, "lesson", "why", "a\x00b", NOW)  # cleaned, not refused
    assert store.reflections(learner_id)[("lesson", "why")] == "ab"


def test_hostile_text_is_stored_as_data(store: Store) -> None:
    learner_id, _ = store.create_learner(NOW)
    # Text comes back as typed but for line endings (tests/test_typed_text.py has the rest).
    kept = [text.replace("\r\n", "\n") for text in HOSTILE]
    ids = [" ".join(text[:200].split()) for text in HOSTILE]  # no id holds a control character
    for n, text in enumerate(HOSTILE):
        store.save_reflection(learner_id, "lesson", f"step-{n}", text, NOW)
        answer = {"free": text[:9_000]}  # answers are capped at 10,000 characters of JSON
        store.record_answer(learner_id, "quiz", ids[n], answer, False, NOW)
    reflections = store.reflections(learner_id)
    assert [reflections[("lesson", f"step-{n}")] for n in range(len(HOSTILE))] == kept
    attempts = store.attempts(learner_id)
    assert [a.answer for a in attempts] == [{"free": text[:9_000]} for text in kept]
    assert [a.question_id for a in attempts] == ids
    assert {t.name for t in database_tables(store)} >= {"learners", "answer_attempts"}
    assert store.find_learner(HOSTILE[0]) is None


# Export and delete


@pytest.fixture
def two_learners(store: Store) -> Iterator[tuple[int, int]]:
    """Yield two learners who each have rows in every table."""
    keep, _ = store.create_learner(NOW)
    other, _ = store.create_learner(NOW)
    fill_every_table(store, keep, "keep")
    fill_every_table(store, other, "other")
    yield keep, other


def test_export_is_complete(store: Store, two_learners: tuple[int, int]) -> None:
    keep, other = two_learners
    exported = store.export_learner(keep)
    assert json.loads(json.dumps(exported)) == exported
    tables = database_tables(store)
    assert set(exported) == {table.name for table in tables}
    with read(store.engine) as conn:
        for table in tables:
            query = select(table).where(learner_column(table) == keep)
            expected = [as_exported(row._mapping) for row in conn.execute(query)]
            assert expected, f"the test left {table.name} empty"
            assert sorted(exported[table.name], key=repr) == sorted(expected, key=repr)
    assert "other" not in json.dumps(exported)
    assert exported["learners"] == [
        {
            "id": keep,
            "created_at": NOW.isoformat(),
            "audience": "learner",
            "speech_rate": None,
            "language": None,
        }
    ]
    assert exported["support_plans"][0]["plan"] == {"naloxone": "drawer keep"}
    # The read-aloud speed the learner chose is theirs too.
    store.set_speech_rate(keep, 1.25)
    assert store.export_learner(keep)["learners"][0]["speech_rate"] == 1.25
    assert store.speech_rate(keep) == 1.25 and store.speech_rate(other) == 1.0
    with pytest.raises(ValueError, match="speech rate must be one of"):
        store.set_speech_rate(keep, 3.0)
    # So is the language they chose, and each answer says which language it was given in.
    assert store.language(keep) is None
    store.set_language(keep, "es")
    assert store.export_learner(keep)["learners"][0]["language"] == "es"
    assert store.language(keep) == "es" and store.language(other) is None
    with pytest.raises(ValueError, match="language must be one of"):
        store.set_language(keep, "fr")
    assert {row["language"] for row in exported["answer_attempts"]} == {"en"}
    with i18n.use("es"):
        spanish = store.record_answer(keep, "q", "in-spanish", "a", True, NOW)
    assert spanish.language == "es"
    assert store.record_answer(keep, "q", "told", "a", True, NOW, language="es").language == "es"
    assert store.attempts(keep, "q")[0].language == "es"


def as_exported(row: Any) -> dict[str, object]:
    """Turn a raw database row into the form an export should show it in."""
    out: dict[str, object] = {}
    for name, value in row.items():
        if isinstance(value, datetime):
            aware = value.replace(tzinfo=UTC) if value.tzinfo is None else value
            value = aware.astimezone(UTC).isoformat()
        elif name in ("answer", "plan"):
            value = json.loads(value)
        if name not in ("code_hash", "token_hash"):
            out[name] = value
    return out


def test_delete_leaves_nothing_of_that_learner(store: Store, two_learners: tuple[int, int]) -> None:
    keep, other = two_learners
    before = rows_by_table(store, keep)
    assert all(before.values())
    assert store.delete_learner(keep) == sum(before.values())
    assert set(rows_by_table(store, keep).values()) == {0}
    assert rows_by_table(store, other) == before  # the same rows, made the same way
    assert all(rows == [] for rows in store.export_learner(keep).values())
    assert store.delete_learner(keep) == 0
    assert len(store.attempts(other)) == 2
