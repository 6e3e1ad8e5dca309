"""Checks on what callers hand the store, so both backends accept and refuse the same."""

import json
from datetime import UTC, datetime

from course.store.schema import ID_LENGTH

MAX_REFLECTION_CHARS = 10_000
# Quiz answers are choices and orderings; anything this long is not a real answer.
MAX_ANSWER_CHARS = 10_000


def utc(now: datetime) -> datetime:
    """Return now in UTC; refuse a naive datetime, whose zone would be a guess."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"now must be timezone-aware (e.g. datetime.now(UTC)), got {now!r}")
    return now.astimezone(UTC)


def check_ids(**ids: str | None) -> None:
    """Reject ids that are empty or longer than their columns."""
    for name, value in ids.items():
        if value is not None and not 0 < len(value) <= ID_LENGTH:
            raise ValueError(f"{name} must have 1 to {ID_LENGTH} characters, not {len(value)}")


def check_reflection(text: str) -> None:
    """Reject reflections that are too long or that PostgreSQL text cannot hold."""
    if len(text) > MAX_REFLECTION_CHARS:
        raise ValueError(
            f"reflection has {len(text)} characters; at most {MAX_REFLECTION_CHARS} are kept"
        )
    if "\x00" in text:
        raise ValueError("reflection contains a NUL character, which cannot be stored")


def answer_json(answer: object) -> str:
    """Encode an answer as JSON text (stored as data only); refuse what is not JSON."""
    # allow_nan=False: NaN and Infinity are not JSON, and other readers would choke on them.
    payload = json.dumps(answer, ensure_ascii=False, allow_nan=False)
    if len(payload) > MAX_ANSWER_CHARS:
        raise ValueError(f"answer is {len(payload)} characters as JSON; at most {MAX_ANSWER_CHARS}")
    return payload
