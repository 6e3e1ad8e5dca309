"""The course knowledge check: before the first lesson (optional) and after the last."""

from __future__ import annotations

import streamlit as st

from course.i18n import N_, tr
from course.model import Quiz
from course.overview import before_after
from course.quizflow import current_round
from course.store import QuizResult
from course.ui import nav, pagescript
from course.ui.quizform import finish_round, one_question
from course.ui.resources import course_result, store

INTRO = {
    "pre": N_(
        "This short check shows what you already know. It is not a test: there is no pass "
        "or fail, and nobody else sees it. At the end of the course you can take a similar "
        "check and see how much you have learned."
    ),
    "post": N_(
        "You have finished the lessons. This check is like the one at the start, with new "
        "questions. Answer what you can; then compare with where you started."
    ),
}


def show() -> None:
    learner = nav.needs_learner()
    when, quiz = _chosen()
    st.title(
        tr("Before you start: what do you know?") if when == "pre" else tr("What have you learned?")
    )
    results = store().quiz_results(learner.id)
    mine = [r for r in results if r.quiz_id == quiz.id]
    attempts = store().attempts(learner.id, quiz.id)
    now_round = current_round(quiz, attempts, mine, allow_retry=False)  # one try: settled at once
    if mine and not now_round.is_started:
        _summary(results)
        return
    st.markdown(tr(INTRO[when]))
    if one_question(quiz, now_round, learner, len(mine)):
        finish_round(now_round, learner)
        pagescript.new_view()
        st.rerun()


def _chosen() -> tuple[str, Quiz]:
    course = course_result().course
    check = course.manifest.knowledge_check if course else None
    when = st.query_params.get("when", "")
    quiz_id = getattr(check, when, None) if when in ("pre", "post") else None
    quiz = course.quizzes.get(quiz_id) if course and quiz_id else None
    if quiz is None:
        st.warning(tr("That check isn't available right now."))
        if st.button(tr("Go to the course map"), type="primary"):
            nav.go("map")
        st.stop()
    st.query_params["when"] = when
    return when, quiz


def _summary(results: list[QuizResult]) -> None:
    course = course_result().course
    assert course is not None and course.manifest.knowledge_check is not None
    scores = before_after(course.manifest.knowledge_check, results)
    before, after = scores.before, scores.after
    left, right = st.columns(2)
    if before:
        left.metric(
            tr("Before the course"),
            tr("{correct} of {total}").format(correct=before.correct, total=before.total),
        )
    if after:
        right.metric(
            tr("After the course"),
            tr("{correct} of {total}").format(correct=after.correct, total=after.total),
            delta=scores.change,
        )
    st.markdown(tr("Thank you. Your answers are saved with your progress."))
    if st.button(tr("Go to the course map"), type="primary"):
        nav.go("map")


show()
