"""A cohort's lesson series on real SQLite and PostgreSQL: plans, attendance, take-homes."""

from datetime import UTC, date, datetime, timedelta

import pytest

from course.store import Cohorts, NotAllowed, Sessions, Store
from course.store.series import Series

NOW = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)
WEEK = timedelta(days=7)


def at(days: float) -> datetime:
    return NOW + timedelta(days=days)


def start(store: Store, lead: int, lesson: str, when: datetime) -> int:
    return Sessions(store.engine).start(lead, lesson, "group", "intro", when).id


def finish(store: Store, learner: int, lesson: str, when: datetime) -> None:
    store.visit_step(learner, lesson, "intro", 0, when)
    store.complete_lesson(learner, lesson, when)


def test_a_planned_session_is_held_once_and_counts_who_joined(
    store: Store, leads: tuple[int, int]
) -> None:
    lead, other = leads
    cohort = Cohorts(store.engine).create(lead, "Tuesday IOP", NOW)
    series = Series(store.engine)
    second = series.plan(cohort.id, lead, "thought-traps", date(2026, 12, 8), NOW)
    first = series.plan(cohort.id, lead, "how-opioids-work", date(2026, 12, 1), NOW)
    assert series.planned(cohort.id, lead) == [first, second]  # by day, not by when planned
    assert series.to_hold(lead) == [("Tuesday IOP", first), ("Tuesday IOP", second)]
    assert series.to_hold(other) == []

    room = start(store, lead, "how-opioids-work", NOW)
    with pytest.raises(NotAllowed):  # another lesson than planned
        series.attach(second.id, lead, room)
    with pytest.raises(NotAllowed):  # not their plan
        series.attach(first.id, other, room)
    held = series.attach(first.id, lead, room)
    assert held.group_session_id == room and series.of_session(room) == held
    with pytest.raises(NotAllowed):  # held already
        series.attach(first.id, lead, start(store, lead, "how-opioids-work", NOW))
    with pytest.raises(NotAllowed):
        series.unplan(first.id, lead)
    assert series.to_hold(lead) == [("Tuesday IOP", second)]

    sessions = Sessions(store.engine)
    people = [sessions.join(code, name, NOW)[0] for code, name in
              [(sessions.owned(room, lead).join_code, n) for n in ("A", "B", "C")]]  # fmt: skip
    sessions.remove_participant(room, lead, people[2].id, NOW)
    report = series.held(cohort.id, lead)
    assert [(h.planned.id, h.is_held, h.joined) for h in report] == [
        (first.id, True, 2),  # the one removed does not count
        (second.id, False, 0),
    ]
    assert report[0].started_at == NOW
    with pytest.raises(NotAllowed):
        series.held(cohort.id, other)


def test_deleting_a_session_leaves_its_plan_not_held(store: Store, leads: tuple[int, int]) -> None:
    lead = leads[0]
    cohort = Cohorts(store.engine).create(lead, "Group", NOW)
    series = Series(store.engine)
    room = start(store, lead, "how-opioids-work", NOW)
    planned = series.plan(cohort.id, lead, "how-opioids-work", NOW.date(), NOW,
                          group_session_id=room)  # fmt: skip
    assert series.held(cohort.id, lead)[0].is_held
    Sessions(store.engine).delete_session(room, lead)
    assert [h.is_held for h in series.held(cohort.id, lead)] == [False]
    series.unplan(planned.id, lead)
    assert series.planned(cohort.id, lead) == []


def test_one_session_runs_one_plan_and_only_its_owners(
    store: Store, leads: tuple[int, int]
) -> None:
    lead, other = leads
    cohort = Cohorts(store.engine).create(lead, "Group", NOW)
    series = Series(store.engine)
    room = start(store, lead, "how-opioids-work", NOW)
    series.plan(cohort.id, lead, "how-opioids-work", NOW.date(), NOW, group_session_id=room)
    with pytest.raises(NotAllowed):
        series.plan(cohort.id, lead, "how-opioids-work", NOW.date(), NOW, group_session_id=room)
    with pytest.raises(NotAllowed):
        series.plan(cohort.id, other, "how-opioids-work", NOW.date(), NOW)
    theirs = start(store, other, "how-opioids-work", NOW)
    with pytest.raises(NotAllowed):
        series.plan(cohort.id, lead, "how-opioids-work", NOW.date(), NOW, group_session_id=theirs)


def test_what_members_did_between_sessions(store: Store, leads: tuple[int, int]) -> None:
    lead = leads[0]
    cohorts = Cohorts(store.engine)
    cohort = cohorts.create(lead, "Group", NOW)
    series = Series(store.engine)
    learners = [store.create_learner(NOW)[0] for _ in range(4)]
    cohorts.join(learners[0], cohort.code, NOW, program_id="A-1")
    cohorts.join(learners[1], cohort.code, NOW, program_id="B-2")
    cohorts.join(learners[2], cohort.code, NOW)  # no program ID: counted, never listed
    # learners[3] is not in the cohort: nothing of theirs counts.
    one = series.plan(cohort.id, lead, "how-opioids-work", NOW.date(), NOW)
    two = series.plan(cohort.id, lead, "thought-traps", (NOW + WEEK).date(), NOW)
    finish(store, learners[0], "before-anything", at(-1))  # before the first session
    series.attach(one.id, lead, start(store, lead, "how-opioids-work", NOW))
    finish(store, learners[0], "withdrawal-timeline", at(2))
    finish(store, learners[2], "withdrawal-timeline", at(3))
    finish(store, learners[2], "support-systems", at(4))
    finish(store, learners[3], "withdrawal-timeline", at(3))
    series.attach(two.id, lead, start(store, lead, "thought-traps", at(7)))
    finish(store, learners[1], "support-systems", at(8))
    finish(store, learners[0], "withdrawal-timeline", at(9))  # again: first finish stays

    first, second = series.between(cohort.id, lead)
    assert first.after.planned.id == one.id and first.until is not None
    assert first.until.planned.id == two.id and second.until is None
    assert first.active == 2
    assert first.lessons == {"withdrawal-timeline": 2, "support-systems": 1}
    assert first.by_program_id == {"A-1": ["withdrawal-timeline"], "B-2": []}
    assert second.active == 1 and second.lessons == {"support-systems": 1}
    assert second.by_program_id == {"A-1": [], "B-2": ["support-systems"]}


def test_take_homes_reach_members_and_count_who_did_them(
    store: Store, leads: tuple[int, int]
) -> None:
    lead, other = leads
    cohorts = Cohorts(store.engine)
    cohort = cohorts.create(lead, "Thursday group", NOW)
    elsewhere = cohorts.create(other, "Other program", NOW)
    series = Series(store.engine)
    member, outsider, early = (store.create_learner(NOW)[0] for _ in range(3))
    cohorts.join(member, cohort.code, NOW, program_id="C-3")
    cohorts.join(early, cohort.code, NOW)
    cohorts.join(outsider, elsewhere.code, NOW)
    finish(store, early, "support-systems", at(-1))  # done before it was given
    given = series.assign(cohort.id, lead, "support-systems", date(2026, 12, 8), at(1))
    again = series.assign(cohort.id, lead, "support-systems", date(2026, 12, 9), at(2))
    assert (again.id, again.due_on, again.assigned_at) == (given.id, date(2026, 12, 9), at(1))
    assert series.take_homes(cohort.id, lead) == [again]
    with pytest.raises(NotAllowed):
        series.assign(cohort.id, other, "thought-traps", None, NOW)
    with pytest.raises(NotAllowed):
        series.take_homes(cohort.id, other)

    seen = series.from_group(member)
    assert [(f.take_home.lesson_id, f.cohort_name, f.take_home.due_on) for f in seen] == [
        ("support-systems", "Thursday group", date(2026, 12, 9))
    ]
    assert series.from_group(outsider) == []

    finish(store, member, "support-systems", at(3))
    (report,) = series.take_homes_done(cohort.id, lead)
    assert (report.done, report.done_since, report.members) == (2, 1, 2)
    assert report.by_program_id == {"C-3": True}

    with pytest.raises(NotAllowed):
        series.unassign(given.id, other)
    series.unassign(given.id, lead)
    assert series.from_group(member) == []
    assert series.take_homes_done(cohort.id, lead) == []


def test_deleting_a_learner_leaves_the_series_and_its_counts_true(
    store: Store, leads: tuple[int, int]
) -> None:
    lead = leads[0]
    cohorts = Cohorts(store.engine)
    cohort = cohorts.create(lead, "Group", NOW)
    series = Series(store.engine)
    learner = store.create_learner(NOW)[0]
    cohorts.join(learner, cohort.code, NOW, program_id="D-4")
    series.assign(cohort.id, lead, "support-systems", None, NOW)
    finish(store, learner, "support-systems", at(1))
    assert series.take_homes_done(cohort.id, lead)[0].done == 1
    store.delete_learner(learner)
    (report,) = series.take_homes_done(cohort.id, lead)
    assert (report.done, report.members, report.by_program_id) == (0, 0, {})
