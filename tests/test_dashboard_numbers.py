"""The dashboard's numbers from a real store (SQLite and PostgreSQL), worked by hand."""

from __future__ import annotations

import csv
import io
import math
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import update

from course.analytics import ItemStats, QuizStats
from course.dashboard import QuizReport, items_csv, quiz_report, safety_table
from course.model import Quiz
from course.period import Period
from course.store import Cohorts, Facilitators, Store
from course.store.db import write
from course.store.reports import Reports, SafetyCount
from course.store.schema import answer_attempts

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return NOW + timedelta(minutes=minutes)


def option(oid: str, correct: bool = False) -> dict[str, Any]:
    return {"id": oid, "text": f"Option {oid}", "correct": correct, "feedback": "Because."}


def question(qid: str, kind: str, right: list[str], safety: bool = False) -> dict[str, Any]:
    options = [option(o, o in right) for o in ("a", "b", "c")]
    return {"id": qid, "kind": kind, "prompt": f"Prompt {qid}?", "explanation": "Why.",
            "options": options, "safety_critical": safety}  # fmt: skip


QUIZ = Quiz.model_validate(
    {
        "schema_version": 1,
        "id": "brain-quiz",
        "title": "Brain quiz",
        "pass_mark": 0.5,
        "questions": [
            question("s1", "single", ["a"], safety=True),
            question("m1", "multiple", ["a", "b"]),
        ],
    }
)


@pytest.fixture
def program(store: Store) -> tuple[Store, Reports, list[int], int]:
    """A cohort of 5 learners and an outsider who is not in it."""
    lead = Facilitators(store.engine).add("lead", "a long pass phrase", NOW)
    cohort = Cohorts(store.engine).create(lead, "Program", NOW)
    members = [store.create_learner(NOW)[0] for _ in range(5)]
    for learner in members:
        Cohorts(store.engine).join(learner, cohort.code, NOW)
    outsider = store.create_learner(NOW)[0]
    return store, Reports(store.engine, cohort.id), members, outsider


def answer(store: Store, learner: int, qid: str, given: object, when: datetime) -> None:
    right = {"s1": given == "a", "m1": sorted(given) == ["a", "b"] if isinstance(given, list)
             else False}[qid]  # fmt: skip
    store.record_answer(learner, QUIZ.id, qid, given, right, when)


# First answers (L1-L3 answered both questions; L4, L5 only s1; the outsider both):
#
#          s1    m1
#   L1     a ✓   [a,b] ✓
#   L2     b     [a]          (first answer at minute 1; a second try later does not count)
#   L3     a ✓   [c,b,c]
#   L4     b     -
#   L5     c     -
#   out    b     [a,b] ✓
#
# Learners who answered every question: L1, L2, L3 (n = 3).
# s1: facility 2/3 = 66.67%; options a 2 (66.67%), b 1 (33.33%), c 0. The old table counted
#   every member's first answer (a 2, b 2, c 1: a = 40%) beside a facility of 66.67%.
# m1: facility 1/3 = 33.33%; each option once per answer: a 2 (L1, L2), b 2 (L1, L3),
#   c 1 (L3, chosen twice in one answer) -> 66.67%, 66.67%, 33.33% of the 3 learners.
def seed_answers(store: Store, members: list[int], outsider: int) -> None:
    l1, l2, l3, l4, l5 = members
    for learner, s1, m1 in ((l1, "a", ["a", "b"]), (l2, "b", ["a"]), (l3, "a", ["c", "b", "c"]),
                            (outsider, "b", ["a", "b"])):  # fmt: skip
        answer(store, learner, "s1", s1, at(1))
        answer(store, learner, "m1", m1, at(1))
    answer(store, l2, "m1", ["a", "b"], at(30))
    answer(store, l4, "s1", "b", at(1))
    answer(store, l5, "s1", "c", at(1))


def shares(report: QuizReport, qid: str) -> dict[str, tuple[int, float]]:
    rows = report.options[report.options["question_id"] == qid]
    return {r.answer_key: (r.count, r.share) for r in rows.itertuples()}


def test_answer_counts_and_facility_come_from_the_same_learners(
    program: tuple[Store, Reports, list[int], int],
) -> None:
    store, reports, members, outsider = program
    seed_answers(store, members, outsider)
    report = quiz_report(reports, QUIZ)
    facility = {item.question_id: item.facility for item in report.items}
    assert report.stats.n == 3
    assert facility == pytest.approx({"s1": 200 / 3, "m1": 100 / 3})
    assert shares(report, "s1") == {
        "a": (2, pytest.approx(200 / 3)),
        "b": (1, pytest.approx(100 / 3)),
        "c": (0, 0.0),
    }
    # The right option's share is the facility: one population.
    assert shares(report, "s1")["a"][1] == pytest.approx(facility["s1"])
    assert shares(report, "m1") == {
        "a": (2, pytest.approx(200 / 3)),
        "b": (2, pytest.approx(200 / 3)),
        "c": (1, pytest.approx(100 / 3)),
    }


def test_the_quiz_report_honours_a_period(
    program: tuple[Store, Reports, list[int], int],
) -> None:
    store, reports, members, outsider = program
    seed_answers(store, members, outsider)
    # L4 answers m1 (right) at minute 200, first time. All time, L4 is complete too:
    #   n = 4; s1 facility: L1 a, L2 b, L3 a, L4 b = 2/4 = 50%; option b: L2, L4 = 2 (50%).
    # From minute 0 to 100, L4's m1 is outside: n = 3, s1 facility 2/3 and b 1, as before.
    store.record_answer(members[3], QUIZ.id, "m1", ["a", "b"], True, at(200))
    all_time = quiz_report(reports, QUIZ)
    assert all_time.stats.n == 4 and all_time.items[0].facility == pytest.approx(50.0)
    assert shares(all_time, "s1")["b"] == (2, pytest.approx(50.0))
    in_period = quiz_report(reports, QUIZ, period=Period(at(0), at(100)))
    assert in_period.stats.n == 3
    assert in_period.items[0].facility == pytest.approx(200 / 3)
    assert shares(in_period, "s1")["b"] == (1, pytest.approx(100 / 3))
    # Start inclusive, end exclusive: the answers at minute 1 are in [1, 2) but not in [0, 1).
    assert quiz_report(reports, QUIZ, period=Period(at(1), at(2))).stats.n == 3
    empty = quiz_report(reports, QUIZ, period=Period(at(0), at(1)))
    assert empty.stats.n == 0 and math.isnan(empty.items[0].facility)
    # The board's group: everyone with a first answer in the period (L1-L5; not the outsider).
    assert (in_period.answered, empty.answered) == (5, 0)


def test_items_csv_writes_numbers_as_numbers_and_says_what_to_check() -> None:
    # A negative discrimination must stay a number (sortable), not the text '-57.4.
    stats = QuizStats(4, 50.0, 50.0, 20.0, math.nan, True)
    items = [ItemStats("s1", 4, 50.0, 57.735027, -57.41), ItemStats("m1", 4, 95.0, 0.0, math.nan)]
    report = QuizReport(QUIZ, stats, items, options=None, board=[], answered=4)  # type: ignore[arg-type]
    rows = list(csv.reader(io.StringIO(items_csv(report), newline="")))
    text = items_csv(report)
    assert rows[0] == ["question", "learners", "facility_pct", "sd_pct", "discrimination", "check"]
    assert rows[1][:5] == ["s1", "4", "50.0", "57.7", "-57.4"]
    assert "check this question's answer key" in rows[1][5].lower()
    assert rows[2][:5] == ["m1", "4", "95.0", "0.0", ""]
    assert "very easy" in rows[2][5].lower()
    assert "'-57.4" not in text and text.endswith("\r\n")


# Safety outcomes for s1 (safety-critical), attempts of the members only:
#   L1: try 1 right                 -> right first, right in the end
#   L2: try 1 wrong, try 2 right    -> right in the end
#   L3: try 1 wrong, try 2 wrong    -> neither
#   (the outsider's right answer does not count)
# n = 3; right the first time 1 (33.3%); right in the end 2 (66.7%).
def seed_safety(store: Store, members: list[int], outsider: int) -> None:
    l1, l2, l3 = members[:3]
    for learner, tries in ((l1, ["a"]), (l2, ["b", "a"]), (l3, ["b", "c"]), (outsider, ["a"])):
        for n, given in enumerate(tries):
            answer(store, learner, "s1", given, at(10 * n))


def test_safety_counts_first_try_and_in_the_end(
    program: tuple[Store, Reports, list[int], int],
) -> None:
    store, reports, members, outsider = program
    seed_safety(store, members, outsider)
    pairs = [(QUIZ.id, "s1"), (QUIZ.id, "m1")]
    assert reports.safety_counts(pairs) == [SafetyCount(QUIZ.id, "s1", 3, 1, 2)]
    # L2's second try (minute 10) is after this period: right in the end only L1.
    assert reports.safety_counts(pairs, period=Period(at(-1), at(5))) == [
        SafetyCount(QUIZ.id, "s1", 3, 1, 1)
    ]
    # A period that starts after the first tries: nobody's first try is in it.
    assert reports.safety_counts(pairs, period=Period(at(5), at(50))) == []


def test_safety_table_says_shares_with_their_n(
    program: tuple[Store, Reports, list[int], int],
) -> None:
    store, reports, members, outsider = program
    seed_safety(store, members, outsider)
    table = safety_table([QUIZ], reports)
    assert table.to_dict("records") == [
        {
            "Quiz": "Brain quiz",
            "Question": "Prompt s1?",
            "Learners": 3,
            "Right the first time": "1 of 3 (33%)",
            "Right in the end": "2 of 3 (67%)",
        }
    ]


# Check A then check B (scores are correct/12):
#   L1: A 4/12 (minute 0), A 11/12 (minute 5, a retake: the first A counts),
#       B 6/12 (minute 10), B 9/12 (minute 20, the latest B counts)  -> pair (4/12, 9/12)
#   L2: A 6/12 (0), B 12/12 (10)                                      -> pair (6/12, 12/12)
#   L3: A only                                                       -> no pair
#   L4: B (0) before A (10): the "before" check came after           -> no pair
#   outsider: A and B, not in the cohort                             -> no pair
def seed_checks(store: Store, members: list[int], outsider: int) -> None:
    l1, l2, l3, l4 = members[:4]
    for learner, quiz, right, minute in (
        (l1, "check-a", 4, 0), (l1, "check-a", 11, 5), (l1, "check-b", 6, 10),
        (l1, "check-b", 9, 20), (l2, "check-a", 6, 0), (l2, "check-b", 12, 10),
        (l3, "check-a", 7, 0), (l4, "check-b", 5, 0), (l4, "check-a", 8, 10),
        (outsider, "check-a", 1, 0), (outsider, "check-b", 12, 10),
    ):  # fmt: skip
        store.record_quiz_result(learner, quiz, right, 12, right >= 6, True, at(minute))


def test_paired_scores_pair_first_before_with_latest_after(
    program: tuple[Store, Reports, list[int], int],
) -> None:
    store, reports, members, outsider = program
    seed_checks(store, members, outsider)
    l1, l2 = members[:2]
    assert reports.paired_scores("check-a", "check-b") == {l1: (4 / 12, 9 / 12), l2: (6 / 12, 1.0)}
    # From minute 3 to 15: L1's first A in it is 11/12 (minute 5), latest B 6/12 (minute 10);
    # L2's A (minute 0) is outside, so no pair.
    period = Period(at(3), at(15))
    assert reports.paired_scores("check-a", "check-b", period=period) == {l1: (11 / 12, 6 / 12)}


def test_item_statistics_and_scores_can_be_filtered_by_language(
    program: tuple[Store, Reports, list[int], int],
) -> None:
    """Three learners answer in English (one from before languages were kept), two in Spanish.

    s1 is right for every English speaker and wrong for every Spanish one: a translation
    problem that only the Spanish view shows.
    """
    store, everyone, members, _ = program
    english, spanish = members[:3], members[3:]
    for learner in english:
        store.record_answer(learner, QUIZ.id, "s1", "a", True, at(1), language="en")
        store.record_quiz_result(learner, "check-a", 1, 2, True, True, at(2), language="en")
    for learner in spanish:
        store.record_answer(learner, QUIZ.id, "s1", "b", False, at(1), language="es")
        store.record_quiz_result(learner, "check-a", 2, 2, True, True, at(2), language="es")
    # An answer from before 0018 has no language: it was given in English.
    with write(store.engine) as conn:
        conn.execute(
            update(answer_attempts)
            .where(answer_attempts.c.learner_id == english[0])
            .values(language=None)
        )
    engine, cohort = everyone.engine, everyone.cohort_id
    in_english = Reports(engine, cohort, language="en")
    in_spanish = Reports(engine, cohort, language="es")
    assert sorted(a for a, *_ in everyone.first_answers(QUIZ.id)) == sorted(members)
    assert sorted(a for a, *_ in in_english.first_answers(QUIZ.id)) == sorted(english)
    assert sorted(a for a, *_ in in_spanish.first_answers(QUIZ.id)) == sorted(spanish)
    # Hand-worked: right first in English 3 of 3, in Spanish 0 of 2, all together 3 of 5.
    right_first = {
        name: [right for _, _, _, right, _ in reports.first_answers(QUIZ.id)]
        for name, reports in (("all", everyone), ("en", in_english), ("es", in_spanish))
    }
    assert {name: (sum(r), len(r)) for name, r in right_first.items()} == {
        "all": (3, 5),
        "en": (3, 3),
        "es": (0, 2),
    }
    assert in_spanish.scores("check-a", latest=False) == {m: 1.0 for m in spanish}
    assert in_english.scores("check-a", latest=False) == {m: 0.5 for m in english}
    assert len(everyone.scores("check-a", latest=False)) == 5
    counts = in_spanish.safety_counts([(QUIZ.id, "s1")])
    assert [(c.learners, c.right_first) for c in counts] == [(2, 0)]
