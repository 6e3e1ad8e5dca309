"""Tracks and lessons, with each lesson's progress and a way to continue."""

from __future__ import annotations

import streamlit as st

from course.model import Lesson
from course.overview import continue_target, lesson_status
from course.store import LessonProgress
from course.text import safe_markdown
from course.ui import nav
from course.ui.resources import course_result, store


def show() -> None:
    learner = nav.needs_learner()
    course = course_result().course
    st.title("Course map")
    if course is None or not course.lessons:
        st.error("The course can't be shown right now. Please try again later.")
        return
    progress = store().lesson_progress(learner.id)
    target = continue_target(course, progress)
    if target is not None:
        verb = "Continue" if target.id in progress else "Start"
        if st.button(f"{verb}: {target.title}", type="primary", icon=":material/play_arrow:"):
            nav.go("lesson", lesson=target.id)
    for track in course.manifest.tracks:
        lessons = course.track_lessons(track)
        if not lessons:
            continue
        st.header(track.title)
        if track.description:
            st.caption(track.description)
        for lesson in lessons:
            _lesson_card(lesson, progress.get(lesson.id))


def _lesson_card(lesson: Lesson, progress: LessonProgress | None) -> None:
    status = lesson_status(lesson, progress)
    with st.container(border=True):
        st.subheader(lesson.title)
        st.markdown(safe_markdown(lesson.summary))
        st.caption(f"About {lesson.minutes} minutes · {status.label}")
        st.progress(status.steps_done / status.steps_total)
        label = "Review" if status.is_complete else ("Continue" if status.is_started else "Start")
        if st.button(label, key=f"open-{lesson.id}"):
            nav.go("lesson", lesson=lesson.id)


show()
