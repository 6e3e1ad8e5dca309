"""The learner's own progress as charts, plus download and delete of all their data."""

from __future__ import annotations

import json
from collections.abc import Mapping

import streamlit as st

from course.charts import (
    LessonBar,
    ResultPoint,
    describe_results,
    lessons_figure,
    results_figure,
)
from course.i18n import tr
from course.model import Course, Quiz
from course.overview import before_after, lesson_status, my_lessons
from course.store import CohortNotFound
from course.store.cohorts import BadProgramId, ProgramIdTaken, normalize_program_id
from course.store.limits import PROGRAM_CODES, Refused
from course.store.schema import PROGRAM_ID_LENGTH
from course.text import plain
from course.ui import client, identity, nav
from course.ui.resources import cohorts, course_result, limits, store, take

STATIC = {"displayModeBar": False, "staticPlot": True}


def show() -> None:
    learner = nav.needs_learner()
    course = course_result().course
    st.title(tr("My progress"))
    progress = store().lesson_progress(learner.id)
    if course is not None:
        # The learner's own track (and any other lesson they began), counted in the steps
        # they see: on a phone, sixteen bars made a chart four screens long.
        lessons = my_lessons(course, progress, identity.audience(learner))
        bars = [
            LessonBar(s.lesson.title, s.steps_done, s.steps_total, s.is_complete)
            for s in (lesson_status(lesson, progress.get(lesson.id)) for lesson in lessons)
        ]
        st.header(tr("Lessons"))
        st.plotly_chart(lessons_figure(bars), config=STATIC, alt=_describe_bars(bars))
        _results(course.quizzes, learner)
        _before_after(course, learner)
    _program(learner)
    _download(learner)
    _delete(learner)


def _program(learner: identity.Learner) -> None:
    """Let a learner add their progress to a treatment program's cohort, or leave it."""
    st.header(tr("My program"))
    mine = cohorts().memberships(learner.id)
    ids = cohorts().program_ids(learner.id)
    for cohort in mine:
        left, right = st.columns([3, 1], vertical_alignment="center")
        if cohort.id in ids:
            shared = tr("You share your progress with **{name}** under program ID **{id}**.")
        else:
            shared = tr("You share your progress with **{name}**.")
        left.markdown(shared.format(name=plain(cohort.name), id=plain(ids.get(cohort.id, ""))))
        if right.button(tr("Leave"), key=f"leave-{cohort.id}"):
            cohorts().leave(learner.id, cohort.id)
            st.rerun()
    st.caption(
        tr(
            "If your program gave you a program code, enter it to let its counselors see your "
            "progress and answers together with the group's. They see a number, never your code."
        )
    )
    with st.form("join_program"):
        typed = st.text_input(tr("Program code"), max_chars=12)
        program_id = st.text_input(
            tr("Program ID (optional: the number your counselor gave you)"),
            max_chars=PROGRAM_ID_LENGTH,
        )
        st.caption(
            tr(
                "The program sees your lessons and quiz results under this ID. Without one, you "
                "count only in the group's numbers."
            )
        )
        if st.form_submit_button(tr("Join the program")):
            problem = _join_program(learner, typed or "", program_id or "")
            (st.error if problem else st.success)(problem or tr("You joined the program."))


def _join_program(learner: identity.Learner, typed: str, program_id: str) -> str | None:
    try:
        normalize_program_id(program_id)  # a slip in typing the ID costs no try of the code
    except BadProgramId as problem:
        return str(problem)
    ticket = take(PROGRAM_CODES, client.key())
    if isinstance(ticket, Refused):
        return identity.busy(ticket)
    try:
        cohorts().join(learner.id, typed, identity.now(), program_id)
    except CohortNotFound:
        return tr("We could not find that program code. Check it with your program.")
    except ProgramIdTaken:
        return tr(
            "Someone in this program already uses this program ID. Check the number with your "
            "counselor."
        )
    limits().release(ticket)
    return None


def _describe_bars(bars: list[LessonBar]) -> str:
    """Say in words what the lesson chart draws (its alt text)."""
    done = tr("{title}: {done} of {total} steps, complete")
    going = tr("{title}: {done} of {total} steps")
    each = "; ".join(
        (done if b.is_complete else going).format(
            title=b.title, done=b.steps_done, total=b.steps_total
        )
        for b in bars
    )
    return tr("Steps done in each lesson. {lessons}").format(lessons=each)


def _results(quizzes: Mapping[str, Quiz], learner: identity.Learner) -> None:
    results = store().quiz_results(learner.id)
    st.header(tr("Quiz results"))
    if not results:
        st.caption(tr("No quiz finished yet."))
        return
    points = []
    for r in results:
        quiz = quizzes.get(r.quiz_id)
        has_pass_mark = quiz is None or quiz.pass_mark > 0  # a knowledge check has none
        passed = r.passed and r.safety_ok if has_pass_mark else None
        title = quiz.title if quiz else r.quiz_id
        points.append(ResultPoint(title, r.finished_at, 100 * r.score, passed))
    st.plotly_chart(
        results_figure(points),
        config=STATIC,
        alt=tr("Latest score in each quiz. {description}").format(
            description=describe_results(points)
        ),
    )


def _before_after(course: Course, learner: identity.Learner) -> None:
    check = course.manifest.knowledge_check
    if check is None:
        return
    scores = before_after(check, store().quiz_results(learner.id))
    if scores.before is None and scores.after is None:
        return
    st.header(tr("Before and after"))
    left, right = st.columns(2)
    if scores.before:
        left.metric(
            tr("Before the course"),
            tr("{correct} of {total}").format(
                correct=scores.before.correct, total=scores.before.total
            ),
        )
    if scores.after:
        right.metric(
            tr("After the course"),
            tr("{correct} of {total}").format(
                correct=scores.after.correct, total=scores.after.total
            ),
            delta=scores.change,
        )


def _download(learner: identity.Learner) -> None:
    st.header(tr("Your data"))
    data = json.dumps(store().export_learner(learner.id), indent=2, ensure_ascii=False)
    st.download_button(
        tr("Download my data (JSON)"),
        data=data,
        file_name="my-course-data.json",
        mime="application/json",
        icon=":material/download:",
        on_click="ignore",
    )


def _delete(learner: identity.Learner) -> None:
    with st.expander(tr("Delete my data"), icon=":material/delete:"):
        st.markdown(
            tr(
                "This deletes your progress, answers, results and private notes for good. "
                "Your code will stop working. This cannot be undone."
            )
        )
        sure = st.checkbox(tr("Yes, I want to delete all my data"))
        if st.button(tr("Delete everything"), type="primary", disabled=not sure):
            store().delete_learner(learner.id)
            identity.forget()
            st.session_state["deleted"] = True
            nav.go("home")


show()
