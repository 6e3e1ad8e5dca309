"""Progress store: SQLAlchemy Core on SQLite or PostgreSQL, upgraded by Alembic migrations."""

from course.store.codes import CODE_BITS, hash_code, new_code, normalize_code
from course.store.db import make_engine, read, upgrade, write
from course.store.inputs import MAX_ANSWER_CHARS, MAX_REFLECTION_CHARS
from course.store.progress import Store
from course.store.records import Attempt, LessonProgress, QuizResult

__all__ = [
    "CODE_BITS",
    "MAX_ANSWER_CHARS",
    "MAX_REFLECTION_CHARS",
    "Attempt",
    "LessonProgress",
    "QuizResult",
    "Store",
    "hash_code",
    "make_engine",
    "new_code",
    "normalize_code",
    "read",
    "upgrade",
    "write",
]
