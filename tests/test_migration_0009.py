"""Migration 0009 stores old answers in the canonical form the app now writes (issue 14)."""

import itertools
import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import DateTime, Engine, bindparam, text

from course.model import Course
from course.scoring import canonical_answer
from course.store import upgrade, write
from course.store.db import alembic_config, current_revision, head_revision
from course.store.inputs import answer_json

T1 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
QUIZ = "tolerance-dependence-addiction-quiz"
# A class of 2,500 answers to one question, in six display orders: more than one batch.
CLASS_SIZE = 2_500
SAFER = ("not-alone", "medication", "naloxone")

# (quiz_id, question_id, answer as 0008-era code wrote it, answer as it must be after 0009)
ATTEMPTS = [
    # multiple choice, in the learner's display order: sorted
    (QUIZ, "safer-after-a-break", '["not-alone", "medication", "naloxone"]',
     '["medication", "naloxone", "not-alone"]'),
    # a review answer of the same question (stored under "review:<quiz id>")
    (f"review:{QUIZ}", "safer-after-a-break", '["naloxone", "medication"]',
     '["medication", "naloxone"]'),
    # a lesson's quick check (stored under "check:<lesson id>")
    ("check:drug-supply-and-overdose", "check-signs-q", '["snoring", "cant-wake", "blue-lips"]',
     '["blue-lips", "cant-wake", "snoring"]'),
    # the knowledge check, with an option chosen twice by a buggy client: once
    ("knowledge-check-a", "q03-lost-tolerance",
     '["ongoing-care", "lower-tolerance", "ongoing-care"]', '["lower-tolerance", "ongoing-care"]'),
    # matching, keys in display order: sorted keys, the matches kept
    (QUIZ, "match-terms",
     '{"tolerance": "dependence", "dependence": "tolerance", "naloxone": "naloxone",'
     ' "addiction": "addiction"}',
     '{"addiction": "addiction", "dependence": "tolerance", "naloxone": "naloxone",'
     ' "tolerance": "dependence"}'),
    ("knowledge-check-a", "q10-thought-traps",
     '{"should": "should", "permission": "permission", "all-or-nothing": "all-or-nothing",'
     ' "overgeneralizing": "overgeneralizing"}',
     '{"all-or-nothing": "all-or-nothing", "overgeneralizing": "overgeneralizing",'
     ' "permission": "permission", "should": "should"}'),
    # ordering: the order is the answer, so it stays
    (QUIZ, "overdose-steps", '["stay", "call", "naloxone", "breathing", "second-dose", "side"]',
     '["stay", "call", "naloxone", "breathing", "second-dose", "side"]'),
    # single choice and true/false: as they were
    (QUIZ, "what-is-tolerance", '"needs-more"', '"needs-more"'),
    (QUIZ, "medication-and-recovery", "true", "true"),
    # a question the course no longer has: as it was
    ("retired-quiz", "q1", '["b", "a"]', '["b", "a"]'),
    (QUIZ, "retired-question", '["b", "a"]', '["b", "a"]'),
]  # fmt: skip

# (session's lesson, question_key, answer as 0008-era code wrote it, answer after 0009)
RESPONSES = [
    ("tolerance-dependence-addiction", "quiz:safer-after-a-break",
     '["naloxone", "not-alone", "medication"]', '["medication", "naloxone", "not-alone"]'),
    ("tolerance-dependence-addiction", "quiz:match-terms",
     '{"naloxone": "naloxone", "addiction": "addiction", "tolerance": "tolerance",'
     ' "dependence": "dependence"}',
     '{"addiction": "addiction", "dependence": "dependence", "naloxone": "naloxone",'
     ' "tolerance": "tolerance"}'),
    ("tolerance-dependence-addiction", "quiz:overdose-steps",
     '["call", "naloxone", "breathing", "second-dose", "stay", "side"]',
     '["call", "naloxone", "breathing", "second-dose", "stay", "side"]'),
    ("tolerance-dependence-addiction", "q1", '["b", "a"]', '["b", "a"]'),  # 0003-era key
    # a quick check, found through the session's lesson ("step:<step id>")
    ("drug-supply-and-overdose", "step:check-signs", '["cant-wake", "snoring", "blue-lips"]',
     '["blue-lips", "cant-wake", "snoring"]'),
    # the same step id in another lesson is a single choice there
    ("family-overdose-be-ready", "step:check-signs", '"cant-wake"', '"cant-wake"'),
    # a lesson the course no longer has: as it was
    ("retired-lesson", "quiz:safer-after-a-break", '["naloxone", "medication"]',
     '["naloxone", "medication"]'),
    # a shared thought (free text)
    ("tolerance-dependence-addiction", "share:feelings", '"[b, a]"', '"[b, a]"'),
]  # fmt: skip


@pytest.fixture
def engine(engine_at: Callable[[str], Engine]) -> Engine:
    """An engine on a fresh database at 0008, the revision before canonical answers."""
    return engine_at("0008")


def run_sql(engine: Engine, sql: str, rows: list[dict[str, Any]]) -> None:
    """Run one plain SQL statement for each row, as 0008-era code would have."""
    times = [bindparam("t", type_=DateTime(timezone=True))]
    with write(engine) as conn:
        conn.execute(text(sql).bindparams(*times), rows)


INSERT_LEARNER = "INSERT INTO learners (id, code_hash, created_at) VALUES (:id, :hash, :t)"
INSERT_ANSWER = (
    "INSERT INTO answer_attempts (learner_id, quiz_id, question_id, attempt_no, answer,"
    " is_correct, answered_at) VALUES (:learner, :quiz, :question, :n, :answer, FALSE, :t)"
)
INSERT_COUNSELOR = (
    "INSERT INTO facilitators (id, username, password_hash, created_at)"
    " VALUES (1, 'counselor', 'not-a-hash', :t)"
)
INSERT_ROOM = (
    "INSERT INTO group_sessions (id, join_code, facilitator_id, lesson_id, kind, status,"
    " step_index, step_id, min_group_size, created_at, expires_at)"
    " VALUES (:id, :code, 1, :lesson, 'group', 'open', 0, 'intro', 1, :t, :t)"
)
INSERT_SEAT = (
    "INSERT INTO participants (id, session_id, token_hash, joined_at, last_seen_at)"
    " VALUES (:id, :id, :hash, :t, :t)"
)
INSERT_RESPONSE = (
    "INSERT INTO responses (session_id, participant_id, question_key, answer, answered_at)"
    " VALUES (:room, :room, :key, :answer, :t)"
)


def fill_0008_answers(engine: Engine) -> None:
    """Insert answers, room answers and a class of 2,500 answers with plain SQL."""
    learners = [{"id": n, "hash": f"{n:064x}", "t": T1} for n in range(1, CLASS_SIZE + 1)]
    run_sql(engine, INSERT_LEARNER, learners)
    attempts = [
        {"learner": 1, "quiz": quiz, "question": question, "n": 1, "answer": old, "t": T1}
        for quiz, question, old, _ in ATTEMPTS
    ]
    orders = itertools.cycle(itertools.permutations(SAFER))
    attempts += [
        {"learner": n, "quiz": QUIZ, "question": "safer-after-a-break", "n": 2,
         "answer": json.dumps(list(next(orders))), "t": T1}
        for n in range(1, CLASS_SIZE + 1)
    ]  # fmt: skip
    run_sql(engine, INSERT_ANSWER, attempts)
    run_sql(engine, INSERT_COUNSELOR, [{"t": T1}])
    lessons = list(dict.fromkeys(lesson for lesson, *_ in RESPONSES))
    rooms = range(1, len(lessons) + 1)
    run_sql(engine, INSERT_ROOM, [{"id": n, "code": f"ROOM{n}", "lesson": lessons[n - 1], "t": T1}
                                  for n in rooms])  # fmt: skip
    run_sql(engine, INSERT_SEAT, [{"id": n, "hash": f"{n:064x}", "t": T1} for n in rooms])
    answers = [
        {"room": lessons.index(lesson) + 1, "key": key, "answer": old, "t": T1}
        for lesson, key, old, _ in RESPONSES
    ]
    run_sql(engine, INSERT_RESPONSE, answers)


def stored(engine: Engine) -> tuple[list[str], list[str], set[str]]:
    """Read the answers back: ATTEMPTS' rows, RESPONSES' rows, the class's distinct answers."""
    with engine.connect() as conn:
        attempts = conn.execute(
            text("SELECT answer FROM answer_attempts WHERE attempt_no = 1 ORDER BY id")
        ).scalars()
        responses = conn.execute(text("SELECT answer FROM responses ORDER BY id")).scalars()
        whole_class = conn.execute(
            text("SELECT DISTINCT answer FROM answer_attempts WHERE attempt_no = 2")
        ).scalars()
        return list(attempts), list(responses), set(whole_class)


def test_old_answers_become_canonical_and_orderings_stay(
    engine: Engine, course: Course, caplog: pytest.LogCaptureFixture
) -> None:
    fill_0008_answers(engine)
    assert len(stored(engine)[2]) == 6, "the class answered in every display order"
    caplog.set_level(logging.INFO)

    upgrade(engine)

    assert current_revision(engine) == head_revision()
    attempts, responses, whole_class = stored(engine)
    assert attempts == [new for *_, new in ATTEMPTS]
    assert responses == [new for *_, new in RESPONSES]
    assert whole_class == {'["medication", "naloxone", "not-alone"]'}
    # The rows now read exactly as the app writes the same answer today.
    question = course.quizzes[QUIZ].question("safer-after-a-break")
    assert question is not None
    assert attempts[0] == answer_json(canonical_answer(question, list(SAFER)))
    messages = [r.getMessage() for r in caplog.records]
    assert (
        "0009: 2 answers and 1 room answers are left as they are: the course has no such"
        " question (any more)" in messages
    )


def test_downgrade_leaves_answers_canonical(engine: Engine) -> None:
    fill_0008_answers(engine)
    upgrade(engine)
    after = stored(engine)
    with write(engine) as conn:
        command.downgrade(alembic_config(conn), "0008")
    assert current_revision(engine) == "0008"
    assert stored(engine) == after


def test_without_the_course_answers_are_left_as_they_are(
    engine: Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fill_0008_answers(engine)
    before = stored(engine)
    monkeypatch.setenv("COURSE_ROOT", str(tmp_path))  # no course here
    caplog.set_level(logging.INFO)

    upgrade(engine)

    assert current_revision(engine) == head_revision()
    assert stored(engine) == before
    assert any(
        r.levelno == logging.WARNING and r.getMessage().startswith("0009: no course found under")
        for r in caplog.records
    )
