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
from course.i18n import LANGUAGES, N_, language_name, ntr, said, tr
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
    st.title(tr("Dashboard"))
    course = course_result().course
    if course is None:
        st.error(tr("The course can't be shown right now."))
        return
    now = identity.now()
    period = reporting.choose_period(now.date())
    _group_sessions(course, facilitator, period)
    st.header(tr("Cohorts of self-paced learners"))
    mine = cohorts().of(facilitator.id)
    _new_cohort(facilitator)
    if not mine:
        st.info(tr("No cohorts yet. Create one and give its code to your program's learners."))
        return
    names = {c.id: tr("{name} (code {code})").format(name=c.name, code=c.code) for c in mine}
    newest = st.session_state.get(MADE, (None,))[0]
    chosen = st.selectbox(
        tr("Cohort"), list(names), format_func=names.__getitem__,
        index=list(names).index(newest) if newest in names else 0,
    )  # fmt: skip
    cohort = cohorts().owned(int(chosen), facilitator.id)
    answered_in = _answer_language()
    reports = Reports(store().engine, cohort.id, language=answered_in)
    size = cohorts().size(cohort.id)
    st.caption(
        tr(
            "{size} learner(s) in this cohort in all. Learners join with the program code "
            "**{code}** (My progress page)."
        ).format(size=size, code=cohort.code)
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


def _answer_language() -> str | None:
    """Which answers the item statistics, scores and gains count: all, or one language's."""
    choices: list[str | None] = [None, *LANGUAGES]
    picked = st.selectbox(
        tr("Answers given in"),
        choices,
        format_func=lambda c: tr("All languages") if c is None else language_name(c),
        key="dashboard_language",
    )
    if picked is not None:
        st.caption(
            tr(
                "Item statistics, answer counts, scores and gains below count only answers "
                "given in {language}. A question that is hard in one language only points to "
                "its translation."
            ).format(language=language_name(picked))
        )
    return picked


def _group_sessions(course: Course, facilitator: staff.Facilitator, period: Period | None) -> None:
    """List the counselor's group sessions started in the period: headcount, share right."""
    mine = [
        s
        for s in sessions().sessions_of(facilitator.id)
        if not period or period.contains(s.created_at)
    ]
    if not mine:
        return
    st.header(tr("Group sessions"))
    rows = []
    for room_ in mine[:50]:
        answers = sessions().responses(room_.id, facilitator.id)
        graded = [r.is_correct for r in answers if r.is_correct is not None]
        lesson = course.lessons.get(room_.lesson_id)
        rows.append(
            {
                tr("Started"): f"{room_.created_at:%Y-%m-%d %H:%M}",
                tr("Lesson"): lesson.title if lesson else room_.lesson_id,
                tr("Kind"): tr(KINDS[room_.kind]) if room_.kind in KINDS else room_.kind,
                tr("People"): sessions().participant_count(room_.id),
                tr("Answers"): len(answers),
                tr("% right"): round(100 * sum(graded) / len(graded)) if graded else None,
            }
        )
    st.dataframe(pd.DataFrame(rows), hide_index=True)
    st.caption(tr("Per-question charts and the CSV of each session: Session summaries."))


def _new_cohort(facilitator: staff.Facilitator) -> None:
    with st.expander(tr("Create a cohort")):
        with st.form("new_cohort"):
            name = st.text_input(tr("Name (for example: Tuesday evening group)"), max_chars=80)
            if st.form_submit_button(tr("Create")):
                try:
                    made = cohorts().create(facilitator.id, name or "", identity.now())
                except ValueError as problem:
                    st.error(said(problem))
                else:  # chosen, and said once, after the rerun that lists the new cohort
                    st.session_state[MADE] = (made.id, made.code)
                    st.session_state[MADE_NOTE] = True
                    st.rerun()
    if st.session_state.pop(MADE_NOTE, False):
        st.success(
            tr("Created. Learners join it with the code {code}.").format(
                code=st.session_state[MADE][1]
            )
        )


def _progress(course: Course, reports: Reports, period: Period | None) -> None:
    st.header(tr("Progress per lesson"))
    table = progress_table(course, reports, period=period)
    chart, numbers = st.columns([3, 2])
    chart.plotly_chart(
        progress_figure(list(table["Lesson"]), list(table["Started"]), list(table["Completed"])),
        config=STATIC,
        alt=tr("Learners who started and completed each lesson; the numbers are in the table."),
    )
    numbers.dataframe(_translated(table), hide_index=True)
    st.caption(
        tr(
            "Started and Completed count what happened in the period. Completion is shown as a "
            "share of everyone enrolled by the period's end, and of those who started."
        )
    )


def _funnel(course: Course, reports: Reports, period: Period | None) -> None:
    st.header(tr("Where people stop"))
    lessons = {lesson.id: lesson for lesson in lessons_in_order(course)}
    chosen = st.selectbox(tr("Lesson"), list(lessons), format_func=lambda i: lessons[i].title)
    lesson = lessons[str(chosen)]
    st.caption(tr("The learners who started this lesson in the period, by the furthest step."))
    for found in lesson_funnel(reports, lesson, period=period):
        if found.name:
            st.subheader(tr(found.name))
        chart, numbers = st.columns([3, 2])
        chart.plotly_chart(
            funnel_figure(found.steps),
            config=STATIC,
            alt=tr("Learners who reached each step; the numbers are in the table."),
            key=f"funnel-{found.audience}",
        )
        shown = found.steps[["step", "learners", "share"]].round({"share": 1})
        numbers.dataframe(_translated(shown, FUNNEL_COLUMNS), hide_index=True)


def _gain(course: Course, reports: Reports, period: Period | None) -> None:
    outcome = paired_outcome(course, reports, period=period)
    everyone = cohort_gain(course, reports, period=period)
    if outcome is None or everyone is None:
        return
    st.header(tr("Knowledge gain (check A before, check B after)"))
    st.subheader(tr("Learners who took both checks"))
    st.caption(
        tr(
            "The same people before and after: each learner's first check A, and their latest "
            "check B taken after it."
        )
    )
    if not outcome.n:
        st.info(tr("No learner has taken check A and then check B yet."))
    elif outcome.is_small:
        st.warning(
            tr(
                "Only {n} learner(s) took both checks. Fewer than {pairs} pairs: "
                "treat these numbers with care."
            ).format(n=outcome.n, pairs=SMALL_PAIRS)
        )
    if outcome.n:
        _paired(outcome)
    st.subheader(tr("Everyone who took each check"))
    left, right = st.columns(2)
    left.metric(tr("Everyone who took check A"), _pct(everyone.mean_pre))
    right.metric(tr("Everyone who took check B"), _pct(everyone.mean_post))
    st.caption(
        tr(
            "{before} learners took check A and {after} took check B. They are "
            "not all the same people, so do not subtract these two numbers. For change, use the "
            "numbers above."
        ).format(before=everyone.n_pre, after=everyone.n_post)
    )


def _paired(outcome: PrePost) -> None:
    """Show the paired means, both gains and the tests, each with what it means."""
    chart, numbers = st.columns([3, 2])
    chart.plotly_chart(
        pre_post_figure(outcome),
        config=STATIC,
        alt=tr("The same {n} learners: mean before {before}%, after {after}%.").format(
            n=outcome.n, before=f"{outcome.mean_pre:.0f}", after=f"{outcome.mean_post:.0f}"
        ),
    )
    numbers.metric(tr("Learners who took both checks"), str(outcome.n))
    numbers.metric(tr("Before (same learners)"), _pct(outcome.mean_pre))
    numbers.metric(tr("After (same learners)"), _pct(outcome.mean_post))
    numbers.metric(tr("Class gain ⟨g⟩"), _two(outcome.class_gain))
    numbers.metric(tr("Average of each learner's gain"), _two(outcome.mean_individual_gain))
    left_out = ""
    if outcome.n_at_ceiling:
        left_out = ntr(
            " 1 learner who scored 100% on check A is left out: there was no room to gain.",
            " {n} learners who scored 100% on check A are left out: there was no room to gain.",
            outcome.n_at_ceiling,
        ).format(n=outcome.n_at_ceiling)
    st.caption(
        tr(
            "Class gain ⟨g⟩ is Hake's class-average normalized gain: (after − before) ÷ "
            "(100% − before), using the two averages above. 0 means no gain, 1 means the group "
            "learned all it could, and below 0 means scores fell. The average of each learner's "
            "gain works out (after − before) ÷ (100% − before) for each person, then averages it "
            "over {n} learner(s).{left_out}"
        ).format(n=outcome.n_individual, left_out=left_out)
    )
    st.dataframe(_tests_table(outcome), hide_index=True)


def _tests_table(outcome: PrePost) -> pd.DataFrame:
    n = outcome.n
    counts = " / ".join(f"{k} ({100 * k / n:.0f}%)" for k in (outcome.improved, outcome.same,
                                                                outcome.worse))  # fmt: skip
    effect = tr("n/a") if math.isnan(outcome.d_z) else tr("{d} ({low} to {high})").format(
        d=f"{outcome.d_z:.2f}", low=f"{outcome.d_z_low:.2f}",
        high=f"{outcome.d_z_high:.2f}")  # fmt: skip
    rows = [
        (tr("Paired t-test p-value"), _p(outcome.t_p),
         tr("How likely a change at least this big would be by chance alone, if the course "
            "made no difference. Under 0.05 is the usual bar.")),
        (tr("Wilcoxon signed-rank p-value"), _p(outcome.wilcoxon_p),
         tr("The same question, asked without assuming scores follow a bell curve. Learners "
            "whose score did not change are left out of it.")),
        (tr("Effect size d_z (95% interval)"), effect,
         tr("The average change divided by how much the changes vary. As a rough guide, 0.2 "
            "is small, 0.5 medium and 0.8 large. The interval (noncentral t method) is the "
            "range the true value likely falls in.")),
        (tr("Improved / same / worse"), counts,
         tr("How many of the {n} learners scored higher, the same, or lower on check B."
            ).format(n=n)),
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=[tr("Number"), tr("Value"), tr("What it means")])


def _safety(course: Course, reports: Reports, period: Period | None) -> None:
    table = safety_table(course.quizzes.values(), reports, period=period)
    answered = table[table["Learners"] > 0]
    if table.empty:
        return
    st.header(tr("Safety questions"))
    st.caption(
        tr(
            "Questions marked safety-critical, such as what to do in an overdose. Each row counts "
            "the learners who tried that question: how many got it right the first time, and how "
            "many got it right in the end (on any try)."
        )
    )
    if not answered.empty:
        st.dataframe(_translated(answered), hide_index=True)
    if len(answered) < len(table):
        st.caption(tr("{missing} of the {total} safety questions have no answers from this "
                      "cohort yet.").format(missing=len(table) - len(answered),
                                            total=len(table)))  # fmt: skip


def _quiz(course: Course, reports: Reports, period: Period | None) -> None:
    st.header(tr("Item statistics (first answers)"))
    quizzes = {q.id: q for q in course.quizzes.values()}
    chosen = st.selectbox(tr("Quiz"), list(quizzes), format_func=lambda i: quizzes[i].title)
    report = quiz_report(reports, quizzes[str(chosen)], period=period)
    stats = report.stats
    everyone = tr("Learners who answered every question of this quiz at least once: {n}.").format(
        n=stats.n
    )
    st.caption(tr("{everyone} The numbers, the question table and the answer counts below use "
                  "only their first answers.").format(everyone=everyone))  # fmt: skip
    if stats.is_small:
        st.warning(
            tr(
                "Only {n} learner(s) answered every question. With fewer than "
                "{small}, these numbers can change a lot with one more person."
            ).format(n=stats.n, small=SMALL_GROUP)
        )
    cols = st.columns(5)
    for col, (label, value) in zip(
        cols,
        [
            (tr("Learners"), str(stats.n)),
            (tr("Mean"), _pct(stats.mean)),
            (tr("Median"), _pct(stats.median)),
            (tr("SD"), _pct(stats.sd)),
            (tr("Cronbach's alpha"), _num(stats.alpha)),
        ],
        strict=True,
    ):
        col.metric(label, value)
    labels = {q.id: tr("Q{n}").format(n=n) for n, q in enumerate(report.quiz.questions, start=1)}
    chart, numbers = st.columns([3, 2])
    chart.plotly_chart(
        facility_figure(report.items, labels),
        config=STATIC,
        alt=tr("Facility and discrimination per question; numbers in the table."),
    )
    numbers.dataframe(_items_table(report, labels), hide_index=True)
    st.caption(
        tr(
            "Facility: the share who got the question right the first time. Discrimination "
            "(−100 to 100): how much more often people who did well on the rest of the quiz got "
            "this one right. The flags follow Moodle's quiz statistics guidance."
        )
    )
    with st.expander(tr("Answer counts per question")):
        st.caption(
            tr(
                "{everyone} How many of them chose each answer the first time. Where a question "
                "lets people pick more than one option, each option counts, so the shares can "
                "add up to more than 100%."
            ).format(everyone=everyone)
        )
        st.dataframe(_options_table(report, labels), hide_index=True)
    _board(report)
    st.download_button(
        tr("Item statistics (CSV)"),
        items_csv(report),
        file_name=f"{report.quiz.id}-items.csv",
        mime="text/csv",
        on_click="ignore",
    )


def _items_table(report: QuizReport, labels: dict[str, str]) -> pd.DataFrame:
    rows = [(labels[i.question_id], i.n, _one(i.facility), _one(i.sd), _one(i.discrimination),
             what_to_check(i)) for i in report.items]  # fmt: skip
    columns = [tr("Question"), tr("Learners"), tr("Facility %"), tr("SD %"), tr("Discrimination"),
               tr("What to check")]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def _options_table(report: QuizReport, labels: dict[str, str]) -> pd.DataFrame:
    o = report.options
    return pd.DataFrame({
        tr("Question"): o["question_id"].map(labels),
        tr("Answer"): o["label"],
        tr("Right answer"): o["is_right"].map({True: tr("yes"), False: ""}),
        tr("Chosen by"): o["count"].astype(int),
        tr("% of learners"): o["share"].round(1),
    })  # fmt: skip


def _board(report: QuizReport) -> None:
    st.subheader(tr("Misconception board"))
    st.caption(
        tr(
            "Learners who answered at least one question of this quiz: {n}. The "
            "board counts the wrong first answers of all of them."
        ).format(n=report.answered)
    )
    if report.board:
        board, table = st.columns([3, 2])
        board.plotly_chart(
            misconception_figure(report.board),
            config=STATIC,
            alt=tr("Misconceptions chosen most often; numbers in the table."),
        )
        table.dataframe(
            pd.DataFrame(
                [
                    {
                        tr("Misconception"): m.tag.replace("-", " "),
                        tr("Times chosen"): m.chosen,
                        tr("Chosen while sure"): m.confident,
                        tr("Learners"): m.learners,
                    }
                    for m in report.board
                ]
            ),
            hide_index=True,
        )
    else:
        st.caption(tr("No misconception showed up in first answers to this quiz."))


OUTCOMES = {"did": N_("did it"), "partly": N_("partly"), "not_yet": N_("not yet")}
# How a group session's kind (a stored value) is shown.
KINDS = {"group": N_("group"), "family": N_("family")}
# The funnel table's columns (course.dashboard.lesson_funnel), as shown.
FUNNEL_COLUMNS = {"step": N_("step"), "learners": N_("learners"), "share": N_("share")}


def _practice(course: Course, found: PracticeReports, period: Period | None) -> None:
    """Counts of the cohort's practice per week, and its drills from first round to latest."""
    st.header(tr("Practice"))
    st.caption(
        tr(
            "Counts only: what members write in exercises and what they choose to try stay "
            "private to them."
        )
    )
    weeks = found.weeks(period)
    if not weeks:
        st.info(tr("No practice yet in this period."))
    else:
        rows = [
            {
                tr("Week of"): f"{w.week:%Y-%m-%d}",
                tr("Exercises saved"): w.exercises,
                tr("Things to try chosen"): w.commitments,
                tr("Check-ins"): w.checked_in,
                **{tr("Check-ins: {outcome}").format(outcome=tr(label)): w.check_ins.get(key, 0)
                   for key, label in OUTCOMES.items()},
                tr("Drill rounds"): w.drill_rounds,
            }
            for w in weeks
        ]  # fmt: skip
        st.dataframe(pd.DataFrame(rows), hide_index=True)
    drills = found.drills()
    if drills:
        st.subheader(tr("Drills on safety facts: first round and latest"))
        titles = {lesson.id: lesson for lesson in course.lessons.values()}
        rows = []
        for d in drills:
            lesson = titles.get(d.lesson_id)
            step = next((s for s in lesson.steps if s.id == d.step_id), None) if lesson else None
            rows.append({
                tr("Drill"): (step.title if step and step.title else d.step_id),
                tr("Lesson"): lesson.title if lesson else d.lesson_id,
                tr("Members (2+ rounds)"): d.learners,
                tr("Right, first round %"): round(100 * d.first_right),
                tr("Right, latest %"): round(100 * d.latest_right),
                tr("Seconds per answer, first"): round(d.first_seconds, 1),
                tr("Seconds per answer, latest"): round(d.latest_seconds, 1),
            })  # fmt: skip
        st.dataframe(pd.DataFrame(rows), hide_index=True)
        st.caption(
            tr(
                "Members who did a drill at least twice: every answer of their first round "
                "against every answer of their latest. Seconds are medians. All time, not the "
                "period."
            )
        )


def _exports(course: Course, reports: Reports, cohort_id: int, period: Period | None) -> None:
    st.header(tr("Exports"))
    st.caption(tr("Both files hold {period}.").format(period=describe(period)))
    st.caption(
        tr(
            "Learners appear only as a made-up name, the same in both files and different in "
            "each cohort: never a name, e-mail or learner code. The dose table's CSV uses "
            "program IDs."
        )
    )
    named = pseudonyms(limits(), cohort_id)  # here: the download callables run off-script
    left, right = st.columns(2)
    left.download_button(
        tr("All answers (CSV)"),
        lambda: "".join(answers_csv(reports, period=period, name=named)),
        file_name=f"cohort-{cohort_id}-answers.csv",
        mime="text/csv",
        on_click="ignore",
    )
    base = room.base_url()
    signer, home_page = limits(), xapi_home_page(base)  # here: the callable runs off-script
    right.download_button(
        tr("xAPI statements (JSON, gzip)"),
        # Streamlit holds a download's bytes whole: the compressed ones are about a ninth.
        lambda: gzipped(
            xapi_json(reports, course, signer, base=base, home_page=home_page, period=period)
        ),
        file_name=f"cohort-{cohort_id}-xapi.json.gz",
        mime="application/gzip",
        on_click="ignore",
    )


def _translated(table: pd.DataFrame, names: dict[str, str] | None = None) -> pd.DataFrame:
    """Show a table's English column headers (marked N_ where made) in the current language."""
    shown = names or {}
    return table.rename(columns=lambda c: tr(shown.get(str(c), str(c))))


def _pct(value: float) -> str:
    return tr("n/a") if math.isnan(value) else f"{value:.0f}%"


def _num(value: float) -> str:
    return (
        tr("n/a") if math.isnan(value) else f"{value:.2f}" if abs(value) < 1.5 else f"{value:.0f}"
    )


def _one(value: float) -> str:
    return tr("n/a") if math.isnan(value) else f"{value:.1f}"


def _two(value: float) -> str:
    return tr("n/a") if math.isnan(value) else f"{value:.2f}"


def _p(value: float) -> str:
    """Write a p-value: two decimals, "< 0.001" when tiny, "n/a" when there is no test."""
    if math.isnan(value):
        return tr("n/a")
    return "< 0.001" if value < 0.001 else f"{value:.3f}" if value < 0.01 else f"{value:.2f}"


show()
