"""Text people type, with hidden characters in it: cleaned once, stored on both backends."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from apptest_kit import click, open_page
from streamlit.testing.v1 import AppTest

from course.group import clean_share
from course.plan import clean_plan, emptied_labels
from course.store import Cohorts, Facilitators, Plans, Sessions, Store
from course.store.inputs import check_ids, clean_text
from course.ui.staff import Facilitator

NOW = datetime(2026, 11, 28, 18, 0, tzinfo=UTC)
LESSON = "tolerance-dependence-addiction"

# (what was typed between "one " and " two", kept on many lines, kept on one line)
HIDDEN = [
    ("\x00", "one  two", "one two"),
    ("\x1b[31m", "one [31m two", "one [31m two"),
    ("\u0085", "one \n two", "one two"),
    ("a\r\nb", "one a\nb two", "one a b two"),
    ("\ud800", "one \ufffd two", "one \ufffd two"),
]
TYPED = [f"one {hidden} two" for hidden, _, _ in HIDDEN]
MANY_LINES = [kept for _, kept, _ in HIDDEN]
ONE_LINE = [kept for _, _, kept in HIDDEN]


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("", ""),
        ("plain words", "plain words"),
        ("a\x00b", "ab"),
        ("\x1b[31mred\x1b[0m", "[31mred[0m"),  # the escape goes; the visible rest stays
        ("bell\x07 del\x7f c1\x9b", "bell del c1"),
        ("tab\tstays\nand so does a new line", "tab\tstays\nand so does a new line"),
        ("windows\r\nold mac\rnext\x85line", "windows\nold mac\nnext\nline"),
        ("line\u2028para\u2029end", "line\npara\nend"),
        ("lone \ud800 and \udfff", "lone \ufffd and \ufffd"),
        ("a pair \ud83d\ude00 joins", "a pair \U0001f600 joins"),
        ("  edges and   runs stay  ", "  edges and   runs stay  "),
        ("ñandú, 你好, \U0001f331, שלום, مرحبا", "ñandú, 你好, \U0001f331, שלום, مرحبا"),
        ("\U0001f468\u200d\U0001f469\u200d\U0001f467 family",) * 2,  # joiners stay
        ("no\u00a0break and \u202eright-to-left", "no\u00a0break and \u202eright-to-left"),
    ],
)
def test_clean_text_keeps_what_is_visible(typed: str, kept: str) -> None:
    assert clean_text(typed) == kept
    assert clean_text(kept) == kept  # cleaning twice changes nothing


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("  Tuesday \t evening\n group ", "Tuesday evening group"),
        ("a\r\nb", "a b"),
        ("\x00\x07\n", ""),
        ("x\x00y", "xy"),
        ("\u3000wide\u00a0spaces\u3000", "wide spaces"),
    ],
)
def test_clean_text_on_one_line(typed: str, kept: str) -> None:
    assert clean_text(typed, one_line=True) == kept


@pytest.mark.parametrize("bad", ["a\x00b", "tab\there", "new\nline", "\x1b[0m", "\ud800", "\x85"])
def test_ids_with_hidden_characters_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="lesson_id must not hold control characters"):
        check_ids(lesson_id=bad)


def test_shares_and_plans_use_the_same_cleaning() -> None:
    assert [clean_share(typed) for typed in TYPED] == ONE_LINE
    typed = {"naloxone": "  one \x00two \r\n three\x1b ", "triggers": "\x00\x07", "if_lapse": " "}
    plan = clean_plan(typed)
    assert plan == {"naloxone": "one two\nthree"}
    assert emptied_labels(typed, plan) == ["Triggers and hard times"]


# On SQLite and PostgreSQL: everything a person types is stored cleaned, never an error.


def test_a_private_note_is_stored_cleaned(store: Store) -> None:
    learner, _ = store.create_learner(NOW)
    for n, typed in enumerate(TYPED):
        store.save_reflection(learner, LESSON, f"step-{n}", typed, NOW)
    notes = store.reflections(learner)
    assert [notes[(LESSON, f"step-{n}")] for n in range(len(TYPED))] == MANY_LINES


def test_a_support_plan_is_stored_cleaned(store: Store) -> None:
    learner, _ = store.create_learner(NOW)
    plans = Plans(store.engine)
    plans.save(learner, {f"field-{n}": typed for n, typed in enumerate(TYPED)}, NOW)
    assert plans.get(learner) == {f"field-{n}": kept for n, kept in enumerate(MANY_LINES)}
    assert store.export_learner(learner)["support_plans"][0]["plan"] == plans.get(learner)


def test_a_cohort_name_is_stored_cleaned(store: Store) -> None:
    lead = Facilitators(store.engine).add("lead-one", "a long pass phrase", NOW)
    cohorts = Cohorts(store.engine)
    made = [cohorts.create(lead, typed, NOW).name for typed in TYPED]
    assert made == ONE_LINE
    assert [c.name for c in reversed(cohorts.of(lead))] == ONE_LINE
    with pytest.raises(ValueError, match="A cohort name has 1 to 80 characters"):
        cohorts.create(lead, "\x00\x1b", NOW)


def test_display_names_and_shares_are_stored_cleaned(store: Store) -> None:
    lead = Facilitators(store.engine).add("lead-one", "a long pass phrase", NOW)
    sessions = Sessions(store.engine)
    room = sessions.start(lead, LESSON, "group", "intro", NOW)
    sessions.open_question(room.id, lead, "share:talk", NOW)
    for typed in TYPED:
        _, token = sessions.join(room.join_code, typed, NOW)
        assert sessions.answer(token, "share:talk", typed, None, NOW)
    assert [p.display_name for p in sessions.participants(room.id, lead)] == ONE_LINE
    assert [r.answer for r in sessions.responses(room.id, lead)] == MANY_LINES
    sessions.approve(room.id, lead, "share:talk", 4, NOW)
    assert sessions.approved_texts(room.id, "share:talk") == ["one \ufffd two"]


def test_an_answer_is_stored_cleaned_and_a_hidden_id_refused(store: Store) -> None:
    learner, _ = store.create_learner(NOW)
    store.record_answer(learner, "quiz", "q1", {"free\x00": ["a\x1bb", "\ud800"]}, False, NOW)
    assert [a.answer for a in store.attempts(learner)] == [{"free": ["ab", "\ufffd"]}]
    with pytest.raises(ValueError, match="question_id must not hold control characters"):
        store.record_answer(learner, "quiz", "q\x00", "a", False, NOW)


# The page: a NUL typed into a private note


def _notes_page(db_url: str, learner: tuple[int, str]) -> AppTest:
    learner_id, code = learner
    Store(db_url).visit_step(learner_id, LESSON, "private-reflection", 9, NOW)
    return open_page("lesson", code=code, lesson=LESSON)


@pytest.fixture
def learner(db_url: str) -> tuple[int, str]:
    return Store(db_url).create_learner(NOW)


def test_a_note_with_a_nul_is_saved_without_it(db_url: str, learner: tuple[int, str]) -> None:
    at = _notes_page(db_url, learner)
    at.text_area[0].input("I keep naloxone\x00 at home.\x1b[0m\r\nAnd I tell my sister.")
    at = click(at, "Save my notes")
    assert not at.exception
    assert [s.value for s in at.success] == ["Saved. Only you can see this."]
    assert Store(db_url).reflections(learner[0]) == {
        (LESSON, "private-reflection"): "I keep naloxone at home.[0m\nAnd I tell my sister."
    }
    at = _notes_page(db_url, learner)  # back later: the note shows as it was kept
    assert at.text_area[0].value == "I keep naloxone at home.[0m\nAnd I tell my sister."


def test_a_note_of_only_hidden_characters_keeps_the_earlier_one(
    db_url: str, learner: tuple[int, str]
) -> None:
    Store(db_url).save_reflection(learner[0], LESSON, "private-reflection", "earlier", NOW)
    at = _notes_page(db_url, learner)
    at.text_area[0].input("\x00\x1b\x07")
    at = click(at, "Save my notes")
    assert not at.exception
    assert "Nothing was saved: your note held only hidden characters" in at.warning[0].value
    assert Store(db_url).reflections(learner[0]) == {(LESSON, "private-reflection"): "earlier"}


def test_a_plan_field_of_only_hidden_characters_is_named(db_url: str) -> None:
    at = open_page("plan", code=Store(db_url).create_learner(NOW)[1])
    at.text_area(key="plan-naloxone").input("Kitchen\x00 drawer\x1b")
    at.text_area(key="plan-triggers").input("\x00\x07")
    at = click(at, "Make our plan")
    assert not at.exception
    assert [w.value for w in at.warning] == [
        "“Triggers and hard times” held only hidden characters, so it was left empty."
    ]
    at = click(at, "Save the plan under my code")
    assert Plans(Store(db_url).engine).get(1) == {"naloxone": "Kitchen drawer"}


@pytest.mark.parametrize("typed", ["1", "\u00b2", "\x00", "9" * 5_000])
def test_a_room_typed_into_the_summary_address_is_looked_up_as_text(
    db_url: str, typed: str
) -> None:
    engine = Store(db_url).engine
    lead = Facilitators(engine).add("counselor", "a-long-pass-phrase-2026", NOW)
    Sessions(engine).start(lead, LESSON, "group", "intro", NOW)
    at = open_page("summary", {"facilitator": Facilitator(lead, "counselor")}, room=typed)
    assert not at.exception
    assert at.selectbox[0].value == 1
