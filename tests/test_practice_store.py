"""A learner's practice on real SQLite and PostgreSQL: exercises, commitments, drill rounds."""

from datetime import UTC, datetime, timedelta

import pytest

from course.period import Period
from course.store import Cohorts, Facilitators, Store
from course.store.practice import MAX_FIELD_CHARS, DrillRound, Practice
from course.store.practice_reports import PracticeReports

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
WEEK = timedelta(days=7)
HOSTILE = "<script>alert(1)</script> [link](https://phish.example) \x00 '; DROP TABLE x; --"


def at(minutes: float) -> datetime:
    return NOW + timedelta(minutes=minutes)


def test_an_exercise_is_kept_as_written_and_replaced_by_the_next_save(store: Store) -> None:
    practice = Practice(store.engine)
    me, other = store.create_learner(NOW)[0], store.create_learner(NOW)[0]
    assert practice.entry(me, "thought-traps", "reframe") == {}
    typed = {"thought": HOSTILE, "trap": "  mind reading ", "empty": ""}
    practice.save_entry(me, "thought-traps", "reframe", typed, at(1))
    assert practice.entry(me, "thought-traps", "reframe") == {
        "thought": HOSTILE.replace("\x00", ""),  # NUL can't be stored; the rest is as typed
        "trap": "mind reading",
    }
    practice.save_entry(me, "thought-traps", "reframe", {"before": 7, "after": 3}, at(2))
    assert practice.entry(me, "thought-traps", "reframe") == {"before": 7, "after": 3}
    assert practice.entry(other, "thought-traps", "reframe") == {}


@pytest.mark.parametrize(
    "fields",
    [
        {"before": 11},
        {"before": -1},
        {"before": True},
        {"x": "y" * (MAX_FIELD_CHARS + 1)},
        {"bad id!": "text"},
        {"thought": 2.5},
    ],  # fmt: skip
)
def test_an_exercise_that_is_not_one_is_refused_and_keeps_the_old(
    store: Store, fields: dict[str, object]
) -> None:
    practice = Practice(store.engine)
    me = store.create_learner(NOW)[0]
    practice.save_entry(me, "l", "s", {"thought": "kept"}, NOW)
    with pytest.raises(ValueError):
        practice.save_entry(me, "l", "s", fields, at(1))  # type: ignore[arg-type]
    assert practice.entry(me, "l", "s") == {"thought": "kept"}


def test_a_commitment_is_asked_about_once_after_the_visit_it_was_made_in(store: Store) -> None:
    practice = Practice(store.engine)
    me, other = store.create_learner(NOW)[0], store.create_learner(NOW)[0]
    made = practice.commit(me, "support", "try", "  Call   my sister\non Sunday ", at(1))
    (kept,) = practice.commitments(me)
    assert (kept.id, kept.action, kept.checked_at) == (made, "Call my sister on Sunday", None)
    assert practice.to_check_in(me, before=at(0)) == []  # this visit began before it was made
    assert [c.id for c in practice.to_check_in(me, before=at(60))] == [made]
    assert not practice.check_in(other, made, "did", None, at(61))  # not theirs
    with pytest.raises(ValueError):
        practice.check_in(me, made, "maybe", None, at(61))
    assert practice.check_in(me, made, "not_yet", "  work ran late ", at(62))
    assert not practice.check_in(me, made, "did", None, at(63))  # once
    (done,) = practice.commitments(me)
    assert (done.outcome, done.obstacle, done.checked_at) == ("not_yet", "work ran late", at(62))
    assert practice.to_check_in(me, before=at(90)) == []
    with pytest.raises(ValueError):
        practice.commit(me, "support", "try", " \n ", at(2))


def test_drill_rounds_keep_one_answer_per_item_and_time_it(store: Store) -> None:
    practice = Practice(store.engine)
    me = store.create_learner(NOW)[0]
    key = (me, "drug-supply-and-overdose", "signs-drill")
    assert practice.last_round(*key) == 0
    assert practice.record_drill(*key, 1, "pupils", True, 3_000, at(1))
    assert not practice.record_drill(*key, 1, "pupils", False, 9_000, at(2))  # a double tap
    assert practice.record_drill(*key, 1, "breathing", False, 12_000, at(3))
    assert practice.record_drill(*key, 2, "pupils", True, 2_000, at(4))
    assert practice.record_drill(*key, 2, "breathing", True, 4_000, at(5))
    first, second = practice.drill_rounds(*key)
    assert first == DrillRound(1, {"pupils": (True, 3_000), "breathing": (False, 12_000)})
    assert (first.right, first.total_ms, first.is_fluent(2, 8_000)) == (1, 15_000, False)
    assert (second.right, second.is_fluent(2, 8_000), second.is_fluent(2, 3_000)) == (
        2,
        True,
        False,
    )
    assert not second.is_fluent(3, 8_000)  # an item not answered yet
    assert practice.last_round(*key) == 2
    assert practice.drill_rounds(me, "drug-supply-and-overdose", "other") == []


def test_delete_takes_every_practice_row(store: Store) -> None:
    practice = Practice(store.engine)
    me = store.create_learner(NOW)[0]
    practice.save_entry(me, "l", "s", {"thought": "t"}, NOW)
    practice.commit(me, "l", "c", "walk", NOW)
    practice.record_drill(me, "l", "d", 1, "i", True, 1_000, NOW)
    exported = store.export_learner(me)
    assert [len(exported[t]) for t in ("practice_entries", "commitments", "drill_answers")] == [
        1, 1, 1,
    ]  # fmt: skip
    store.delete_learner(me)
    assert practice.entry(me, "l", "s") == {} and practice.commitments(me) == []
    assert practice.drill_rounds(me, "l", "d") == []


def test_a_cohort_sees_counts_per_week_and_drills_first_to_latest(store: Store) -> None:
    lead = Facilitators(store.engine).add("lead", "a long pass phrase", NOW)
    cohorts = Cohorts(store.engine)
    cohort = cohorts.create(lead, "Group", NOW)
    practice = Practice(store.engine)
    a, b, outsider = (store.create_learner(NOW)[0] for _ in range(3))
    for member in (a, b):
        cohorts.join(member, cohort.code, NOW)
    monday = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)  # a Monday
    practice.save_entry(a, "l", "record", {"thought": "t"}, monday)
    practice.save_entry(a, "l", "record", {"thought": "again"}, monday + WEEK)  # an edit
    practice.save_entry(b, "l", "record", {"thought": "t"}, monday + timedelta(days=6))
    done = practice.commit(a, "l", "try", "walk", monday)
    practice.check_in(a, done, "partly", None, monday + WEEK)
    practice.commit(b, "l", "try", "call", monday + WEEK)
    practice.save_entry(outsider, "l", "record", {"thought": "not counted"}, monday)
    for learner, round_no, right, ms in [
        (a, 1, False, 9_000), (a, 1, True, 7_000), (a, 2, True, 3_000), (a, 2, True, 2_000),
        (b, 1, True, 5_000), (b, 1, True, 6_000),  # one round only: not in the figures
        (outsider, 1, False, 1_000), (outsider, 2, False, 1_000),
    ]:  # fmt: skip
        item = f"i{ms}"
        practice.record_drill(learner, "l", "drill", round_no, item, right, ms, monday + WEEK)
    reports = PracticeReports(store.engine, cohort.id)
    first, second = reports.weeks()
    assert (first.week, first.exercises, first.commitments, first.checked_in) == (
        monday.date(), 2, 1, 0,
    )  # fmt: skip
    assert (second.week, second.exercises, second.commitments) == ((monday + WEEK).date(), 0, 1)
    assert second.check_ins == {"partly": 1} and second.drill_rounds == 3
    (drill,) = reports.drills()
    assert (drill.learners, drill.first_right, drill.latest_right) == (1, 0.5, 1.0)
    assert (drill.first_seconds, drill.latest_seconds) == (8.0, 2.5)
    in_first_week = Period(monday, monday + WEEK)
    assert [w.week for w in reports.weeks(in_first_week)] == [monday.date()]
