"""The content that ships with the repository loads strictly with zero problems."""

from __future__ import annotations

import datetime as dt
import re

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


def test_every_lesson_and_quiz_has_the_shape_the_course_promises() -> None:
    course = load_course(REPO_ROOT, strict=True).course
    assert course is not None
    tracks = {t.id: course.track_lessons(t) for t in course.manifest.tracks}
    assert {k: len(v) for k, v in tracks.items()} == {"self-paced": 11, "family": 5}
    assert all(lesson.audience == "family" for lesson in tracks["family"])
    assert len(course.lessons) == 16
    for lesson in course.lessons.values():
        kinds = {step.kind for step in lesson.steps}
        assert 6 <= len(lesson.steps) <= 12, lesson.id
        assert len(kinds - {"text"}) >= 3, (lesson.id, kinds)
        assert "discussion" in kinds, lesson.id
        assert lesson.objectives and lesson.sources, lesson.id
        quiz = course.quiz_for(lesson)
        assert quiz is not None, lesson.id
        assert len(quiz.questions) >= 6, quiz.id
        assert len({q.kind for q in quiz.questions}) >= 3, quiz.id


def test_knowledge_check_forms_are_parallel() -> None:
    course = load_course(REPO_ROOT, strict=True).course
    assert course is not None and course.manifest.knowledge_check is not None
    form_a = course.quizzes[course.manifest.knowledge_check.pre]
    form_b = course.quizzes[course.manifest.knowledge_check.post]
    assert len(form_a.questions) == len(form_b.questions) == 12
    for a, b in zip(form_a.questions, form_b.questions, strict=True):
        assert (a.id, a.kind, a.safety_critical) == (b.id, b.kind, b.safety_critical)
        assert a.model_dump() != b.model_dump(), f"{a.id}: the forms must differ in wording"


def test_overdose_and_lost_tolerance_questions_are_safety_critical() -> None:
    course = load_course(REPO_ROOT, strict=True).course
    assert course is not None
    for lesson_id in (
        "tolerance-dependence-addiction",
        "drug-supply-and-overdose",
        "family-overdose-be-ready",
        "family-what-your-loved-one-is-going-through",
    ):
        quiz = course.quiz_for(course.lessons[lesson_id])
        assert quiz is not None and quiz.safety_critical_ids, lesson_id


# Words that mean someone may be thinking of suicide, as a counselor would hear them.
SUICIDE_WORDS = ("suicid", "better off without me", "kill myself", "end my life")


def test_every_note_on_suicidal_thoughts_says_act_now_and_stay() -> None:
    """A counselor reading any lesson's notes gets the same crisis response, never "later".

    Caught the thought-traps notes that said to talk privately after the group.
    """
    course = load_course(REPO_ROOT).course
    assert course is not None
    checked = []
    for lesson in course.lessons.values():
        for step in lesson.steps:
            notes = getattr(step, "facilitator_notes", "") or ""
            for item in notes.split("\n- "):
                said = " ".join(item.split()).lower()
                if not any(word in said for word in SUICIDE_WORDS):
                    continue
                if "died by suicide" in said and "thinking" not in said:
                    continue  # words to use about a loss, not what to do in a crisis
                checked.append(f"{lesson.id}/{step.id}")
                whole = " ".join(notes.split()).lower()
                # "Talk with them after the group" leaves a person at risk alone for an hour.
                assert not re.search(r"(?<!look )after the group", said), f"{lesson.id}: {said}"
                assert "988 now" in whole and "do not leave them alone" in whole, (
                    f"{lesson.id}/{step.id} speaks of suicidal thoughts without the crisis steps"
                )
    assert "thought-traps/group-discussion" in checked
    assert "mental-health-and-recovery/group-discussion" in checked or any(
        c.startswith("mental-health-and-recovery/") for c in checked
    )
