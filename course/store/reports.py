"""A cohort's numbers for its counselors, aggregated in SQL (never one learner at a time).

Every query is limited to the cohort's members; rows name learners only by their id.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, Select, and_, case, func, select, true

from course.period import Period
from course.store.db import read
from course.store.schema import (
    answer_attempts,
    cohort_members,
    learners,
    lesson_progress,
    quiz_results,
)

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


@dataclass(frozen=True)
class SafetyCount:
    """Of the members who tried a question, how many were right at first and in the end."""

    quiz_id: str
    question_id: str
    learners: int
    right_first: int
    right_in_end: int


class Reports:
    """Read one cohort's progress, first attempts, scores and answers."""

    def __init__(self, engine: Engine, cohort_id: int, language: str | None = None) -> None:
        """Report on this cohort (check the facilitator owns it first: Cohorts.owned).

        With a language ("en", "es"), item statistics, answer counts, scores and gains count
        only answers given in it (answers from before languages were kept count as English):
        a question hard only in one language points to its translation. Exports of every
        attempt and result are never filtered.
        """
        self.engine = engine
        self.cohort_id = cohort_id
        self.language = language

    def _in_language(self, column: Any) -> list[ColumnElement[bool]]:
        """The condition that keeps answers given in the chosen language (none: all)."""
        if self.language is None:
            return []
        return [func.coalesce(column, "en") == self.language]

    def _members(self, query: Select[Any], learner_column: Any) -> Select[Any]:
        member = cohort_members.c
        return query.join(cohort_members, member.learner_id == learner_column).where(
            member.cohort_id == self.cohort_id
        )

    def enrolled(self, period: Period | None = None) -> int:
        """Count the members who had joined by the end of the period (all members: all time)."""
        member = cohort_members.c
        query = select(func.count()).where(member.cohort_id == self.cohort_id)
        if period is not None:
            query = query.where(member.joined_at < period.end)
        with read(self.engine) as conn:
            return int(conn.scalar(query) or 0)

    def lesson_counts(self, period: Period | None = None) -> list[LessonCount]:
        """Count the members who started and who completed each lesson (in the period)."""
        t = lesson_progress.c
        began = func.sum(case((and_(*_within(t.started_at, period), true()), 1), else_=0))
        finished = [t.completed_at.is_not(None), *_within(t.completed_at, period)]
        done = func.sum(case((and_(*finished), 1), else_=0))
        query = self._members(select(t.lesson_id, began, done), t.learner_id)
        with read(self.engine) as conn:
            rows = conn.execute(query.group_by(t.lesson_id)).all()
        return [LessonCount(r[0], int(r[1] or 0), int(r[2] or 0)) for r in rows]

    def furthest(
        self, lesson_id: str, period: Period | None = None
    ) -> dict[tuple[str, str | None], int]:
        """Count members by (audience, id of the furthest step they reached) in the lesson.

        With a period: the members who started the lesson in it. The step id is None where
        migration 0010 could not name the step.
        """
        t, who = lesson_progress.c, learners.c
        query = select(who.audience, t.furthest_step_id, func.count()).select_from(
            lesson_progress.join(learners, who.id == t.learner_id)
        )
        query = self._members(query, t.learner_id)
        query = query.where(t.lesson_id == lesson_id, *_within(t.started_at, period))
        query = query.group_by(who.audience, t.furthest_step_id)
        with read(self.engine) as conn:
            return {(str(a), step): int(n) for a, step, n in conn.execute(query)}

    def first_attempts(self, quiz_id: str) -> list[tuple[int, str, bool]]:
        """Return (learner, question, right?) of each member's first answer to each question."""
        t = answer_attempts.c
        query = self._members(select(t.learner_id, t.question_id, t.is_correct), t.learner_id)
        query = query.where(t.quiz_id == quiz_id, t.attempt_no == 1, *self._in_language(t.language))
        with read(self.engine) as conn:
            return [(int(a), str(b), bool(c)) for a, b, c in conn.execute(query)]

    def answer_counts(self, quiz_id: str) -> list[AnswerCount]:
        """Count the members' first answers per question and answer."""
        t = answer_attempts.c
        query = self._members(
            select(t.question_id, t.answer, t.is_correct, func.count()), t.learner_id
        ).where(t.quiz_id == quiz_id, t.attempt_no == 1, *self._in_language(t.language))
        query = query.group_by(t.question_id, t.answer, t.is_correct)
        with read(self.engine) as conn:
            rows = conn.execute(query).all()
        return [AnswerCount(q, json.loads(a), bool(ok), int(n)) for q, a, ok, n in rows]

    def wrong_first_answers(self, quiz_id: str) -> list[tuple[int, str, object, bool | None]]:
        """Return (learner, question, answer, sure?) of each member's wrong first answer."""
        t = answer_attempts.c
        columns = (t.learner_id, t.question_id, t.answer, t.confident)
        query = self._members(select(*columns), t.learner_id)
        query = query.where(
            t.quiz_id == quiz_id,
            t.attempt_no == 1,
            t.is_correct.is_(False),
            *self._in_language(t.language),
        )
        with read(self.engine) as conn:
            rows = conn.execute(query).all()
        return [
            (int(a), str(b), json.loads(c), None if d is None else bool(d)) for a, b, c, d in rows
        ]

    def scores(
        self, quiz_id: str, *, latest: bool, period: Period | None = None
    ) -> dict[int, float]:
        """Return each member's first (or latest) score on the quiz (in the period), a fraction."""
        t = quiz_results.c
        pick = (func.max if latest else func.min)(t.id)
        chosen = self._members(select(pick), t.learner_id).where(
            t.quiz_id == quiz_id, *_within(t.finished_at, period), *self._in_language(t.language)
        )
        query = select(t.learner_id, t.score).where(t.id.in_(chosen.group_by(t.learner_id)))
        with read(self.engine) as conn:
            return {int(learner): float(score) for learner, score in conn.execute(query)}

    def attempts(
        self, period: Period | None = None
    ) -> Iterator[tuple[int, str, str, int, object, bool, datetime]]:
        """Yield every member's answer attempt (in the period), in batches (for exports)."""
        t = answer_attempts.c
        columns = (t.learner_id, t.quiz_id, t.question_id, t.attempt_no, t.answer,
                   t.is_correct, t.answered_at)  # fmt: skip
        query = self._members(select(t.id, *columns), t.learner_id)
        query = query.where(*_within(t.answered_at, period)).order_by(t.id)
        yield from (
            (row[1], row[2], row[3], row[4], json.loads(row[5]), bool(row[6]), row[7])
            for row in self._batches(query, t.id)
        )

    def completions(self, period: Period | None = None) -> list[tuple[int, str, datetime]]:
        """Return (learner, lesson, when) of every completed lesson of the members (in period)."""
        t = lesson_progress.c
        query = self._members(select(t.learner_id, t.lesson_id, t.completed_at), t.learner_id)
        done = [t.completed_at.is_not(None), *_within(t.completed_at, period)]
        with read(self.engine) as conn:
            rows = conn.execute(query.where(*done)).all()
        return [(int(a), str(b), c) for a, b, c in rows]

    def results(
        self, period: Period | None = None
    ) -> list[tuple[int, str, int, int, float, bool, datetime]]:
        """Return every quiz result of the members (in the period)."""
        t = quiz_results.c
        columns = (t.learner_id, t.quiz_id, t.correct, t.total, t.score, t.passed, t.finished_at)
        query = self._members(select(*columns), t.learner_id)
        query = query.where(*_within(t.finished_at, period)).order_by(t.id)
        with read(self.engine) as conn:
            rows = conn.execute(query)
            return [tuple(row) for row in rows]

    def first_answers(
        self, quiz_id: str, *, period: Period | None = None
    ) -> list[tuple[int, str, object, bool, bool | None]]:
        """Return (learner, question, answer, right?, sure?) of each member's first answers.

        With a period, only first answers given in it (by answered_at) count.
        """
        t = answer_attempts.c
        columns = (t.learner_id, t.question_id, t.answer, t.is_correct, t.confident)
        query = self._members(select(*columns), t.learner_id)
        in_period = _within(t.answered_at, period)
        query = query.where(
            t.quiz_id == quiz_id, t.attempt_no == 1, *in_period, *self._in_language(t.language)
        )
        with read(self.engine) as conn:
            rows = conn.execute(query).all()
        decoded: dict[str, object] = {}  # thousands of learners share a few answers: decode once
        return [
            (int(a), str(b), _decoded(decoded, c), bool(d), None if e is None else bool(e))
            for a, b, c, d, e in rows
        ]

    def paired_scores(
        self, pre_quiz: str, post_quiz: str, *, period: Period | None = None
    ) -> dict[int, tuple[float, float]]:
        """Pair each member's first "before" score with their latest "after" score, as fractions.

        Only members with both count, the "before" finished earlier than the "after"; with a
        period, only results finished in it (by finished_at).
        """
        # Two grouped reads joined to their rows by primary key, paired here: one self-join
        # with the picks as subqueries took SQLite 6 s for 10,000 learners.
        with read(self.engine) as conn:
            first = self._chosen_rows(conn, pre_quiz, func.min, period)
            latest = self._chosen_rows(conn, post_quiz, func.max, period)
        return {
            learner: (before, after)
            for learner, (before, began) in first.items()
            if learner in latest
            for after, ended in [latest[learner]]
            if began < ended
        }

    def _chosen_rows(
        self, conn: Connection, quiz_id: str, pick: Any, period: Period | None
    ) -> dict[int, tuple[float, datetime]]:
        """Each member's picked result of a quiz: learner -> (score, finished_at)."""
        t = quiz_results.c
        chosen = self._picked(quiz_id, pick, period).subquery()
        query = select(t.learner_id, t.score, t.finished_at).join(chosen, chosen.c.id == t.id)
        return {int(who): (float(score), at) for who, score, at in conn.execute(query)}

    def _picked(self, quiz_id: str, pick: Any, period: Period | None) -> Select[Any]:
        """Select each member's first (func.min) or latest (func.max) result id of a quiz."""
        t = quiz_results.c
        query = self._members(select(pick(t.id).label("id")), t.learner_id)
        query = query.where(
            t.quiz_id == quiz_id, *_within(t.finished_at, period), *self._in_language(t.language)
        )
        return query.group_by(t.learner_id)

    def safety_counts(
        self, questions: Sequence[tuple[str, str]], *, period: Period | None = None
    ) -> list[SafetyCount]:
        """Count, per (quiz, question), members who tried it, right the first time, right at last.

        A member counts if their first try is in the period (by answered_at); "right at last"
        looks at their tries in the period. Questions nobody tried are left out.
        """
        if not questions:
            return []
        t = answer_attempts.c
        first, right = t.attempt_no == 1, t.is_correct.is_(True)
        flags = (
            func.max(case((first, 1), else_=0)).label("tried"),
            func.max(case((and_(first, right), 1), else_=0)).label("right_first"),
            func.max(case((right, 1), else_=0)).label("right_in_end"),
        )
        per_learner = self._members(select(t.quiz_id, t.question_id, *flags), t.learner_id)
        per_learner = per_learner.where(
            t.quiz_id.in_({quiz for quiz, _ in questions}),
            t.question_id.in_({question for _, question in questions}),
            *_within(t.answered_at, period),
            *self._in_language(t.language),
        ).group_by(t.quiz_id, t.question_id, t.learner_id)
        p = per_learner.subquery().c
        sums = (func.count(), func.sum(p.right_first), func.sum(p.right_in_end))
        query = select(p.quiz_id, p.question_id, *sums)
        query = query.where(p.tried == 1).group_by(p.quiz_id, p.question_id)
        with read(self.engine) as conn:
            rows = conn.execute(query).all()
        order = {pair: n for n, pair in enumerate(questions)}
        found = [SafetyCount(q, x, int(n), int(a or 0), int(b or 0)) for q, x, n, a, b in rows]
        return sorted(
            (c for c in found if (c.quiz_id, c.question_id) in order),
            key=lambda c: order[(c.quiz_id, c.question_id)],
        )

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


def _within(column: Any, period: Period | None) -> list[ColumnElement[bool]]:
    """Keep moments in the period (start inclusive, end exclusive); no condition for all time."""
    return [] if period is None else [column >= period.start, column < period.end]


def _decoded(seen: dict[str, object], text: str) -> object:
    """Decode a stored JSON answer, once per distinct text."""
    if text not in seen:
        seen[text] = json.loads(text)
    return seen[text]
