"""The dashboard funnel puts people on the step they really reached, per audience (issue 14).

Some lessons show a step only to people taking the course for themselves ("learner") or only
to family members, so step 9 of one audience is another step than step 9 of the other. The
learners are driven through the real lesson page (AppTest) on SQLite and PostgreSQL; seeded
cohorts must write progress exactly as that page does.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import streamlit as st
from apptest_kit import click, open_page
from sqlalchemy import delete, select

from course.dashboard import lesson_funnel
from course.model import Course
from course.store import Cohorts, Facilitators, Store, read, write
from course.store.reports import Reports
from course.store.schema import learners, lesson_progress
from course.store.seed import seed_cohort
from course.ui.staff import Facilitator

LESSON = "medications-for-oud"
NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
# The steps of LESSON each audience sees, in order, as the lesson file lists them.
SHARED = [
    "three-medicines",
    "side-by-side",
    "starting-buprenorphine",
    "what-changed",
    "medication-and-survival",
    "staying-safer",
    "check-naltrexone",
    "myths-and-facts",
    "choosing-together",
]
FOR_MYSELF = [
    *SHARED,
    "just-once-scenario",
    "say-no-practice",
    "private-reflection",
    "group-discussion",
]
FAMILY = [*SHARED, "family-support-on-medication", "group-discussion"]
# Lessons whose steps differ by audience: where progress by index alone goes wrong.
SPLIT_LESSONS = (
    "withdrawal-timeline",
    "medications-for-oud",
    "triggers-cravings-halt",
    "lapse-relapse-recovery-plan",
)


@pytest.fixture
def app_url(store_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Serve the shipped course from a fresh database of each kind (AppTest runs in-process)."""
    monkeypatch.setenv("COURSE_DATABASE_URL", store_url)
    monkeypatch.delenv("COURSE_ROOT", raising=False)
    st.cache_resource.clear()
    yield store_url
    st.cache_resource.clear()


def walk(code: str, nexts: int, backs: int = 0) -> str:
    """Open LESSON as this learner, press Next and then Back; return the progress bar's text."""
    at = open_page("lesson", code=code, lesson=LESSON)
    for label in ["Next"] * nexts + ["Back"] * backs:
        at = click(at, label)
        assert not at.exception, at.exception
    return str(at.get("progress")[0].proto.text)


def test_the_funnel_puts_each_audience_on_the_step_it_reached(app_url: str, course: Course) -> None:
    store = Store(app_url)
    lead = Facilitators(store.engine).add("lead", "a long pass phrase", NOW)
    cohort = Cohorts(store.engine).create(lead, "Tuesday group", NOW)
    people = {}
    for name, audience in (("me", "learner"), ("mum", "family"), ("dad", "family")):
        learner_id, code = store.create_learner(NOW)
        store.set_audience(learner_id, audience)
        Cohorts(store.engine).join(learner_id, cohort.code, NOW)
        people[name] = code

    # "me" sees thirteen steps and stops on step 12, the reflection; "mum" sees eleven, reads
    # to the end, step 11, then goes back one; "dad" only opens the lesson.
    assert walk(people["me"], nexts=11) == "Step 12 of 13"
    assert walk(people["mum"], nexts=10, backs=1) == "Step 10 of 11"
    assert walk(people["dad"], nexts=0) == "Step 1 of 11"

    reports = Reports(store.engine, cohort.id)
    funnels = {f.audience: f for f in lesson_funnel(reports, course.lessons[LESSON])}
    assert set(funnels) == {"learner", "family"}
    mine = funnels["learner"].steps
    assert list(mine["step_id"]) == FOR_MYSELF
    assert list(mine["learners"]) == [1] * 12 + [0]
    assert list(mine["share"]) == [100.0] * 12 + [0.0]
    family = funnels["family"].steps
    assert list(family["step_id"]) == FAMILY
    assert list(family["learners"]) == [2] + [1] * 10
    assert list(family["share"]) == [100.0] + [50.0] * 10
    assert [funnels[a].name for a in ("learner", "family")] == [
        "For myself",
        "For someone I care about",
    ]
    # Numbered as each audience sees them on the lesson page ("Step 12 of 13").
    assert list(mine["step"])[11] == "12. Just for you"
    assert list(family["step"])[9] == (
        "10. For family and friends: backing someone who takes medication"
    )
    store.close()


def test_the_dashboard_page_draws_a_funnel_per_audience(app_url: str) -> None:
    store = Store(app_url)
    lead = Facilitators(store.engine).add("lead", "a long pass phrase", NOW)
    cohort = Cohorts(store.engine).create(lead, "Tuesday group", NOW)
    for audience, step_id, index in (
        ("learner", "private-reflection", 11),
        ("family", "group-discussion", 10),
    ):
        learner_id, _ = store.create_learner(NOW)
        store.set_audience(learner_id, audience)
        Cohorts(store.engine).join(learner_id, cohort.code, NOW)
        store.visit_step(learner_id, LESSON, step_id, index, NOW)
    at = open_page("dashboard", {"facilitator": Facilitator(lead, "lead")})
    at = next(s for s in at.selectbox if s.label == "Lesson").set_value(LESSON).run()
    assert not at.exception, at.exception
    names = [h.value for h in at.subheader]
    assert names.index("For myself") < names.index("For someone I care about")
    # The step tables: step names first, then how many reached each step.
    tables = [t.value for t in at.dataframe if str(t.value.iloc[0, 0]).startswith("1. ")]
    assert [list(t.iloc[:, 0])[n] for t, n in zip(tables, (11, 9), strict=True)] == [
        "12. Just for you",
        "10. For family and friends: backing someone who takes medication",
    ]
    assert [list(t.iloc[:, 1]) for t in tables] == [[1] * 12 + [0], [1] * 11]
    store.close()


def test_a_lesson_everyone_sees_alike_has_one_funnel(app_url: str, course: Course) -> None:
    store = Store(app_url)
    lead = Facilitators(store.engine).add("lead", "a long pass phrase", NOW)
    cohort = Cohorts(store.engine).create(lead, "Tuesday group", NOW)
    lesson = next(x for x in course.lessons.values() if {s.audience for s in x.steps} == {"both"})
    for audience, index in (("learner", 2), ("family", 1)):
        learner_id, _ = store.create_learner(NOW)
        store.set_audience(learner_id, audience)
        Cohorts(store.engine).join(learner_id, cohort.code, NOW)
        for n in range(index + 1):
            store.visit_step(learner_id, lesson.id, lesson.steps[n].id, n, NOW)
    (only,) = lesson_funnel(Reports(store.engine, cohort.id), lesson)
    assert only.audience is None and only.name == ""
    assert list(only.steps["step_id"]) == [s.id for s in lesson.steps]
    assert list(only.steps["learners"])[:4] == [2, 2, 1, 0]
    store.close()


def progress_rows(store: Store) -> dict[tuple[int, str], tuple[str, int, int, str | None]]:
    """Read every lesson_progress row as the fields the app writes when a learner moves."""
    t = lesson_progress.c
    columns = (t.current_step_id, t.current_index, t.furthest_index, t.furthest_step_id)
    with read(store.engine) as conn:
        rows = conn.execute(select(t.learner_id, t.lesson_id, *columns))
        return {(a, b): (c, int(d), int(e), f) for a, b, c, d, e, f in rows}


def test_the_furthest_step_moves_only_forward(store: Store) -> None:
    learner, _ = store.create_learner(NOW)
    for step_id, index in (("a", 0), ("c", 2), ("b", 1)):
        store.visit_step(learner, "lesson", step_id, index, NOW)
    assert progress_rows(store)[(learner, "lesson")] == ("b", 1, 2, "c")
    # A row migration 0010 could not name gets its step when the learner is on it again.
    with write(store.engine) as conn:
        conn.execute(lesson_progress.update().values(furthest_step_id=None))
    store.visit_step(learner, "lesson", "b", 1, NOW)
    assert progress_rows(store)[(learner, "lesson")] == ("b", 1, 2, None)
    store.visit_step(learner, "lesson", "c", 2, NOW)
    assert progress_rows(store)[(learner, "lesson")] == ("c", 2, 2, "c")


def test_seeded_progress_is_what_the_app_writes(store: Store, course: Course) -> None:
    lead = Facilitators(store.engine).add("lead", "a long pass phrase", NOW)
    cohort = Cohorts(store.engine).create(lead, "Seeded", NOW)
    seed_cohort(store.engine, course, cohort.id, learners_n=60, answers_per_learner=1,
                rng=random.Random(3))  # fmt: skip
    with read(store.engine) as conn:
        audience = dict(conn.execute(select(learners.c.id, learners.c.audience)).all())
    seeded = progress_rows(store)
    split = {(audience[learner], lesson_id) for learner, lesson_id in seeded}
    assert {(a, lesson) for a in ("learner", "family") for lesson in SPLIT_LESSONS} <= split
    # Every row names steps its learner sees, at the indexes the lesson page counts.
    for (learner, lesson_id), (current, current_at, furthest_at, furthest) in seeded.items():
        steps = [s.id for s in course.lessons[lesson_id].for_audience(audience[learner]).steps]
        assert 0 <= current_at <= furthest_at < len(steps)
        assert (steps[current_at], steps[furthest_at]) == (current, furthest)
    # Visiting the furthest step and then the current one through the store, as the lesson
    # page does, leaves the learner at the very same place.
    for (learner, lesson_id), row in seeded.items():
        if lesson_id not in SPLIT_LESSONS:
            continue
        steps = [s.id for s in course.lessons[lesson_id].for_audience(audience[learner]).steps]
        with write(store.engine) as conn:
            t = lesson_progress.c
            conn.execute(
                delete(lesson_progress).where(t.learner_id == learner, t.lesson_id == lesson_id)
            )
        for index in (row[2], row[1]):
            store.visit_step(learner, lesson_id, steps[index], index, NOW)
    assert progress_rows(store) == seeded
