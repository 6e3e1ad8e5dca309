"""The counselor dashboard on a seeded SQLite cohort of 250 learners (AppTest), cross-checked."""

from __future__ import annotations

import csv
import io
import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import streamlit as st
from apptest_kit import open_page
from streamlit.testing.v1 import AppTest

from course.dashboard import answers_csv, progress_table, quiz_report, xapi_json
from course.model import Course
from course.store import Cohorts, Facilitators, Sessions, Store
from course.store.limits import Limits
from course.store.reports import Reports
from course.store.seed import seed_cohort
from course.ui.staff import Facilitator
from course.xapi import PSEUDONYM, validate_statement

LEARNERS = 250
QUIZ = "tolerance-dependence-addiction-quiz"


@pytest.fixture
def seeded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, course: Course
) -> Iterator[tuple[str, int, int]]:
    """A database with a cohort of 250 learners; yield (url, facilitator id, cohort id)."""
    url = f"sqlite:///{tmp_path / 'dash.db'}"
    monkeypatch.setenv("COURSE_DATABASE_URL", url)
    monkeypatch.delenv("COURSE_ROOT", raising=False)
    store = Store(url)
    lead = Facilitators(store.engine).add("lead", "a long pass phrase", datetime.now(UTC))
    Facilitators(store.engine).add("other", "another long phrase", datetime.now(UTC))
    cohort = Cohorts(store.engine).create(lead, "Tuesday group", datetime.now(UTC))
    seed_cohort(
        store.engine,
        course,
        cohort.id,
        learners_n=LEARNERS,
        answers_per_learner=40,
        rng=random.Random(7),
    )
    outsider, _ = store.create_learner(datetime.now(UTC))  # not in the cohort
    store.record_answer(outsider, QUIZ, "what-is-tolerance", "x", False, datetime.now(UTC))
    st.cache_resource.clear()
    yield url, lead, cohort.id
    st.cache_resource.clear()


def dashboard(facilitator: Facilitator) -> AppTest:
    return open_page("dashboard", {"facilitator": facilitator})


def test_the_dashboard_shows_the_cohort_numbers(
    seeded: tuple[str, int, int], course: Course
) -> None:
    url, lead, cohort_id = seeded
    at = dashboard(Facilitator(lead, "lead"))
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Enrolled"] == str(LEARNERS)  # all time, the default period
    assert len(at.get("plotly_chart")) >= 4
    # The progress table agrees with the learners' own progress, read one by one.
    store = Store(url)
    reports = Reports(store.engine, cohort_id)
    started: dict[str, int] = {}
    completed: dict[str, int] = {}
    for learner in range(1, LEARNERS + 1):
        for lesson_id, p in store.lesson_progress(learner).items():
            started[lesson_id] = started.get(lesson_id, 0) + 1
            completed[lesson_id] = completed.get(lesson_id, 0) + int(p.is_completed)
    table = progress_table(course, reports)
    titles = {lesson.title: lid for lid, lesson in course.lessons.items()}
    for row in table.to_dict("records"):
        lesson_id = titles[row["Lesson"]]
        assert (row["Started"], row["Completed"]) == (
            started.get(lesson_id, 0),
            completed.get(lesson_id, 0),
        )
    # Facility of each question agrees with first attempts counted from the raw rows.
    report = quiz_report(reports, course.quizzes[QUIZ])
    ids = [q.id for q in course.quizzes[QUIZ].questions]
    firsts: dict[int, dict[str, bool]] = {}
    for learner in range(1, LEARNERS + 1):
        for a in store.attempts(learner, QUIZ):
            if a.attempt_no == 1:
                firsts.setdefault(learner, {})[a.question_id] = a.is_correct
    complete = [f for f in firsts.values() if set(ids) <= set(f)]
    assert report.stats.n == len(complete) and not report.stats.is_small
    for item in report.items:
        right = sum(f[item.question_id] for f in complete)
        assert item.facility == pytest.approx(100 * right / len(complete))
    assert report.board, "wrong answers with misconception tags show on the board"


def test_another_counselor_sees_none_of_it(seeded: tuple[str, int, int]) -> None:
    url, _, _ = seeded
    other = Facilitators(Store(url).engine).verify(
        "other", "another long phrase", datetime.now(UTC)
    )
    assert other is not None
    at = dashboard(Facilitator(other, "other"))
    assert not at.exception
    assert "No cohorts yet" in at.info[0].value
    assert not at.metric


def test_the_dashboard_needs_a_signed_in_facilitator(seeded: tuple[str, int, int]) -> None:
    at = open_page("dashboard")
    assert "Please sign in as a facilitator" in at.info[0].value
    assert not at.metric


def test_xapi_export_of_the_cohort_validates(seeded: tuple[str, int, int], course: Course) -> None:
    url, _, cohort_id = seeded
    engine = Store(url).engine
    reports = Reports(engine, cohort_id)
    base = "https://course.example.org"
    chunks = xapi_json(reports, course, Limits(engine), base=base, home_page=base)
    found = json.loads(b"".join(chunks))
    answers = list(reports.attempts())
    assert len(found) == len(answers) + len(reports.completions()) + len(reports.results())
    assert all(validate_statement(s) == [] for s in found)
    assert {s["verb"]["display"]["en-US"] for s in found} >= {"answered", "completed", "passed"}
    names = {s["actor"]["account"]["name"] for s in found}
    assert all(PSEUDONYM.fullmatch(name) for name in names) and len(names) <= LEARNERS


def test_a_learner_joins_a_program_by_code(seeded: tuple[str, int, int]) -> None:
    url, lead, _ = seeded
    store = Store(url)
    learner, code = store.create_learner(datetime.now(UTC))
    program = Cohorts(store.engine).of(lead)[0]
    at = open_page("progress", code=code)
    at.text_input[0].input("ZZZZ-ZZZZ")
    at = [b for b in at.button if b.label == "Join the program"][0].click().run()
    assert "We could not find that program code" in at.error[0].value
    at.text_input[0].input(program.code.lower())
    at = [b for b in at.button if b.label == "Join the program"][0].click().run()
    assert "You joined the program." in at.success[0].value
    assert [c.id for c in Cohorts(store.engine).memberships(learner)] == [program.id]


def test_group_sessions_are_listed_with_their_numbers(seeded: tuple[str, int, int]) -> None:
    url, lead, _ = seeded
    sessions = Sessions(Store(url).engine)
    now = datetime.now(UTC)
    room = sessions.start(lead, "tolerance-dependence-addiction", "group", "intro", now)
    sessions.open_question(room.id, lead, "quiz:what-is-tolerance", now)
    for right in (True, True, False):
        _, token = sessions.join(room.join_code, None, now)
        sessions.answer(token, "quiz:what-is-tolerance", "x", right, now)
    at = dashboard(Facilitator(lead, "lead"))
    assert not at.exception
    table = at.dataframe[0].value
    assert table[["People", "Answers", "% right"]].values.tolist() == [[3, 3, 67]]


def test_answer_export_is_spreadsheet_safe(seeded: tuple[str, int, int]) -> None:
    url, lead, cohort_id = seeded
    store = Store(url)
    learner, _ = store.create_learner(datetime.now(UTC))
    program = Cohorts(store.engine).owned(cohort_id, lead)
    Cohorts(store.engine).join(learner, program.code, datetime.now(UTC))
    store.record_answer(learner, "free", "why", '=HYPERLINK("http://x")', False, datetime.now(UTC))
    text = "".join(answers_csv(Reports(store.engine, cohort_id)))
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["learner", "quiz", "question", "attempt", "answer", "correct", "answered_at"]
    mine = [r for r in rows if r[0] == f"learner-{learner}"]
    assert mine and mine[0][4] == '\'=HYPERLINK("http://x")'
    assert len(rows) == 1 + len(list(Reports(store.engine, cohort_id).attempts()))


def test_the_board_puts_misconceptions_held_with_confidence_first(
    seeded: tuple[str, int, int], course: Course
) -> None:
    url, lead, _ = seeded
    store = Store(url)
    quiz = course.quizzes[QUIZ]
    question = quiz.questions[0]
    tagged = {o.misconception: o.id for o in question.options if o.misconception}  # type: ignore[union-attr]
    sure_tag, other_tag = sorted(tagged)[:2]
    cohort = Cohorts(store.engine).create(lead, "Confidence check", datetime.now(UTC))
    for tag, confident in ((sure_tag, True), (other_tag, False), (other_tag, False)):
        learner, _ = store.create_learner(datetime.now(UTC))
        Cohorts(store.engine).join(learner, cohort.code, datetime.now(UTC))
        store.record_answer(
            learner,
            quiz.id,
            question.id,
            tagged[tag],
            False,
            datetime.now(UTC),
            confident=confident,
        )
    board = quiz_report(Reports(store.engine, cohort.id), quiz).board
    assert [(m.tag, m.chosen, m.learners, m.confident) for m in board] == [
        (sure_tag, 1, 1, 1),
        (other_tag, 2, 2, 0),
    ]
