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
from course.i18n import N_, tr
from course.model import Course
from course.period import Period, describe
from course.store.engagement_reports import EngagementReports

# Column headers shown (translated where shown); the last one gets the number of days.
PEOPLE_COLUMNS = [
    N_("Program ID"),
    N_("Lessons completed"),
    N_("Quizzes finished"),
    N_("Weeks active"),
    N_("Last active"),
    N_("Not back for {days} days"),
]
# The "not back" cell of a row (program_rows says "yes" or "no", as the CSV does).
YES_NO = {"yes": N_("yes"), "no": N_("no")}


def show(
    course: Course, reports: EngagementReports, *, period: Period | None, now: datetime
) -> None:
    """Draw the cohort's dose and engagement in the period, and the rows by program ID."""
    tracks = track_lessons(course)
    weeks = reports.active_weeks(period)
    table = learner_table(reports.members(tracks, now, period), weeks, tracks, now, period)
    numbers = cohort_numbers(table)
    st.header(tr("Dose and engagement"))
    st.caption(
        tr(
            "Activity in {period}: lessons and steps, answers and finished quizzes. "
            "A week runs Monday to Sunday (UTC). Last active and not back are as of the end of "
            "the period (or now)."
        ).format(period=describe(period))
    )
    _numbers(numbers)
    per_week, spread = st.columns([3, 2])
    per_week.dataframe(_weeks_table(cohort_weeks(weeks)), hide_index=True)
    spread.dataframe(_spread_table(numbers), hide_index=True)
    st.caption(
        tr("Practice counts finished quizzes for now: practice exercises arrive in a later issue.")
    )
    _people(table, reports.cohort_id)


def _numbers(numbers: Engagement) -> None:
    active, dose, away = st.columns(3)
    active.metric(
        tr("Active learners"),
        tr("{active} of {learners}").format(active=numbers.active, learners=numbers.learners),
    )
    rate = numbers.median_lessons_per_active_week
    dose.metric(
        tr("Median lessons per active week"),
        tr("n/a") if math.isnan(rate) else f"{rate:.2f}",
        help=tr(
            "Each active learner's lessons completed divided by their weeks active; the middle."
        ),
    )
    away.metric(
        tr("Not back for {days} days").format(days=NOT_BACK_DAYS),
        numbers.not_back,
        help=tr(
            "No activity for more than {days} days (or none since joining), with "
            "lessons of their track still to do."
        ).format(days=NOT_BACK_DAYS),
    )


def _weeks_table(per_week: pd.DataFrame) -> pd.DataFrame:
    return per_week.rename(
        columns={"week": tr("Week of (Monday)"), "learners": tr("Learners active"),
                 "lessons": tr("Lessons completed"), "quizzes": tr("Quizzes finished")}
    )  # fmt: skip


def _spread_table(numbers: Engagement) -> pd.DataFrame:
    spread = numbers.weeks_active
    return pd.DataFrame({tr("Weeks active"): list(spread), tr("Learners"): list(spread.values())})


def _people(table: pd.DataFrame, cohort_id: int) -> None:
    st.subheader(tr("By program ID"))
    st.caption(
        tr(
            "A learner appears here only under the program ID they chose to enter when joining; "
            "learners without one count only in the numbers above. Nothing else identifying is "
            "stored: no names, e-mails or addresses."
        )
    )
    rows = program_rows(table)
    if not rows:
        st.info(tr("No learner in this cohort has entered a program ID."))
        return
    columns = [tr(name).format(days=NOT_BACK_DAYS) for name in PEOPLE_COLUMNS]
    shown = [(*row[:-1], _yes_no(row[-1])) for row in rows]
    st.dataframe(pd.DataFrame(shown, columns=columns), hide_index=True)
    st.download_button(
        tr("Rows by program ID (CSV)"),
        program_csv(table),
        file_name=f"cohort-{cohort_id}-engagement.csv",
        mime="text/csv",
        on_click="ignore",
    )


def _yes_no(cell: object) -> object:
    """Say a "yes"/"no" cell in the app's language (anything else as it is)."""
    return tr(YES_NO[cell]) if isinstance(cell, str) and cell in YES_NO else cell
