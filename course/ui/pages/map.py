"""Tracks and lessons, with each lesson's progress and a way to continue."""

from __future__ import annotations

import streamlit as st

from course import i18n
from course.i18n import N_, tr
from course.model import Course, Lesson, Track
from course.overview import (
    BeforeAfter,
    before_after,
    continue_target,
    is_track_done,
    lesson_status,
    tracks_for,
)
from course.store import LessonProgress
from course.ui import identity, listen, nav, practice_steps
from course.ui.resources import course_result, series, store


def show() -> None:
    learner = nav.needs_learner()
    course = course_result().course
    st.title(tr("Course map"))
    if course is None or not course.lessons:
        st.error(tr("The course can't be shown right now. Please try again later."))
        return
    progress = store().lesson_progress(learner.id)
    practice_steps.check_ins(learner)
    audience = _audience(learner)
    _final_check(course, learner, progress)
    target = continue_target(course, progress, audience)
    if target is not None:
        verb = tr("Continue: {title}") if target.id in progress else tr("Start: {title}")
        label = verb.format(title=target.title)
        if st.button(label, type="primary", icon=":material/play_arrow:"):
            nav.go("lesson", lesson=target.id)
    _pre_check(course, learner, progress)
    _from_group(course, audience, progress, learner)
    for track in tracks_for(course, audience):
        if track.audience in (audience, "both"):
            _track(course, track, audience, progress, learner)
        else:  # another reader's track: there, but out of the way
            with st.expander(tr("Also in this course: {title}").format(title=track.title)):
                _track(course, track, audience, progress, learner)


def _track(
    course: Course,
    track: Track,
    audience: str,
    progress: dict[str, LessonProgress],
    learner: identity.Learner,
) -> None:
    """Draw a track's title and a card for each of its lessons, as this audience reads them."""
    lessons = [lesson.for_audience(audience) for lesson in course.track_lessons(track)]
    if not lessons:
        return
    st.header(track.title)
    if track.description:
        st.caption(track.description)
    for lesson in lessons:
        _lesson_card(lesson, progress.get(lesson.id), learner)


def _from_group(
    course: Course, audience: str, progress: dict[str, LessonProgress], learner: identity.Learner
) -> None:
    """Show the lessons the learner's group gave them to do before the next session."""
    given = [g for g in series().from_group(learner.id) if g.take_home.lesson_id in course.lessons]
    if not given:
        return
    with st.container(key="from-your-group"):
        st.header(tr("From your group"))
        st.caption(tr("Lessons your group leader asked you to do before the next session."))
        for found in given:
            lesson = course.lessons[found.take_home.lesson_id].for_audience(audience)
            due = found.take_home.due_on
            said = (
                tr(" · before {date}").format(date=i18n.date_text(due, "%A, %B %-d", "MMMMEEEEd"))
                if due
                else ""
            )
            st.text(f"{found.cohort_name}{said}")  # the group's name is typed: plain text
            _lesson_card(
                lesson, progress.get(lesson.id), learner, key=f"group-{found.take_home.id}"
            )


AUDIENCES = {"learner": N_("For myself"), "family": N_("For someone I care about")}


def _audience(learner: identity.Learner) -> str:
    """Ask who the course is for; lessons then show the steps meant for that reader."""
    current = identity.audience(learner)
    labels = {value: tr(label) for value, label in AUDIENCES.items()}  # translated this run
    chosen = st.segmented_control(
        tr("I'm taking this course"), list(AUDIENCES), default=current,
        format_func=labels.__getitem__, key="audience_choice",
    )  # fmt: skip
    if chosen and chosen != current:
        identity.set_audience(learner, chosen)
        return str(chosen)
    return current


def _check_scores(course: Course, learner: identity.Learner) -> BeforeAfter | None:
    """Return the learner's knowledge check scores, or None if the course offers no check."""
    check = course.manifest.knowledge_check
    if check is None or not {check.pre, check.post} <= set(course.quizzes):
        return None
    return before_after(check, store().quiz_results(learner.id))


def _pre_check(
    course: Course, learner: identity.Learner, progress: dict[str, LessonProgress]
) -> None:
    """Offer the optional check before the first lesson: small, below the lessons' button."""
    check = course.manifest.knowledge_check
    scores = _check_scores(course, learner)
    if check is None or scores is None or scores.before is not None or progress:
        return
    if st.session_state.get("skip_pre_check"):
        return
    st.caption(
        tr(
            "**Before you start:** if you like, take a short check of what you already know "
            "({count} questions). It's optional and there is no pass or fail."
        ).format(count=len(course.quizzes[check.pre].questions))
    )
    with st.container(horizontal=True):
        if st.button(tr("Take the check"), icon=":material/quiz:"):
            nav.go("check", when="pre")
        if st.button(tr("Skip for now")):
            st.session_state["skip_pre_check"] = True
            st.rerun()


def _final_check(
    course: Course, learner: identity.Learner, progress: dict[str, LessonProgress]
) -> None:
    """Offer the check after the last lesson of the first track."""
    scores = _check_scores(course, learner)
    track = course.manifest.tracks[0]
    if scores is not None and is_track_done(course, track, progress) and scores.after is None:
        with st.container(border=True):
            st.markdown(
                tr(
                    "**You finished every lesson.** Take the final check to see how much you "
                    "have learned."
                )
            )
            if st.button(tr("Take the final check"), type="primary"):
                nav.go("check", when="post")


def _lesson_card(
    lesson: Lesson,
    progress: LessonProgress | None,
    learner: identity.Learner,
    *,
    key: str = "open",
) -> None:
    """Draw a lesson's card: what it is, how far the learner got, a button to open it."""
    status = lesson_status(lesson, progress)
    with st.container(border=True):
        what = tr("the lesson {title}").format(title=lesson.title)
        with listen.read_aloud(f"card-{key}-{lesson.id}", what) as reading:
            reading.subheader(lesson.title)
            reading.md(lesson.summary)
            reading.caption(
                tr("About {minutes} minutes · {status}").format(
                    minutes=lesson.minutes, status=status.label
                )
            )
            st.progress(status.steps_done / status.steps_total)
            label = (
                tr("Review")
                if status.is_complete
                else (tr("Continue") if status.is_started else tr("Start"))
            )
            if st.button(label, key=f"{key}-{lesson.id}"):
                if status.is_complete:  # a review starts over; steps done and completion stay
                    store().visit_step(learner.id, lesson.id, lesson.steps[0].id, 0, identity.now())
                nav.go("lesson", lesson=lesson.id)


show()
