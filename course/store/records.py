"""Plain records the store returns: frozen, detached from the database."""

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class LessonProgress:
    """Where a learner is in one lesson."""

    lesson_id: str
    current_step_id: str
    current_index: int
    furthest_index: int
    steps_seen: frozenset[str]
    steps_completed: frozenset[str]
    started_at: datetime
    updated_at: datetime
    completed_at: datetime | None

    @property
    def is_completed(self) -> bool:
        """Tell whether the lesson was completed."""
        return self.completed_at is not None


@dataclass(frozen=True)
class Attempt:
    """One recorded answer to one question; retries are new attempts, never overwrites."""

    id: int
    learner_id: int
    quiz_id: str
    question_id: str
    attempt_no: int
    answer: object
    is_correct: bool
    answered_at: datetime
    request_key: str | None
    confident: bool | None = None  # where the quiz asked how sure the learner was
    language: str | None = None  # the language the question was shown in (None: English)


@dataclass(frozen=True)
class QuizResult:
    """One finished quiz."""

    id: int
    learner_id: int
    quiz_id: str
    correct: int
    total: int
    score: float
    passed: bool
    safety_ok: bool
    finished_at: datetime
    language: str | None = None
