"""Every learner-facing string of the content, with the key path where it sits.

One list serves the lint (reading grade, stigmatizing words), Listen checks and translation
(what a translation must give, and the fingerprint that tells when the English changed).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from course.model import (
    AnyQuestion,
    CardsStep,
    CheckStep,
    CommitmentStep,
    ComparisonStep,
    CourseManifest,
    DiscussionStep,
    DrillStep,
    Lesson,
    LessonFile,
    Matching,
    MultipleChoice,
    Ordering,
    PracticeStep,
    Quiz,
    ScenarioStep,
    SingleChoice,
    TimelineStep,
    TrueFalse,
)
from course.yamlsafe import Path


@dataclass(frozen=True)
class Text:
    """One learner-facing string, where it is, and whether it counts for reading level."""

    path: Path
    value: str
    is_graded: bool = True
    is_quoted_myth: bool = False


def lesson_texts(lesson: Lesson | LessonFile) -> Iterator[Text]:
    """Yield every learner-facing string of a lesson with its key path."""
    yield Text(("title",), lesson.title)
    yield Text(("summary",), lesson.summary)
    for n, objective in enumerate(lesson.objectives):
        yield Text(("objectives", n), objective)
    for i, step in enumerate(lesson.steps):
        yield from _step_texts(("steps", i), step)


def _step_texts(at: Path, step: object) -> Iterator[Text]:
    title = getattr(step, "title", None)
    if title:
        yield Text((*at, "title"), title)
    for name in ("body", "prompt"):
        value = getattr(step, name, None)
        if value:
            yield Text((*at, name), value)
    if isinstance(step, TimelineStep):
        for n, event in enumerate(step.events):
            yield Text((*at, "events", n, "label"), event.label)
            if event.detail:
                yield Text((*at, "events", n, "detail"), event.detail)
    elif isinstance(step, ComparisonStep):
        yield from _table_texts(at, step)
    elif isinstance(step, CardsStep):
        for n, card in enumerate(step.cards):
            yield Text((*at, "cards", n, "myth"), card.myth, is_quoted_myth=True)
            yield Text((*at, "cards", n, "fact"), card.fact)
    elif isinstance(step, CheckStep):
        yield from question_texts((*at, "question"), step.question)
    elif isinstance(step, DiscussionStep):
        yield Text((*at, "facilitator_notes"), step.facilitator_notes, is_graded=False)
    else:
        yield from _practice_texts(at, step)


def _practice_texts(at: Path, step: object) -> Iterator[Text]:
    """Yield the texts of scenario, practice, commitment and drill steps."""
    if isinstance(step, ScenarioStep):
        if step.image:
            yield Text((*at, "image", "alt"), step.image.alt)
        for n, node in enumerate(step.nodes):
            yield Text((*at, "nodes", n, "text"), node.text)
            for c, choice in enumerate(node.choices):
                yield Text((*at, "nodes", n, "choices", c, "text"), choice.text)
            if node.debrief:
                yield Text((*at, "nodes", n, "debrief"), node.debrief)
    elif isinstance(step, PracticeStep):
        for name, value in step.example.items():
            yield Text((*at, "example", name), value)
    elif isinstance(step, CommitmentStep):
        for n, option in enumerate(step.options):
            yield Text((*at, "options", n), option)
    elif isinstance(step, DrillStep):
        for n, item in enumerate(step.items):
            yield from question_texts((*at, "items", n), item)
    notes = getattr(step, "facilitator_notes", None)
    if notes and not isinstance(step, DiscussionStep):
        yield Text((*at, "facilitator_notes"), notes, is_graded=False)


def _table_texts(at: Path, step: ComparisonStep) -> Iterator[Text]:
    for n, column in enumerate(step.columns):
        yield Text((*at, "columns", n), column)
    for r, row in enumerate(step.rows):
        yield Text((*at, "rows", r, "label"), row.label)
        for c, cell in enumerate(row.cells):
            yield Text((*at, "rows", r, "cells", c), cell)


def question_texts(at: Path, question: AnyQuestion) -> Iterator[Text]:
    """Yield every learner-facing string of a question."""
    yield Text((*at, "prompt"), question.prompt)
    yield Text((*at, "explanation"), question.explanation)
    if question.hint:
        yield Text((*at, "hint"), question.hint)
    if isinstance(question, SingleChoice | MultipleChoice):
        for n, option in enumerate(question.options):
            is_myth = option.misconception is not None
            yield Text((*at, "options", n, "text"), option.text, is_quoted_myth=is_myth)
            yield Text((*at, "options", n, "feedback"), option.feedback)
    elif isinstance(question, TrueFalse):
        yield Text((*at, "feedback_true"), question.feedback_true)
        yield Text((*at, "feedback_false"), question.feedback_false)
    elif isinstance(question, Ordering | Matching):
        yield Text((*at, "feedback_correct"), question.feedback_correct)
        yield Text((*at, "feedback_incorrect"), question.feedback_incorrect)
        if isinstance(question, Ordering):
            for n, item in enumerate(question.items):
                yield Text((*at, "items", n, "text"), item.text)
        else:
            for n, pair in enumerate(question.pairs):
                yield Text((*at, "pairs", n, "left"), pair.left)
                yield Text((*at, "pairs", n, "right"), pair.right)


def quiz_texts(quiz: Quiz) -> Iterator[Text]:
    yield Text(("title",), quiz.title)
    for n, question in enumerate(quiz.questions):
        yield from question_texts(("questions", n), question)


def manifest_texts(manifest: CourseManifest) -> Iterator[Text]:
    """Yield the course manifest's learner-facing strings (titles, tracks, crisis resources)."""
    yield Text(("title",), manifest.title)
    yield Text(("description",), manifest.description)
    for n, track in enumerate(manifest.tracks):
        yield Text(("tracks", n, "title"), track.title)
        if track.description:
            yield Text(("tracks", n, "description"), track.description)
    for n, resource in enumerate(manifest.crisis_resources):
        for name in ("name", "contact", "detail"):
            yield Text(("crisis_resources", n, name), getattr(resource, name))
        if resource.short:  # a button's name: "Call 988", "Call helpline"
            yield Text(("crisis_resources", n, "short"), resource.short, is_graded=False)
    if manifest.crisis_policy:
        yield Text(("crisis_policy",), manifest.crisis_policy, is_graded=False)
