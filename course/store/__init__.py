"""Progress store: SQLAlchemy Core on SQLite or PostgreSQL, upgraded by Alembic migrations."""

from course.store.accounts import Facilitators, Throttled, WeakPassword
from course.store.codes import CODE_BITS, hash_code, new_code, normalize_code
from course.store.cohorts import Cohort, CohortNotFound, Cohorts, normalize_cohort_code
from course.store.db import make_engine, read, upgrade, write
from course.store.devices import REMEMBER_DAYS, Devices
from course.store.group_records import (
    GroupSession,
    NotAllowed,
    Participant,
    Response,
    RoomClosed,
    RoomFull,
    RoomLocked,
    RoomNotFound,
    Tally,
)
from course.store.inputs import MAX_ANSWER_CHARS, MAX_REFLECTION_CHARS
from course.store.joincodes import (
    JOIN_ALPHABET,
    JOIN_CODE_LENGTH,
    new_join_code,
    normalize_join_code,
)
from course.store.plans import MAX_PLAN_CHARS, Plans
from course.store.progress import Store
from course.store.records import Attempt, LessonProgress, QuizResult
from course.store.sessions import Sessions

__all__ = [
    "CODE_BITS",
    "JOIN_ALPHABET",
    "JOIN_CODE_LENGTH",
    "MAX_ANSWER_CHARS",
    "MAX_PLAN_CHARS",
    "MAX_REFLECTION_CHARS",
    "REMEMBER_DAYS",
    "Attempt",
    "Cohort",
    "CohortNotFound",
    "Cohorts",
    "Devices",
    "Facilitators",
    "GroupSession",
    "LessonProgress",
    "NotAllowed",
    "Participant",
    "Plans",
    "QuizResult",
    "Response",
    "RoomClosed",
    "RoomFull",
    "RoomLocked",
    "RoomNotFound",
    "Sessions",
    "Store",
    "Tally",
    "Throttled",
    "WeakPassword",
    "hash_code",
    "make_engine",
    "new_code",
    "normalize_code",
    "normalize_cohort_code",
    "new_join_code",
    "normalize_join_code",
    "read",
    "upgrade",
    "write",
]
