"""A learner's practice on real SQLite and PostgreSQL: exercises, commitments, drill rounds."""

from datetime import UTC, datetime, timedelta

import pytest

from course.store import Store
from course.store.practice import MAX_FIELD_CHARS, DrillRound, Practice

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
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
