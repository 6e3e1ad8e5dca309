"""A cohort's practice, for its counselors: counts per week and drill figures, never content.

What members write in exercises and which actions they chose stay theirs: a program sees how
many exercises were saved, commitments made and checked in on (and how they went), and how
the cohort's drill answers got more accurate and quicker from the first round to the latest.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, select

from course.period import Period
from course.store.db import read
from course.store.schema import cohort_members, commitments, drill_answers, practice_entries


@dataclass(frozen=True)
class PracticeWeek:
    """One ISO week (starting Monday, UTC): how much practice the cohort's members did."""

    week: date
    exercises: int = 0  # skill exercises saved for the first time
    commitments: int = 0  # "try this" actions chosen
    check_ins: Counter[str] = field(default_factory=Counter)  # outcome -> how many
    drill_rounds: int = 0  # rounds with at least one answer

    @property
    def checked_in(self) -> int:
        return sum(self.check_ins.values())


@dataclass(frozen=True)
class DrillFigures:
    """One drill across the cohort: each member's first round against their latest."""

    lesson_id: str
    step_id: str
    learners: int  # members who answered in at least two rounds
    first_right: float  # share of answers right, first rounds (0-1)
    latest_right: float
    first_seconds: float  # median seconds per answer, first rounds
    latest_seconds: float


def _monday(at: datetime) -> date:
    day = at.date()
    return day - timedelta(days=day.weekday())


class PracticeReports:
    """Count one cohort's practice; the queries touch members' rows only."""

    def __init__(self, engine: Engine, cohort_id: int) -> None:
        self.engine, self.cohort_id = engine, cohort_id

    def _members(self) -> Any:
        return select(cohort_members.c.learner_id).where(
            cohort_members.c.cohort_id == self.cohort_id
        )

    def weeks(self, period: Period | None = None) -> list[PracticeWeek]:
        """Return the weeks with any practice, oldest first (within the period, if given)."""
        members = self._members()
        with read(self.engine) as conn:
            saved = conn.scalars(
                select(practice_entries.c.created_at).where(
                    practice_entries.c.learner_id.in_(members)
                )
            ).all()
            chosen = conn.execute(
                select(commitments.c.made_at, commitments.c.checked_at, commitments.c.outcome)
                .where(commitments.c.learner_id.in_(members))
            ).all()  # fmt: skip
            rounds = conn.execute(
                select(drill_answers.c.learner_id, drill_answers.c.lesson_id,
                       drill_answers.c.step_id, drill_answers.c.round_no,
                       drill_answers.c.answered_at)
                .where(drill_answers.c.learner_id.in_(members))
            ).all()  # fmt: skip
        weeks: dict[date, dict[str, Any]] = {}

        def inside(at: datetime) -> bool:
            return period is None or period.contains(at)

        def week(at: datetime) -> dict[str, Any]:
            empty = {"exercises": 0, "commitments": 0, "check_ins": Counter(), "rounds": set()}
            return weeks.setdefault(_monday(at), empty)

        for at in saved:
            if inside(at):
                week(at)["exercises"] += 1
        for made_at, checked_at, outcome in chosen:
            if inside(made_at):
                week(made_at)["commitments"] += 1
            if checked_at is not None and inside(checked_at):
                week(checked_at)["check_ins"][outcome] += 1
        for learner, lesson, step, round_no, at in rounds:
            if inside(at):
                week(at)["rounds"].add((learner, lesson, step, round_no))
        return [
            PracticeWeek(day, w["exercises"], w["commitments"], w["check_ins"], len(w["rounds"]))
            for day, w in sorted(weeks.items())
        ]

    def drills(self) -> list[DrillFigures]:
        """Return, per drill, members' first rounds against their latest (two rounds or more)."""
        t = drill_answers.c
        query = (
            select(t.learner_id, t.lesson_id, t.step_id, t.round_no, t.is_correct, t.ms)
            .where(t.learner_id.in_(self._members()))
            .order_by(t.lesson_id, t.step_id, t.learner_id, t.round_no)
        )
        answers: dict[tuple[str, str], dict[int, dict[int, list[tuple[bool, int]]]]] = {}
        with read(self.engine) as conn:
            for learner, lesson, step, round_no, right, ms in conn.execute(query):
                drill = answers.setdefault((lesson, step), {})
                drill.setdefault(learner, {}).setdefault(round_no, []).append((bool(right), ms))
        figures = []
        for (lesson, step), by_learner in sorted(answers.items()):
            firsts, latests = [], []
            for rounds in by_learner.values():
                if len(rounds) >= 2:
                    firsts += rounds[min(rounds)]
                    latests += rounds[max(rounds)]
            if not firsts:
                continue
            figures.append(
                DrillFigures(
                    lesson,
                    step,
                    sum(len(r) >= 2 for r in by_learner.values()),
                    _share_right(firsts),
                    _share_right(latests),
                    _median_seconds(firsts),
                    _median_seconds(latests),
                )  # fmt: skip
            )
        return figures


def _share_right(answers: list[tuple[bool, int]]) -> float:
    return sum(right for right, _ in answers) / len(answers)


def _median_seconds(answers: list[tuple[bool, int]]) -> float:
    return statistics.median(ms for _, ms in answers) / 1000
