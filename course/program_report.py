"""What a program reports for a period: people enrolled and served, completions, and gain.

Each cohort's row and a total that counts every person once, however many of the counselor's
cohorts they joined (unduplicated people served, as funders ask for).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from course.dashboard import paired_outcome
from course.engagement import as_of, learner_table, track_lessons
from course.i18n import N_, tr
from course.model import Course
from course.period import Period
from course.store.engagement_reports import EngagementReports
from course.store.reports import Reports


@dataclass(frozen=True)
class CohortNumbers:
    """One cohort's numbers for a period (people are learner ids, never shown)."""

    name: str
    enrolled: frozenset[int]  # members who had joined by the end of the period
    served: frozenset[int]  # members with any activity in the period
    completed_track: frozenset[int]  # members who had finished every lesson of their track
    completions: frozenset[tuple[int, str]]  # (learner, lesson) completed in the period
    pairs: int  # learners who took check A and then check B in the period
    class_gain: float  # Hake's <g> of those pairs (nan without pairs)


def cohort_numbers(
    course: Course,
    name: str,
    reports: Reports,
    activity: EngagementReports,
    *,
    period: Period | None,
    now: datetime,
) -> CohortNumbers:
    """Count one cohort's people and completions in the period."""
    tracks = track_lessons(course)
    members = activity.members(tracks, now, period)
    weeks = activity.active_weeks(period)
    table = learner_table(members, weeks, tracks, now, period)
    moment = as_of(now, period)
    enrolled = frozenset(m.learner_id for m in members if m.joined_at <= moment)
    served = frozenset(int(i) for i in table.loc[table["weeks_active"] > 0, "learner_id"])
    finished = frozenset(
        m.learner_id
        for m in members
        if m.learner_id in enrolled and m.track_lessons_done >= len(tracks.get(m.audience, ()))
    )
    lessons = frozenset((learner, lesson) for learner, lesson, _ in reports.completions(period))
    outcome = paired_outcome(course, reports, period=period)
    pairs = outcome.n if outcome else 0
    gain = outcome.class_gain if outcome and outcome.n else math.nan
    return CohortNumbers(name, enrolled, served, finished, lessons, pairs, gain)


# Column headers: marked here, translated where shown (tr() on each).
COMPARISON_COLUMNS = [
    N_("Cohort"),
    N_("Enrolled"),
    N_("People served"),
    N_("Lessons completed"),
    N_("Finished their whole track"),
    N_("% of enrolled who finished"),
    N_("Pairs (check A then B)"),
    N_("Class gain ⟨g⟩"),
]


def comparison_rows(cohorts: Sequence[CohortNumbers]) -> list[tuple[object, ...]]:
    """One row per cohort, then a total that counts each person once (pairs and gain: n/a)."""
    rows: list[tuple[object, ...]] = [
        (c.name, len(c.enrolled), len(c.served), len(c.completions), len(c.completed_track),
         _share(len(c.completed_track), len(c.enrolled)), c.pairs,
         None if math.isnan(c.class_gain) else round(c.class_gain, 2))
        for c in cohorts
    ]  # fmt: skip
    if len(cohorts) > 1:
        enrolled = frozenset().union(*(c.enrolled for c in cohorts))
        served = frozenset().union(*(c.served for c in cohorts))
        finished = frozenset().union(*(c.completed_track for c in cohorts))
        rows.append(
            (tr("All cohorts (each person once)"), len(enrolled), len(served),
             len(frozenset().union(*(c.completions for c in cohorts))), len(finished),
             _share(len(finished), len(enrolled)), None, None)
        )  # fmt: skip
    return rows


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None
