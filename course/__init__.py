"""Recovery course engine: content model, loader, scoring and progress store (no UI here)."""

from course.loader import LoadResult, load_course
from course.model import Course, CourseManifest, Lesson, Quiz
from course.problems import ContentError, Problem

__all__ = [
    "ContentError",
    "Course",
    "CourseManifest",
    "Lesson",
    "LoadResult",
    "Problem",
    "Quiz",
    "load_course",
]
