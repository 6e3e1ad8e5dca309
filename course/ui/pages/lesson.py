"""One lesson, one step per screen, with back/next; the place is saved on every move."""

from __future__ import annotations

import streamlit as st

from course.i18n import tr
from course.model import Lesson
from course.overview import lesson_status
from course.ui import handout, identity, language, nav, pagescript, steps
from course.ui.completion import finish_lesson_if_done
from course.ui.resources import course_result, store


def show() -> None:
    learner = nav.needs_learner()
    lesson = _chosen_lesson().for_audience(identity.audience(learner))
    progress = store().lesson_progress(learner.id).get(lesson.id)
    index = lesson_status(lesson, progress).current_index
    if progress is None:
        store().visit_step(learner.id, lesson.id, lesson.steps[0].id, 0, identity.now())
    st.title(lesson.title)
    course = course_result().course
    if course is not None:
        language.translation_note(course, lesson.id)
    if not lesson.reviewed.clinical:
        st.caption(tr("This lesson has not yet been reviewed by a clinician."))
    total = len(lesson.steps)
    st.progress(
        (index + 1) / total, text=tr("Step {n} of {total}").format(n=index + 1, total=total)
    )
    steps.draw(lesson, lesson.steps[index], learner)
    _buttons(lesson, index, learner)
    handout.offer(lesson.id)


def _chosen_lesson() -> Lesson:
    course = course_result().course
    lesson_id = st.query_params.get("lesson", "")
    lesson = course.lessons.get(lesson_id) if course else None
    if lesson is None:
        st.warning(tr("That lesson isn't available. Please pick one from the course map."))
        if st.button(tr("Go to the course map"), type="primary"):
            nav.go("map")
        st.stop()
    st.query_params["lesson"] = lesson.id
    return lesson


def _buttons(lesson: Lesson, index: int, learner: identity.Learner) -> None:
    back, forward = st.columns(2)
    if index > 0:
        back.button(
            tr("Back"),
            icon=":material/arrow_back:",
            on_click=_move,
            args=(lesson, index, index - 1, learner),
            width="stretch",
        )
    if index + 1 < len(lesson.steps):
        forward.button(
            tr("Next"),
            type="primary",
            icon=":material/arrow_forward:",
            on_click=_move,
            args=(lesson, index, index + 1, learner),
            width="stretch",
        )
        return
    label = tr("Go to the quiz") if lesson.quiz else tr("Finish the lesson")
    if forward.button(label, type="primary", icon=":material/flag:", width="stretch"):
        store().complete_step(learner.id, lesson.id, lesson.steps[index].id, identity.now())
        if lesson.quiz:
            nav.go("quiz", lesson=lesson.id)
        finish_lesson_if_done(lesson, learner)
        nav.go("map")


def _move(lesson: Lesson, index: int, to: int, learner: identity.Learner) -> None:
    """Save the step left (as done when moving on) and the step arrived at."""
    pagescript.new_view()
    now = identity.now()
    if to > index:
        store().complete_step(learner.id, lesson.id, lesson.steps[index].id, now)
    store().visit_step(learner.id, lesson.id, lesson.steps[to].id, to, now)


show()
