"""Spaced review: the schedule (pure, table-tested) and the review page (AppTest)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from apptest_kit import open_page

from course.loader import REPO_ROOT, load_course
from course.review import ReviewItem, due_now, review_quiz_id, schedule
from course.scoring import correct_answer
from course.store import Store

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


@dataclass(frozen=True)
class A:
    quiz_id: str
    question_id: str
    is_correct: bool
    answered_at: datetime


def answers(*marks: tuple[float, bool], quiz: str = "q", question: str = "x") -> list[A]:
    """Attempts of one question: (days after T0, right?)."""
    return [A(quiz, question, ok, T0 + days * DAY) for days, ok in marks]


@pytest.mark.parametrize(
    ("marks", "expected"),
    [
        ([(0, True)], None),  # never missed
        ([(0, False)], (1, 0)),  # missed: back the next day
        ([(0, False), (0, True)], (3, 1)),  # right on the retry: 3 days after it
        ([(0, False), (1, True)], (4, 1)),
        ([(0, False), (1, True), (4, True)], (11, 2)),  # 7 days after the second right
        ([(0, False), (1, True), (4, True), (11, True)], (32, 3)),  # then 21 days
        ([(0, False), (1, True), (4, True), (11, True), (32, True)], None),  # it stuck
        ([(0, False), (1, True), (4, False)], (5, 0)),  # wrong again: start over
    ],
)
def test_schedule(marks: list[tuple[float, bool]], expected: tuple[float, int] | None) -> None:
    found = schedule(answers(*marks))
    if expected is None:
        assert found == []
    else:
        assert found == [ReviewItem("q", "x", T0 + expected[0] * DAY, expected[1])]


def test_review_answers_count_with_their_quiz_and_due_items_come_first() -> None:
    history = [
        *answers((0, False), quiz="brain"),
        A(review_quiz_id("brain"), "x", True, T0 + DAY),  # reviewed once, right
        *answers((2, False), quiz="tolerance", question="y"),
    ]
    items = schedule(history)
    assert [(i.quiz_id, i.due, i.streak) for i in items] == [
        ("tolerance", T0 + 3 * DAY, 0),
        ("brain", T0 + 4 * DAY, 1),
    ]
    assert due_now(history, T0 + 3 * DAY) == items[:1]
    assert due_now(history, T0 + 2 * DAY) == []


def test_a_missed_question_comes_back_and_a_right_review_moves_it_on(db_url: str) -> None:
    store = Store(db_url)
    learner, code = store.create_learner(T0)
    course = load_course(REPO_ROOT).course
    assert course is not None
    quiz = course.quizzes["tolerance-dependence-addiction-quiz"]
    question = next(q for q in quiz.questions if q.kind == "true_false")
    store.record_answer(learner, quiz.id, question.id, not correct_answer(question), False, T0)
    check = course.manifest.knowledge_check
    assert check is not None
    store.record_answer(learner, check.pre, "q-any", "x", False, T0)  # checks are not drilled
    at = open_page("review", code=code)
    assert "**1 question(s) to review today.**" in [m.value for m in at.markdown]
    form_key = f"review-{quiz.id}-{question.id}-0"
    at.radio(key=f"{form_key}-tf").set_value(str(correct_answer(question)))
    at = at.button(key=f"{form_key}-submit").click().run()
    assert not at.exception
    assert "That's right." in at.success[0].value
    assert "Your next review is in about 3 day(s)." in at.success[1].value
    stored = store.attempts(learner, review_quiz_id(quiz.id))
    assert [(a.question_id, a.is_correct) for a in stored] == [(question.id, True)]
    assert len(store.attempts(learner, quiz.id)) == 1, "the quiz's own attempts are untouched"
