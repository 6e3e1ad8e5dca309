"""A lesson's quiz: one question at a time, feedback after each, a result, and retries."""

from __future__ import annotations

import math
from typing import Literal

import streamlit as st

from course.i18n import tr
from course.model import Lesson, Quiz
from course.overview import next_lesson
from course.quizflow import MAX_TRIES, Round, current_round
from course.scoring import is_quiz_complete
from course.store import QuizResult
from course.text import safe_markdown
from course.ui import identity, language, nav, pagescript
from course.ui.completion import finish_lesson_if_done
from course.ui.quizform import finish_round, one_question
from course.ui.resources import course_result, store

Kind = Literal["primary", "secondary"]


def show() -> None:
    learner = nav.needs_learner()
    lesson, quiz = _chosen()
    st.title(quiz.title)
    course = course_result().course
    if course is not None:
        language.translation_note(course, quiz.id)
    st.caption(tr("From the lesson: {title}").format(title=lesson.title))
    results = [r for r in store().quiz_results(learner.id) if r.quiz_id == quiz.id]
    attempts = store().attempts(learner.id, quiz.id)
    now_round = current_round(quiz, attempts, results)
    if results and not now_round.is_started and not st.session_state.get(f"retry-{quiz.id}"):
        _result(lesson, quiz, now_round, learner)
        return
    st.markdown(
        tr(
            "Answer each question. You need {needed} of {total} right to pass. After a wrong "
            "answer you'll see a hint and can try again ({tries} tries in all); your first "
            "answer is the one that counts."
        ).format(needed=_needed(quiz), total=len(quiz.questions), tries=MAX_TRIES)
    )
    if one_question(quiz, now_round, learner, len(results)):
        _finish(lesson, quiz, now_round, learner)
        pagescript.new_view()
        st.rerun()


def _chosen() -> tuple[Lesson, Quiz]:
    course = course_result().course
    lesson = course.lessons.get(st.query_params.get("lesson", "")) if course else None
    quiz = course.quiz_for(lesson) if course and lesson else None
    if lesson is None or quiz is None:
        st.warning(tr("That quiz isn't available. Please pick a lesson from the course map."))
        if st.button(tr("Go to the course map"), type="primary"):
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
    st.metric(
        tr("Your last score"),
        tr("{correct} of {total}").format(correct=result.correct, total=result.total),
    )
    _verdict(lesson, quiz, result, learner)
    _next_steps(lesson, quiz, result.passed and result.safety_ok, learner)


def _next_steps(lesson: Lesson, quiz: Quiz, is_done: bool, learner: identity.Learner) -> None:
    """Offer the next lesson of the learner's track once this one is done, else a retry."""
    course = course_result().course
    after = next_lesson(course, lesson.id, identity.audience(learner)) if course else None
    if is_done and after is not None:
        st.markdown(safe_markdown(tr("Up next: **{title}**").format(title=after.title)))
        if st.button(
            tr("Next lesson"), type="primary", icon=":material/arrow_forward:", width="stretch"
        ):
            nav.go("lesson", lesson=after.id)
    left, right = st.columns(2)
    retry_type: Kind = "secondary" if is_done else "primary"
    if left.button(tr("Try the quiz again"), type=retry_type, width="stretch"):
        st.session_state[f"retry-{quiz.id}"] = True
        pagescript.new_view()
        st.rerun()
    map_type: Kind = "primary" if is_done and after is None else "secondary"
    if right.button(tr("Back to the course map"), type=map_type, width="stretch"):
        nav.go("map")


def _verdict(lesson: Lesson, quiz: Quiz, result: QuizResult, learner: identity.Learner) -> None:
    """Say how the quiz went, and complete the lesson when it passed with safety answers right."""
    if result.passed and result.safety_ok:
        st.success(tr("Well done: you passed this quiz."), icon=":material/celebration:")
        if finish_lesson_if_done(lesson, learner):
            st.markdown(tr("This lesson is complete."))
    elif result.passed:
        st.warning(
            tr(
                "You passed, and that's good work. One thing is left: the questions about "
                "staying safe need a right answer before this lesson counts as complete. They "
                "can save a life, so they matter most. Try the quiz again when you're ready."
            ),
            icon=":material/health_and_safety:",
        )
    else:
        st.info(
            tr(
                "You needed {needed} to pass. That's okay: trying again is how learning works. "
                "Look back at the lesson if you like, then try again."
            ).format(needed=_needed(quiz)),
            icon=":material/refresh:",
        )


show()
