"""The dashboard's reporting period, and what a program reports for it across its cohorts."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
import streamlit as st

from course.i18n import N_, tr
from course.model import Course
from course.period import Period, describe
from course.program_report import COMPARISON_COLUMNS, CohortNumbers, comparison_rows
from course.program_report import cohort_numbers as numbers_of
from course.store.cohorts import Cohort
from course.store.engagement_reports import EngagementReports
from course.store.reports import Reports
from course.ui.resources import store

CHOICES = {
    "all": N_("All time"),
    "30": N_("Last 30 days"),
    "90": N_("Last 90 days"),
    "year": N_("This year"),
    "dates": N_("Choose dates"),
}


def choose_period(today: date) -> Period | None:
    """Ask which period the numbers count (None: all time); say it under the control."""
    choice = st.radio(
        tr("Reporting period"),
        list(CHOICES),
        format_func=lambda v: tr(CHOICES[v]),
        horizontal=True,
    )
    period = _period(str(choice), today)
    st.caption(
        tr(
            "Every number below counts **{period}**: activity, answers and results "
            "in that time, and the people enrolled by its end."
        ).format(period=describe(period))
    )
    return period


def _period(choice: str, today: date) -> Period | None:
    if choice == "30":
        return Period.of_days(today - timedelta(days=29), today)
    if choice == "90":
        return Period.of_days(today - timedelta(days=89), today)
    if choice == "year":
        return Period.of_days(date(today.year, 1, 1), today)
    if choice == "dates":
        picked = st.date_input(
            tr("From and to (both days count)"),
            value=(today - timedelta(days=29), today),
            max_value=today,
            format="YYYY-MM-DD",
        )
        if isinstance(picked, tuple) and len(picked) == 2:
            return Period.of_days(picked[0], picked[1])
        st.info(tr("Pick the last day too. Until then the numbers count the first day only."))
        first = picked[0] if isinstance(picked, tuple) and picked else today
        return Period.of_days(first, first)
    return None


def program_summary(
    course: Course,
    cohorts: list[Cohort],
    chosen: int,
    activity: EngagementReports,
    period: Period | None,
    now: datetime,
) -> None:
    """Show the chosen cohort's people in the period, and on request every cohort side by side.

    The side-by-side table reads every cohort, so it is worked out only when asked for.
    """

    def numbers(cohort: Cohort) -> CohortNumbers:
        reports = Reports(store().engine, cohort.id)
        read = activity if cohort.id == chosen else EngagementReports(store().engine, cohort.id)
        return numbers_of(course, cohort.name, reports, read, period=period, now=now)

    mine = numbers(next(c for c in cohorts if c.id == chosen))
    st.header(tr("People served"))
    _metrics(mine)
    st.caption(
        tr(
            "Enrolled: joined this cohort by the end of the period. People served: did anything "
            "in the course in the period (each person once). Finished: completed every lesson of "
            "their own track (for themselves, or for family) by the end of the period."
        )
    )
    if len(cohorts) > 1 and st.toggle(tr("Compare all my cohorts side by side")):
        found = [mine if c.id == chosen else numbers(c) for c in cohorts]
        st.subheader(tr("Your cohorts side by side"))
        table = pd.DataFrame(comparison_rows(found), columns=[tr(c) for c in COMPARISON_COLUMNS])
        st.dataframe(table, hide_index=True)
        st.caption(
            tr(
                "The last row counts each person once, even if they joined more than one of "
                "your cohorts. Class gain ⟨g⟩ compares the same learners before and after."
            )
        )


def _metrics(mine: CohortNumbers) -> None:
    enrolled, served, finished, lessons = st.columns(4)
    enrolled.metric(tr("Enrolled"), len(mine.enrolled))
    served.metric(tr("People served"), len(mine.served))
    share = (
        f" ({100 * len(mine.completed_track) / len(mine.enrolled):.0f}%)" if mine.enrolled else ""
    )
    finished.metric(tr("Finished their whole track"), f"{len(mine.completed_track)}{share}")
    lessons.metric(tr("Lessons completed"), len(mine.completions))
