"""The dashboard's dose and engagement section: lessons and practice per week, who is away."""

from __future__ import annotations

import math
from datetime import datetime

import pandas as pd
import streamlit as st

from course.engagement import (
    NOT_BACK_DAYS,
    Engagement,
    cohort_numbers,
    cohort_weeks,
    learner_table,
    program_csv,
    program_rows,
    track_lessons,
)
from course.model import Course
from course.period import Period, describe
from course.store.engagement_reports import EngagementReports

PEOPLE_COLUMNS = [
    "Program ID",
    "Lessons completed",
    "Quizzes finished",
    "Weeks active",
    "Last active",
    f"Not back for {NOT_BACK_DAYS} days",
]


def show(
    course: Course, reports: EngagementReports, *, period: Period | None, now: datetime
) -> None:
    """Draw the cohort's dose and engagement in the period, and the rows by program ID."""
    tracks = track_lessons(course)
    weeks = reports.active_weeks(period)
    table = learner_table(reports.members(tracks, now, period), weeks, tracks, now, period)
    numbers = cohort_numbers(table)
    st.header("Dose and engagement")
    st.caption(
        f"Activity in {describe(period)}: lessons and steps, answers and finished quizzes. "
        "A week runs Monday to Sunday (UTC). Last active and not back are as of the end of "
        "the period (or now)."
    )
    _numbers(numbers)
    per_week, spread = st.columns([3, 2])
    per_week.dataframe(_weeks_table(cohort_weeks(weeks)), hide_index=True)
    spread.dataframe(_spread_table(numbers), hide_index=True)
    st.caption(
        "Practice counts finished quizzes for now: practice exercises arrive in a later issue."
    )
    _people(table, reports.cohort_id)


def _numbers(numbers: Engagement) -> None:
    active, dose, away = st.columns(3)
    active.metric("Active learners", f"{numbers.active} of {numbers.learners}")
    rate = numbers.median_lessons_per_active_week
    dose.metric(
        "Median lessons per active week",
        "n/a" if math.isnan(rate) else f"{rate:.2f}",
        help="Each active learner's lessons completed divided by their weeks active; the middle.",
    )
    away.metric(
        f"Not back for {NOT_BACK_DAYS} days",
        numbers.not_back,
        help=f"No activity for more than {NOT_BACK_DAYS} days (or none since joining), with "
        "lessons of their track still to do.",
    )


def _weeks_table(per_week: pd.DataFrame) -> pd.DataFrame:
    return per_week.rename(
        columns={"week": "Week of (Monday)", "learners": "Learners active",
                 "lessons": "Lessons completed", "quizzes": "Quizzes finished"}
    )  # fmt: skip


def _spread_table(numbers: Engagement) -> pd.DataFrame:
    spread = numbers.weeks_active
    return pd.DataFrame({"Weeks active": list(spread), "Learners": list(spread.values())})


def _people(table: pd.DataFrame, cohort_id: int) -> None:
    st.subheader("By program ID")
    st.caption(
        "A learner appears here only under the program ID they chose to enter when joining; "
        "learners without one count only in the numbers above. Nothing else identifying is "
        "stored: no names, e-mails or addresses."
    )
    rows = program_rows(table)
    if not rows:
        st.info("No learner in this cohort has entered a program ID.")
        return
    st.dataframe(pd.DataFrame(rows, columns=PEOPLE_COLUMNS), hide_index=True)
    st.download_button(
        "Rows by program ID (CSV)",
        program_csv(table),
        file_name=f"cohort-{cohort_id}-engagement.csv",
        mime="text/csv",
        on_click="ignore",
    )
