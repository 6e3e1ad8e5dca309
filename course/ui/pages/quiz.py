"""A lesson's quiz: one form per question, feedback after each, a result, and retries."""

from __future__ import annotations

import math

import streamlit as st

from course.model import Lesson, Quiz
from course.quizflow import Round, current_round
from course.scoring import is_quiz_complete
from course.ui import identity, nav
from course.ui.completion import finish_lesson_if_done
from course.ui.quizform import finish_round, question_block
from course.ui.resources import course_result, store


def show() -> None:
    learner = nav.needs_learner()
    lesson, quiz = _chosen()
    st.title(quiz.title)
    st.caption(f"From the lesson: {lesson.title}")
    results = [r for r in store().quiz_results(learner.id) if r.quiz_id == quiz.id]
    attempts = store().attempts(learner.id, quiz.id)
    now_round = current_round(quiz, attempts, results)
    if results and not now_round.is_started and not st.session_state.get(f"retry-{quiz.id}"):
        _result(lesson, quiz, now_round, learner)
        return
    st.markdown(
        f"Answer each question. You need {_needed(quiz)} of {len(quiz.questions)} "
        "right to pass. After a wrong answer you'll see a hint and can try again; "
        "your first answer is the one that counts."
    )
    for number, question in enumerate(quiz.questions, start=1):
        question_block(number, quiz, now_round, question.id, learner, len(results))
    if now_round.is_ready_to_finish and st.button("See my result", type="primary"):
        _finish(lesson, quiz, now_round, learner)
        st.rerun()


def _chosen() -> tuple[Lesson, Quiz]:
    course = course_result().course
    lesson = course.lessons.get(st.query_params.get("lesson", "")) if course else None
    quiz = course.quiz_for(lesson) if course and lesson else None
    if lesson is None or quiz is None:
        st.warning("That quiz isn't available. Please pick a lesson from the course map.")
        if st.button("Go to the course map", type="primary"):
            nav.go("map")
        st.stop()
    st.query_params["lesson"] = lesson.id
    return lesson, quiz


def _needed(quiz: Quiz) -> int:
    return math.ceil(quiz.pass_mark * len(quiz.questions) - 1e-9)


def _finish(lesson: Lesson, quiz: Quiz, now_round: Round, learner: identity.Learner) -> None:
    score = finish_round(now_round, learner)
    if is_quiz_complete(score):
        finish_lesson_if_done(lesson, learner)


def _result(lesson: Lesson, quiz: Quiz, now_round: Round, learner: identity.Learner) -> None:
    last = store().quiz_results(learner.id)
    result = [r for r in last if r.quiz_id == quiz.id][-1]
    st.metric("Your last score", f"{result.correct} of {result.total}")
    if result.passed and result.safety_ok:
        st.success("Well done: you passed this quiz.", icon=":material/celebration:")
        if finish_lesson_if_done(lesson, learner):
            st.markdown("This lesson is complete.")
    elif result.passed:
        st.warning(
            "You passed, and that's good work. One thing is left: the questions about staying "
            "safe need a right answer before this lesson counts as complete. They can save a "
            "life, so they matter most. Try the quiz again when you're ready.",
            icon=":material/health_and_safety:",
        )
    else:
        st.info(
            f"You needed {_needed(quiz)} to pass. That's okay: trying again is how learning "
            "works. Look back at the lesson if you like, then try again.",
            icon=":material/refresh:",
        )
    left, right = st.columns(2)
    if left.button("Try the quiz again", type="primary", width="stretch"):
        st.session_state[f"retry-{quiz.id}"] = True
        st.rerun()
    if right.button("Back to the course map", width="stretch"):
        nav.go("map")


show()
