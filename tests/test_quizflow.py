"""Rounds of tries (when a question is settled, where to resume) and the next lesson of a track."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from course.loader import REPO_ROOT, load_course
from course.model import Course, Quiz, Track, TrueFalse
from course.overview import my_lessons, next_lesson
from course.quizflow import MAX_TRIES, current_round, question_state
from course.store import LessonProgress

T0 = datetime(2025, 3, 1, 12, tzinfo=UTC)
R, W = True, False  # a right try, a wrong try


@dataclass(frozen=True)
class Try:
    question_id: str
    answer: object
    is_correct: bool
    answered_at: datetime
    attempt_no: int = 1


@dataclass(frozen=True)
class Finished:
    finished_at: datetime


def tries(*marks: bool, question: str = "q1", start: int = 0) -> list[Try]:
    """Tries at one question, a minute apart, right (R) or wrong (W)."""
    return [Try(question, ok, ok, T0 + timedelta(minutes=start + n)) for n, ok in enumerate(marks)]


def true_false(question_id: str) -> TrueFalse:
    return TrueFalse(
        kind="true_false",
        id=question_id,
        prompt="Naloxone can reverse an opioid overdose.",
        hint="It is the nasal spray in many kits.",
        explanation="Naloxone blocks opioids at the receptor for a while.",
        answer=True,
        feedback_true="Right: it can.",
        feedback_false="Not so: it can.",
    )


QUIZ = Quiz(
    schema_version=1,
    id="three",
    title="Three questions",
    pass_mark=0.5,
    questions=[true_false("q1"), true_false("q2"), true_false("q3")],
)


def test_a_question_allows_two_tries() -> None:
    assert MAX_TRIES == 2


@pytest.mark.parametrize(
    ("marks", "allow_retry", "settled"),
    [
        ((), True, False),
        ((W,), True, False),  # a wrong first try: one try left
        ((R,), True, True),
        ((W, R), True, True),
        ((W, W), True, True),  # out of tries
        ((W, W, W), True, True),  # tries from before the limit still settle it
        ((), False, False),
        ((W,), False, True),  # one try only: settled at once
        ((R,), False, True),
    ],
)
def test_when_a_question_is_settled(
    marks: tuple[bool, ...], allow_retry: bool, settled: bool
) -> None:
    state = question_state(tries(*marks), allow_retry=allow_retry)
    assert state.is_settled is settled
    assert state.tries == len(marks)


def test_the_limit_is_max_tries() -> None:
    assert not question_state(tries(*[W] * (MAX_TRIES - 1))).is_settled
    assert question_state(tries(*[W] * MAX_TRIES)).is_settled


@pytest.mark.parametrize(
    ("history", "resume", "all_settled"),
    [
        ({}, 0, False),
        ({"q1": (R,)}, 1, False),
        ({"q1": (W,)}, 0, False),  # a try is left at the first question
        ({"q1": (W, W), "q2": (R,)}, 2, False),
        ({"q1": (R,), "q3": (R,)}, 1, False),  # a skipped question comes first
        ({"q1": (R,), "q2": (W, R), "q3": (W,)}, 2, False),
        ({"q1": (R,), "q2": (W, W), "q3": (R,)}, 2, True),  # all settled: the last one
    ],
)
def test_where_a_round_resumes(
    history: dict[str, tuple[bool, ...]], resume: int, all_settled: bool
) -> None:
    attempts = [a for qid, marks in history.items() for a in tries(*marks, question=qid)]
    now_round = current_round(QUIZ, attempts, [])
    assert now_round.resume_index() == resume
    assert now_round.is_settled is all_settled


def test_a_round_starts_after_the_last_result_and_knows_one_try_quizzes() -> None:
    before = tries(R, question="q1") + tries(R, question="q2")
    after = tries(W, question="q1", start=10)
    results = [Finished(T0 + timedelta(minutes=5))]
    now_round = current_round(QUIZ, before + after, results)
    assert now_round.resume_index() == 0
    assert now_round.questions["q1"].tries == 1 and now_round.questions["q2"].tries == 0
    one_try = current_round(QUIZ, before + after, results, allow_retry=False)
    assert one_try.questions["q1"].is_settled and one_try.resume_index() == 1


# --- the next lesson in a track --------------------------------------------------------------


@pytest.fixture(scope="module")
def course() -> Course:
    """The shipped lessons a..e under two small tracks, one lesson left out of both."""
    shipped = load_course(REPO_ROOT).course
    assert shipped is not None
    a, b, c, d, e = list(shipped.lessons.values())[:5]
    lessons = {lesson.id: lesson for lesson in (a, b, c, d, e)}
    tracks = [
        Track(id="own", title="Own", audience="learner", lessons=[a.id, b.id, c.id]),
        Track(id="kin", title="Kin", audience="family", lessons=[d.id, b.id, "not-served"]),
    ]
    manifest = shipped.manifest.model_copy(update={"tracks": tracks})
    return Course(manifest=manifest, lessons=lessons, quizzes={})


@pytest.mark.parametrize(
    ("lesson", "audience", "expected"),
    [
        (0, "learner", 1),
        (1, "learner", 2),  # in both tracks: the learner's own track decides
        (2, "learner", None),  # the last of the track
        (1, "family", None),  # the next one in the family track is not served
        (3, "family", 1),
        (3, "learner", 1),  # not in the learner's tracks: the track it is in
        (0, "family", 1),
        (4, "learner", None),  # in no track
    ],
)
def test_next_lesson(course: Course, lesson: int, audience: str, expected: int | None) -> None:
    ids = list(course.lessons)
    found = next_lesson(course, ids[lesson], audience)
    assert (found.id if found else None) == (ids[expected] if expected is not None else None)


def test_the_end_of_a_readers_track_leads_into_the_track_for_everyone(course: Course) -> None:
    a, b, c, d, e = list(course.lessons)
    everyone = Track(id="all", title="All", audience="both", lessons=[e])
    tracks = [*course.manifest.tracks, everyone]
    mixed = Course(course.manifest.model_copy(update={"tracks": tracks}), course.lessons, {})
    found = [next_lesson(mixed, here, "learner") for here in (c, e)]
    assert [f.id if f else None for f in found] == [e, None]
    assert next_lesson(mixed, d, "family").id == b  # type: ignore[union-attr]
    after_kin = next_lesson(mixed, b, "family")  # the next in kin is not served: on to "all"
    assert after_kin is not None and after_kin.id == e


def test_next_lesson_in_the_shipped_tracks() -> None:
    shipped = load_course(REPO_ROOT).course
    assert shipped is not None
    for audience in ("learner", "family"):
        own = [t for t in shipped.manifest.tracks if t.audience in (audience, "both")]
        ids = [lesson.id for track in own for lesson in shipped.track_lessons(track)]
        assert len(own) == 2, "each reader has their own track and the one for everyone"
        for here, after in zip(ids, [*ids[1:], None], strict=True):
            found = next_lesson(shipped, here, audience)
            assert (found.id if found else None) == after


# --- the lessons on My progress ----------------------------------------------------------------


def started(*lesson_ids: str) -> dict[str, LessonProgress]:
    when = datetime(2026, 12, 6, tzinfo=UTC)
    return {
        lid: LessonProgress(lid, "s", 0, 0, frozenset(), frozenset(), when, when, None)
        for lid in lesson_ids
    }


@pytest.mark.parametrize(
    ("audience", "begun", "expected"),
    [
        ("learner", (), [0, 1, 2]),
        ("family", (), [3, 1]),
        ("learner", (3,), [0, 1, 2, 3]),  # another track's lesson they began comes after
        ("family", (4, 0), [3, 1, 0, 4]),  # in the course's order
        ("learner", (1,), [0, 1, 2]),  # once only
    ],
)
def test_my_lessons(
    course: Course, audience: str, begun: tuple[int, ...], expected: list[int]
) -> None:
    ids = list(course.lessons)
    found = my_lessons(course, started(*(ids[n] for n in begun)), audience)
    assert [lesson.id for lesson in found] == [ids[n] for n in expected]


def test_my_lessons_count_the_steps_each_reader_sees() -> None:
    shipped = load_course(REPO_ROOT).course
    assert shipped is not None
    lesson = shipped.lessons["medications-for-oud"]
    for audience in ("learner", "family"):
        begun = started(lesson.id)
        (mine,) = [m for m in my_lessons(shipped, begun, audience) if m.id == lesson.id]
        assert len(mine.steps) == len(lesson.for_audience(audience).steps) < len(lesson.steps)
