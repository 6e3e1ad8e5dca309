"""Dose and engagement: lessons and practice per learner and week, weeks active, who is away.

Pure: the store's rows in, tables and numbers out; ``now`` is passed in. Counts cover the
activity inside the period; "last active" and "not back" are taken as of the period's end (or
now, if that comes first) from all activity before it. A week is an ISO week (Monday to Sunday)
in UTC. A program sees a person only under the program ID they chose to enter; everyone else
counts only in the cohort's numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd

from course.export import to_csv
from course.model import Course
from course.period import Period
from course.store.engagement_reports import ActiveWeek, Member

NOT_BACK_DAYS = 14
AUDIENCES = ("learner", "family")
PROGRAM_HEADER = (
    "program_id",
    "lessons_completed",
    "quizzes_finished",
    "weeks_active",
    "last_active",
    "not_back_14_days",
)
_WEEK_COLUMNS = ["learner_id", "week", "lessons", "quizzes"]


@dataclass(frozen=True)
class Engagement:
    """A cohort's engagement numbers for one period."""

    learners: int
    active: int  # members with at least one active week in the period
    median_lessons_per_active_week: float  # median over active members; NaN if none
    weeks_active: dict[int, int]  # number of active weeks -> members, from 0 up, no gaps
    not_back: int
    with_program_id: int


def track_lessons(course: Course) -> dict[str, frozenset[str]]:
    """Map each audience to the served lessons of its tracks (a "both" track counts for each)."""
    return {
        audience: frozenset(
            lesson.id
            for track in course.manifest.tracks
            if track.audience in (audience, "both")
            for lesson in course.track_lessons(track)
        )
        for audience in AUDIENCES
    }


def as_of(now: datetime, period: Period | None) -> datetime:
    """Return the moment a status is taken at: now, or the end of the period if earlier."""
    return now if period is None else min(now, period.end)


def is_not_back(member: Member, track_size: int, moment: datetime) -> bool:
    """Tell whether the learner was away more than 14 days at the moment, lessons still to do.

    Away counts from their last activity, or from joining if they have done nothing yet; a
    learner who completed every lesson of their track is done, not away.
    """
    if track_size and member.track_lessons_done >= track_size:
        return False
    since = member.last_active or member.joined_at
    return since < moment - timedelta(days=NOT_BACK_DAYS)


def weekly_dose(weeks: Sequence[ActiveWeek]) -> pd.DataFrame:
    """Tabulate lessons and quizzes per learner and active week, in learner and week order."""
    rows = [(w.learner_id, w.week, w.lessons, w.quizzes) for w in weeks]
    table = pd.DataFrame(rows, columns=_WEEK_COLUMNS)
    return table.sort_values(["learner_id", "week"], ignore_index=True)


def learner_table(
    members: Sequence[Member],
    weeks: Sequence[ActiveWeek],
    tracks: Mapping[str, frozenset[str]],
    now: datetime,
    period: Period | None,
) -> pd.DataFrame:
    """Make one row per member: program ID, dose in the period, weeks active, last active, away."""
    dose = (
        weekly_dose(weeks)
        .groupby("learner_id")
        .agg(lessons=("lessons", "sum"), quizzes=("quizzes", "sum"), weeks_active=("week", "count"))
    )
    moment = as_of(now, period)
    rows = []
    for m in members:
        lessons, quizzes, active = (
            (int(x) for x in dose.loc[m.learner_id]) if m.learner_id in dose.index else (0, 0, 0)
        )
        away = is_not_back(m, len(tracks.get(m.audience, ())), moment)
        rows.append((m.learner_id, m.program_id, lessons, quizzes, active, m.last_active, away))
    columns = ["learner_id", "program_id", "lessons", "quizzes", "weeks_active", "last_active",
               "not_back"]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def cohort_numbers(table: pd.DataFrame) -> Engagement:
    """Sum up the learner table: no one's row is shown, only the cohort's numbers."""
    active = table[table["weeks_active"] > 0]
    rates = active["lessons"] / active["weeks_active"]
    counts = table["weeks_active"].value_counts()
    most = int(table["weeks_active"].max()) if len(table) else 0
    return Engagement(
        learners=len(table),
        active=len(active),
        median_lessons_per_active_week=float(rates.median()) if len(rates) else float("nan"),
        weeks_active={n: int(counts.get(n, 0)) for n in range(most + 1)},
        not_back=int(table["not_back"].sum()),
        with_program_id=int(table["program_id"].notna().sum()),
    )


def cohort_weeks(weeks: Sequence[ActiveWeek]) -> pd.DataFrame:
    """Count, per week, the members active, the lessons completed and the quizzes finished."""
    dose = weekly_dose(weeks)
    per_week = dose.groupby("week", as_index=False).agg(
        learners=("learner_id", "count"), lessons=("lessons", "sum"), quizzes=("quizzes", "sum")
    )
    return per_week.astype({"learners": int, "lessons": int, "quizzes": int})


def program_rows(table: pd.DataFrame) -> list[tuple[object, ...]]:
    """Return the rows of learners who entered a program ID, by ID (last active: date only)."""
    named = table[table["program_id"].notna()].sort_values("program_id")
    return [
        (
            str(r.program_id),
            int(r.lessons),
            int(r.quizzes),
            int(r.weeks_active),
            None if pd.isna(r.last_active) else r.last_active.date(),
            "yes" if r.not_back else "no",
        )
        for r in named.itertuples()
    ]


def program_csv(table: pd.DataFrame) -> str:
    """Render the per-person rows as CSV, keyed by program ID, for the program's own records."""
    return to_csv(PROGRAM_HEADER, program_rows(table))
