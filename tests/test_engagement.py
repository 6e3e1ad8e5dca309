"""Dose and engagement, and program IDs, on a hand-worked cohort (real SQLite and PostgreSQL).

The cohort (all times UTC; now is Monday 30 Nov 2026, 12:00; weeks are named by their Monday):

    A  ID "A-101", learner track   week 2 Nov: lesson 1 done, 1 quiz; week 9 Nov: lesson 2 done
                                   (Sunday 23:30); week 16 Nov: one answer (Monday 00:10)
    B  ID "B 202", learner track   joined 24 Nov; week 23 Nov: 2 lessons done, 2 quizzes
    C  no ID, learner track        week 2 Nov: one step seen, nothing else
    D  no ID, family track         joined 1 Nov, never active
    E  ID "#77", family track      week 2 Nov: the whole (one-lesson) family track done
    and an outsider, active every week, in no cohort.
"""

from __future__ import annotations

import csv
import io
import math
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pandas as pd
import pytest
from alembic import command
from apptest_kit import click, open_page
from slowdown import slow
from sqlalchemy import DateTime, Engine, bindparam, select, text
from streamlit.testing.v1 import AppTest

from course.engagement import (
    PROGRAM_HEADER,
    as_of,
    cohort_numbers,
    cohort_weeks,
    is_not_back,
    learner_table,
    program_csv,
    program_rows,
    track_lessons,
    weekly_dose,
)
from course.loader import REPO_ROOT, load_course
from course.period import Period
from course.store import Cohorts, Facilitators, Store, make_engine, upgrade, write
from course.store.cohorts import (
    PROGRAM_ID_RULE,
    BadProgramId,
    ProgramIdTaken,
    normalize_program_id,
)
from course.store.db import alembic_config, current_revision, head_revision
from course.store.engagement_reports import EngagementReports, Member
from course.store.schema import cohort_members

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
L1, L2, L3 = "how-opioids-affect-the-brain", "tolerance-dependence-addiction", "withdrawal-timeline"
F1 = "family-what-your-loved-one-is-going-through"
TRACKS = {"learner": frozenset({L1, L2, L3}), "family": frozenset({F1})}
NOV_2, NOV_9, NOV_16, NOV_23 = (date(2026, 11, d) for d in (2, 9, 16, 23))


def nov(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def zoned(url: str) -> str:
    """On PostgreSQL, give the connection a zone far from UTC, so a week taken in it would show."""
    if not url.startswith("postgresql"):
        return url
    return f"{url}?options=-c%20TimeZone%3DPacific%2FKiritimati"


def build_cohort(store: Store) -> tuple[int, dict[str, int]]:
    """Make the cohort of the module docstring; return (cohort id, learner ids by letter)."""
    lead = Facilitators(store.engine).add("lead", "a long pass phrase", nov(1, 8))
    cohorts = Cohorts(store.engine)
    cohort = cohorts.create(lead, "Evening program", nov(1, 8))
    ids: dict[str, int] = {}
    for letter, audience, joined, program_id in (
        ("A", "learner", nov(1, 9), "a-101"),
        ("B", "learner", nov(24, 8), " b   202 "),
        ("C", "learner", nov(1, 9), None),
        ("D", "family", nov(1, 9), None),
        ("E", "family", nov(1, 9), "#77"),
        ("outsider", "learner", nov(1, 9), None),
    ):
        ids[letter] = store.create_learner(nov(1, 9))[0]
        store.set_audience(ids[letter], audience)
        if letter != "outsider":
            cohorts.join(ids[letter], cohort.code, joined, program_id)
    a, b, c, e, out = ids["A"], ids["B"], ids["C"], ids["E"], ids["outsider"]
    store.visit_step(a, L1, "s1", 0, nov(3, 10))
    store.complete_lesson(a, L1, nov(3, 10, 30))
    store.record_quiz_result(a, "q1", 4, 5, True, True, nov(3, 10, 40))
    # Monday 00:30 at UTC+2 is Sunday 22:30 in UTC: still the week of 9 Nov.
    store.visit_step(
        a, L2, "s1", 0, datetime(2026, 11, 16, 0, 30, tzinfo=timezone(timedelta(hours=2)))
    )
    store.complete_lesson(a, L2, nov(15, 23, 30))
    store.record_answer(a, "q2", "x", "b", False, nov(16, 0, 10))
    store.visit_step(b, L1, "s1", 0, nov(24, 9))
    store.complete_lesson(b, L1, nov(24, 9, 30))
    store.visit_step(b, L2, "s1", 0, nov(25, 9))
    store.complete_lesson(b, L2, nov(25, 10))
    store.record_quiz_result(b, "q1", 5, 5, True, True, nov(25, 11))
    store.record_quiz_result(b, "q2", 3, 5, False, True, nov(25, 11, 30))
    store.visit_step(c, L1, "s1", 0, nov(4, 15))
    store.visit_step(e, F1, "s1", 0, nov(5, 18))
    store.complete_lesson(e, F1, nov(5, 18, 20))
    for day in (3, 10, 17, 24):
        store.visit_step(out, L3, f"s{day}", 0, nov(day, 12))
        store.complete_lesson(out, L3, nov(day, 12))
        store.record_quiz_result(out, "q1", 1, 5, False, True, nov(day, 12))
    return cohort.id, ids


@pytest.fixture
def program(store_url: str) -> Iterator[tuple[EngagementReports, dict[str, int]]]:
    opened = Store(zoned(store_url))
    try:
        cohort_id, ids = build_cohort(opened)
        yield EngagementReports(opened.engine, cohort_id), ids
    finally:
        opened.close()


def by_letter(table: Any, ids: dict[str, int]) -> dict[str, tuple[object, ...]]:
    """The learner table as {letter: (program id, lessons, quizzes, weeks, last active, away)}."""
    letters = {learner: letter for letter, learner in ids.items()}
    return {
        letters[r.learner_id]: (
            None if pd.isna(r.program_id) else r.program_id,
            r.lessons,
            r.quizzes,
            r.weeks_active,
            None if pd.isna(r.last_active) else r.last_active,
            r.not_back,
        )
        for r in table.itertuples()
    }


def table_of(reports: EngagementReports, period: Period | None, now: datetime = NOW) -> Any:
    members = reports.members(TRACKS, now, period)
    return learner_table(members, reports.active_weeks(period), TRACKS, now, period)


def test_weekly_dose_counts_lessons_and_quizzes_per_learner_and_utc_week(
    program: tuple[EngagementReports, dict[str, int]],
) -> None:
    reports, ids = program
    dose = weekly_dose(reports.active_weeks(None))
    found = [tuple(row) for row in dose.itertuples(index=False)]
    expected = [
        (ids["A"], NOV_2, 1, 1),
        (ids["A"], NOV_9, 1, 0),  # the visit at 00:30 UTC+2 on the 16th and the Sunday 23:30
        (ids["A"], NOV_16, 0, 0),  # one answer: an active week without a lesson
        (ids["B"], NOV_23, 2, 2),
        (ids["C"], NOV_2, 0, 0),
        (ids["E"], NOV_2, 1, 0),
    ]
    assert found == sorted(expected)  # D never active; the outsider is in no row
    per_week = cohort_weeks(reports.active_weeks(None))
    assert [tuple(r) for r in per_week.itertuples(index=False)] == [
        (NOV_2, 3, 2, 1),
        (NOV_9, 1, 1, 0),
        (NOV_16, 1, 0, 0),
        (NOV_23, 1, 2, 2),
    ]


def test_all_time_per_learner_and_for_the_cohort(
    program: tuple[EngagementReports, dict[str, int]],
) -> None:
    reports, ids = program
    table = table_of(reports, None)
    # Not back means last activity before 16 Nov 12:00 (14 days before now), track not done.
    assert by_letter(table, ids) == {
        "A": ("A-101", 2, 1, 3, nov(16, 0, 10), True),
        "B": ("B 202", 2, 2, 1, nov(25, 11, 30), False),
        "C": (None, 0, 0, 1, nov(4, 15), True),
        "D": (None, 0, 0, 0, None, True),  # joined 1 Nov and never came
        "E": ("#77", 1, 0, 1, nov(5, 18, 20), False),  # away, but their whole track is done
    }
    numbers = cohort_numbers(table)
    # Lessons per active week: A 2/3, B 2/1, C 0/1, E 1/1; the median of 0, 2/3, 1, 2 is 5/6.
    assert numbers.median_lessons_per_active_week == pytest.approx(5 / 6)
    assert (numbers.learners, numbers.active, numbers.not_back, numbers.with_program_id) == (
        5,
        4,
        3,
        3,
    )
    assert numbers.weeks_active == {0: 1, 1: 3, 2: 0, 3: 1}


def test_rows_by_program_id_leave_out_learners_without_one(
    program: tuple[EngagementReports, dict[str, int]],
) -> None:
    reports, _ = program
    table = table_of(reports, None)
    assert program_rows(table) == [
        ("#77", 1, 0, 1, date(2026, 11, 5), "no"),
        ("A-101", 2, 1, 3, date(2026, 11, 16), "yes"),
        ("B 202", 2, 2, 1, date(2026, 11, 25), "no"),
    ]
    rows = list(csv.reader(io.StringIO(program_csv(table))))
    assert rows[0] == list(PROGRAM_HEADER)
    assert [r[0] for r in rows[1:]] == ["#77", "A-101", "B 202"]
    assert rows[2] == ["A-101", "2", "1", "3", "2026-11-16", "yes"]


def test_a_period_counts_what_happened_inside_it(
    program: tuple[EngagementReports, dict[str, int]],
) -> None:
    reports, ids = program
    period = Period.of_days(date(2026, 11, 9), date(2026, 11, 22))
    assert as_of(NOW, period) == nov(23, 0)
    table = table_of(reports, period)
    # As of 23 Nov 00:00 not back means no activity since 9 Nov 00:00.
    assert by_letter(table, ids) == {
        "A": ("A-101", 1, 0, 2, nov(16, 0, 10), False),
        "B": ("B 202", 0, 0, 0, None, False),  # joined after the period: not away from it
        "C": (None, 0, 0, 0, nov(4, 15), True),  # last active before the period still shows
        "D": (None, 0, 0, 0, None, True),
        "E": ("#77", 0, 0, 0, nov(5, 18, 20), False),
    }
    numbers = cohort_numbers(table)
    assert numbers.median_lessons_per_active_week == pytest.approx(1 / 2)
    assert (numbers.active, numbers.not_back) == (1, 2)
    assert numbers.weeks_active == {0: 4, 1: 0, 2: 1}


def test_a_period_starts_inclusive_and_ends_exclusive(
    program: tuple[EngagementReports, dict[str, int]],
) -> None:
    reports, ids = program
    # From A's answer (counted) to B's first lesson completion (not counted).
    period = Period(nov(16, 0, 10), nov(24, 9, 30))
    table = table_of(reports, period)
    assert by_letter(table, ids) == {
        "A": ("A-101", 0, 0, 1, nov(16, 0, 10), False),
        "B": ("B 202", 0, 0, 1, nov(24, 9), False),  # the step seen at 9:00 only
        "C": (None, 0, 0, 0, nov(4, 15), True),
        "D": (None, 0, 0, 0, None, True),
        "E": ("#77", 0, 0, 0, nov(5, 18, 20), False),
    }
    assert math.isclose(cohort_numbers(table).median_lessons_per_active_week, 0.0)


def test_an_empty_period_has_no_rate(program: tuple[EngagementReports, dict[str, int]]) -> None:
    reports, _ = program
    table = table_of(reports, Period.of_days(date(2026, 1, 1), date(2026, 1, 31)))
    numbers = cohort_numbers(table)
    assert math.isnan(numbers.median_lessons_per_active_week)
    assert numbers.weeks_active == {0: 5} and numbers.active == 0
    assert list(cohort_weeks([]).columns) == ["week", "learners", "lessons", "quizzes"]


def test_reads_page_through_large_cohorts(
    program: tuple[EngagementReports, dict[str, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    reports, _ = program
    whole = (reports.members(TRACKS, NOW, None), reports.active_weeks(None))
    monkeypatch.setattr("course.store.engagement_reports._BATCH", 2)
    assert (reports.members(TRACKS, NOW, None), reports.active_weeks(None)) == whole


@pytest.mark.parametrize(
    ("last_active", "done", "expected"),
    [
        (NOW - timedelta(days=14), 0, False),  # exactly 14 days: not yet
        (NOW - timedelta(days=14, microseconds=1), 0, True),
        (NOW - timedelta(days=14, microseconds=1), 2, True),  # lessons left
        (NOW - timedelta(days=40), 3, False),  # the whole track done
        (None, 0, True),  # joined 20 days ago, never active
    ],
)
def test_not_back_for_14_days(last_active: datetime | None, done: int, expected: bool) -> None:
    member = Member(1, None, "learner", NOW - timedelta(days=20), last_active, done)
    assert is_not_back(member, 3, NOW) is expected


def test_tracks_of_the_shipped_course() -> None:
    course = load_course(REPO_ROOT).course
    assert course is not None
    tracks = track_lessons(course)
    assert L1 in tracks["learner"] and F1 not in tracks["learner"]
    assert F1 in tracks["family"] and L1 not in tracks["family"]


# --- program IDs -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("  a-101 ", "A-101"),
        ("#88 /  3", "#88 / 3"),
        ("2026.114_b", "2026.114_B"),
        ("", None),
        ("   ", None),
        ("x" * 40, "X" * 40),
        ("a\x00b", "AB"),  # control characters go, as everywhere the store takes typed text
        ("a\tb\nc", "A B C"),
    ],
)
def test_program_ids_are_trimmed_and_capitalized(typed: str, stored: str | None) -> None:
    assert normalize_program_id(typed) == stored


@pytest.mark.parametrize(
    "typed", ["x" * 41, "-12", "=1+1", "@a", "Zoë 12", "ＡＢ12", "straße", "a,b", "<b>"]
)
def test_other_program_ids_are_refused_with_the_rule(typed: str) -> None:
    with pytest.raises(BadProgramId) as refused:
        normalize_program_id(typed)
    assert (
        str(refused.value)
        == PROGRAM_ID_RULE
        == (
            "A program ID has 1 to 40 characters: letters A to Z, digits, spaces and - _ . # /, "
            "starting with a letter, a digit or #."
        )
    )


@pytest.fixture
def cohort(store: Store) -> tuple[Cohorts, str, str]:
    lead = Facilitators(store.engine).add("lead", "a long pass phrase", NOW)
    cohorts = Cohorts(store.engine)
    return cohorts, cohorts.create(lead, "One", NOW).code, cohorts.create(lead, "Two", NOW).code


def test_a_program_id_is_one_learners_in_a_cohort(
    store: Store, cohort: tuple[Cohorts, str, str]
) -> None:
    cohorts, code, other_code = cohort
    first, second = (store.create_learner(NOW)[0] for _ in range(2))
    one = cohorts.join(first, code, NOW, "c-7")
    cohorts.join(first, code, NOW + timedelta(days=1), " C-7 ")  # the same learner again: fine
    with pytest.raises(ProgramIdTaken, match="already uses this program ID"):
        cohorts.join(second, code, NOW, "c-7")
    assert cohorts.memberships(second) == []
    cohorts.join(second, other_code, NOW, "C-7")  # another cohort is another program
    cohorts.join(second, code, NOW)  # no ID: counts in the numbers only
    assert cohorts.program_ids(first) == {one.id: "C-7"}
    two = cohorts.memberships(second)[1]
    assert cohorts.program_ids(second) == {two.id: "C-7"}
    cohorts.join(first, code, NOW)  # joining again without an ID keeps the one given
    cohorts.join(first, code, NOW, "C-8")  # with one, changes it
    assert cohorts.program_ids(first) == {one.id: "C-8"}
    cohorts.join(second, code, NOW, "C-7")  # now free
    assert cohorts.program_ids(second) == {one.id: "C-7", two.id: "C-7"}
    with pytest.raises(BadProgramId):
        cohorts.join(second, code, NOW, "-1")
    assert cohorts.program_ids(second)[one.id] == "C-7"
    with store.engine.connect() as conn:
        joined = conn.scalar(
            select(cohort_members.c.joined_at).where(cohort_members.c.learner_id == first)
        )
    assert joined == NOW  # the first join time stays


def test_two_learners_claiming_one_id_at_once_one_wins(
    store: Store, cohort: tuple[Cohorts, str, str]
) -> None:
    cohorts, code, _ = cohort
    learners = [store.create_learner(NOW)[0] for _ in range(2)]
    start = threading.Barrier(2)
    outcomes: dict[int, str] = {}

    def claim(learner: int) -> None:
        start.wait()
        try:
            cohorts.join(learner, code, NOW, "T-1")
            outcomes[learner] = "joined"
        except ProgramIdTaken:
            outcomes[learner] = "taken"

    threads = [threading.Thread(target=claim, args=(learner,)) for learner in learners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=slow(60))
    assert sorted(outcomes.values()) == ["joined", "taken"]
    winner = next(learner for learner, outcome in outcomes.items() if outcome == "joined")
    assert [cohorts.program_ids(learner) != {} for learner in learners] == [
        learner == winner for learner in learners
    ]


def test_the_learner_exports_and_deletes_their_program_id(
    store: Store, cohort: tuple[Cohorts, str, str]
) -> None:
    cohorts, code, _ = cohort
    learner = store.create_learner(NOW)[0]
    joined = cohorts.join(learner, code, NOW, "k-9")
    exported = store.export_learner(learner)["cohort_members"]
    assert exported == [
        {
            "cohort_id": joined.id,
            "learner_id": learner,
            "joined_at": NOW.isoformat(),
            "program_id": "K-9",
        }
    ]
    store.delete_learner(learner)
    with store.engine.connect() as conn:
        left = conn.scalar(
            select(cohort_members.c.program_id).where(cohort_members.c.program_id == "K-9")
        )
    assert left is None
    assert cohorts.size(joined.id) == 0


# --- the migration ---------------------------------------------------------------------


@pytest.fixture
def engine(store_url: str) -> Iterator[Engine]:
    made = make_engine(store_url)
    try:
        yield made
    finally:
        made.dispose()


def run_sql(engine: Engine, sql: str, **params: Any) -> None:
    """Run plain SQL as 0010-era code would; parameters named t are aware datetimes."""
    times = [bindparam(name, type_=DateTime(timezone=True)) for name in params if name == "t"]
    with write(engine) as conn:
        conn.execute(text(sql).bindparams(*times), params)


def test_members_made_under_0010_keep_their_rows_with_no_program_id(
    engine: Engine, store_url: str
) -> None:
    upgrade(engine, "0010")
    t = nov(1, 9)
    run_sql(engine, "INSERT INTO learners (id, code_hash, created_at) VALUES (7, 'h7', :t)", t=t)
    run_sql(engine, "INSERT INTO learners (id, code_hash, created_at) VALUES (8, 'h8', :t)", t=t)
    run_sql(
        engine,
        "INSERT INTO facilitators (id, username, password_hash, created_at)"
        " VALUES (3, 'lead', 'x', :t)",
        t=t,
    )
    run_sql(
        engine,
        "INSERT INTO cohorts (id, code, name, facilitator_id, created_at)"
        " VALUES (4, 'ABCDEFGH', 'Evening', 3, :t)",
        t=t,
    )
    for learner in (7, 8):
        run_sql(
            engine,
            "INSERT INTO cohort_members (cohort_id, learner_id, joined_at) VALUES (4, :l, :t)",
            l=learner,
            t=t,
        )
    run_sql(
        engine,
        "INSERT INTO lesson_progress (learner_id, lesson_id, current_step_id, current_index,"
        " furthest_index, started_at, updated_at) VALUES (7, 'l1', 's1', 0, 0, :t, :t)",
        t=t,
    )
    engine.dispose()

    store = Store(store_url)
    try:
        assert current_revision(store.engine) == head_revision()
        with store.engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT cohort_id, learner_id, program_id FROM cohort_members"
                    " ORDER BY learner_id"
                )
            ).all()
            assert conn.execute(text("SELECT count(*) FROM lesson_progress")).scalar() == 1
        assert [tuple(r) for r in rows] == [(4, 7, None), (4, 8, None)]
        cohorts = Cohorts(store.engine)
        cohorts.join(7, "ABCDEFGH", NOW, "p-1")
        with pytest.raises(ProgramIdTaken):
            cohorts.join(8, "ABCDEFGH", NOW, "P-1")
        assert cohorts.program_ids(7) == {4: "P-1"} and cohorts.program_ids(8) == {}
    finally:
        store.close()
    with write(engine) as conn:
        command.downgrade(alembic_config(conn), "0010")
    with engine.connect() as conn:
        members = conn.execute(text("SELECT learner_id FROM cohort_members")).all()
        assert conn.execute(text("SELECT count(*) FROM lesson_progress")).scalar() == 1
    assert sorted(r[0] for r in members) == [7, 8]


# --- the pages ---------------------------------------------------------------------------


@pytest.fixture
def app_cohort(db_url: str) -> tuple[Store, str]:
    store = Store(db_url)
    lead = Facilitators(store.engine).add("lead", "a long pass phrase", NOW)
    return store, Cohorts(store.engine).create(lead, "Evening program", NOW).code


def join_on_the_page(code: str, program_code: str, program_id: str) -> AppTest:
    at = open_page("progress", code=code)
    at.text_input[0].input(program_code)
    at.text_input[1].input(program_id)
    return click(at, "Join the program")


def test_joining_with_a_program_id_on_the_progress_page(app_cohort: tuple[Store, str]) -> None:
    store, program_code = app_cohort
    first, first_code = store.create_learner(NOW)
    second, second_code = store.create_learner(NOW)
    labels = [t.label for t in open_page("progress", code=first_code).text_input]
    assert labels == ["Program code", "Program ID (optional: the number your counselor gave you)"]

    at = join_on_the_page(first_code, program_code.lower(), " a-101 ")
    assert not at.exception
    assert at.success[0].value == "You joined the program."
    at = at.run()  # the list above the form shows the membership from the next run on
    assert any("under program ID **A\\-101**" in m.value for m in at.markdown)
    assert any("sees your lessons and quiz results under this ID" in c.value for c in at.caption)
    [joined] = Cohorts(store.engine).memberships(first)
    assert Cohorts(store.engine).program_ids(first) == {joined.id: "A-101"}

    at = join_on_the_page(second_code, program_code, "A-101")
    assert at.error[0].value == (
        "Someone in this program already uses this program ID. Check the number with your "
        "counselor."
    )
    assert Cohorts(store.engine).memberships(second) == []

    at = join_on_the_page(second_code, program_code, "=HYPERLINK(1)")
    assert at.error[0].value == PROGRAM_ID_RULE
    assert Cohorts(store.engine).memberships(second) == []


def draw_engagement(url: str, cohort_id: int, now: str) -> None:
    """The engagement section alone, as the dashboard draws it (run by AppTest)."""
    from datetime import datetime

    from course.loader import REPO_ROOT, load_course
    from course.store import Store
    from course.store.engagement_reports import EngagementReports
    from course.ui import engagement

    course = load_course(REPO_ROOT).course
    assert course is not None
    reports = EngagementReports(Store(url).engine, cohort_id)
    engagement.show(course, reports, period=None, now=datetime.fromisoformat(now))


def test_the_dashboard_section_shows_numbers_and_rows_by_program_id(db_url: str) -> None:
    store = Store(db_url)
    cohort_id, _ = build_cohort(store)
    at = AppTest.from_function(
        draw_engagement, args=(db_url, cohort_id, NOW.isoformat()), default_timeout=slow(60)
    ).run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    # With the shipped family track (five lessons), E has lessons left: away too.
    assert metrics == {
        "Active learners": "4 of 5",
        "Median lessons per active week": "0.83",
        "Not back for 14 days": "4",
    }
    people = at.dataframe[2].value
    assert people["Program ID"].tolist() == ["#77", "A-101", "B 202"]
    assert people["Not back for 14 days"].tolist() == ["yes", "yes", "no"]
    assert at.get("download_button")[0].proto.label == "Rows by program ID (CSV)"
    assert any("Nothing else identifying is stored" in c.value for c in at.caption)
    assert any("practice exercises arrive in a later issue" in c.value for c in at.caption)


def test_one_page_run_reads_the_activity_once(
    program: tuple[EngagementReports, dict[str, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """People served and dose ask the same questions in one run: the second is remembered."""
    reports, _ = program
    calls: list[str] = []
    real = EngagementReports._pages

    def counted(self: EngagementReports) -> Any:
        calls.append("read")
        return real(self)

    monkeypatch.setattr(EngagementReports, "_pages", counted)
    first = reports.members(TRACKS, NOW, None), reports.active_weeks(None)
    again = reports.members(TRACKS, NOW, None), reports.active_weeks(None)
    assert first == again and len(calls) == 2
    reports.active_weeks(Period.of_days(NOV_2, NOV_16))  # another period is read anew
    assert len(calls) == 3
