"""Made-up cohorts for trying the dashboard and measuring it: many learners, fast.

Rows go in with bulk INSERTs (no scrypt per learner: the codes are random hashes nobody can
type). Answers follow a simple model (each learner has an ability, each question a
difficulty), so item statistics come out like a real class's: right answers go with ability.
Lesson progress is what the lesson page leaves: some learners take the course for family,
and each learner's step indexes count only the steps their audience sees.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, Table, func, select

from course.model import (
    AnyQuestion,
    Course,
    Lesson,
    MultipleChoice,
    Ordering,
    SingleChoice,
    TrueFalse,
)
from course.overview import tracks_for
from course.scoring import canonical_answer, correct_answer, grade_answer
from course.store.db import write
from course.store.progress import AUDIENCES, first_visit
from course.store.schema import (
    answer_attempts,
    cohort_members,
    learners,
    lesson_progress,
    quiz_results,
)

_CHUNK = 20_000
START = datetime(2026, 9, 1, tzinfo=UTC)
# Share of learners taking the course for someone they care about (audience "family").
FAMILY_SHARE = 0.3


@dataclass(frozen=True)
class Seeded:
    learners: int
    answers: int
    results: int


def seed_cohort(
    engine: Engine,
    course: Course,
    cohort_id: int,
    *,
    learners_n: int,
    answers_per_learner: int,
    rng: random.Random,
) -> Seeded:
    """Add learners to the cohort with progress, first (and some second) answers and checks."""
    with write(engine) as conn:
        first_id = int(conn.scalar(select(func.coalesce(func.max(learners.c.id), 0))) or 0) + 1
    ids = range(first_id, first_id + learners_n)
    ability = {i: rng.gauss(0, 1) for i in ids}
    audience = {i: "family" if rng.random() < FAMILY_SHARE else "learner" for i in ids}
    counts = [
        _insert(
            engine,
            learners,
            (
                {"id": i, "code_hash": _fake_hash(i), "created_at": START, "audience": audience[i]}
                for i in ids
            ),
        ),
        _insert(
            engine,
            cohort_members,
            ({"cohort_id": cohort_id, "learner_id": i, "joined_at": START} for i in ids),
        ),
        _insert(engine, lesson_progress, _progress(ids, course, audience, ability, rng)),
        _insert(engine, answer_attempts, _answers(ids, course, ability, answers_per_learner, rng)),
        _insert(engine, quiz_results, _checks(ids, course, ability, rng)),
    ]
    return Seeded(counts[0], counts[3], counts[4])


def _insert(engine: Engine, table: Table, rows: Iterator[dict[str, Any]]) -> int:
    """Insert rows in chunks, each in its own transaction; return how many."""
    total = 0
    while chunk := [row for _, row in zip(range(_CHUNK), rows, strict=False)]:
        with write(engine) as conn:
            conn.execute(table.insert(), chunk)
        total += len(chunk)
    return total


def _fake_hash(learner_id: int) -> str:
    return hashlib.sha256(f"seeded-learner-{learner_id}".encode()).hexdigest()


def _progress(
    ids: range,
    course: Course,
    audience: dict[int, str],
    ability: dict[int, float],
    rng: random.Random,
) -> Iterator[dict[str, Any]]:
    """Yield each learner's lesson_progress rows, lessons in the order offered to them."""
    offered = {who: _lessons_for(course, who) for who in AUDIENCES}
    for i in ids:
        lessons = offered[audience[i]]
        reach = max(1, min(len(lessons), round(len(lessons) * _sigmoid(ability[i] + 1))))
        for lesson in lessons[:reach]:
            yield _lesson_row(i, lesson.for_audience(audience[i]), rng)


def _lessons_for(course: Course, audience: str) -> list[Lesson]:
    """List the lessons as the course map offers them to an audience: own tracks first."""
    ids = (lesson.id for track in tracks_for(course, audience)
           for lesson in course.track_lessons(track))  # fmt: skip
    return [course.lessons[lesson_id] for lesson_id in dict.fromkeys(ids)]


def _lesson_row(learner_id: int, seen: Lesson, rng: random.Random) -> dict[str, Any]:
    """Write what the lesson page leaves after a visit to a furthest step and, at times, back.

    seen is the lesson as the learner's audience sees it (Lesson.for_audience, as the lesson
    page picks it): indexes count those steps, as they do when the page calls visit_step.
    """
    last = len(seen.steps) - 1
    furthest = last if rng.random() < 0.7 else rng.randrange(last + 1)
    current = furthest if rng.random() < 0.8 else rng.randrange(furthest + 1)
    later = START + timedelta(days=1)
    return {
        **first_visit(learner_id, seen.id, seen.steps[furthest].id, furthest, START),
        "current_step_id": seen.steps[current].id,
        "current_index": current,
        "updated_at": later,
        "completed_at": later if furthest == last else None,
    }


def _answers(
    ids: range, course: Course, ability: dict[int, float], per_learner: int, rng: random.Random
) -> Iterator[dict[str, Any]]:
    questions = [(quiz.id, q) for quiz in course.quizzes.values() for q in quiz.questions]
    difficulty = {(qid, q.id): rng.gauss(-0.5, 1) for qid, q in questions}
    asks = {quiz.id: quiz.ask_confidence for quiz in course.quizzes.values()}
    for i in ids:
        start = rng.randrange(len(questions))
        for n in range(per_learner):
            quiz_id, question = questions[(start + n) % len(questions)]
            attempt = 1 + n // len(questions)
            right = rng.random() < _sigmoid(ability[i] - difficulty[(quiz_id, question.id)])
            chosen = correct_answer(question) if right else _wrong(question, rng)
            answer = canonical_answer(question, chosen)  # stored as the app stores it
            yield {
                "learner_id": i,
                "quiz_id": quiz_id,
                "question_id": question.id,
                "attempt_no": attempt,
                "answer": _json(answer),
                "is_correct": grade_answer(question, answer).is_correct,
                "answered_at": START + timedelta(days=2, seconds=n),
                "confident": rng.random() < 0.6 if asks[quiz_id] else None,
            }


def _checks(
    ids: range, course: Course, ability: dict[int, float], rng: random.Random
) -> Iterator[dict[str, Any]]:
    check = course.manifest.knowledge_check
    if check is None:
        return
    total = len(course.quizzes[check.pre].questions)
    for i in ids:
        for quiz_id, lift, day in ((check.pre, 0.0, 0), (check.post, 1.2, 30)):
            if quiz_id == check.post and rng.random() < 0.4:
                continue  # not everyone reaches the final check
            right = sum(rng.random() < _sigmoid(ability[i] + lift) for _ in range(total))
            yield {
                "learner_id": i,
                "quiz_id": quiz_id,
                "correct": right,
                "total": total,
                "score": right / total,
                "passed": right / total >= 0.7,
                "safety_ok": True,
                "finished_at": START + timedelta(days=day),
            }


def _wrong(question: AnyQuestion, rng: random.Random) -> object:
    if isinstance(question, SingleChoice):
        return rng.choice([o.id for o in question.options if not o.correct])
    if isinstance(question, MultipleChoice):
        wrong = [o.id for o in question.options if not o.correct]
        return sorted(question.correct_ids())[:1] + wrong[:1] if wrong else []
    if isinstance(question, TrueFalse):
        return not question.answer
    if isinstance(question, Ordering):
        right = question.correct_orders()
        ids = [item.id for item in question.items]
        # Reversed, or else the first order (lazily, of n!) that is not accepted.
        tries = itertools.chain([ids[::-1]], map(list, itertools.permutations(ids)))
        return next(order for order in tries if order not in right)
    ids = [pair.id for pair in question.pairs]
    return dict(zip(ids, ids[1:] + ids[:1], strict=True))


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def _json(answer: object) -> str:
    return json.dumps(answer, ensure_ascii=False, allow_nan=False)
