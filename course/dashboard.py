"""The counselor dashboard's numbers for one cohort: SQL aggregates in, tables out."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import pandas as pd

from course.analytics import (
    Gain,
    ItemStats,
    Misconception,
    QuizStats,
    funnel,
    item_statistics,
    knowledge_gain,
    misconception_board,
    option_counts,
    quiz_statistics,
)
from course.export import to_csv
from course.group import answer_text
from course.model import AnyQuestion, Course, Lesson, Quiz
from course.scoring import AnswerError, grade_answer
from course.store.reports import Reports
from course.xapi import AnswerRecord, CompletionRecord, QuizRecord, statements


def lessons_in_order(course: Course) -> list[Lesson]:
    """List the served lessons in track order, each once."""
    seen: dict[str, Lesson] = {}
    for track in course.manifest.tracks:
        for lesson in course.track_lessons(track):
            seen.setdefault(lesson.id, lesson)
    return list(seen.values())


def progress_table(course: Course, reports: Reports) -> pd.DataFrame:
    """Count, per lesson, the cohort's learners who started and completed it."""
    counts = {c.lesson_id: c for c in reports.lesson_counts()}
    rows = []
    for lesson in lessons_in_order(course):
        found = counts.get(lesson.id)
        started, completed = (found.started, found.completed) if found else (0, 0)
        share = round(100 * completed / started) if started else 0
        rows.append({"Lesson": lesson.title, "Started": started, "Completed": completed,
                     "% of starters who completed": share})  # fmt: skip
    return pd.DataFrame(rows)


def lesson_funnel(reports: Reports, lesson: Lesson) -> pd.DataFrame:
    """Count how many of the cohort got at least as far as each step of the lesson."""
    return funnel(reports.furthest(lesson.id), [s.id for s in lesson.steps])


def cohort_gain(course: Course, reports: Reports) -> Gain | None:
    """Compare the first "before" check with the latest "after" check, if the course has one."""
    check = course.manifest.knowledge_check
    if check is None:
        return None
    pre = pd.Series(reports.scores(check.pre, latest=False), dtype=float)
    post = pd.Series(reports.scores(check.post, latest=True), dtype=float)
    return knowledge_gain(pre, post)


@dataclass(frozen=True)
class QuizReport:
    quiz: Quiz
    stats: QuizStats
    items: list[ItemStats]
    options: pd.DataFrame  # question_id, answer_key, count, share
    board: list[Misconception]


def quiz_report(reports: Reports, quiz: Quiz) -> QuizReport:
    """Compute Moodle-style statistics, answer shares and misconceptions of a quiz."""
    ids = [q.id for q in quiz.questions]
    first = pd.DataFrame(reports.first_attempts(quiz.id),
                         columns=["learner_id", "question_id", "is_correct"])  # fmt: skip
    counts = pd.DataFrame(
        [(c.question_id, answer_text(c.answer), c.count) for c in reports.answer_counts(quiz.id)],
        columns=["question_id", "answer_key", "count"],
    )
    return QuizReport(
        quiz,
        quiz_statistics(first, ids),
        item_statistics(first, ids),
        option_counts(counts),
        misconception_board(_tag_rows(reports, quiz)),
    )


def _tag_rows(reports: Reports, quiz: Quiz) -> pd.DataFrame:
    """One row per misconception carried by a wrong first answer, with how sure it was."""
    questions = {q.id: q for q in quiz.questions}
    # Grade each distinct answer once: thousands of learners share a few wrong answers.
    tags: dict[tuple[str, str], tuple[str, ...]] = {}
    rows = []
    for learner, question_id, answer, sure in reports.wrong_first_answers(quiz.id):
        if question_id not in questions:
            continue
        key = (question_id, json.dumps(answer, sort_keys=True))
        if key not in tags:
            tags[key] = _tags(questions[question_id], answer)
        rows += [(tag, learner, sure) for tag in tags[key]]
    return pd.DataFrame(rows, columns=["tag", "learner_id", "confident"])


def _tags(question: AnyQuestion, answer: object) -> tuple[str, ...]:
    try:
        return tuple(grade_answer(question, answer).misconceptions)
    except AnswerError:
        return ()


def items_csv(report: QuizReport) -> str:
    """Write the quiz's item statistics as spreadsheet-safe CSV."""
    return to_csv(
        ["question", "learners", "facility_pct", "sd_pct", "discrimination"],
        [(i.question_id, i.n, _round(i.facility), _round(i.sd), _round(i.discrimination))
         for i in report.items],
    )  # fmt: skip


def answers_csv(reports: Reports) -> Iterator[str]:
    """Write every answer of the cohort as spreadsheet-safe CSV, a batch of lines at a time."""
    header = ["learner", "quiz", "question", "attempt", "answer", "correct", "answered_at"]
    yield to_csv(header, [])
    batch: list[tuple[object, ...]] = []
    for learner, quiz_id, question_id, attempt_no, answer, ok, at in reports.attempts():
        batch.append((f"learner-{learner}", quiz_id, question_id, attempt_no,
                      answer_text(answer), ok, at.isoformat()))  # fmt: skip
        if len(batch) >= 5_000:
            yield to_csv(None, batch)
            batch = []
    yield to_csv(None, batch)


def xapi_json(reports: Reports, *, base: str, home_page: str) -> str:
    """Write the cohort's answers, completions and quiz outcomes as xAPI statements (JSON)."""
    answers = [AnswerRecord(*row) for row in reports.attempts()]
    completions = [CompletionRecord(*row) for row in reports.completions()]
    quizzes = [QuizRecord(*row) for row in reports.results()]
    found = statements(answers, completions, quizzes, base=base, home_page=home_page)
    return json.dumps(found, ensure_ascii=False, indent=1)


def _round(value: float) -> float | str:
    return "" if value != value else round(value, 1)  # nan (not equal to itself) -> empty cell
