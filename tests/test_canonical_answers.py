"""One set of options is one answer: stored and counted the same whatever order it was shown in."""

from __future__ import annotations

import itertools
import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import streamlit as st
from apptest_kit import click, open_page
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from course.model import (
    AnyQuestion,
    CheckStep,
    Course,
    Matching,
    MultipleChoice,
    Ordering,
    Quiz,
    SingleChoice,
    TrueFalse,
)
from course.review import review_quiz_id
from course.scoring import canonical_answer, correct_answer, grade_answer, presentation_order
from course.store import Cohorts, Facilitators, Sessions, Store
from course.store.inputs import answer_json
from course.store.reports import Reports
from course.store.schema import answer_attempts
from course.store.seed import seed_cohort
from course.ui.steps import check_quiz_id

LESSON = "tolerance-dependence-addiction"
QUESTION = "safer-after-a-break"  # multiple choice, three right options of five
PASSWORD = "a long pass phrase"
CHECKED = "drug-supply-and-overdose"  # its quick check is a multiple choice
LONG_AGO = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)


@pytest.fixture
def quiz(course: Course) -> Quiz:
    found = course.quiz_for(course.lessons[LESSON])
    assert found is not None
    return found


@pytest.fixture
def question(quiz: Quiz) -> MultipleChoice:
    found = quiz.question(QUESTION)
    assert isinstance(found, MultipleChoice)
    return found


@pytest.fixture
def app_url(store_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Serve the shipped course from the app on a fresh database of each kind."""
    monkeypatch.setenv("COURSE_DATABASE_URL", store_url)
    monkeypatch.delenv("COURSE_ROOT", raising=False)
    st.cache_resource.clear()  # the store and course are per process: start each test fresh
    yield store_url
    st.cache_resource.clear()


def shown(at: AppTest, prefix: str) -> list[str]:
    """The option ids of the form's checkboxes, in the order the page shows them."""
    return [box.key.removeprefix(prefix) for box in at.checkbox if box.key.startswith(prefix)]


def tick(at: AppTest, prefix: str, chosen: list[str]) -> AppTest:
    """Tick the chosen options in the order the page shows them, then send the form."""
    for option_id in shown(at, prefix):
        at.checkbox(key=prefix + option_id).set_value(option_id in chosen)
    at = at.button(key=prefix + "submit").click().run()
    assert not at.exception
    return at


def right_in_shown_order(at: AppTest, prefix: str, question: MultipleChoice) -> list[str]:
    return [oid for oid in shown(at, prefix) if oid in question.correct_ids()]


# --- the rules ---------------------------------------------------------------------------


def every_question(course: Course) -> list[AnyQuestion]:
    """Every question the shipped course asks: quiz questions and quick checks."""
    quizzed = [q for quiz in course.quizzes.values() for q in quiz.questions]
    checks = [s.question for lesson in course.lessons.values() for s in lesson.steps
              if isinstance(s, CheckStep)]  # fmt: skip
    return quizzed + checks


def as_shown(question: AnyQuestion, seed: int) -> list[object]:
    """Answers a form can send for the question shown in this seed's order.

    For multiple choice and matching the first is the right answer, in the order shown.
    """
    if isinstance(question, SingleChoice):
        return [o.id for o in question.options]
    if isinstance(question, TrueFalse):
        return [True, False]
    if isinstance(question, Ordering):
        return [presentation_order([i.id for i in question.items], seed), correct_answer(question)]
    if isinstance(question, Matching):
        lefts = presentation_order([p.id for p in question.pairs], seed)
        rights = presentation_order(lefts, seed + 1)
        return [{left: left for left in lefts}, dict(zip(lefts, rights, strict=True))]
    order = presentation_order([o.id for o in question.options], seed)
    right = [oid for oid in order if oid in question.correct_ids()]
    return [right, *(order[:n] for n in range(1, len(order) + 1))]


@pytest.mark.parametrize(
    ("kind", "shown_as", "stored_as"),
    [
        ("multiple", ["c", "a", "b"], ["a", "b", "c"]),
        ("multiple", ("b", "a"), ["a", "b"]),
        ("multiple", ["b", "a", "b"], ["a", "b"]),
        ("matching", {"y": "x", "x": "y"}, {"x": "y", "y": "x"}),
        ("single", "b", "b"),
        ("true_false", False, False),
        ("ordering", ["c", "a", "b"], ["c", "a", "b"]),
    ],
)
def test_the_canonical_form_of_each_kind(
    course: Course, kind: str, shown_as: object, stored_as: object
) -> None:
    kinds = {"multiple": MultipleChoice, "matching": Matching, "single": SingleChoice,
             "true_false": TrueFalse, "ordering": Ordering}  # fmt: skip
    question = next(q for q in every_question(course) if isinstance(q, kinds[kind]))
    canonical = canonical_answer(question, shown_as)
    assert canonical == stored_as
    assert json.dumps(canonical) == json.dumps(stored_as), "dict keys in order too"
    assert canonical_answer(question, canonical) == canonical


def test_grading_the_canonical_form_gives_the_same_grade(course: Course) -> None:
    kinds = set()
    for question in every_question(course):
        for seed in range(6):
            for answer in as_shown(question, seed):
                canonical = canonical_answer(question, answer)
                assert grade_answer(question, canonical) == grade_answer(question, answer)
                kinds.add(type(question))
    assert kinds == {SingleChoice, MultipleChoice, TrueFalse, Ordering, Matching}


def test_one_set_shown_in_any_order_is_stored_as_one_text(course: Course) -> None:
    for question in every_question(course):
        if isinstance(question, MultipleChoice | Matching):
            stored = {answer_json(canonical_answer(question, as_shown(question, seed)[0]))
                      for seed in range(6)}  # fmt: skip
            assert len(stored) == 1, question.id


def test_answer_json_writes_a_dict_one_way() -> None:
    assert answer_json({"b": "a", "a": "b"}) == answer_json({"a": "b", "b": "a"})
    assert answer_json({"b": "a", "a": "b"}) == '{"a": "b", "b": "a"}'


def test_a_seeded_cohort_stores_answers_as_the_app_does(store: Store, course: Course) -> None:
    lead = Facilitators(store.engine).add("lead", PASSWORD, datetime.now(UTC))
    cohort = Cohorts(store.engine).create(lead, "Seeded", datetime.now(UTC))
    seed_cohort(store.engine, course, cohort.id, learners_n=20, answers_per_learner=60,
                rng=random.Random(3))  # fmt: skip
    with store.engine.connect() as conn:
        rows = conn.execute(select(answer_attempts.c.quiz_id, answer_attempts.c.question_id,
                                   answer_attempts.c.answer)).all()  # fmt: skip
    kinds = set()
    for quiz_id, question_id, text in rows:
        question = course.quizzes[quiz_id].question(question_id)
        assert question is not None
        assert text == answer_json(canonical_answer(question, json.loads(text))), question_id
        kinds.add(question.kind)
    assert {"multiple", "matching"} <= kinds


# --- the quiz page and the dashboard ------------------------------------------------------


def test_one_set_of_options_is_one_row_on_the_dashboard(
    app_url: str, store: Store, quiz: Quiz, question: MultipleChoice
) -> None:
    lead = Facilitators(store.engine).add("lead", PASSWORD, datetime.now(UTC))
    cohort = Cohorts(store.engine).create(lead, "Tuesday group", datetime.now(UTC))
    prefix = f"quiz-{quiz.id}-{question.id}-0-0-"
    orders = []
    for _ in range(2):
        learner, code = store.create_learner(datetime.now(UTC))
        Cohorts(store.engine).join(learner, cohort.code, datetime.now(UTC))
        at = open_page("quiz", code=code, lesson=LESSON)
        while f"{prefix}submit" not in [b.key for b in at.button]:
            at = click(at, "Next")
        orders.append(right_in_shown_order(at, prefix, question))
        at = tick(at, prefix, sorted(question.correct_ids()))
        assert at.success and at.success[0].value.startswith("**That's right.**")
    assert orders[0] != orders[1], "the two learners must see the right options in other orders"

    counts = Reports(store.engine, cohort.id).answer_counts(quiz.id)
    assert [(c.answer, c.is_correct, c.count) for c in counts if c.question_id == question.id] == [
        (sorted(question.correct_ids()), True, 2)
    ]


@pytest.mark.parametrize("page", ["lesson", "review"])
def test_quick_checks_and_reviews_store_a_set_sorted(
    app_url: str, store: Store, course: Course, quiz: Quiz, question: MultipleChoice, page: str
) -> None:
    learner, code = store.create_learner(datetime.now(UTC))
    if page == "lesson":
        lesson = course.lessons[CHECKED].for_audience("learner")
        number, step = next((n, s) for n, s in enumerate(lesson.steps) if isinstance(s, CheckStep))
        store.visit_step(learner, CHECKED, step.id, number, datetime.now(UTC))
        asked, quiz_id, prefix = step.question, check_quiz_id(lesson), f"check-{CHECKED}-{step.id}-"
        at = open_page("lesson", code=code, lesson=CHECKED)
    else:
        store.record_answer(learner, quiz.id, question.id, ["old-amount"], False, LONG_AGO)
        asked, quiz_id, prefix = (
            question,
            review_quiz_id(quiz.id),
            f"review-{quiz.id}-{question.id}-0-",
        )
        at = open_page("review", code=code)
    order = shown(at, prefix)
    chosen = next([a, b] for a, b in itertools.pairwise(order) if a > b)  # shown unsorted
    tick(at, prefix, chosen)
    stored = [(a.question_id, a.answer) for a in store.attempts(learner, quiz_id)]
    assert stored == [(asked.id, sorted(chosen))]


# --- a group session ----------------------------------------------------------------------


def test_two_phones_choosing_one_set_make_one_bucket(
    app_url: str, store: Store, question: MultipleChoice, monkeypatch: pytest.MonkeyPatch
) -> None:
    lead = Facilitators(store.engine).add("counselor", PASSWORD, datetime.now(UTC))
    sessions = Sessions(store.engine)
    room = sessions.start(lead, LESSON, "group", "intro", datetime.now(UTC), min_group_size=2)
    key = f"quiz:{question.id}"
    sessions.open_question(room.id, lead, key, datetime.now(UTC))
    prefix = f"room-{room.id}-{key}-"
    # Phones letter the options in their written order, as the projector does (issue 16), so
    # whatever their seat tokens, both show one order, and one set of answers is one bucket.
    tokens = iter(["phone-one-" + "a" * 12, "phone-two-" + "b" * 12])
    monkeypatch.setattr("course.store.sessions.new_token", lambda: next(tokens))
    orders = []
    for _ in range(2):
        phone = open_page("join", room=room.join_code)
        phone.text_input[1].input("")
        phone = click(phone, "Join")
        orders.append(right_in_shown_order(phone, prefix, question))
        phone = tick(phone, prefix, sorted(question.correct_ids()))
        assert "Your answer is in." in phone.success[0].value
    written = [o.id for o in question.options if o.correct]
    assert orders == [written, written], "phones show the options as the projector letters them"

    sessions.reveal(room.id, lead, key, datetime.now(UTC))
    tally = sessions.tally(room.id, key)
    assert tally.counts == {json.dumps(sorted(question.correct_ids())): 2}
    answers = [r.answer for r in sessions.responses(room.id, lead)]
    assert answers == [sorted(question.correct_ids())] * 2
