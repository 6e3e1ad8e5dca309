"""A cohort's numbers for its counselors, aggregated in SQL (never one learner at a time).

Every query is limited to the cohort's members; rows name learners only by their id.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, Select, case, func, select

from course.store.db import read
from course.store.schema import answer_attempts, cohort_members, lesson_progress, quiz_results

_BATCH = 5_000


@dataclass(frozen=True)
class LessonCount:
    lesson_id: str
    started: int
    completed: int


@dataclass(frozen=True)
class AnswerCount:
    question_id: str
    answer: object
    is_correct: bool
    count: int


class Reports:
    """Read one cohort's progress, first attempts, scores and answers."""

    def __init__(self, engine: Engine, cohort_id: int) -> None:
        """Report on this cohort (check the facilitator owns it first: Cohorts.owned)."""
        self.engine = engine
        self.cohort_id = cohort_id

    def _members(self, query: Select[Any], learner_column: Any) -> Select[Any]:
        member = cohort_members.c
        return query.join(cohort_members, member.learner_id == learner_column).where(
            member.cohort_id == self.cohort_id
        )

    def lesson_counts(self) -> list[LessonCount]:
        """Count the members who started and who completed each lesson."""
        t = lesson_progress.c
        done = func.sum(case((t.completed_at.is_not(None), 1), else_=0))
        query = self._members(select(t.lesson_id, func.count(), done), t.learner_id)
        with read(self.engine) as conn:
            rows = conn.execute(query.group_by(t.lesson_id)).all()
        return [LessonCount(r[0], int(r[1]), int(r[2] or 0)) for r in rows]

    def furthest(self, lesson_id: str) -> dict[int, int]:
        """Count members by the furthest step index they reached in the lesson."""
        t = lesson_progress.c
        query = self._members(select(t.furthest_index, func.count()), t.learner_id)
        query = query.where(t.lesson_id == lesson_id).group_by(t.furthest_index)
        with read(self.engine) as conn:
            return {int(index): int(n) for index, n in conn.execute(query)}

    def first_attempts(self, quiz_id: str) -> list[tuple[int, str, bool]]:
        """Return (learner, question, right?) of each member's first answer to each question."""
        t = answer_attempts.c
        query = self._members(select(t.learner_id, t.question_id, t.is_correct), t.learner_id)
        query = query.where(t.quiz_id == quiz_id, t.attempt_no == 1)
        with read(self.engine) as conn:
            return [(int(a), str(b), bool(c)) for a, b, c in conn.execute(query)]

    def answer_counts(self, quiz_id: str) -> list[AnswerCount]:
        """Count the members' first answers per question and answer."""
        t = answer_attempts.c
        query = self._members(
            select(t.question_id, t.answer, t.is_correct, func.count()), t.learner_id
        ).where(t.quiz_id == quiz_id, t.attempt_no == 1)
        query = query.group_by(t.question_id, t.answer, t.is_correct)
        with read(self.engine) as conn:
            rows = conn.execute(query).all()
        return [AnswerCount(q, json.loads(a), bool(ok), int(n)) for q, a, ok, n in rows]

    def wrong_first_answers(self, quiz_id: str) -> list[tuple[int, str, object, bool | None]]:
        """Return (learner, question, answer, sure?) of each member's wrong first answer."""
        t = answer_attempts.c
        columns = (t.learner_id, t.question_id, t.answer, t.confident)
        query = self._members(select(*columns), t.learner_id)
        query = query.where(t.quiz_id == quiz_id, t.attempt_no == 1, t.is_correct.is_(False))
        with read(self.engine) as conn:
            rows = conn.execute(query).all()
        return [
            (int(a), str(b), json.loads(c), None if d is None else bool(d)) for a, b, c, d in rows
        ]

    def scores(self, quiz_id: str, *, latest: bool) -> dict[int, float]:
        """Return each member's first (or latest) score on the quiz, as a fraction."""
        t = quiz_results.c
        pick = (func.max if latest else func.min)(t.id)
        chosen = self._members(select(pick), t.learner_id).where(t.quiz_id == quiz_id)
        query = select(t.learner_id, t.score).where(t.id.in_(chosen.group_by(t.learner_id)))
        with read(self.engine) as conn:
            return {int(learner): float(score) for learner, score in conn.execute(query)}

    def attempts(self) -> Iterator[tuple[int, str, str, int, object, bool, datetime]]:
        """Yield every member's answer attempt, in batches (for exports)."""
        t = answer_attempts.c
        columns = (t.learner_id, t.quiz_id, t.question_id, t.attempt_no, t.answer,
                   t.is_correct, t.answered_at)  # fmt: skip
        query = self._members(select(t.id, *columns), t.learner_id).order_by(t.id)
        yield from (
            (row[1], row[2], row[3], row[4], json.loads(row[5]), bool(row[6]), row[7])
            for row in self._batches(query, t.id)
        )

    def completions(self) -> list[tuple[int, str, datetime]]:
        """Return (learner, lesson, when) of every completed lesson of the members."""
        t = lesson_progress.c
        query = self._members(select(t.learner_id, t.lesson_id, t.completed_at), t.learner_id)
        with read(self.engine) as conn:
            rows = conn.execute(query.where(t.completed_at.is_not(None))).all()
        return [(int(a), str(b), c) for a, b, c in rows]

    def results(self) -> list[tuple[int, str, int, int, float, bool, datetime]]:
        """Return every quiz result of the members."""
        t = quiz_results.c
        columns = (t.learner_id, t.quiz_id, t.correct, t.total, t.score, t.passed, t.finished_at)
        with read(self.engine) as conn:
            rows = conn.execute(self._members(select(*columns), t.learner_id).order_by(t.id))
            return [tuple(row) for row in rows]

    def _batches(self, query: Select[Any], key: Any) -> Iterator[Any]:
        """Page through a query by its key, so a large export never holds one long read."""
        last = 0
        while True:
            with read(self.engine) as conn:
                rows = conn.execute(query.where(key > last).limit(_BATCH)).all()
            yield from rows
            if len(rows) < _BATCH:
                return
            last = rows[-1][0]
