"""A reporting period on the dashboard: people enrolled and served, completions, each person once.

Hand-worked example (all times UTC; the period is 1 to 25 November 2026, both days counted):

    cohort X: P joined 1 Oct; lesson L1 done 10 Oct (before), L2 started and done 5 Nov.
              Q joined 10 Nov; the whole "for myself" track done 20 Nov.
              R joined 28 Nov (after the period) and did L1 that day.
    cohort Y: Q again (joined 11 Nov); S joined 1 Oct and never did anything.

So in the period: X enrolled {P, Q}, served {P, Q}, finished {Q} (50%); Y enrolled {Q, S},
served {Q}, finished {Q} (50%); in all, each person once: enrolled {P, Q, S}, served {P, Q},
finished {Q} (33.3%), completions P-L2 plus Q's whole track.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from apptest_kit import open_page

from course.dashboard import progress_table
from course.model import Course
from course.period import Period
from course.program_report import cohort_numbers as numbers_of
from course.program_report import comparison_rows
from course.store import Cohorts, Facilitators, Store
from course.store.engagement_reports import EngagementReports
from course.store.reports import Reports
from course.ui.staff import Facilitator

PERIOD = Period.of_days(date(2026, 11, 1), date(2026, 11, 25))
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
L1, L2 = "how-opioids-affect-the-brain", "tolerance-dependence-addiction"


def at(month: int, day: int, hour: int = 12) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


def own_track(course: Course) -> list[str]:
    """The lessons a "for myself" reader is asked to do: their track and the one for everyone."""
    tracks = [t for t in course.manifest.tracks if t.audience in ("learner", "both")]
    assert len(tracks) == 2, "the self-paced track and the track for everyone"
    return [lesson.id for track in tracks for lesson in course.track_lessons(track)]


@pytest.fixture
def made(store: Store, course: Course) -> Iterator[tuple[Store, int, int, dict[str, int]]]:
    lead = Facilitators(store.engine).add("lead", "a long pass phrase", at(9, 1))
    cohorts = Cohorts(store.engine)
    x, y = cohorts.create(lead, "X", at(9, 1)), cohorts.create(lead, "Y", at(9, 1))
    who = {name: store.create_learner(at(9, 1))[0] for name in "PQRS"}
    cohorts.join(who["P"], x.code, at(10, 1))
    cohorts.join(who["Q"], x.code, at(11, 10))
    cohorts.join(who["R"], x.code, at(11, 28))
    cohorts.join(who["Q"], y.code, at(11, 11))
    cohorts.join(who["S"], y.code, at(10, 1))
    store.visit_step(who["P"], L1, "s1", 0, at(10, 10))
    store.complete_lesson(who["P"], L1, at(10, 10, 13))
    store.visit_step(who["P"], L2, "s1", 0, at(11, 5))
    store.complete_lesson(who["P"], L2, at(11, 5, 13))
    for lesson in own_track(course):
        store.visit_step(who["Q"], lesson, "s1", 0, at(11, 20, 9))
        store.complete_lesson(who["Q"], lesson, at(11, 20, 10))
    store.visit_step(who["R"], L1, "s1", 0, at(11, 28))
    store.complete_lesson(who["R"], L1, at(11, 28, 13))
    yield store, x.id, y.id, who


def test_people_are_counted_in_the_period_and_once_in_all(
    made: tuple[Store, int, int, dict[str, int]], course: Course
) -> None:
    store, x, y, who = made
    numbers = [
        numbers_of(course, name, Reports(store.engine, c), EngagementReports(store.engine, c),
                   period=PERIOD, now=NOW)
        for name, c in (("X", x), ("Y", y))
    ]  # fmt: skip
    first, second = numbers
    assert first.enrolled == {who["P"], who["Q"]}  # R joined after the period
    assert first.served == {who["P"], who["Q"]}
    assert first.completed_track == {who["Q"]}
    track = len(own_track(course))
    assert len(first.completions) == 1 + track  # P's L2 and Q's track; not P's L1 (October)
    assert second.enrolled == {who["Q"], who["S"]} and second.served == {who["Q"]}
    rows = comparison_rows(numbers)
    assert rows[0][:6] == ("X", 2, 2, 1 + track, 1, 50.0)
    assert rows[1][:6] == ("Y", 2, 1, track, 1, 50.0)
    assert rows[2][:6] == ("All cohorts (each person once)", 3, 2, 1 + track, 1, 33.3)
    # All time: R counts (enrolled, served, finished nothing) and P's October lesson too.
    everything = numbers_of(course, "X", Reports(store.engine, x),
                            EngagementReports(store.engine, x), period=None, now=NOW)  # fmt: skip
    assert everything.enrolled == {who["P"], who["Q"], who["R"]}
    assert len(everything.completions) == 3 + track


def test_progress_counts_the_period_and_shares_of_everyone_enrolled(
    made: tuple[Store, int, int, dict[str, int]], course: Course
) -> None:
    store, x, _, _ = made
    table = progress_table(course, Reports(store.engine, x), period=PERIOD).set_index("Lesson")
    title = {lesson.id: lesson.title for lesson in course.lessons.values()}
    # L1: P started it in October (outside), R after the period: only Q counts.
    assert table.loc[title[L1]].to_dict() == {
        "Started": 1, "Completed": 1, "% of everyone enrolled who completed": 50.0,
        "% of starters who completed": 100.0,
    }  # fmt: skip
    # L2: P (5 Nov) and Q (20 Nov), of the 2 enrolled by 25 Nov.
    assert table.loc[title[L2], "% of everyone enrolled who completed"] == 100.0
    whole = progress_table(course, Reports(store.engine, x)).set_index("Lesson")
    assert whole.loc[title[L1], "Started"] == 3  # P, Q and R, all time
    assert whole.loc[title[L1], "% of everyone enrolled who completed"] == 100.0


def test_exports_and_reports_keep_to_the_period(
    made: tuple[Store, int, int, dict[str, int]],
) -> None:
    store, x, _, who = made
    store.record_answer(who["P"], "quiz-a", "q1", "a", True, at(10, 2))
    store.record_answer(who["P"], "quiz-a", "q2", "b", False, at(11, 2))
    reports = Reports(store.engine, x)
    assert [row[6] for row in reports.attempts(PERIOD)] == [at(11, 2)]
    assert len(list(reports.attempts())) == 2
    assert {(learner, lesson) for learner, lesson, _ in reports.completions(PERIOD)} >= {
        (who["P"], L2)
    }
    assert (who["P"], L1) not in {(a, b) for a, b, _ in reports.completions(PERIOD)}
    assert reports.enrolled(PERIOD) == 2 and reports.enrolled() == 3


def test_the_dashboard_page_counts_the_chosen_period(db_url: str) -> None:
    """The real page: "Last 30 days" leaves out a lesson completed 60 days ago."""
    store = Store(db_url)
    recent = datetime.now(UTC) - timedelta(days=2)
    old = datetime.now(UTC) - timedelta(days=60)
    lead = Facilitators(store.engine).add("lead", "a long pass phrase", old)
    cohort = Cohorts(store.engine).create(lead, "Evening", old)
    learner = store.create_learner(old)[0]
    Cohorts(store.engine).join(learner, cohort.code, old)
    store.visit_step(learner, L1, "s1", 0, old)
    store.complete_lesson(learner, L1, old)
    store.visit_step(learner, L2, "s1", 0, recent)
    store.complete_lesson(learner, L2, recent)
    page = open_page("dashboard", {"facilitator": Facilitator(lead, "lead")})
    assert not page.exception
    assert _metric(page, "Lessons completed") == "2"  # all time, the default
    chooser = next(r for r in page.radio if r.label == "Reporting period")
    page = chooser.set_value("30").run()
    assert not page.exception
    assert _metric(page, "Lessons completed") == "1"
    captions = " ".join(c.value for c in page.caption)
    assert "Every number below counts" in captions and "(UTC)" in captions


def _metric(page: object, label: str) -> str:
    found = [m.value for m in page.metric if m.label == label]  # type: ignore[attr-defined]
    assert found, f"no metric {label!r}"
    return str(found[0])


def test_the_page_compares_cohorts_only_when_asked(db_url: str) -> None:
    store = Store(db_url)
    when = datetime.now(UTC) - timedelta(days=3)
    lead = Facilitators(store.engine).add("lead", "a long pass phrase", when)
    first, second = (Cohorts(store.engine).create(lead, name, when) for name in ("Mon", "Thu"))
    learner = store.create_learner(when)[0]
    for cohort in (first, second):
        Cohorts(store.engine).join(learner, cohort.code, when)
    store.visit_step(learner, L1, "s1", 0, when)
    page = open_page("dashboard", {"facilitator": Facilitator(lead, "lead")})
    assert not page.exception
    assert not any("All cohorts (each person once)" in str(d.value) for d in page.dataframe)
    toggle = next(t for t in page.toggle if t.label == "Compare all my cohorts side by side")
    page = toggle.set_value(True).run()
    assert not page.exception
    compared = next(
        d.value
        for d in page.dataframe
        if "Cohort" in d.value.columns and "People served" in d.value.columns
    )
    rows = compared.set_index("Cohort")
    assert sorted(rows.index[:2]) == ["Mon", "Thu"]  # newest first, as the cohort list
    assert rows.index[2] == "All cohorts (each person once)"
    # One person in both cohorts: served once in all.
    assert rows["People served"].tolist() == [1, 1, 1]
    assert rows["Enrolled"].tolist() == [1, 1, 1]
