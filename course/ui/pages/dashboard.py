"""The counselor dashboard: a cohort's progress, knowledge gain, item statistics, exports."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from course.analytics import SMALL_GROUP
from course.dashboard import (
    QuizReport,
    answers_csv,
    cohort_gain,
    items_csv,
    lesson_funnel,
    lessons_in_order,
    paired_outcome,
    progress_table,
    quiz_report,
    safety_table,
    what_to_check,
    xapi_json,
)
from course.dashboard_charts import (
    facility_figure,
    funnel_figure,
    misconception_figure,
    pre_post_figure,
    progress_figure,
)
from course.model import Course
from course.outcomes import SMALL_PAIRS, PrePost
from course.period import Period, describe
from course.store.engagement_reports import EngagementReports
from course.store.practice_reports import PracticeReports
from course.store.reports import Reports
from course.ui import engagement, identity, reporting, room, series_view, staff
from course.ui.group_views import STATIC
from course.ui.resources import cohorts, course_result, limits, sessions, store
from course.xapi_export import gzipped, pseudonyms
from course.xapi_export import home_page as xapi_home_page

MADE = "cohort_made"
MADE_NOTE = "cohort_made_note"


def show() -> None:
    facilitator = staff.needs_facilitator()
    st.title("Dashboard")
    course = course_result().course
    if course is None:
        st.error("The course can't be shown right now.")
        return
    now = identity.now()
    period = reporting.choose_period(now.date())
    _group_sessions(course, facilitator, period)
    st.header("Cohorts of self-paced learners")
    mine = cohorts().of(facilitator.id)
    _new_cohort(facilitator)
    if not mine:
        st.info("No cohorts yet. Create one and give its code to your program's learners.")
        return
    names = {c.id: f"{c.name} (code {c.code})" for c in mine}
    newest = st.session_state.get(MADE, (None,))[0]
    chosen = st.selectbox(
        "Cohort", list(names), format_func=names.__getitem__,
        index=list(names).index(newest) if newest in names else 0,
    )  # fmt: skip
    cohort = cohorts().owned(int(chosen), facilitator.id)
    reports = Reports(store().engine, cohort.id)
    size = cohorts().size(cohort.id)
    st.caption(
        f"{size} learner(s) in this cohort in all. Learners join with the program code "
        f"**{cohort.code}** (My progress page)."
    )
    series_view.show(course, cohort, facilitator, size)
    if size == 0:
        return
    activity = EngagementReports(store().engine, cohort.id)  # read once, used twice
    reporting.program_summary(course, mine, cohort.id, activity, period, now)
    _progress(course, reports, period)
    _funnel(course, reports, period)
    _gain(course, reports, period)
    _safety(course, reports, period)
    _quiz(course, reports, period)
    engagement.show(course, activity, period=period, now=now)
    _practice(course, PracticeReports(store().engine, cohort.id), period)
    _exports(course, reports, cohort.id, period)


def _group_sessions(course: Course, facilitator: staff.Facilitator, period: Period | None) -> None:
    """List the counselor's group sessions started in the period: headcount, share right."""
    mine = [
        s
        for s in sessions().sessions_of(facilitator.id)
        if not period or period.contains(s.created_at)
    ]
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
                else:  # chosen, and said once, after the rerun that lists the new cohort
                    st.session_state[MADE] = (made.id, made.code)
                    st.session_state[MADE_NOTE] = True
                    st.rerun()
    if st.session_state.pop(MADE_NOTE, False):
        st.success(f"Created. Learners join it with the code {st.session_state[MADE][1]}.")


def _progress(course: Course, reports: Reports, period: Period | None) -> None:
    st.header("Progress per lesson")
    table = progress_table(course, reports, period=period)
    chart, numbers = st.columns([3, 2])
    chart.plotly_chart(
        progress_figure(list(table["Lesson"]), list(table["Started"]), list(table["Completed"])),
        config=STATIC,
        alt="Learners who started and completed each lesson; the numbers are in the table.",
    )
    numbers.dataframe(table, hide_index=True)
    st.caption(
        "Started and Completed count what happened in the period. Completion is shown as a "
        "share of everyone enrolled by the period's end, and of those who started."
    )


def _funnel(course: Course, reports: Reports, period: Period | None) -> None:
    st.header("Where people stop")
    lessons = {lesson.id: lesson for lesson in lessons_in_order(course)}
    chosen = st.selectbox("Lesson", list(lessons), format_func=lambda i: lessons[i].title)
    lesson = lessons[str(chosen)]
    st.caption("The learners who started this lesson in the period, by the furthest step.")
    for found in lesson_funnel(reports, lesson, period=period):
        if found.name:
            st.subheader(found.name)
        chart, numbers = st.columns([3, 2])
        chart.plotly_chart(
            funnel_figure(found.steps),
            config=STATIC,
            alt="Learners who reached each step; the numbers are in the table.",
            key=f"funnel-{found.audience}",
        )
        shown = found.steps[["step", "learners", "share"]]
        numbers.dataframe(shown.round({"share": 1}), hide_index=True)


def _gain(course: Course, reports: Reports, period: Period | None) -> None:
    outcome = paired_outcome(course, reports, period=period)
    everyone = cohort_gain(course, reports, period=period)
    if outcome is None or everyone is None:
        return
    st.header("Knowledge gain (check A before, check B after)")
    st.subheader("Learners who took both checks")
    st.caption(
        "The same people before and after: each learner's first check A, and their latest "
        "check B taken after it."
    )
    if not outcome.n:
        st.info("No learner has taken check A and then check B yet.")
    elif outcome.is_small:
        st.warning(
            f"Only {outcome.n} learner(s) took both checks. Fewer than {SMALL_PAIRS} pairs: "
            "treat these numbers with care."
        )
    if outcome.n:
        _paired(outcome)
    st.subheader("Everyone who took each check")
    left, right = st.columns(2)
    left.metric("Everyone who took check A", _pct(everyone.mean_pre))
    right.metric("Everyone who took check B", _pct(everyone.mean_post))
    st.caption(
        f"{everyone.n_pre} learners took check A and {everyone.n_post} took check B. They are "
        "not all the same people, so do not subtract these two numbers. For change, use the "
        "numbers above."
    )


def _paired(outcome: PrePost) -> None:
    """Show the paired means, both gains and the tests, each with what it means."""
    chart, numbers = st.columns([3, 2])
    chart.plotly_chart(
        pre_post_figure(outcome),
        config=STATIC,
        alt=f"The same {outcome.n} learners: mean before {outcome.mean_pre:.0f}%, "
        f"after {outcome.mean_post:.0f}%.",
    )
    numbers.metric("Learners who took both checks", str(outcome.n))
    numbers.metric("Before (same learners)", _pct(outcome.mean_pre))
    numbers.metric("After (same learners)", _pct(outcome.mean_post))
    numbers.metric("Class gain ⟨g⟩", _two(outcome.class_gain))
    numbers.metric("Average of each learner's gain", _two(outcome.mean_individual_gain))
    left_out = ""
    if outcome.n_at_ceiling:
        who = (
            "1 learner who scored 100% on check A is"
            if outcome.n_at_ceiling == 1
            else (f"{outcome.n_at_ceiling} learners who scored 100% on check A are")
        )
        left_out = f" {who} left out: there was no room to gain."
    st.caption(
        "Class gain ⟨g⟩ is Hake's class-average normalized gain: (after − before) ÷ "
        "(100% − before), using the two averages above. 0 means no gain, 1 means the group "
        "learned all it could, and below 0 means scores fell. The average of each learner's "
        "gain works out (after − before) ÷ (100% − before) for each person, then averages it "
        f"over {outcome.n_individual} learner(s).{left_out}"
    )
    st.dataframe(_tests_table(outcome), hide_index=True)


def _tests_table(outcome: PrePost) -> pd.DataFrame:
    n = outcome.n
    counts = " / ".join(f"{k} ({100 * k / n:.0f}%)" for k in (outcome.improved, outcome.same,
                                                                outcome.worse))  # fmt: skip
    effect = "n/a" if math.isnan(outcome.d_z) else (
        f"{outcome.d_z:.2f} ({outcome.d_z_low:.2f} to {outcome.d_z_high:.2f})")  # fmt: skip
    rows = [
        ("Paired t-test p-value", _p(outcome.t_p),
         "How likely a change at least this big would be by chance alone, if the course made "
         "no difference. Under 0.05 is the usual bar."),
        ("Wilcoxon signed-rank p-value", _p(outcome.wilcoxon_p),
         "The same question, asked without assuming scores follow a bell curve. Learners "
         "whose score did not change are left out of it."),
        ("Effect size d_z (95% interval)", effect,
         "The average change divided by how much the changes vary. As a rough guide, 0.2 is "
         "small, 0.5 medium and 0.8 large. The interval (noncentral t method) is the range "
         "the true value likely falls in."),
        ("Improved / same / worse", counts,
         f"How many of the {n} learners scored higher, the same, or lower on check B."),
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["Number", "Value", "What it means"])


def _safety(course: Course, reports: Reports, period: Period | None) -> None:
    table = safety_table(course.quizzes.values(), reports, period=period)
    answered = table[table["Learners"] > 0]
    if table.empty:
        return
    st.header("Safety questions")
    st.caption(
        "Questions marked safety-critical, such as what to do in an overdose. Each row counts "
        "the learners who tried that question: how many got it right the first time, and how "
        "many got it right in the end (on any try)."
    )
    if not answered.empty:
        st.dataframe(answered, hide_index=True)
    if len(answered) < len(table):
        st.caption(f"{len(table) - len(answered)} of the {len(table)} safety questions have no "
                   "answers from this cohort yet.")  # fmt: skip


def _quiz(course: Course, reports: Reports, period: Period | None) -> None:
    st.header("Item statistics (first answers)")
    quizzes = {q.id: q for q in course.quizzes.values()}
    chosen = st.selectbox("Quiz", list(quizzes), format_func=lambda i: quizzes[i].title)
    report = quiz_report(reports, quizzes[str(chosen)], period=period)
    stats = report.stats
    everyone = f"Learners who answered every question of this quiz at least once: {stats.n}."
    st.caption(f"{everyone} The numbers, the question table and the answer counts below use "
               "only their first answers.")  # fmt: skip
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
    numbers.dataframe(_items_table(report, labels), hide_index=True)
    st.caption(
        "Facility: the share who got the question right the first time. Discrimination "
        "(−100 to 100): how much more often people who did well on the rest of the quiz got "
        "this one right. The flags follow Moodle's quiz statistics guidance."
    )
    with st.expander("Answer counts per question"):
        st.caption(
            f"{everyone} How many of them chose each answer the first time. Where a question "
            "lets people pick more than one option, each option counts, so the shares can add "
            "up to more than 100%."
        )
        st.dataframe(_options_table(report, labels), hide_index=True)
    _board(report)
    st.download_button(
        "Item statistics (CSV)",
        items_csv(report),
        file_name=f"{report.quiz.id}-items.csv",
        mime="text/csv",
        on_click="ignore",
    )


def _items_table(report: QuizReport, labels: dict[str, str]) -> pd.DataFrame:
    rows = [(labels[i.question_id], i.n, _one(i.facility), _one(i.sd), _one(i.discrimination),
             what_to_check(i)) for i in report.items]  # fmt: skip
    columns = ["Question", "Learners", "Facility %", "SD %", "Discrimination", "What to check"]
    return pd.DataFrame(rows, columns=columns)


def _options_table(report: QuizReport, labels: dict[str, str]) -> pd.DataFrame:
    o = report.options
    return pd.DataFrame({
        "Question": o["question_id"].map(labels),
        "Answer": o["label"],
        "Right answer": o["is_right"].map({True: "yes", False: ""}),
        "Chosen by": o["count"].astype(int),
        "% of learners": o["share"].round(1),
    })  # fmt: skip


def _board(report: QuizReport) -> None:
    st.subheader("Misconception board")
    st.caption(
        f"Learners who answered at least one question of this quiz: {report.answered}. The "
        "board counts the wrong first answers of all of them."
    )
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


OUTCOMES = {"did": "did it", "partly": "partly", "not_yet": "not yet"}


def _practice(course: Course, found: PracticeReports, period: Period | None) -> None:
    """Counts of the cohort's practice per week, and its drills from first round to latest."""
    st.header("Practice")
    st.caption(
        "Counts only: what members write in exercises and what they choose to try stay "
        "private to them."
    )
    weeks = found.weeks(period)
    if not weeks:
        st.info("No practice yet in this period.")
    else:
        rows = [
            {
                "Week of": f"{w.week:%Y-%m-%d}",
                "Exercises saved": w.exercises,
                "Things to try chosen": w.commitments,
                "Check-ins": w.checked_in,
                **{f"Check-ins: {label}": w.check_ins.get(key, 0)
                   for key, label in OUTCOMES.items()},
                "Drill rounds": w.drill_rounds,
            }
            for w in weeks
        ]  # fmt: skip
        st.dataframe(pd.DataFrame(rows), hide_index=True)
    drills = found.drills()
    if drills:
        st.subheader("Drills on safety facts: first round and latest")
        titles = {lesson.id: lesson for lesson in course.lessons.values()}
        rows = []
        for d in drills:
            lesson = titles.get(d.lesson_id)
            step = next((s for s in lesson.steps if s.id == d.step_id), None) if lesson else None
            rows.append({
                "Drill": (step.title if step and step.title else d.step_id),
                "Lesson": lesson.title if lesson else d.lesson_id,
                "Members (2+ rounds)": d.learners,
                "Right, first round %": round(100 * d.first_right),
                "Right, latest %": round(100 * d.latest_right),
                "Seconds per answer, first": round(d.first_seconds, 1),
                "Seconds per answer, latest": round(d.latest_seconds, 1),
            })  # fmt: skip
        st.dataframe(pd.DataFrame(rows), hide_index=True)
        st.caption(
            "Members who did a drill at least twice: every answer of their first round against "
            "every answer of their latest. Seconds are medians. All time, not the period."
        )


def _exports(course: Course, reports: Reports, cohort_id: int, period: Period | None) -> None:
    st.header("Exports")
    st.caption(f"Both files hold {describe(period)}.")
    st.caption(
        "Learners appear only as a made-up name, the same in both files and different in each "
        "cohort: never a name, e-mail or learner code. The dose table's CSV uses program IDs."
    )
    named = pseudonyms(limits(), cohort_id)  # here: the download callables run off-script
    left, right = st.columns(2)
    left.download_button(
        "All answers (CSV)",
        lambda: "".join(answers_csv(reports, period=period, name=named)),
        file_name=f"cohort-{cohort_id}-answers.csv",
        mime="text/csv",
        on_click="ignore",
    )
    base = room.base_url()
    signer, home_page = limits(), xapi_home_page(base)  # here: the callable runs off-script
    right.download_button(
        "xAPI statements (JSON, gzip)",
        # Streamlit holds a download's bytes whole: the compressed ones are about a ninth.
        lambda: gzipped(
            xapi_json(reports, course, signer, base=base, home_page=home_page, period=period)
        ),
        file_name=f"cohort-{cohort_id}-xapi.json.gz",
        mime="application/gzip",
        on_click="ignore",
    )


def _pct(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.0f}%"


def _num(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.2f}" if abs(value) < 1.5 else f"{value:.0f}"


def _one(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.1f}"


def _two(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.2f}"


def _p(value: float) -> str:
    """Write a p-value: two decimals, "< 0.001" when tiny, "n/a" when there is no test."""
    if math.isnan(value):
        return "n/a"
    return "< 0.001" if value < 0.001 else f"{value:.3f}" if value < 0.01 else f"{value:.2f}"


show()
