"""Answers in one canonical form (multiple choice: sorted option ids; matching: sorted keys).

Until now a multiple-choice answer was stored as the option ids in the order that learner was
shown them (options are shuffled per learner), so the dashboard counted one set of options as
several answers; a matching answer's keys could follow the display too. The app now stores
``course.scoring.canonical_answer`` of every answer, as JSON with sorted keys; this rewrites the
rows stored before into the same text, in answer_attempts.answer and responses.answer.

The database does not know question kinds, so this loads the course content
(``course.loader.load_course(default_root())``: $COURSE_ROOT, else the repository). The loader
and ``canonical_answer`` are the only code it takes from the app, on purpose: kinds live in the
content, and a rewritten row must read exactly like one the app writes. Everything else (the
tables' columns, the quiz id conventions, the JSON encoding) is written out here as it was at
0009, so later changes to the store cannot change what this migration does. The loaded content
is only read through its attributes (ids, questions, steps, and a question's ``kind`` as content
files name it: only "multiple" and "matching" answers are decoded); course.model is imported
for type hints only.

Where a row's question is found:

- answer_attempts (quiz_id, question_id): the quiz's own id; "review:<quiz id>" for the review
  page; "check:<lesson id>" for a lesson's quick checks.
- responses (question_key, in the lesson of its room, group_sessions.lesson_id): "quiz:<question
  id>" for the lesson's quiz, "step:<step id>" for its quick checks. Question and step ids repeat
  across lessons, so a room's answer is looked up in its own lesson only. Other keys (shared
  thoughts, "share:<step id>") are free text and never read.

A row changes only when its answer does (order included). Rows whose question the course does
not have (any more) are left as they are, and a log line counts them; without a course under the
root every row is left as it is, with a warning. Rows are read by id in batches of 1,000 (a
cohort of 10,000 learners has 500,000 answers: never all in memory at once). Rewriting the
answer text cannot collide with a unique constraint: neither (learner_id, quiz_id, question_id,
attempt_no) nor (session_id, participant_id, question_key) holds it.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from alembic import op

from course.loader import default_root, load_course
from course.scoring import canonical_answer

if TYPE_CHECKING:
    from course.model import Course

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1_000
# The kinds (as content files name them) whose canonical form can differ from what was stored.
REORDERED = frozenset({"multiple", "matching"})
LOG = logging.getLogger("alembic.runtime.migration")

attempts = sa.table(
    "answer_attempts",
    sa.column("id", sa.Integer),
    sa.column("quiz_id", sa.String),
    sa.column("question_id", sa.String),
    sa.column("answer", sa.Text),
)
responses = sa.table(
    "responses",
    sa.column("id", sa.Integer),
    sa.column("session_id", sa.Integer),
    sa.column("question_key", sa.String),
    sa.column("answer", sa.Text),
)
rooms = sa.table("group_sessions", sa.column("id", sa.Integer), sa.column("lesson_id", sa.String))

# A row's question: (quiz id, question id) for answer_attempts, (lesson id, key) for responses.
Questions = dict[tuple[str, str], Any]
Page = Callable[[int], sa.Select[int, str, str, str]]


def upgrade() -> None:
    """Rewrite stored multiple-choice and matching answers into their canonical form."""
    conn = op.get_bind()
    if not any(conn.execute(sa.select(t.c.id).limit(1)).first() for t in (attempts, responses)):
        return  # a new database: no content to load
    root = default_root()
    course = load_course(root).course
    if course is None:
        LOG.warning("0009: no course found under %s; answers are left as they are", root)
        return
    done, missing = _rewrite(conn, attempts, _attempts_after, _quiz_questions(course))
    done_in_rooms, missing_in_rooms = _rewrite(
        conn, responses, _responses_after, _room_questions(course)
    )
    LOG.info("0009: %d answers and %d room answers rewritten", done, done_in_rooms)
    if missing or missing_in_rooms:
        LOG.info(
            "0009: %d answers and %d room answers are left as they are: the course has no such"
            " question (any more)",
            missing,
            missing_in_rooms,
        )


def downgrade() -> None:
    """Leave the answers canonical: older code reads and grades them the same (nothing to undo)."""


def _quiz_questions(course: Course) -> Questions:
    """Map each (quiz id as stored, question id) to its question."""
    found: Questions = {}
    for quiz in course.quizzes.values():
        for question in quiz.questions:
            found[(quiz.id, question.id)] = question
            found[(f"review:{quiz.id}", question.id)] = question
    for lesson in course.lessons.values():
        for step in _check_steps(lesson):
            found[(f"check:{lesson.id}", step.question.id)] = step.question
    return found


def _room_questions(course: Course) -> Questions:
    """Map each (lesson id, question key) to the question a room in that lesson asked."""
    found: Questions = {}
    for lesson in course.lessons.values():
        for step in _check_steps(lesson):
            found[(lesson.id, f"step:{step.id}")] = step.question
        quiz = course.quizzes.get(lesson.quiz) if lesson.quiz else None
        for question in quiz.questions if quiz else ():
            found[(lesson.id, f"quiz:{question.id}")] = question
    return found


def _check_steps(lesson: Any) -> list[Any]:
    """List the lesson's quick checks: the steps that ask a question."""
    return [step for step in lesson.steps if getattr(step, "question", None) is not None]


def _attempts_after(last_id: int) -> sa.Select[int, str, str, str]:
    t = attempts.c
    query = sa.select(t.id, t.quiz_id, t.question_id, t.answer).where(t.id > last_id)
    return query.order_by(t.id).limit(BATCH)


def _responses_after(last_id: int) -> sa.Select[int, str, str, str]:
    t = responses.c
    asked = sa.or_(t.question_key.like("quiz:%"), t.question_key.like("step:%"))
    query = sa.select(t.id, rooms.c.lesson_id, t.question_key, t.answer)
    query = query.join(rooms, rooms.c.id == t.session_id).where(t.id > last_id, asked)
    return query.order_by(t.id).limit(BATCH)


def _rewrite(conn: sa.Connection, table: Any, page: Page, questions: Questions) -> tuple[int, int]:
    """Rewrite the table's answers batch by batch; return (rows rewritten, rows not found)."""
    done = missing = last_id = 0
    set_answer = sa.update(table).where(table.c.id == sa.bindparam("row_id"))
    set_answer = set_answer.values(answer=sa.bindparam("new_answer"))
    while rows := conn.execute(page(last_id)).all():
        changed = []
        for row_id, scope, key, text in rows:
            question = questions.get((scope, key))
            if question is None:
                missing += 1
            elif question.kind in REORDERED:
                new = _canonical_text(question, text)
                if new is not None:
                    changed.append({"row_id": row_id, "new_answer": new})
        if changed:
            conn.execute(set_answer, changed)
        done += len(changed)
        last_id = rows[-1][0]
    return done, missing


def _canonical_text(question: Any, text: str) -> str | None:
    """Return the answer's canonical JSON text, or None if the answer is canonical already."""
    try:
        answer = json.loads(text)
    except ValueError:
        return None  # not JSON: never written by the app; left as it is
    canonical = canonical_answer(question, answer)
    if canonical == answer and _keys(canonical) == _keys(answer):
        return None
    # As course.store.inputs.answer_json wrote JSON at 0009.
    return json.dumps(canonical, ensure_ascii=False, allow_nan=False, sort_keys=True)


def _keys(answer: object) -> list[str]:
    """List a dict answer's keys in their stored order (none for other answers)."""
    return list(answer) if isinstance(answer, dict) else []
