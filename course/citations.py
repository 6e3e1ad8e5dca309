"""The bibliography and what cites it: every cited id exists, every entry is used, none is stale.

Sources live once, in ``bibliography.yaml`` at the content root. Lesson steps, cards, check
questions and quiz questions cite them by id. A source marked ``time_sensitive`` (death counts,
drug supply, rules and services that change) is flagged once it is older than the bibliography's
``max_age_years``, and a lesson that cites one needs a ``check_again_by`` date, which ``lint``
reports once past.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from course.messages import did_you_mean, format_key, quoted
from course.model import Bibliography, CardsStep, CheckStep, FactualStep, LessonFile, Quiz, Source
from course.problems import Problem, Severity
from course.yamlsafe import Path

if TYPE_CHECKING:
    from course.loader import Loaded

BIBLIOGRAPHY = "bibliography.yaml"


def entries(bibliography: Loaded[Bibliography]) -> dict[str, Source]:
    """Return the bibliography's sources by id (none when the file is missing or broken)."""
    model = bibliography.model
    return {s.id: s for s in model.sources} if model else {}


def cited_in_lesson(lesson: LessonFile) -> Iterator[tuple[Path, str]]:
    """Yield (key path, source id) for every source a lesson's steps cite."""
    for i, step in enumerate(lesson.steps):
        for j, source in enumerate(step.sources):
            yield ("steps", i, "sources", j), source
        if isinstance(step, CardsStep):
            for k, card in enumerate(step.cards):
                for j, source in enumerate(card.sources):
                    yield ("steps", i, "cards", k, "sources", j), source
        if isinstance(step, CheckStep):
            for j, source in enumerate(step.question.sources):
                yield ("steps", i, "question", "sources", j), source


def cited_in_quiz(quiz: Quiz) -> Iterator[tuple[Path, str]]:
    """Yield (key path, source id) for every source a quiz's questions cite."""
    for i, question in enumerate(quiz.questions):
        for j, source in enumerate(question.sources):
            yield ("questions", i, "sources", j), source


def lesson_sources(
    lesson: LessonFile, quiz: Quiz | None, known: Mapping[str, Source]
) -> list[Source]:
    """Return the known sources a lesson and its quiz cite, each once, in the order first cited."""
    cited = [source for _, source in cited_in_lesson(lesson)]
    if quiz is not None:
        cited += [source for _, source in cited_in_quiz(quiz)]
    return [known[i] for i in dict.fromkeys(cited) if i in known]


def check(
    bibliography: Loaded[Bibliography],
    lessons: list[Loaded[Any]],
    quizzes: list[Loaded[Quiz]],
    today: dt.date,
) -> list[Problem]:
    """Return every citation problem: unknown ids, unused or stale entries, missing dates."""
    known = entries(bibliography)
    # A broken bibliography is reported as such, not as every citation being unknown.
    is_readable = bibliography.model is not None or not bibliography.problems
    cited: set[str] = set()
    problems: list[Problem] = []
    for item in [*lessons, *quizzes]:
        if item.model is None:
            continue
        found = list(_citations(item.model))
        cited |= {source for _, source in found}
        if is_readable:
            problems += _unknown_citations(item, found, known, bibliography)
        problems += _undated(item, known)
    problems += _unsourced_steps(lessons)
    if cited and bibliography.model is None and not bibliography.problems:
        problems.append(Problem(BIBLIOGRAPHY, 1, "", _missing_message(bibliography)))
    # What a broken file cites is not known, so nothing can be called unused.
    if all(item.model is not None for item in [*lessons, *quizzes]):
        problems += _unused(bibliography, cited)
    problems += _stale(bibliography, today)
    return problems


def _citations(model: object) -> Iterator[tuple[Path, str]]:
    if isinstance(model, Quiz):
        return cited_in_quiz(model)
    assert isinstance(model, LessonFile)
    return cited_in_lesson(model)


def _problem(item: Loaded[Any], path: Path, message: str, severity: Severity = "error") -> Problem:
    line = item.doc.line_of(path) if item.doc else 1
    return Problem(item.rel, line, format_key(path), message, severity)


def _missing_message(bibliography: Loaded[Bibliography]) -> str:
    return (
        "bibliography not found: lessons and quizzes cite sources by id, so list each source "
        f"once in {bibliography.rel} at the content root "
        "(id, title, publisher, url, year, supports)"
    )


def _unknown_citations(
    item: Loaded[Any],
    found: Iterable[tuple[Path, str]],
    known: Mapping[str, Source],
    bibliography: Loaded[Bibliography],
) -> Iterator[Problem]:
    for path, source in found:
        if source not in known:
            names = sorted(known)
            listing = quoted(names) if names else "(none)"
            yield _problem(
                item,
                path,
                f"unknown source '{source}'{did_you_mean(source, names)}; "
                f"sources in {bibliography.rel}: {listing}",
            )


def _undated(item: Loaded[Any], known: Mapping[str, Source]) -> Iterator[Problem]:
    """Warn when a lesson rests on time-sensitive sources but says when to check it again."""
    lesson = item.model
    if not isinstance(lesson, LessonFile) or lesson.check_again_by is not None:
        return
    sensitive = sorted(
        {s for _, s in cited_in_lesson(lesson) if s in known and known[s].time_sensitive}
    )
    if sensitive:
        yield _problem(
            item,
            ("id",),
            f"lesson '{lesson.id}' cites time-sensitive sources ({quoted(sensitive)}) but has "
            "no check_again_by date; add one, e.g. check_again_by: 2027-06-30",
            "warning",
        )


def _unsourced_steps(lessons: list[Loaded[Any]]) -> Iterator[Problem]:
    for item in lessons:
        lesson = item.model
        if lesson is None:
            continue
        for i, step in enumerate(lesson.steps):
            if not isinstance(step, FactualStep) or not step.factual or step.sources:
                continue
            if isinstance(step, CardsStep) and all(card.sources for card in step.cards):
                continue
            yield _problem(
                item,
                ("steps", i),
                f"{getattr(step, 'kind', 'a')} step '{step.id}' states facts but names no sources; "
                "add 'sources:' or set 'factual: false'",
                "warning",
            )


def _unused(bibliography: Loaded[Bibliography], cited: set[str]) -> Iterator[Problem]:
    if bibliography.model is None:
        return
    for i, source in enumerate(bibliography.model.sources):
        if source.id not in cited:
            message = f"source '{source.id}' is cited by no lesson or quiz; cite it or remove it"
            yield _problem(bibliography, ("sources", i), message, "warning")


def _stale(bibliography: Loaded[Bibliography], today: dt.date) -> Iterator[Problem]:
    """Flag time-sensitive sources older than the bibliography allows."""
    model = bibliography.model
    if model is None:
        return
    for i, source in enumerate(model.sources):
        if not source.time_sensitive:
            continue
        if source.last_checked is not None:
            checked = source.last_checked
            age = _whole_years(checked, today)
            said = f"was last checked on {checked}"
            key: Path = ("sources", i, "last_checked")
        else:
            age = today.year - source.year
            said = f"is from {source.year}"
            key = ("sources", i, "year")
        if age > model.max_age_years:
            yield _problem(
                bibliography,
                key,
                f"source '{source.id}' backs time-sensitive facts but {said}, {age} years ago "
                f"(the limit is max_age_years: {model.max_age_years}); find a newer source, or "
                "confirm the facts on the live page and set last_checked",
                "warning",
            )


def _whole_years(start: dt.date, end: dt.date) -> int:
    """Count the whole years from start to end."""
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))
