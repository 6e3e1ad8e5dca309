"""Whole-course checks: references between files resolve, ids are consistent, nothing dangles."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from course.messages import did_you_mean, format_key, quoted
from course.model import CourseManifest, LessonFile, Quiz
from course.problems import Problem, Severity
from course.yamlsafe import Path

if TYPE_CHECKING:
    from course.loader import Loaded


def cross_check(
    manifest: Loaded[CourseManifest], lessons: list[Loaded[LessonFile]], quizzes: list[Loaded[Quiz]]
) -> list[Problem]:
    """Return every problem that needs more than one file to see."""
    problems = [*_ids_match_files(lessons), *_ids_match_files(quizzes)]
    problems += _quiz_references(lessons, quizzes)
    problems += _manifest_references(manifest, lessons, quizzes)
    problems += _unused_quizzes(manifest, lessons, quizzes)
    return problems


def _problem(item: Loaded[Any], path: Path, message: str, severity: Severity = "error") -> Problem:
    line = item.doc.line_of(path) if item.doc else 1
    return Problem(item.rel, line, format_key(path), message, severity)


def _ids_match_files(items: Iterable[Loaded[LessonFile] | Loaded[Quiz]]) -> Iterator[Problem]:
    seen: dict[str, str] = {}
    for item in items:
        if item.model is None:
            continue
        if item.model.id != item.stem:
            yield _problem(
                item,
                ("id",),
                f"id '{item.model.id}' must match the file name '{item.stem}.yaml'; "
                f"rename the file or change the id",
            )
        if item.model.id in seen:
            yield _problem(
                item, ("id",), f"id '{item.model.id}' is also used by {seen[item.model.id]}"
            )
        seen.setdefault(item.model.id, item.rel)


def _known(stems: Iterable[str]) -> str:
    names = sorted(stems)
    return quoted(names) if names else "(none)"


def _unknown(what: str, value: str, known: Iterable[str], listed: str = "known") -> str:
    """Say that a reference names nothing, suggest the closest name, and list the names."""
    names = list(known)
    return f"unknown {what} '{value}'{did_you_mean(value, names)}; {listed}: {_known(names)}"


def _quiz_references(
    lessons: list[Loaded[LessonFile]], quizzes: list[Loaded[Quiz]]
) -> Iterator[Problem]:
    quiz_stems = {q.stem for q in quizzes}
    used_by: dict[str, str] = {}
    for item in lessons:
        if item.model is None or item.model.quiz is None:
            continue
        quiz_id = item.model.quiz
        if quiz_id not in quiz_stems:
            yield _problem(item, ("quiz",), _unknown("quiz", quiz_id, quiz_stems))
        elif quiz_id in used_by:
            yield _problem(
                item, ("quiz",), f"quiz '{quiz_id}' is already used by {used_by[quiz_id]}"
            )
        used_by.setdefault(quiz_id, item.rel)


def _manifest_references(
    manifest: Loaded[CourseManifest], lessons: list[Loaded[LessonFile]], quizzes: list[Loaded[Quiz]]
) -> Iterator[Problem]:
    if manifest.model is None:
        return
    lesson_stems = {i.stem for i in lessons}
    for t, track in enumerate(manifest.model.tracks):
        for n, lesson_id in enumerate(track.lessons):
            if lesson_id not in lesson_stems:
                message = _unknown("lesson", lesson_id, lesson_stems)
                yield _problem(manifest, ("tracks", t, "lessons", n), message)
    listed = {i for track in manifest.model.tracks for i in track.lessons}
    for item in lessons:
        if item.stem not in listed:
            yield _problem(item, ("id",), f"lesson '{item.stem}' is in no track", "warning")
    yield from _check_references(manifest, {q.stem for q in quizzes})


def _check_references(manifest: Loaded[CourseManifest], quiz_stems: set[str]) -> Iterator[Problem]:
    check = manifest.model.knowledge_check if manifest.model else None
    if check is None:
        return
    for key in ("pre", "post"):
        quiz_id = getattr(check, key)
        if quiz_id not in quiz_stems:
            message = _unknown("quiz", quiz_id, quiz_stems)
            yield _problem(manifest, ("knowledge_check", key), message)


def _raw(item: Loaded[Any], key: str) -> object:
    """Return a top-level value as written, even when the file did not validate."""
    data = item.doc.data if item.doc else None
    return data.get(key) if isinstance(data, dict) else None


def _unused_quizzes(
    manifest: Loaded[CourseManifest], lessons: list[Loaded[LessonFile]], quizzes: list[Loaded[Quiz]]
) -> Iterator[Problem]:
    used = {_raw(i, "quiz") for i in lessons}
    check = manifest.model.knowledge_check if manifest.model else None
    if check is not None:
        used |= {check.pre, check.post}
    for item in quizzes:
        if item.stem not in used:
            yield _problem(
                item, ("id",), f"quiz '{item.stem}' is not used by any lesson", "warning"
            )
