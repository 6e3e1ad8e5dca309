"""The counselor dashboard: a cohort's progress, knowledge gain, item statistics, exports."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from course.analytics import SMALL_GROUP
from course.dashboard import (
    answers_csv,
    cohort_gain,
    items_csv,
    lesson_funnel,
    lessons_in_order,
    progress_table,
    quiz_report,
    xapi_json,
)
from course.dashboard_charts import (
    facility_figure,
    funnel_figure,
    gain_figure,
    misconception_figure,
    progress_figure,
)
from course.model import Course
from course.store.reports import Reports
from course.ui import identity, room, staff
from course.ui.group_views import STATIC
from course.ui.resources import cohorts, course_result, sessions, store


def show() -> None:
    facilitator = staff.needs_facilitator()
    st.title("Dashboard")
    course = course_result().course
    if course is None:
        st.error("The course can't be shown right now.")
        return
    _group_sessions(course, facilitator)
    st.header("Cohorts of self-paced learners")
    mine = cohorts().of(facilitator.id)
    _new_cohort(facilitator)
    if not mine:
        st.info("No cohorts yet. Create one and give its code to your program's learners.")
        return
    names = {c.id: f"{c.name} (code {c.code})" for c in mine}
    chosen = st.selectbox("Cohort", list(names), format_func=names.__getitem__)
    cohort = cohorts().owned(int(chosen), facilitator.id)
    reports = Reports(store().engine, cohort.id)
    size = cohorts().size(cohort.id)
    st.metric("Learners in this cohort", size)
    st.caption(f"Learners join with the program code **{cohort.code}** (My progress page).")
    if size == 0:
        return
    _progress(course, reports)
    _funnel(course, reports)
    _gain(course, reports)
    _quiz(course, reports)
    _exports(reports, cohort.id)


def _group_sessions(course: Course, facilitator: staff.Facilitator) -> None:
    """List the counselor's group sessions with their headcount and share of right answers."""
    mine = sessions().sessions_of(facilitator.id)
    if not mine:
        return
    st.header("Group sessions")
    rows = []
    for room_ in mine[:50]:
        answers = sessions().responses(room_.id, facilitator.id)
        graded = [r.is_correct for r in answers if r.is_correct is not None]
        lesson = course.lessons.get(room_.lesson_id)
        rows.append(
            {
                "Started": f"{room_.created_at:%Y-%m-%d %H:%M}",
                "Lesson": lesson.title if lesson else room_.lesson_id,
                "Kind": room_.kind,
                "People": sessions().participant_count(room_.id),
                "Answers": len(answers),
                "% right": round(100 * sum(graded) / len(graded)) if graded else None,
            }
        )
    st.dataframe(pd.DataFrame(rows), hide_index=True)
    st.caption("Per-question charts and the CSV of each session: Session summaries.")


def _new_cohort(facilitator: staff.Facilitator) -> None:
    with st.expander("Create a cohort"):
        with st.form("new_cohort"):
            name = st.text_input("Name (for example: Tuesday evening group)", max_chars=80)
            if st.form_submit_button("Create"):
                try:
                    made = cohorts().create(facilitator.id, name or "", identity.now())
                except ValueError as problem:
                    st.error(str(problem))
                else:
                    st.success(f"Created. Learners join it with the code {made.code}.")


def _progress(course: Course, reports: Reports) -> None:
    st.header("Progress per lesson")
    table = progress_table(course, reports)
    chart, numbers = st.columns([3, 2])
    chart.plotly_chart(
        progress_figure(list(table["Lesson"]), list(table["Started"]), list(table["Completed"])),
        config=STATIC,
        alt="Learners who started and completed each lesson; the numbers are in the table.",
    )
    numbers.dataframe(table, hide_index=True)


def _funnel(course: Course, reports: Reports) -> None:
    st.header("Where people stop")
    lessons = {lesson.id: lesson for lesson in lessons_in_order(course)}
    chosen = st.selectbox("Lesson", list(lessons), format_func=lambda i: lessons[i].title)
    lesson = lessons[str(chosen)]
    steps = lesson_funnel(reports, lesson)
    labels = {s.id: f"{n}. {s.title or s.id}" for n, s in enumerate(lesson.steps, start=1)}
    chart, numbers = st.columns([3, 2])
    chart.plotly_chart(
        funnel_figure(steps, labels),
        config=STATIC,
        alt="Learners who reached each step; the numbers are in the table.",
    )
    shown = steps.assign(step=steps["step_id"].map(labels))[["step", "learners", "share"]]
    numbers.dataframe(shown.round({"share": 1}), hide_index=True)


def _gain(course: Course, reports: Reports) -> None:
    gain = cohort_gain(course, reports)
    if gain is None:
        return
    st.header("Knowledge gain (check A before, check B after)")
    chart, numbers = st.columns([3, 2])
    chart.plotly_chart(
        gain_figure(gain),
        config=STATIC,
        alt=f"Mean before {gain.mean_pre:.0f}%, after {gain.mean_post:.0f}%",
    )
    numbers.metric("Mean before", _pct(gain.mean_pre), help=f"{gain.n_pre} learners")
    numbers.metric("Mean after", _pct(gain.mean_post), help=f"{gain.n_post} learners")
    normalized = "n/a" if math.isnan(gain.normalized) else f"{gain.normalized:.2f}"
    numbers.metric(
        "Normalized gain", normalized, help="(post - pre) / (100 - pre), paired learners"
    )
    numbers.caption(f"{gain.n_paired} learners took both checks.")


def _quiz(course: Course, reports: Reports) -> None:
    st.header("Item statistics (first attempts)")
    quizzes = {q.id: q for q in course.quizzes.values()}
    chosen = st.selectbox("Quiz", list(quizzes), format_func=lambda i: quizzes[i].title)
    report = quiz_report(reports, quizzes[str(chosen)])
    stats = report.stats
    if stats.is_small:
        st.warning(
            f"Only {stats.n} learner(s) answered every question. With fewer than "
            f"{SMALL_GROUP}, these numbers can change a lot with one more person."
        )
    cols = st.columns(5)
    for col, (label, value) in zip(
        cols,
        [
            ("Learners", str(stats.n)),
            ("Mean", _pct(stats.mean)),
            ("Median", _pct(stats.median)),
            ("SD", _pct(stats.sd)),
            ("Cronbach's alpha", _num(stats.alpha)),
        ],
        strict=True,
    ):
        col.metric(label, value)
    labels = {q.id: f"Q{n}" for n, q in enumerate(report.quiz.questions, start=1)}
    chart, numbers = st.columns([3, 2])
    chart.plotly_chart(
        facility_figure(report.items, labels),
        config=STATIC,
        alt="Facility and discrimination per question; numbers in the table.",
    )
    numbers.dataframe(
        pd.DataFrame(
            [
                {
                    "Question": labels[i.question_id],
                    "Facility %": _num(i.facility),
                    "SD %": _num(i.sd),
                    "Discrimination": _num(i.discrimination),
                }
                for i in report.items
            ]
        ),
        hide_index=True,
    )
    with st.expander("Answer counts per question"):
        st.dataframe(report.options.round({"share": 1}), hide_index=True)
    st.subheader("Misconception board")
    if report.board:
        board, table = st.columns([3, 2])
        board.plotly_chart(
            misconception_figure(report.board),
            config=STATIC,
            alt="Misconceptions chosen most often; numbers in the table.",
        )
        table.dataframe(
            pd.DataFrame(
                [
                    {
                        "Misconception": m.tag.replace("-", " "),
                        "Times chosen": m.chosen,
                        "Chosen while sure": m.confident,
                        "Learners": m.learners,
                    }
                    for m in report.board
                ]
            ),
            hide_index=True,
        )
    else:
        st.caption("No misconception showed up in first answers to this quiz.")
    st.download_button(
        "Item statistics (CSV)",
        items_csv(report),
        file_name=f"{report.quiz.id}-items.csv",
        mime="text/csv",
        on_click="ignore",
    )


def _exports(reports: Reports, cohort_id: int) -> None:
    st.header("Exports")
    st.caption("Learners appear only as learner-<number>: never a name, e-mail or code.")
    left, right = st.columns(2)
    left.download_button(
        "All answers (CSV)",
        lambda: "".join(answers_csv(reports)),
        file_name=f"cohort-{cohort_id}-answers.csv",
        mime="text/csv",
        on_click="ignore",
    )
    base = room.base_url()
    right.download_button(
        "xAPI statements (JSON)",
        lambda: xapi_json(reports, base=base, home_page=base),
        file_name=f"cohort-{cohort_id}-xapi.json",
        mime="application/json",
        on_click="ignore",
    )


def _pct(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.0f}%"


def _num(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.2f}" if abs(value) < 1.5 else f"{value:.0f}"


show()
