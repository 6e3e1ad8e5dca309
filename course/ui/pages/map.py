"""Tracks and lessons, with each lesson's progress and a way to continue."""

from __future__ import annotations

import streamlit as st

from course.model import Course, Lesson
from course.overview import (
    before_after,
    continue_target,
    is_track_done,
    lesson_status,
    tracks_for,
)
from course.store import LessonProgress
from course.text import safe_markdown
from course.ui import identity, nav
from course.ui.resources import course_result, store


def show() -> None:
    learner = nav.needs_learner()
    course = course_result().course
    st.title("Course map")
    if course is None or not course.lessons:
        st.error("The course can't be shown right now. Please try again later.")
        return
    progress = store().lesson_progress(learner.id)
    audience = _audience(learner)
    _knowledge_check(course, learner, progress)
    target = continue_target(course, progress, audience)
    if target is not None:
        verb = "Continue" if target.id in progress else "Start"
        if st.button(f"{verb}: {target.title}", type="primary", icon=":material/play_arrow:"):
            nav.go("lesson", lesson=target.id)
    for track in tracks_for(course, audience):
        lessons = [lesson.for_audience(audience) for lesson in course.track_lessons(track)]
        if not lessons:
            continue
        st.header(track.title)
        if track.description:
            st.caption(track.description)
        for lesson in lessons:
            _lesson_card(lesson, progress.get(lesson.id))


AUDIENCES = {"learner": "For myself", "family": "For someone I care about"}


def _audience(learner: identity.Learner) -> str:
    """Ask who the course is for; lessons then show the steps meant for that reader."""
    current = identity.audience(learner)
    chosen = st.segmented_control(
        "I'm taking this course", list(AUDIENCES), default=current,
        format_func=AUDIENCES.__getitem__, key="audience_choice",
    )  # fmt: skip
    if chosen and chosen != current:
        identity.set_audience(learner, chosen)
        return str(chosen)
    return current


def _knowledge_check(
    course: Course, learner: identity.Learner, progress: dict[str, LessonProgress]
) -> None:
    """Offer the check before the first lesson (skippable) and after the last one."""
    check = course.manifest.knowledge_check
    if check is None or not {check.pre, check.post} <= set(course.quizzes):
        return
    scores = before_after(check, store().quiz_results(learner.id))
    if not progress and scores.before is None and not st.session_state.get("skip_pre_check"):
        with st.container(border=True):
            st.markdown(
                "**Before you start:** a short check of what you already know "
                f"({len(course.quizzes[check.pre].questions)} questions). It's optional and "
                "there is no pass or fail."
            )
            take, skip = st.columns(2)
            if take.button("Take the check", type="primary", width="stretch"):
                nav.go("check", when="pre")
            if skip.button("Skip for now", width="stretch"):
                st.session_state["skip_pre_check"] = True
                st.rerun()
    track = course.manifest.tracks[0]
    if is_track_done(course, track, progress) and scores.after is None:
        with st.container(border=True):
            st.markdown(
                "**You finished every lesson.** Take the final check to see how much you "
                "have learned."
            )
            if st.button("Take the final check", type="primary"):
                nav.go("check", when="post")


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
