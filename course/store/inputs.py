"""Checks on what callers hand the store, so both backends accept and refuse the same."""

import json
import re
from datetime import UTC, datetime

from course import i18n
from course.store.schema import ID_LENGTH

MAX_REFLECTION_CHARS = 10_000
# Quiz answers are choices and orderings; anything this long is not a real answer.
MAX_ANSWER_CHARS = 10_000

# Every way of ending a line that people's devices send; each becomes a line feed.
_LINE_BREAKS = re.compile(r"\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
# C0 and C1 controls (NUL, ESC, DEL, ...) but tab and line feed: invisible, and NUL is
# something PostgreSQL text cannot hold.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# What no id may hold: any control character, or half of a surrogate pair.
_NOT_IN_IDS = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def clean_text(text: str, *, one_line: bool = False) -> str:
    """Return typed text both databases can store, otherwise as typed.

    Line breaks become line feeds, other control characters but tab go, and a lone surrogate
    (which UTF-8 cannot encode) becomes U+FFFD. With one_line, line breaks and tabs become
    spaces, runs of spaces one space, and the ends are trimmed.
    """
    # Through UTF-16: a surrogate pair becomes its character, a lone half U+FFFD.
    text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    text = _CONTROLS.sub("", _LINE_BREAKS.sub("\n", text))
    return " ".join(text.split()) if one_line else text


def utc(now: datetime) -> datetime:
    """Return now in UTC; refuse a naive datetime, whose zone would be a guess."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"now must be timezone-aware (e.g. datetime.now(UTC)), got {now!r}")
    return now.astimezone(UTC)


def check_ids(**ids: str | None) -> None:
    """Reject ids that are empty, longer than their columns, or hold control characters."""
    for name, value in ids.items():
        if value is None:
            continue
        if not 0 < len(value) <= ID_LENGTH:
            raise ValueError(f"{name} must have 1 to {ID_LENGTH} characters, not {len(value)}")
        if _NOT_IN_IDS.search(value):
            raise ValueError(f"{name} must not hold control characters or lone surrogates")


def clean_reflection(text: str) -> str:
    """Return the reflection cleaned (see clean_text); refuse one that is too long."""
    text = clean_text(text)
    if len(text) > MAX_REFLECTION_CHARS:
        raise ValueError(
            f"reflection has {len(text)} characters; at most {MAX_REFLECTION_CHARS} are kept"
        )
    return text


def answer_json(answer: object) -> str:
    """Encode an answer as JSON text (stored as data only), its text cleaned; refuse non-JSON."""
    # allow_nan=False: NaN and Infinity are not JSON, and other readers would choke on them.
    # sort_keys: a dict is stored one way, so equal answers group as one text in SQL.
    payload = json.dumps(_cleaned(answer), ensure_ascii=False, allow_nan=False, sort_keys=True)
    if len(payload) > MAX_ANSWER_CHARS:
        raise ValueError(f"answer is {len(payload)} characters as JSON; at most {MAX_ANSWER_CHARS}")
    return payload


def _cleaned(value: object) -> object:
    """Return a JSON-like value with every string in it cleaned (see clean_text)."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list | tuple):
        return [_cleaned(item) for item in value]
    if isinstance(value, dict):
        return {clean_text(k) if isinstance(k, str) else k: _cleaned(v) for k, v in value.items()}
    return value


def answer_language(language: str | None) -> str:
    """The language an answer is given in: as told, else the app's language in this run."""
    chosen = language or i18n.current()
    if chosen not in i18n.LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(i18n.LANGUAGES)}, not {chosen!r}")
    return chosen
