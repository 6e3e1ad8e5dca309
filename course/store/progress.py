"""The progress store: learners, lesson progress, answers, results, reflections."""

import dataclasses
import json
import secrets
from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Row,
    Select,
    Table,
    case,
    delete,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.dml import ReturningInsert

from course.i18n import LANGUAGES
from course.store.codes import hash_code, new_code, normalize_code
from course.store.db import DialectInsert, dialect_insert, make_engine, read, upgrade, write
from course.store.inputs import answer_json, answer_language, check_ids, clean_reflection, utc
from course.store.records import Attempt, LessonProgress, QuizResult
from course.store.schema import (
    LEARNER_TABLES,
    answer_attempts,
    learners,
    lesson_progress,
    quiz_results,
    reflections,
    step_progress,
)

# A collision needs two equal 43-bit codes; five in a row means something else is wrong.
_CODE_DRAWS = 5
# Never part of an export: the code hash would let someone try codes offline, a device
# token hash would name a browser.
_NOT_EXPORTED = frozenset({"code_hash", "token_hash"})
# Columns holding JSON text: exported as the data they hold, not as a string of JSON.
_JSON_COLUMNS = frozenset({"answer", "plan"})

Insert = DialectInsert
AUDIENCES = ("learner", "family")
# The read-aloud speeds a learner can choose (SpeechSynthesisUtterance.rate; 1.0 is normal).
SPEECH_RATES = (0.75, 1.0, 1.25, 1.5)
ExportedRows = dict[str, list[dict[str, object]]]


class Store:
    """Read and write learner progress on SQLite or PostgreSQL."""

    def __init__(self, url: str | None = None) -> None:
        """Open the database at url (or COURSE_DATABASE_URL) and upgrade it to the newest schema."""
        self.engine = make_engine(url)
        upgrade(self.engine)

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def create_learner(
        self, now: datetime, rng: secrets.SystemRandom | None = None
    ) -> tuple[int, str]:
        """Create a learner; return (learner_id, code), the code to be shown once."""
        now = utc(now)
        for _ in range(_CODE_DRAWS):
            code = new_code(rng)
            # Hash outside the transaction: scrypt is slow on purpose, the write lock is shared.
            values = {"code_hash": hash_code(code), "created_at": now}
            try:
                with write(self.engine) as conn:
                    learner_id = conn.execute(_insert_returning_id(learners, values)).scalar_one()
            except IntegrityError:
                continue  # someone already has this code: draw another
            return learner_id, code
        raise RuntimeError(f"no unused learner code in {_CODE_DRAWS} draws")

    def find_learner(self, code: str) -> int | None:
        """Return the learner id for a typed code, or None."""
        if normalize_code(code) is None:
            return None
        query = select(learners.c.id).where(learners.c.code_hash == hash_code(code))
        with read(self.engine) as conn:
            return conn.scalar(query)

    def audience_of(self, learner_id: int) -> str:
        """Return who the learner takes the course for: "learner" (themself) or "family"."""
        query = select(learners.c.audience).where(learners.c.id == learner_id)
        with read(self.engine) as conn:
            return conn.scalar(query) or "learner"

    def set_audience(self, learner_id: int, audience: str) -> None:
        """Remember who the learner takes the course for: "learner" or "family"."""
        if audience not in AUDIENCES:
            raise ValueError(f"audience must be one of {', '.join(AUDIENCES)}, not {audience!r}")
        with write(self.engine) as conn:
            query = update(learners).where(learners.c.id == learner_id)
            conn.execute(query.values(audience=audience))

    def speech_rate(self, learner_id: int) -> float:
        """Return how fast the learner likes the course read aloud (1.0: the normal speed)."""
        query = select(learners.c.speech_rate).where(learners.c.id == learner_id)
        with read(self.engine) as conn:
            rate = conn.scalar(query)
        return float(rate) if rate is not None else 1.0

    def set_speech_rate(self, learner_id: int, rate: float) -> None:
        """Remember the learner's read-aloud speed (one of SPEECH_RATES)."""
        if rate not in SPEECH_RATES:
            raise ValueError(f"speech rate must be one of {SPEECH_RATES}, not {rate!r}")
        with write(self.engine) as conn:
            query = update(learners).where(learners.c.id == learner_id)
            conn.execute(query.values(speech_rate=rate))

    def language(self, learner_id: int) -> str | None:
        """Return the language the learner chose ("en", "es"), or None if they never chose."""
        query = select(learners.c.language).where(learners.c.id == learner_id)
        with read(self.engine) as conn:
            return conn.scalar(query)

    def set_language(self, learner_id: int, language: str) -> None:
        """Remember the learner's language (one the app speaks)."""
        if language not in LANGUAGES:
            raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {language!r}")
        with write(self.engine) as conn:
            query = update(learners).where(learners.c.id == learner_id)
            conn.execute(query.values(language=language))

    def visit_step(
        self, learner_id: int, lesson_id: str, step_id: str, step_index: int, now: datetime
    ) -> None:
        """Record that the learner is on this step (and has seen it)."""
        now = utc(now)
        check_ids(lesson_id=lesson_id, step_id=step_id)
        if step_index < 0:
            raise ValueError(f"step_index must be 0 or more, got {step_index}")
        with write(self.engine) as conn:
            conn.execute(_visit_lesson(conn, learner_id, lesson_id, step_id, step_index, now))
            seen = {"learner_id": learner_id, "lesson_id": lesson_id, "step_id": step_id}
            stmt = dialect_insert(conn, step_progress).values(**seen, seen_at=now)
            conn.execute(stmt.on_conflict_do_nothing())

    def complete_step(self, learner_id: int, lesson_id: str, step_id: str, now: datetime) -> None:
        """Record that the learner completed a step; the first completion time stays."""
        now = utc(now)
        check_ids(lesson_id=lesson_id, step_id=step_id)
        key = {"learner_id": learner_id, "lesson_id": lesson_id, "step_id": step_id}
        with write(self.engine) as conn:
            stmt = dialect_insert(conn, step_progress).values(**key, seen_at=now, completed_at=now)
            done = func.coalesce(step_progress.c.completed_at, stmt.excluded.completed_at)
            conn.execute(
                stmt.on_conflict_do_update(index_elements=list(key), set_={"completed_at": done})
            )

    def complete_lesson(self, learner_id: int, lesson_id: str, now: datetime) -> None:
        """Mark a started lesson completed; the first completion time stays."""
        now = utc(now)
        check_ids(lesson_id=lesson_id)
        table = lesson_progress
        first_done = func.coalesce(table.c.completed_at, literal(now, table.c.completed_at.type))
        stmt = (
            update(table)
            .where(table.c.learner_id == learner_id, table.c.lesson_id == lesson_id)
            .values(completed_at=first_done, updated_at=now)
        )
        with write(self.engine) as conn:
            if conn.execute(stmt).rowcount == 0:
                raise LookupError(f"learner {learner_id} never visited lesson {lesson_id!r}")

    def lesson_progress(self, learner_id: int) -> dict[str, LessonProgress]:
        """Return the learner's progress in every lesson they started, by lesson id."""
        with read(self.engine) as conn:
            lessons = conn.execute(_rows_of(lesson_progress, learner_id)).all()
            steps = conn.execute(_rows_of(step_progress, learner_id)).all()
        seen: dict[str, set[str]] = defaultdict(set)
        completed: dict[str, set[str]] = defaultdict(set)
        for step in steps:
            seen[step.lesson_id].add(step.step_id)
            if step.completed_at is not None:
                completed[step.lesson_id].add(step.step_id)
        return {
            row.lesson_id: _lesson(row, seen[row.lesson_id], completed[row.lesson_id])
            for row in lessons
        }

    def record_answer(
        self,
        learner_id: int,
        quiz_id: str,
        question_id: str,
        answer: object,
        is_correct: bool,
        now: datetime,
        request_key: str | None = None,
        confident: bool | None = None,
        language: str | None = None,
    ) -> Attempt:
        """Record a new attempt; a request_key seen before returns that attempt instead.

        The attempt keeps the language the question was shown in (default: the app's current
        language), so the dashboard can tell a question hard only in one language.
        """
        now = utc(now)
        check_ids(quiz_id=quiz_id, question_id=question_id, request_key=request_key)
        payload = answer_json(answer)
        with write(self.engine) as conn:
            _lock_learner(conn, learner_id)
            if request_key is not None:
                earlier = _attempt_with_key(conn, learner_id, request_key)
                if earlier is not None:
                    return earlier
            values = {
                "learner_id": learner_id,
                "quiz_id": quiz_id,
                "question_id": question_id,
                "attempt_no": _next_attempt_no(conn, learner_id, quiz_id, question_id),
                "answer": payload,
                "is_correct": is_correct,
                "answered_at": now,
                "request_key": request_key,
                "confident": confident,
                "language": answer_language(language),
            }
            attempt_id = conn.execute(_insert_returning_id(answer_attempts, values)).scalar_one()
        return _attempt({**values, "id": attempt_id})

    def attempts(self, learner_id: int, quiz_id: str | None = None) -> list[Attempt]:
        """Return the learner's attempts (optionally in one quiz), oldest first."""
        table = answer_attempts
        query = _rows_of(table, learner_id)
        if quiz_id is not None:
            query = query.where(table.c.quiz_id == quiz_id)
        query = query.order_by(table.c.answered_at, table.c.attempt_no, table.c.id)
        with read(self.engine) as conn:
            return [_attempt(row._mapping) for row in conn.execute(query)]

    def record_quiz_result(
        self,
        learner_id: int,
        quiz_id: str,
        correct: int,
        total: int,
        passed: bool,
        safety_ok: bool,
        now: datetime,
        language: str | None = None,
    ) -> None:
        """Record a finished quiz (in the language it was taken in); every finish is kept."""
        now = utc(now)
        check_ids(quiz_id=quiz_id)
        if not 0 <= correct <= total or total < 1:
            raise ValueError(f"need 0 <= correct <= total and total >= 1, got {correct}/{total}")
        values = {
            "learner_id": learner_id,
            "quiz_id": quiz_id,
            "correct": correct,
            "total": total,
            "score": correct / total,
            "passed": passed,
            "safety_ok": safety_ok,
            "finished_at": now,
            "language": answer_language(language),
        }
        with write(self.engine) as conn:
            conn.execute(insert(quiz_results).values(values))

    def quiz_results(self, learner_id: int) -> list[QuizResult]:
        """Return the learner's quiz results, oldest first."""
        table = quiz_results
        query = _rows_of(table, learner_id).order_by(table.c.finished_at, table.c.id)
        with read(self.engine) as conn:
            return [QuizResult(**row._asdict()) for row in conn.execute(query)]

    def save_reflection(
        self, learner_id: int, lesson_id: str, step_id: str, text: str, now: datetime
    ) -> None:
        """Save (or replace) the learner's private reflection on a step, cleaned (clean_text)."""
        now = utc(now)
        check_ids(lesson_id=lesson_id, step_id=step_id)
        text = clean_reflection(text)
        key = {"learner_id": learner_id, "lesson_id": lesson_id, "step_id": step_id}
        with write(self.engine) as conn:
            stmt = dialect_insert(conn, reflections).values(**key, text=text, updated_at=now)
            new = {"text": stmt.excluded.text, "updated_at": stmt.excluded.updated_at}
            conn.execute(stmt.on_conflict_do_update(index_elements=list(key), set_=new))

    def reflections(self, learner_id: int) -> dict[tuple[str, str], str]:
        """Return the learner's reflections by (lesson_id, step_id)."""
        with read(self.engine) as conn:
            rows = conn.execute(_rows_of(reflections, learner_id)).all()
        return {(row.lesson_id, row.step_id): row.text for row in rows}

    def export_learner(self, learner_id: int) -> ExportedRows:
        """Return every row of the learner's data by table, ready for json.dumps."""
        exported: ExportedRows = {}
        with read(self.engine) as conn:
            for table, column in reversed(LEARNER_TABLES):
                columns = [c for c in table.columns if c.name not in _NOT_EXPORTED]
                query = select(*columns).where(column == learner_id)
                rows = conn.execute(query.order_by(*table.primary_key.columns))
                exported[table.name] = [_exported(row) for row in rows]
        return exported

    def delete_learner(self, learner_id: int) -> int:
        """Delete every row of the learner's data in one transaction; return rows deleted."""
        with write(self.engine) as conn:
            _lock_learner(conn, learner_id, for_delete=True)
            # Explicit deletes, child tables first: nothing rests on ON DELETE CASCADE alone.
            return sum(
                conn.execute(delete(table).where(column == learner_id)).rowcount
                for table, column in LEARNER_TABLES
            )


def _insert_returning_id(table: Table, values: dict[str, Any]) -> ReturningInsert[int]:
    """Build an INSERT that returns the new row's id."""
    return insert(table).values(values).returning(table.c.id)


def _rows_of(table: Table, learner_id: int) -> Select[Any]:
    """Select all of a table's rows that belong to the learner."""
    return select(table).where(table.c.learner_id == learner_id)


def first_visit(
    learner_id: int, lesson_id: str, step_id: str, index: int, now: datetime
) -> dict[str, Any]:
    """Return the lesson_progress row of a first visit to a lesson, at index in its own steps.

    index counts the steps the learner's audience sees (Lesson.for_audience), as the lesson
    page shows them: "Step index + 1 of n".
    """
    return {
        "learner_id": learner_id,
        "lesson_id": lesson_id,
        "current_step_id": step_id,
        "current_index": index,
        "furthest_index": index,
        "furthest_step_id": step_id,
        "started_at": now,
        "updated_at": now,
    }


def _greater(current: ColumnElement[int], new: ColumnElement[int]) -> ColumnElement[int]:
    """Return the larger of two integer expressions (portable; no GREATEST on SQLite)."""
    return case((new > current, new), else_=current)


def _visit_lesson(
    conn: Connection, learner_id: int, lesson_id: str, step_id: str, index: int, now: datetime
) -> Insert:
    """Build the upsert that moves the lesson's current step and advances its furthest."""
    table = lesson_progress
    stmt = dialect_insert(conn, table).values(
        first_visit(learner_id, lesson_id, step_id, index, now)
    )
    new = stmt.excluded
    # Indexes count the learner's own steps, so the larger index is the further step. At an
    # equal index the step is named again: that fills in a row migration 0010 left unnamed.
    is_further = new.furthest_index >= table.c.furthest_index
    moved = {
        "current_step_id": new.current_step_id,
        "current_index": new.current_index,
        "furthest_index": _greater(table.c.furthest_index, new.furthest_index),
        "furthest_step_id": case(
            (is_further, new.furthest_step_id), else_=table.c.furthest_step_id
        ),
        "updated_at": new.updated_at,
    }
    keys = [table.c.learner_id, table.c.lesson_id]
    return stmt.on_conflict_do_update(index_elements=keys, set_=moved)


def _lock_learner(conn: Connection, learner_id: int, *, for_delete: bool = False) -> bool:
    """Lock the learner's row until commit (PostgreSQL); tell whether the learner exists."""
    # Serializes one learner's attempt numbering and request keys across processes. NO KEY
    # UPDATE still lets other tables' foreign key checks on this learner through. SQLite
    # renders no FOR UPDATE: its IMMEDIATE transaction already excludes other writers.
    query = select(learners.c.id).where(learners.c.id == learner_id)
    found = conn.scalar(query.with_for_update(key_share=not for_delete)) is not None
    if not found and not for_delete:
        raise LookupError(f"no learner {learner_id}")
    return found


def _attempt_with_key(conn: Connection, learner_id: int, request_key: str) -> Attempt | None:
    """Return the learner's attempt recorded under request_key, if any."""
    table = answer_attempts
    query = _rows_of(table, learner_id).where(table.c.request_key == request_key)
    row = conn.execute(query).first()
    return None if row is None else _attempt(row._mapping)


def _next_attempt_no(conn: Connection, learner_id: int, quiz_id: str, question_id: str) -> int:
    """Return the next attempt number for one question (1 for the first)."""
    table = answer_attempts
    query = select(func.max(table.c.attempt_no)).where(
        table.c.learner_id == learner_id,
        table.c.quiz_id == quiz_id,
        table.c.question_id == question_id,
    )
    return int(conn.scalar(query) or 0) + 1


def _attempt(row: Any) -> Attempt:
    """Make an Attempt from a row mapping with the answer still as JSON text."""
    fields = dict(row)
    fields["answer"] = json.loads(fields["answer"])
    return Attempt(**fields)


def _lesson(row: Row[Any], seen: set[str], completed: set[str]) -> LessonProgress:
    """Make a LessonProgress from a lesson_progress row and its step sets."""
    # The record carries what it declares (furthest_step_id is for reports, not pages).
    known = {field.name for field in dataclasses.fields(LessonProgress)}
    fields = {name: value for name, value in row._asdict().items() if name in known}
    return LessonProgress(
        **fields, steps_seen=frozenset(seen), steps_completed=frozenset(completed)
    )


def _exported(row: Row[Any]) -> dict[str, object]:
    """Turn a row into JSON-ready values: ISO-8601 times, answers decoded from JSON text."""
    fields: dict[str, object] = {}
    for name, value in row._asdict().items():
        if isinstance(value, datetime):
            value = value.isoformat()
        elif name in _JSON_COLUMNS and isinstance(value, str):
            value = json.loads(value)
        fields[name] = value
    return fields
