"""Where a learner stands in a quiz: the current round of tries, worked out from stored rows.

A round is every answer given after the learner's last finished result for the quiz. In a
round the first try at each question is the one that counts; a second try (after the hint)
is practice. A question is settled once it is answered right or has no try left; when every
question is settled, the round can be scored and finished.
Pure: give it the stored attempts and results; it reads no clock and no database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from course.model import Quiz
from course.scoring import QuizScore, score_quiz

MAX_TRIES = 2
"""Tries at one question in a round: the first (which counts), then one more after the hint."""


class AttemptLike(Protocol):
    @property
    def question_id(self) -> str: ...
    @property
    def answer(self) -> object: ...
    @property
    def is_correct(self) -> bool: ...
    @property
    def answered_at(self) -> datetime: ...
    @property
    def attempt_no(self) -> int: ...


class ResultLike(Protocol):
    @property
    def finished_at(self) -> datetime: ...


@dataclass(frozen=True)
class QuestionState:
    """The tries at one question in the current round."""

    counted: AttemptLike | None
    latest: AttemptLike | None
    tries: int
    allows_retry: bool = True

    @property
    def is_answered(self) -> bool:
        return self.counted is not None

    @property
    def max_tries(self) -> int:
        return MAX_TRIES if self.allows_retry else 1

    @property
    def is_settled(self) -> bool:
        """Tell whether the question is done: answered right, or with no try left."""
        if self.latest is None:
            return False
        return self.latest.is_correct or self.tries >= self.max_tries


@dataclass(frozen=True)
class Round:
    """The current round of one quiz."""

    quiz: Quiz
    questions: dict[str, QuestionState]
    has_previous_result: bool

    @property
    def is_started(self) -> bool:
        return any(state.tries for state in self.questions.values())

    @property
    def is_settled(self) -> bool:
        return all(state.is_settled for state in self.questions.values())

    def resume_index(self) -> int:
        """Return where to pick up: the first question not yet settled, else the last one."""
        states = [self.questions[q.id] for q in self.quiz.questions]
        open_ones = (n for n, state in enumerate(states) if not state.is_settled)
        return next(open_ones, len(states) - 1)

    def score(self) -> QuizScore:
        """Score the counted tries (unanswered questions count as wrong)."""
        answers = {
            qid: state.counted.answer
            for qid, state in self.questions.items()
            if state.counted is not None
        }
        return score_quiz(self.quiz, answers)


def current_round(
    quiz: Quiz,
    attempts: Sequence[AttemptLike],
    results: Sequence[ResultLike],
    *,
    allow_retry: bool = True,
) -> Round:
    """Build the current round from all of the learner's attempts and results for the quiz."""
    since = max((r.finished_at for r in results), default=None)
    mine = sorted(
        (a for a in attempts if since is None or a.answered_at > since),
        key=lambda a: (a.answered_at, a.attempt_no),
    )
    states = {
        q.id: question_state([a for a in mine if a.question_id == q.id], allow_retry=allow_retry)
        for q in quiz.questions
    }
    return Round(quiz, states, has_previous_result=since is not None)


def question_state(tries: Sequence[AttemptLike], *, allow_retry: bool = True) -> QuestionState:
    """Sum up the tries at one question, oldest first."""
    return QuestionState(
        counted=tries[0] if tries else None,
        latest=tries[-1] if tries else None,
        tries=len(tries),
        allows_retry=allow_retry,
    )
