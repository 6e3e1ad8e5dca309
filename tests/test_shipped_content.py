"""The content that ships with the repository loads strictly with zero problems."""

from __future__ import annotations

import datetime as dt

from course.lint import MAX_GRADE, lint
from course.loader import REPO_ROOT, load_course
from course.model import QUESTION_KINDS, STEP_KINDS, CheckStep


def test_shipped_content_loads_strictly_with_no_problems() -> None:
    result = load_course(REPO_ROOT, strict=True)
    assert [str(p) for p in result.problems] == []
    assert result.course is not None
    assert result.course.lessons, "at least one lesson is served"


def test_every_lesson_has_its_quiz_served() -> None:
    course = load_course(REPO_ROOT, strict=True).course
    assert course is not None
    for lesson in course.lessons.values():
        assert lesson.quiz is not None and course.quiz_for(lesson) is not None


def test_starter_lesson_uses_every_step_and_question_kind() -> None:
    course = load_course(REPO_ROOT, strict=True).course
    assert course is not None
    lesson = course.lessons["tolerance-dependence-addiction"]
    assert {step.kind for step in lesson.steps} == set(STEP_KINDS)
    quiz = course.quiz_for(lesson)
    assert quiz is not None
    assert {q.kind for q in quiz.questions} == set(QUESTION_KINDS)
    assert quiz.safety_critical_ids, "the lost-tolerance questions are safety-critical"
    assert any(isinstance(step, CheckStep) for step in lesson.steps)


def test_lessons_are_honestly_marked_not_clinically_reviewed() -> None:
    course = load_course(REPO_ROOT, strict=True).course
    assert course is not None
    for lesson in course.lessons.values():
        if not lesson.reviewed.clinical:
            assert "not yet clinically reviewed" in lesson.reviewed.reviewer_role


def test_crisis_resources_name_911_988_and_the_samhsa_helpline() -> None:
    course = load_course(REPO_ROOT, strict=True).course
    assert course is not None
    contacts = " ".join(r.contact for r in course.manifest.crisis_resources)
    for number in ("911", "988", "1-800-662-4357"):
        assert number in contacts


def test_shipped_content_reads_at_grade_8_or_below_with_no_stigmatizing_words() -> None:
    report = lint(REPO_ROOT, today=dt.date.today())
    grades = {rel: round(c.grade, 1) for _, rel, c in report.rows}
    assert all(g <= MAX_GRADE for g in grades.values()), grades
    assert report.lesson_mean <= 7.0, grades
    assert [str(f) for f in report.stigma] == []
    assert [str(f) for f in report.unsourced] == []
