"""xAPI 1.0.3 statements built from plain records, with learners only by per-cohort pseudonyms.

A learner is an account named by a keyed hash (``Scope.pseudonym``, see course/xapi_export.py):
never their id or code, and another name in every cohort. Statement ids hash that name too, so
the id of a statement cannot be recomputed from a learner id either.
"""

from __future__ import annotations

import functools
import json
import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypeGuard
from urllib.parse import quote, urlsplit

from course.model import AnyQuestion, Quiz
from course.xapi_interactions import (
    INTERACTION_TYPES,
    MAP_RULE,
    TYPE_RULE,
    definition,
    definition_problems,
    is_language_map,
    response,
)

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
CONTEXT_ACTIVITY_KINDS = ("category", "grouping", "other", "parent")
# Each of these names or points at a person; an email hash is reversed by guessing addresses.
PRIVATE = ("name", "mbox", "mbox_sha1sum", "openid")
ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")
# 128 bits of HMAC in base64url (course.store.limits.Limits.sign): no id or code fits in it. A
# leading "-" is written "~" (course.xapi_export.pseudonyms), so no CSV cell has to escape it.
PSEUDONYM = re.compile(r"[A-Za-z0-9_~][A-Za-z0-9_-]{21}")
PSEUDONYM_RULE = "a pseudonym (22 base64url characters of a keyed hash, never starting with -)"
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


@dataclass(frozen=True)
class Scope:
    """What statements point at and whom they name.

    ``base`` is the course's IRI (activities live under it); ``home_page`` the accounts' system;
    ``pseudonym`` gives a learner's account name (a keyed hash: never the id itself);
    ``quizzes`` define the questions' interactions (a question not found is ``other``).
    """

    base: str
    home_page: str
    pseudonym: Callable[[int], str]
    quizzes: Mapping[str, Quiz] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Refuse a base or home page that is not a web IRI a path can follow."""
        _check_web_iri("base", self.base)
        _check_web_iri("home_page", self.home_page)

    def question(self, quiz_id: str, question_id: str) -> AnyQuestion | None:
        """Return the question as the course has it now, if it still does."""
        quiz = self.quizzes.get(quiz_id)
        return quiz.question(question_id) if quiz is not None else None


def actor(name: str, home_page: str) -> Statement:
    """Return the Agent: an account on home_page named only by a pseudonym."""
    if not PSEUDONYM.fullmatch(name):
        raise ValueError(f"actor name: must be {PSEUDONYM_RULE}; got {name!r}")
    return {"objectType": "Agent", "account": {"homePage": home_page, "name": name}}


def answered(r: AnswerRecord, scope: Scope) -> Statement:
    """Return the statement that a learner answered one quiz question, in its quiz."""
    name = scope.pseudonym(r.learner_id)
    sid = _id(scope, "answered", name, r.quiz_id, r.question_id, r.attempt_no)
    question = scope.question(r.quiz_id, r.question_id)
    path = ("quizzes", r.quiz_id, "questions", r.question_id)
    interaction = _activity(scope.base, path, "cmi.interaction", definition(question))
    extensions = {f"{scope.base}/xapi/attempt": r.attempt_no}
    result = {"success": r.is_correct, "response": response(question, r.answer)}
    quiz = _activity(scope.base, ("quizzes", r.quiz_id), "assessment")
    return _head(sid, name, scope.home_page, "answered", r.answered_at) | {
        "object": interaction,
        "result": result | {"extensions": extensions},
        "context": {"contextActivities": {"parent": [quiz]}},
    }


def completed(r: CompletionRecord, scope: Scope) -> Statement:
    """Return the statement that a learner completed a lesson."""
    name = scope.pseudonym(r.learner_id)
    sid = _id(scope, "completed", name, r.lesson_id, _when(r.completed_at))
    activity = _activity(scope.base, ("lessons", r.lesson_id), "lesson")
    head = _head(sid, name, scope.home_page, "completed", r.completed_at)
    return head | {"object": activity, "result": {"completion": True}}


def quiz_outcome(r: QuizRecord, scope: Scope) -> Statement:
    """Return the statement that a learner passed or failed a quiz."""
    name = scope.pseudonym(r.learner_id)
    sid = _id(scope, "quiz", name, r.quiz_id, _when(r.finished_at))
    head = _head(sid, name, scope.home_page, "passed" if r.passed else "failed", r.finished_at)
    activity = _activity(scope.base, ("quizzes", r.quiz_id), "assessment")
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
    scope: Scope,
) -> Iterator[Statement]:
    """Yield the answers', then the completions', then the quiz outcomes' statements, as given.

    One at a time, so an export never holds them all (an LRS orders by timestamp itself).
    """
    yield from (answered(a, scope) for a in answers)
    yield from (completed(c, scope) for c in completions)
    yield from (quiz_outcome(q, scope) for q in quizzes)


def validate_statement(s: Mapping[str, object]) -> list[str]:
    """Return every way the statement breaks the xAPI 1.0.3 rules; empty when it is valid."""
    if not isinstance(s, Mapping):
        return ["statement: must be an object"]
    allowed = ", ".join(sorted(STATEMENT_KEYS))
    unknown = [k for k in s if k not in STATEMENT_KEYS]
    problems = [f"{k}: not a statement property; allowed: {allowed}" for k in unknown]
    problems += _field_problems(s) + _actor_problems(s) + _score_problems(s)
    return problems + _interaction_problems(s) + _context_problems(s)


def _id(scope: Scope, kind: str, name: str, *parts: object) -> uuid.UUID:
    """Return a statement's id, from what it is about and the pseudonym (never the learner id)."""
    # base and home_page go in: another course's (or deployment's) statements never collide.
    return statement_id(kind, scope.base, scope.home_page, name, *parts)


def _head(sid: uuid.UUID, name: str, home_page: str, verb: str, when: datetime) -> Statement:
    """Return the parts every statement shares: id, actor, verb, timestamp and version."""
    return {
        "id": str(sid),
        "actor": actor(name, home_page),
        "verb": {"id": VERBS[verb], "display": {"en-US": verb}},
        "timestamp": _when(when),
        "version": VERSION,
    }


def _activity(
    base: str, path: tuple[str, ...], kind: str, more: Mapping[str, object] | None = None
) -> Statement:
    """Return the Activity at base/path with each part percent-encoded, named by its id."""
    definition = {"type": ACTIVITY_TYPE + kind, "name": {"en-US": path[-1]}, **(more or {})}
    return {"objectType": "Activity", "id": _iri(base, path), "definition": definition}


@functools.lru_cache(maxsize=4096)
def _iri(base: str, path: tuple[str, ...]) -> str:
    """Return base/path with each part percent-encoded (a course has few: cached)."""
    return "/".join([base, *(_segment(part) for part in path)])


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
    why = "it identifies the learner; use only an account named by a pseudonym"
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


def _interaction_problems(s: Mapping[str, object]) -> list[str]:
    """Return how the object's interaction definition, or the response to it, breaks the rules."""
    d = _at(s, "object.definition")
    if not isinstance(d, Mapping):
        return []
    return definition_problems(d, _at(s, "result.response"))


def _context_problems(s: Mapping[str, object]) -> list[str]:
    """Return how context.contextActivities breaks the rules (kinds, Activities with ids)."""
    found = _at(s, "context.contextActivities")
    if not isinstance(found, Mapping):
        return []
    problems = []
    for kind, value in found.items():
        path = f"context.contextActivities.{kind}"
        if kind not in CONTEXT_ACTIVITY_KINDS:
            allowed = ", ".join(CONTEXT_ACTIVITY_KINDS)
            problems.append(f"{path}: not a kind of context activity; allowed: {allowed}")
        elif isinstance(value, list):
            problems += [
                p for i, a in enumerate(value) for p in _activity_problems(f"{path}[{i}]", a)
            ]
        else:  # 1.0.3 still allows one Activity without the array
            problems += _activity_problems(path, value)
    return problems


def _activity_problems(path: str, a: object) -> list[str]:
    """Return how a context Activity breaks the rules: an object with an IRI id."""
    if not isinstance(a, Mapping):
        return [f"{path}: must be an Activity object or an array of them; got {a!r}"]
    problems = []
    if a.get("objectType", "Activity") != "Activity":
        problems.append(f"{path}.objectType: must be 'Activity'; got {a['objectType']!r}")
    if not _matches(ABSOLUTE_IRI, a.get("id")):
        problems.append(f"{path}.id: must be an absolute IRI; got {a.get('id')!r}")
    return problems


def _matches(pattern: re.Pattern[str], value: object) -> bool:
    """Return whether value is text that the whole pattern matches."""
    return isinstance(value, str) and pattern.fullmatch(value) is not None


def _is_number(value: object) -> TypeGuard[float]:
    """Return whether value is a JSON number (a bool is not)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_aware_time(value: object) -> bool:
    """Return whether value is an ISO 8601 date and time with a timezone."""
    try:
        return isinstance(value, str) and datetime.fromisoformat(value).tzinfo is not None
    except ValueError:
        return False


def _is_texts(value: object) -> bool:
    """Return whether value is an array of strings."""
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


MISSING = object()
UNREACHABLE = object()
IRI_RULE = "an absolute IRI"
# (dotted path, is it required once its parent is an object, test, what it must be)
FIELDS: tuple[tuple[str, bool, Callable[[object], object], str], ...] = (
    ("id", True, lambda v: _matches(UUID_TEXT, v), "a UUID string"),
    ("actor", True, lambda v: isinstance(v, Mapping), "an object"),
    ("actor.objectType", False, lambda v: v == "Agent", "'Agent'"),
    ("actor.account", False, lambda v: isinstance(v, Mapping), "an object"),
    ("actor.account.homePage", True, lambda v: _matches(ABSOLUTE_IRI, v), IRI_RULE),
    ("actor.account.name", True, lambda v: _matches(PSEUDONYM, v), PSEUDONYM_RULE),
    ("verb", True, lambda v: isinstance(v, Mapping), "an object"),
    ("verb.id", True, lambda v: _matches(ABSOLUTE_IRI, v), IRI_RULE),
    ("verb.display", False, is_language_map, "a language map such as {'en-US': 'answered'}"),
    ("object", True, lambda v: isinstance(v, Mapping), "an object"),
    ("object.objectType", False, lambda v: v == "Activity", "'Activity'"),
    ("object.id", True, lambda v: _matches(ABSOLUTE_IRI, v), IRI_RULE),
    ("object.definition", False, lambda v: isinstance(v, Mapping), "an object"),
    ("object.definition.type", False, lambda v: _matches(ABSOLUTE_IRI, v), IRI_RULE),
    ("object.definition.name", False, is_language_map, MAP_RULE),
    ("object.definition.description", False, is_language_map, MAP_RULE),
    ("object.definition.interactionType", False, lambda v: v in INTERACTION_TYPES, TYPE_RULE),
    ("object.definition.correctResponsesPattern", False, _is_texts, "an array of strings"),
    ("result", False, lambda v: isinstance(v, Mapping), "an object"),
    ("result.success", False, lambda v: isinstance(v, bool), "true or false"),
    ("result.completion", False, lambda v: isinstance(v, bool), "true or false"),
    ("result.response", False, lambda v: isinstance(v, str), "a string"),
    ("result.score", False, lambda v: isinstance(v, Mapping), "an object"),
    ("result.score.scaled", False, lambda v: _is_number(v) and -1 <= v <= 1, "a number in [-1, 1]"),
    ("result.score.raw", False, _is_number, "a number"),
    ("result.score.min", False, _is_number, "a number"),
    ("result.score.max", False, _is_number, "a number"),
    ("context", False, lambda v: isinstance(v, Mapping), "an object"),
    ("context.registration", False, lambda v: _matches(UUID_TEXT, v), "a UUID string"),
    ("context.contextActivities", False, lambda v: isinstance(v, Mapping), "an object"),
    ("timestamp", True, _is_aware_time, "ISO 8601 with a timezone, such as 2025-01-31T09:00:00Z"),
    ("version", False, lambda v: isinstance(v, str) and v.startswith("1.0."), "1.0.x"),
)
