"""The rule for when a lesson counts as complete, applied and saved."""

from __future__ import annotations

from course.model import Lesson
from course.ui import identity
from course.ui.resources import course_result, store


def is_quiz_done(lesson: Lesson, learner: identity.Learner) -> bool:
    """Tell whether the learner has a finished result that passed with every safety answer."""
    course = course_result().course
    quiz = course.quiz_for(lesson) if course else None
    if quiz is None:
        return True
    results = [r for r in store().quiz_results(learner.id) if r.quiz_id == quiz.id]
    return any(r.passed and r.safety_ok for r in results)


def finish_lesson_if_done(lesson: Lesson, learner: identity.Learner) -> bool:
    """Mark the lesson complete when every step is done and the quiz rule is met."""
    progress = store().lesson_progress(learner.id).get(lesson.id)
    done = progress.steps_completed if progress else frozenset()
    if not {s.id for s in lesson.steps} <= done or not is_quiz_done(lesson, learner):
        return False
    store().complete_lesson(learner.id, lesson.id, identity.now())
    return True
