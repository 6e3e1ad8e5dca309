"""xAPI 1.0.3 statements built from plain records, with learners only by pseudonymous id."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeGuard
from urllib.parse import quote, urlsplit

Statement = dict[str, object]

VERBS = {
    "answered": "http://adlnet.gov/expapi/verbs/answered",
    "completed": "http://adlnet.gov/expapi/verbs/completed",
    "passed": "http://adlnet.gov/expapi/verbs/passed",
    "failed": "http://adlnet.gov/expapi/verbs/failed",
}
ACTIVITY_TYPE = "http://adlnet.gov/expapi/activities/"
# uuid5(NAMESPACE_URL, "urn:course:xapi"), written out so no library change can move it:
# re-exported statements must keep their ids for the LRS to ignore them as duplicates.
NAMESPACE = uuid.UUID("d47319f3-0d41-52df-82fa-a3d6130c9753")
VERSION = "1.0.3"
STATEMENT_KEYS = {"id", "actor", "verb", "object", "result", "context", "timestamp", "stored"}
STATEMENT_KEYS |= {"authority", "version", "attachments"}
AGENT_KEYS = ("objectType", "name", "mbox", "mbox_sha1sum", "openid", "account")
IFIS = ("mbox", "mbox_sha1sum", "openid", "account")
# Each of these names or points at a person; an email hash is reversed by guessing addresses.
PRIVATE = ("name", "mbox", "mbox_sha1sum", "openid")
ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")
LANGUAGE_TAG = re.compile(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*")
PSEUDONYM = re.compile(r"learner-[0-9]+")
UUID_TEXT = re.compile(r"[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")


@dataclass(frozen=True)
class AnswerRecord:
    learner_id: int
    quiz_id: str
    question_id: str
    attempt_no: int
    answer: object
    is_correct: bool
    answered_at: datetime


@dataclass(frozen=True)
class CompletionRecord:
    learner_id: int
    lesson_id: str
    completed_at: datetime


@dataclass(frozen=True)
class QuizRecord:
    learner_id: int
    quiz_id: str
    correct: int
    total: int
    score: float
    passed: bool
    finished_at: datetime


def actor(learner_id: int, home_page: str) -> Statement:
    """Return the Agent for a learner, named only by pseudonymous id."""
    _check_web_iri("home_page", home_page)
    account = {"homePage": home_page, "name": f"learner-{learner_id}"}
    return {"objectType": "Agent", "account": account}


def answered(r: AnswerRecord, base: str, home_page: str, statement_id: uuid.UUID) -> Statement:
    """Return the statement that a learner answered one quiz question."""
    path = ("quizzes", r.quiz_id, "questions", r.question_id)
    extensions = {f"{base}/xapi/attempt": r.attempt_no}
    # Compact with sorted keys, so one answer always gives one response text.
    as_json = json.dumps(r.answer, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    response = r.answer if isinstance(r.answer, str) else as_json
    result = {"success": r.is_correct, "response": response, "extensions": extensions}
    head = _head(statement_id, r.learner_id, home_page, "answered", r.answered_at)
    return head | {"object": _activity(base, path, "cmi.interaction"), "result": result}


def completed(r: CompletionRecord, base: str, home_page: str, statement_id: uuid.UUID) -> Statement:
    """Return the statement that a learner completed a lesson."""
    head = _head(statement_id, r.learner_id, home_page, "completed", r.completed_at)
    activity = _activity(base, ("lessons", r.lesson_id), "lesson")
    return head | {"object": activity, "result": {"completion": True}}


def quiz_outcome(r: QuizRecord, base: str, home_page: str, statement_id: uuid.UUID) -> Statement:
    """Return the statement that a learner passed or failed a quiz."""
    verb = "passed" if r.passed else "failed"
    head = _head(statement_id, r.learner_id, home_page, verb, r.finished_at)
    activity = _activity(base, ("quizzes", r.quiz_id), "assessment")
    score = {"scaled": r.score, "raw": r.correct, "min": 0, "max": r.total}
    result = {"success": r.passed, "completion": True, "score": score}
    return head | {"object": activity, "result": result}


def statement_id(kind: str, *parts: object) -> uuid.UUID:
    """Return the same uuid5 for the same kind and parts, every time."""
    return uuid.uuid5(NAMESPACE, json.dumps([kind, *parts], default=str, ensure_ascii=False))


def statements(
    answers: Iterable[AnswerRecord],
    completions: Iterable[CompletionRecord],
    quizzes: Iterable[QuizRecord],
    *,
    base: str,
    home_page: str,
) -> list[Statement]:
    """Return every statement for the records, ordered by timestamp then id."""
    # base and home_page go into each id: learner 7 of another course (or deployment) is
    # someone else, and their statements must never collide in a shared LRS.
    at = (base, home_page)
    rows: list[tuple[datetime, str, Statement]] = []
    for a in answers:
        sid = statement_id("answered", *at, a.learner_id, a.quiz_id, a.question_id, a.attempt_no)
        rows.append((a.answered_at, str(sid), answered(a, base, home_page, sid)))
    for c in completions:
        sid = statement_id("completed", *at, c.learner_id, c.lesson_id, _when(c.completed_at))
        rows.append((c.completed_at, str(sid), completed(c, base, home_page, sid)))
    for q in quizzes:
        sid = statement_id("quiz", *at, q.learner_id, q.quiz_id, _when(q.finished_at))
        rows.append((q.finished_at, str(sid), quiz_outcome(q, base, home_page, sid)))
    return [s for _, _, s in sorted(rows, key=lambda row: row[:2])]


def validate_statement(s: Mapping[str, object]) -> list[str]:
    """Return every way the statement breaks the xAPI 1.0.3 rules; empty when it is valid."""
    if not isinstance(s, Mapping):
        return ["statement: must be an object"]
    allowed = ", ".join(sorted(STATEMENT_KEYS))
    unknown = [k for k in s if k not in STATEMENT_KEYS]
    problems = [f"{k}: not a statement property; allowed: {allowed}" for k in unknown]
    return problems + _field_problems(s) + _actor_problems(s) + _score_problems(s)


def _head(sid: uuid.UUID, learner_id: int, home_page: str, verb: str, when: datetime) -> Statement:
    """Return the parts every statement shares: id, actor, verb, timestamp and version."""
    return {
        "id": str(sid),
        "actor": actor(learner_id, home_page),
        "verb": {"id": VERBS[verb], "display": {"en-US": verb}},
        "timestamp": _when(when),
        "version": VERSION,
    }


def _activity(base: str, path: tuple[str, ...], kind: str) -> Statement:
    """Return the Activity at base/path with each part percent-encoded, named by its id."""
    _check_web_iri("base", base)
    iri = "/".join([base, *(_segment(part) for part in path)])
    definition = {"type": ACTIVITY_TYPE + kind, "name": {"en-US": path[-1]}}
    return {"objectType": "Activity", "id": iri, "definition": definition}


def _segment(content_id: str) -> str:
    """Percent-encode a content id as one IRI path segment."""
    # "", "." and ".." would merge into or climb out of the segment before them.
    if not content_id.strip("."):
        raise ValueError(f"content id: {content_id!r} cannot be an IRI path segment")
    return quote(content_id, safe="")


def _check_web_iri(label: str, iri: str) -> None:
    """Raise ValueError unless iri is an absolute http(s) IRI that a path can follow."""
    parts = urlsplit(iri)
    is_web = parts.scheme in ("http", "https") and parts.netloc and ABSOLUTE_IRI.fullmatch(iri)
    if not is_web or iri.endswith("/") or parts.query or parts.fragment:
        raise ValueError(f"{label}: must be an http(s) IRI with no trailing '/'; got {iri!r}")


def _when(moment: datetime) -> str:
    """Return an aware moment as ISO 8601 UTC to the millisecond, with Z."""
    if moment.utcoffset() is None:
        raise ValueError(f"timestamp: {moment.isoformat()} has no timezone; pass aware UTC")
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _at(s: object, path: str) -> object:
    """Return the value at a dotted path: MISSING if only its last key is absent."""
    *parents, last = path.split(".")
    for key in parents:
        s = s.get(key, UNREACHABLE) if isinstance(s, Mapping) else UNREACHABLE
    return s.get(last, MISSING) if isinstance(s, Mapping) else UNREACHABLE


def _field_problems(s: Mapping[str, object]) -> list[str]:
    """Return each field in FIELDS that is missing though required, or of the wrong form."""
    problems = []
    for path, is_required, test, what in FIELDS:
        value = _at(s, path)
        if value is MISSING and is_required:
            problems.append(f"{path}: missing; must be {what}")
        elif value is not MISSING and value is not UNREACHABLE and not test(value):
            problems.append(f"{path}: must be {what}; got {value!r}")
    return problems


def _actor_problems(s: Mapping[str, object]) -> list[str]:
    """Return how the actor names the learner or breaks the one-identifier rule."""
    a = s.get("actor")
    if not isinstance(a, Mapping):
        return []
    why = "it identifies the learner; use only account with learner-<id>"
    problems = [f"actor.{k}: not allowed (privacy): {why}" for k in PRIVATE if k in a]
    problems += [f"actor.{k}: not an Agent property" for k in a if k not in AGENT_KEYS]
    found = [k for k in IFIS if k in a]
    if len(found) != 1:
        problems.append(f"actor: must have exactly one of {', '.join(IFIS)}; got {found}")
    return problems


def _score_problems(s: Mapping[str, object]) -> list[str]:
    """Return how the score breaks min < max or min <= raw <= max."""
    score = _at(s, "result.score")
    if not isinstance(score, Mapping):
        return []
    n = {k: v for k, v in score.items() if _is_number(v)}
    problems = []
    if "min" in n and "max" in n and not n["min"] < n["max"]:
        problems.append(f"result.score: min must be less than max; got {n['min']} and {n['max']}")
    if "raw" in n and not n.get("min", n["raw"]) <= n["raw"] <= n.get("max", n["raw"]):
        problems.append(f"result.score.raw: must be within min and max; got {n['raw']}")
    return problems


def _matches(pattern: re.Pattern[str], value: object) -> bool:
    """Return whether value is text that the whole pattern matches."""
    return isinstance(value, str) and pattern.fullmatch(value) is not None


def _is_number(value: object) -> TypeGuard[float]:
    """Return whether value is a JSON number (a bool is not)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_language_map(value: object) -> bool:
    """Return whether value maps language tags to text."""
    return isinstance(value, Mapping) and all(
        isinstance(k, str) and LANGUAGE_TAG.fullmatch(k) and isinstance(v, str)
        for k, v in value.items()
    )


def _is_aware_time(value: object) -> bool:
    """Return whether value is an ISO 8601 date and time with a timezone."""
    try:
        return isinstance(value, str) and datetime.fromisoformat(value).tzinfo is not None
    except ValueError:
        return False


MISSING = object()
UNREACHABLE = object()
# (dotted path, is it required once its parent is an object, test, what it must be)
FIELDS: tuple[tuple[str, bool, Callable[[object], object], str], ...] = (
    ("id", True, lambda v: _matches(UUID_TEXT, v), "a UUID string"),
    ("actor", True, lambda v: isinstance(v, Mapping), "an object"),
    ("actor.objectType", False, lambda v: v == "Agent", "'Agent'"),
    ("actor.account", False, lambda v: isinstance(v, Mapping), "an object"),
    ("actor.account.homePage", True, lambda v: _matches(ABSOLUTE_IRI, v), "an absolute IRI"),
    ("actor.account.name", True, lambda v: _matches(PSEUDONYM, v), "learner-<id>"),
    ("verb", True, lambda v: isinstance(v, Mapping), "an object"),
    ("verb.id", True, lambda v: _matches(ABSOLUTE_IRI, v), "an absolute IRI"),
    ("verb.display", False, _is_language_map, "a language map such as {'en-US': 'answered'}"),
    ("object", True, lambda v: isinstance(v, Mapping), "an object"),
    ("object.objectType", False, lambda v: v == "Activity", "'Activity'"),
    ("object.id", True, lambda v: _matches(ABSOLUTE_IRI, v), "an absolute IRI"),
    ("result", False, lambda v: isinstance(v, Mapping), "an object"),
    ("result.success", False, lambda v: isinstance(v, bool), "true or false"),
    ("result.completion", False, lambda v: isinstance(v, bool), "true or false"),
    ("result.response", False, lambda v: isinstance(v, str), "a string"),
    ("result.score", False, lambda v: isinstance(v, Mapping), "an object"),
    ("result.score.scaled", False, lambda v: _is_number(v) and -1 <= v <= 1, "a number in [-1, 1]"),
    ("result.score.raw", False, _is_number, "a number"),
    ("result.score.min", False, _is_number, "a number"),
    ("result.score.max", False, _is_number, "a number"),
    ("timestamp", True, _is_aware_time, "ISO 8601 with a timezone, such as 2025-01-31T09:00:00Z"),
    ("version", False, lambda v: isinstance(v, str) and v.startswith("1.0."), "1.0.x"),
)
