"""Progress summaries for the course map and the progress page: pure, from stored records."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from course.i18n import tr
from course.model import Course, KnowledgeCheck, Lesson, Track
from course.store.records import LessonProgress, QuizResult


@dataclass(frozen=True)
class LessonStatus:
    lesson: Lesson
    steps_done: int
    steps_total: int
    current_index: int
    is_started: bool
    is_complete: bool

    @property
    def label(self) -> str:
        if self.is_complete:
            return tr("Complete")
        if self.is_started:
            return tr("In progress: {done} of {total} steps done").format(
                done=self.steps_done, total=self.steps_total
            )
        return tr("Not started")


def lesson_status(lesson: Lesson, progress: LessonProgress | None) -> LessonStatus:
    """Summarize one lesson for one learner; steps no longer in the lesson don't count."""
    ids = {step.id for step in lesson.steps}
    done = len(ids & progress.steps_completed) if progress else 0
    index = min(progress.current_index, len(lesson.steps) - 1) if progress else 0
    if progress and progress.current_step_id in ids:
        index = lesson.step_index(progress.current_step_id)
    return LessonStatus(
        lesson=lesson,
        steps_done=done,
        steps_total=len(lesson.steps),
        current_index=index,
        is_started=progress is not None,
        is_complete=bool(progress and progress.is_completed),
    )


def continue_target(
    course: Course, progress: Mapping[str, LessonProgress], audience: str = "learner"
) -> Lesson | None:
    """Pick the lesson to continue: the most recently used unfinished one, else the next new.

    New lessons come from the tracks meant for this audience first, then from the others.
    """
    open_ones = [p for lid, p in progress.items() if lid in course.lessons and not p.is_completed]
    if open_ones:
        latest = max(open_ones, key=lambda p: p.updated_at)
        return course.lessons[latest.lesson_id]
    ordered = [
        les.id for track in tracks_for(course, audience) for les in course.track_lessons(track)
    ]
    ordered += [lesson_id for lesson_id in course.lessons if lesson_id not in ordered]
    new = next((lesson_id for lesson_id in ordered if lesson_id not in progress), None)
    return course.lessons[new] if new else None


def tracks_for(course: Course, audience: str) -> list[Track]:
    """Order the tracks for an audience: its own tracks first, the others after."""
    tracks = course.manifest.tracks
    return sorted(tracks, key=lambda t: t.audience not in (audience, "both"))


def my_lessons(
    course: Course, progress: Mapping[str, LessonProgress], audience: str
) -> list[Lesson]:
    """List the learner's lessons as they see them: their own tracks', then others they began."""
    own = [t for t in course.manifest.tracks if t.audience in (audience, "both")]
    ids = [lesson.id for track in own for lesson in course.track_lessons(track)]
    ids += [lid for lid in course.lessons if lid in progress and lid not in ids]
    return [course.lessons[lid].for_audience(audience) for lid in dict.fromkeys(ids)]


def next_lesson(course: Course, lesson_id: str, audience: str) -> Lesson | None:
    """Return the lesson after this one for this audience (None after the last).

    A reader's own tracks (theirs, then the ones for everyone) run on as one list, so the end
    of one leads into the next; in another reader's track, the next lesson of that track.
    """
    tracks = tracks_for(course, audience)
    own = [t for t in tracks if t.audience in (audience, "both")]
    sequences = [own, *([t] for t in tracks if t not in own)]
    for group in sequences:
        ids = [lesson.id for track in group for lesson in course.track_lessons(track)]
        if lesson_id in ids:
            after = ids[ids.index(lesson_id) + 1 :]
            return course.lessons[after[0]] if after else None
    return None


@dataclass(frozen=True)
class BeforeAfter:
    """A learner's course knowledge check: the first 'before' and the latest 'after'."""

    before: QuizResult | None
    after: QuizResult | None

    @property
    def change(self) -> int | None:
        if self.before is None or self.after is None:
            return None
        return self.after.correct - self.before.correct


def before_after(check: KnowledgeCheck, results: Sequence[QuizResult]) -> BeforeAfter:
    """Pick the first pre-check result and the latest post-check result."""
    pre = [r for r in results if r.quiz_id == check.pre]
    post = [r for r in results if r.quiz_id == check.post]
    first = min(pre, key=lambda r: r.finished_at) if pre else None
    last = max(post, key=lambda r: r.finished_at) if post else None
    return BeforeAfter(first, last)


def is_track_done(course: Course, track: Track, progress: Mapping[str, LessonProgress]) -> bool:
    """Tell whether every served lesson of the track is complete."""
    lessons = course.track_lessons(track)
    return bool(lessons) and all(
        lesson.id in progress and progress[lesson.id].is_completed for lesson in lessons
    )
