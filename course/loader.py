"""Load course content from YAML files into models, collecting every problem with its line.

Layout under the content root: ``lessons/course.yaml`` (the manifest), ``lessons/<id>.yaml``,
``quizzes/<id>.yaml`` and ``bibliography.yaml`` (every source once; lessons cite by id).
Loading never stops at the first problem: each file is read and checked on its own, then the
whole course is cross-checked (``course.checks``, ``course.citations``). Lessons with errors
(or whose quiz has errors) are left out of the ``Course``; the rest is served.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from course import checks, citations, recordings, scenarios, translation
from course.citations import BIBLIOGRAPHY
from course.messages import explain, format_key
from course.model import Bibliography, Course, CourseManifest, Lesson, LessonFile, Quiz, Source
from course.problems import Problem, harden
from course.yamlsafe import Document, YamlProblem, read

M = TypeVar("M", bound=BaseModel)
MANIFEST = "lessons/course.yaml"
REPO_ROOT = Path(__file__).resolve().parent.parent


def default_root() -> Path:
    """Return the content root: $COURSE_ROOT, else the repository this package sits in."""
    return Path(os.environ.get("COURSE_ROOT") or REPO_ROOT)


@dataclass(frozen=True)
class Loaded(Generic[M]):
    """One file: where it is, what it parsed to, the model if valid, and its own problems."""

    rel: str
    doc: Document | None
    model: M | None
    problems: tuple[Problem, ...]

    @property
    def stem(self) -> str:
        return Path(self.rel).stem

    @property
    def is_clean(self) -> bool:
        return self.model is not None and not any(p.is_error for p in self.problems)


@dataclass(frozen=True)
class LoadResult:
    """What loading found: the servable course (None if the manifest is unusable) and problems."""

    course: Course | None
    problems: tuple[Problem, ...]
    translations: translation.Translations = dataclasses.field(
        default_factory=translation.Translations
    )

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


# Keys a file may not have, with what to do instead.
REFUSED_IN_LESSONS = {
    "sources": (
        "a lesson cites sources by id and does not list them; move each entry to "
        f"{BIBLIOGRAPHY} (once, with what it supports) and keep the ids in the steps"
    )
}


def read_file(
    root: Path, rel: str, model: type[M], refused: Mapping[str, str] | None = None
) -> Loaded[M]:
    """Read one file and validate it against a model, collecting its problems."""
    try:
        doc = read((root / rel).read_bytes())
    except YamlProblem as err:
        return Loaded(rel, None, None, (Problem(rel, err.line, "", err.message),))
    except OSError as err:
        return Loaded(rel, None, None, (Problem(rel, 1, "", f"cannot read file: {err}"),))
    problems = [Problem(rel, line, format_key(path), msg) for path, line, msg in doc.problems]
    if not isinstance(doc.data, dict):
        problems.append(Problem(rel, 1, "", "expected a mapping of keys to values at the top"))
        return Loaded(rel, doc, None, tuple(problems))
    data = doc.data
    for key, message in (refused or {}).items():
        if key in data:
            problems.append(Problem(rel, doc.line_of((key,)), key, message))
            data = {k: v for k, v in data.items() if k != key}
    try:
        instance: M | None = model.model_validate(data)
    except ValidationError as err:
        instance = None
        problems += [
            Problem(rel, line, format_key(path), msg)
            for path, line, msg in explain(err, model, doc)
        ]
    return Loaded(rel, doc, instance, tuple(problems))


def load_course(
    root: Path | str | None = None, *, strict: bool = False, today: dt.date | None = None
) -> LoadResult:
    """Load and cross-check everything under root; never raises for content problems.

    ``today`` dates the checks that age (time-sensitive sources); it defaults to today.
    """
    base = Path(root) if root is not None else default_root()
    if not (base / MANIFEST).is_file():
        problem = Problem(MANIFEST, 1, "", f"course manifest not found under {base}")
        return LoadResult(None, (problem,))
    manifest = read_file(base, MANIFEST, CourseManifest)
    lessons = [
        read_file(base, rel, LessonFile, REFUSED_IN_LESSONS) for rel in _yaml_files(base, "lessons")
    ]
    quizzes = [read_file(base, rel, Quiz) for rel in _yaml_files(base, "quizzes")]
    bibliography = _read_bibliography(base)
    files: list[Loaded[Any]] = [manifest, *lessons, *quizzes, bibliography]
    problems = [p for f in files for p in f.problems]
    problems += checks.cross_check(manifest, lessons, quizzes)
    problems += citations.check(bibliography, lessons, quizzes, today or dt.date.today())
    problems += scenarios.check(lessons, base)
    problems += recordings.check(lessons, base)
    problems += _stray_files(base)
    originals: list[tuple[str, Any, Any]] = [(manifest.rel, manifest.doc, manifest.model)]
    originals += [(f.rel, f.doc, f.model) for f in lessons]
    originals += [(f.rel, f.doc, f.model) for f in quizzes]
    found = translation.load(base, originals)
    problems += found.problems
    if strict:
        problems = harden(problems)
    course = _servable(manifest, lessons, quizzes, citations.entries(bibliography), problems)
    if course is not None and found.files:
        translated = {
            language: translation.translated_course(course, language, found)
            for language in found.files
        }
        course = dataclasses.replace(course, translations=translated)
    return LoadResult(course, tuple(sorted(set(problems))), found)


def _read_bibliography(base: Path) -> Loaded[Bibliography]:
    """Read bibliography.yaml; a missing file is only a problem once something cites a source."""
    if not (base / BIBLIOGRAPHY).is_file():
        return Loaded(BIBLIOGRAPHY, None, None, ())
    return read_file(base, BIBLIOGRAPHY, Bibliography)


def _yaml_files(base: Path, folder: str) -> list[str]:
    directory = base / folder
    if not directory.is_dir():
        return []
    names = sorted(p.name for p in directory.glob("*.yaml") if p.is_file())
    return [f"{folder}/{name}" for name in names if f"{folder}/{name}" != MANIFEST]


def _stray_files(base: Path) -> list[Problem]:
    strays = sorted(p for folder in ("lessons", "quizzes") for p in (base / folder).glob("*.yml"))
    return [
        Problem(str(p.relative_to(base)), 1, "", "ignored: name content files '.yaml'", "warning")
        for p in strays
    ]


def _servable(
    manifest: Loaded[CourseManifest],
    lessons: list[Loaded[LessonFile]],
    quizzes: list[Loaded[Quiz]],
    known: dict[str, Source],
    problems: list[Problem],
) -> Course | None:
    """Build the course from files without errors; a lesson needs its quiz to be clean too."""
    if manifest.model is None:
        return None
    broken = {p.path for p in problems if p.is_error}
    clean_quizzes = {q.model.id: q.model for q in quizzes if q.model and q.rel not in broken}
    served = {}
    for item in lessons:
        lesson = item.model
        if lesson is None or item.rel in broken:
            continue
        if lesson.quiz is None or lesson.quiz in clean_quizzes:
            quiz = clean_quizzes.get(lesson.quiz) if lesson.quiz else None
            served[lesson.id] = _with_sources(lesson, quiz, known)
    ordered = _track_order(manifest.model, served)
    return Course(manifest.model, ordered, clean_quizzes, known)


def _with_sources(lesson: LessonFile, quiz: Quiz | None, known: dict[str, Source]) -> Lesson:
    """Make the served lesson: the file's fields and the sources it and its quiz cite."""
    fields = {name: getattr(lesson, name) for name in LessonFile.model_fields}
    return Lesson(**fields, sources=citations.lesson_sources(lesson, quiz, known))


def _track_order(manifest: CourseManifest, lessons: dict[str, Lesson]) -> dict[str, Lesson]:
    """Order lessons as the tracks list them, then any others by id."""
    order = [i for track in manifest.tracks for i in track.lessons if i in lessons]
    order += sorted(set(lessons) - set(order))
    return {i: lessons[i] for i in dict.fromkeys(order)}
