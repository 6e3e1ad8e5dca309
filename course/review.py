"""Spaced review: missed questions come back after growing intervals until they stick.

Pure: the caller passes a learner's attempts and the time. A question joins the review once it
was answered wrong. Each right answer since the last wrong one moves its next review further
out (1, 3, 7, then 21 days); a wrong answer starts it over; after the last interval it leaves.
Review answers are stored under the quiz id "review:<quiz id>", so the quiz's own first
attempts (and its statistics) stay as they were.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

INTERVALS: tuple[timedelta, ...] = tuple(timedelta(days=d) for d in (1, 3, 7, 21))
PREFIX = "review:"


class Answered(Protocol):
    @property
    def quiz_id(self) -> str: ...
    @property
    def question_id(self) -> str: ...
    @property
    def is_correct(self) -> bool: ...
    @property
    def answered_at(self) -> datetime: ...


@dataclass(frozen=True)
class ReviewItem:
    quiz_id: str
    question_id: str
    due: datetime
    streak: int  # right answers since the last wrong one


def review_quiz_id(quiz_id: str) -> str:
    """Name the quiz that review answers of `quiz_id` are stored under."""
    return PREFIX + quiz_id


def schedule(attempts: Iterable[Answered]) -> list[ReviewItem]:
    """Return every missed question still in review, with when it is due, soonest first."""
    history: dict[tuple[str, str], list[Answered]] = {}
    for attempt in sorted(attempts, key=lambda a: a.answered_at):
        key = (attempt.quiz_id.removeprefix(PREFIX), attempt.question_id)
        history.setdefault(key, []).append(attempt)
    items = [_item(key, answers) for key, answers in history.items()]
    return sorted((i for i in items if i is not None), key=lambda i: (i.due, i.quiz_id))


def due_now(attempts: Iterable[Answered], now: datetime) -> list[ReviewItem]:
    """Return the questions due for review at `now`, the longest overdue first."""
    return [item for item in schedule(attempts) if item.due <= now]


def _item(key: tuple[str, str], answers: Sequence[Answered]) -> ReviewItem | None:
    if all(a.is_correct for a in answers):
        return None  # never missed: nothing to review
    streak = 0
    for answer in reversed(answers):
        if not answer.is_correct:
            break
        streak += 1
    if streak >= len(INTERVALS):
        return None  # it stuck
    return ReviewItem(key[0], key[1], answers[-1].answered_at + INTERVALS[streak], streak)
