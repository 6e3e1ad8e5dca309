"""Tests for course.xapi: statement shapes, ids, ordering, privacy and the validator's table."""

from __future__ import annotations

import copy
import json
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import unquote, urlsplit

import pytest

from course.xapi import (
    VERBS,
    AnswerRecord,
    CompletionRecord,
    QuizRecord,
    actor,
    answered,
    completed,
    quiz_outcome,
    statement_id,
    statements,
    validate_statement,
)

BASE = "https://course.example.org/opioids"
HOME = "https://course.example.org"
SID = uuid.UUID("12345678-1234-5678-1234-567812345678")
T0 = datetime(2025, 1, 31, 9, 0, tzinfo=UTC)
ACTIVITIES = "http://adlnet.gov/expapi/activities/"
PRIVACY = "not allowed (privacy): it identifies the learner; use only account with learner-<id>"
ONE_IFI = "actor: must have exactly one of mbox, mbox_sha1sum, openid, account; got"
ALLOWED = (
    "allowed: actor, attachments, authority, context, id, object, result, stored, timestamp, "
    "verb, version"
)
TIMESTAMP_RULE = "must be ISO 8601 with a timezone, such as 2025-01-31T09:00:00Z"
DISPLAY_RULE = "must be a language map such as {'en-US': 'answered'}"

ANSWER = AnswerRecord(
    learner_id=7,
    quiz_id="naloxone-check",
    question_id="q-tolerance",
    attempt_no=1,
    answer="a",
    is_correct=True,
    answered_at=T0,
)
COMPLETION = CompletionRecord(learner_id=7, lesson_id="overdose-signs", completed_at=T0)
QUIZ = QuizRecord(
    learner_id=7,
    quiz_id="naloxone-check",
    correct=4,
    total=5,
    score=0.8,
    passed=True,
    finished_at=T0,
)


def at(minutes: int) -> datetime:
    """Return a moment the given minutes after T0."""
    return T0 + timedelta(minutes=minutes)


def answer(learner: int, question: str, attempt: int, value: object, ok: bool, minute: int):
    """Return an answer to the naloxone quiz."""
    return AnswerRecord(learner, "naloxone-check", question, attempt, value, ok, at(minute))


# Two learners through one lesson and its quiz: a retry, a failed then passed quiz, every
# answer shape the scoring module stores (choice id, list, bool, mapping).
ANSWERS = [
    answer(7, "q-tolerance", 1, "b", False, 1),
    answer(7, "q-tolerance", 2, "a", True, 2),
    answer(7, "q-signs", 1, ["pinpoint-pupils", "slow-breathing"], True, 3),
    answer(7, "q-naloxone-safe", 1, True, True, 4),
    answer(7, "q-steps", 1, {"call": "1", "naloxone": "2"}, True, 5),
    answer(12, "q-tolerance", 1, "c", False, 3),
    answer(12, "q-signs", 1, ["slow-breathing"], False, 4),
]
COMPLETIONS = [
    CompletionRecord(7, "overdose-signs", at(0)),
    CompletionRecord(12, "overdose-signs", at(2)),
    CompletionRecord(12, "naloxone-basics", at(3)),  # same moment as an answer: id breaks ties
]
QUIZZES = [
    QuizRecord(7, "naloxone-check", 4, 4, 1.0, True, at(6)),
    QuizRecord(12, "naloxone-check", 0, 4, 0.0, False, at(5)),
    QuizRecord(12, "naloxone-check", 3, 4, 0.75, True, at(9)),
]


def all_statements(base: str = BASE) -> list[dict]:
    """Return the statements for the whole data set."""
    return statements(ANSWERS, COMPLETIONS, QUIZZES, base=base, home_page=HOME)


# --- shapes ------------------------------------------------------------------------------


def test_answered_has_the_xapi_shape() -> None:
    assert answered(ANSWER, BASE, HOME, SID) == {
        "id": "12345678-1234-5678-1234-567812345678",
        "actor": {"objectType": "Agent", "account": {"homePage": HOME, "name": "learner-7"}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en-US": "answered"}},
        "object": {
            "objectType": "Activity",
            "id": f"{BASE}/quizzes/naloxone-check/questions/q-tolerance",
            "definition": {
                "type": f"{ACTIVITIES}cmi.interaction",
                "name": {"en-US": "q-tolerance"},
            },
        },
        "result": {"success": True, "response": "a", "extensions": {f"{BASE}/xapi/attempt": 1}},
        "timestamp": "2025-01-31T09:00:00.000Z",
        "version": "1.0.3",
    }


def test_completed_has_the_xapi_shape() -> None:
    s = completed(COMPLETION, BASE, HOME, SID)
    assert s["verb"] == {"id": VERBS["completed"], "display": {"en-US": "completed"}}
    assert s["object"] == {
        "objectType": "Activity",
        "id": f"{BASE}/lessons/overdose-signs",
        "definition": {"type": f"{ACTIVITIES}lesson", "name": {"en-US": "overdose-signs"}},
    }
    assert s["result"] == {"completion": True}


@pytest.mark.parametrize(("passed", "verb"), [(True, "passed"), (False, "failed")])
def test_quiz_outcome_is_passed_or_failed_with_a_score(passed: bool, verb: str) -> None:
    record = QuizRecord(7, "naloxone-check", 4, 5, 0.8, passed, T0)
    s = quiz_outcome(record, BASE, HOME, SID)
    assert s["verb"] == {"id": VERBS[verb], "display": {"en-US": verb}}
    assert s["object"] == {
        "objectType": "Activity",
        "id": f"{BASE}/quizzes/naloxone-check",
        "definition": {"type": f"{ACTIVITIES}assessment", "name": {"en-US": "naloxone-check"}},
    }
    score = {"scaled": 0.8, "raw": 4, "min": 0, "max": 5}
    assert s["result"] == {"success": passed, "completion": True, "score": score}


@pytest.mark.parametrize(
    ("value", "response"),
    [
        ("a", "a"),
        ('say "hi"', 'say "hi"'),
        (["a", "c"], '["a","c"]'),
        (True, "true"),
        ({"naloxone": "2", "call": "1"}, '{"call":"1","naloxone":"2"}'),
        ({"ü": "é"}, '{"ü":"é"}'),
    ],
)
def test_response_is_the_str_or_compact_json(value: object, response: str) -> None:
    record = AnswerRecord(7, "naloxone-check", "q", 1, value, True, T0)
    assert answered(record, BASE, HOME, SID)["result"]["response"] == response


def test_timestamp_is_utc_with_z_to_the_millisecond() -> None:
    paris = timezone(timedelta(hours=1))
    moment = datetime(2025, 1, 31, 10, 0, 0, 123456, tzinfo=paris)
    record = CompletionRecord(7, "overdose-signs", moment)
    assert completed(record, BASE, HOME, SID)["timestamp"] == "2025-01-31T09:00:00.123Z"


def test_naive_time_is_refused() -> None:
    record = CompletionRecord(7, "overdose-signs", datetime(2025, 1, 31, 9, 0))
    with pytest.raises(ValueError, match=r"^timestamp: 2025-01-31T09:00:00 has no timezone"):
        completed(record, BASE, HOME, SID)


@pytest.mark.parametrize(
    "base",
    [
        "course.example.org/opioids",
        "/opioids",
        "ftp://course.example.org/opioids",
        "urn:course:opioids",
        "https://course.example.org/opioids/",
        "https://course.example.org/",
        "https://course.example.org/opioids?lang=en",
        "https://course.example.org/opioids#top",
        "https://course.example.org/two words",
        "https://",
        "",
    ],
)
def test_base_must_be_an_absolute_web_iri_without_trailing_slash(base: str) -> None:
    message = f"base: must be an http(s) IRI with no trailing '/'; got {base!r}"
    with pytest.raises(ValueError) as error:
        completed(COMPLETION, base, HOME, SID)
    assert str(error.value) == message


def test_home_page_must_be_an_absolute_web_iri() -> None:
    with pytest.raises(ValueError) as error:
        actor(7, "course.example.org")
    assert str(error.value) == (
        "home_page: must be an http(s) IRI with no trailing '/'; got 'course.example.org'"
    )


# --- ids and order -----------------------------------------------------------------------


def test_statement_id_is_a_fixed_uuid5() -> None:
    sid = statement_id("answered", "https://example.org/course", 7, "q", "x", 1)
    assert sid == statement_id("answered", "https://example.org/course", 7, "q", "x", 1)
    assert sid.version == 5
    # Pinned: if the namespace or the name encoding moved, every re-export would duplicate.
    assert str(sid) == "413a847f-e6f5-505e-8c70-5d50b87b8103"


@pytest.mark.parametrize(
    "other",
    [
        ("answered", "https://example.org/course", 7, "q", "x", 2),
        ("answered", "https://example.org/course", 8, "q", "x", 1),
        ("answered", "https://example.org/other", 7, "q", "x", 1),
        ("completed", "https://example.org/course", 7, "q", "x", 1),
        ("answered", "https://example.org/course", 7, "q/x", 1),
    ],
)
def test_statement_id_differs_when_any_part_differs(other: tuple[object, ...]) -> None:
    kind, *parts = other
    same = statement_id("answered", "https://example.org/course", 7, "q", "x", 1)
    assert statement_id(str(kind), *parts) != same


def test_re_export_gives_the_same_ids() -> None:
    first, again = all_statements(), all_statements()
    assert first == again
    assert len({s["id"] for s in first}) == len(first)


def test_another_attempt_gets_another_id() -> None:
    by_attempt = {
        s["result"]["extensions"][f"{BASE}/xapi/attempt"]: s["id"]
        for s in all_statements()
        if s["actor"]["account"]["name"] == "learner-7"
        and s["object"]["id"].endswith("/q-tolerance")
    }
    assert set(by_attempt) == {1, 2}
    assert by_attempt[1] != by_attempt[2]


def test_another_course_gets_other_ids() -> None:
    here = {s["id"] for s in all_statements()}
    there = {s["id"] for s in all_statements(base="https://other.example.org/course")}
    assert not here & there


def test_statements_are_ordered_by_timestamp_then_id() -> None:
    result = all_statements()
    keys = [(s["timestamp"], s["id"]) for s in result]
    assert keys == sorted(keys)
    assert len(result) == len(ANSWERS) + len(COMPLETIONS) + len(QUIZZES)
    verbs = [s["verb"]["display"]["en-US"] for s in result]
    assert verbs[0] == "completed"
    assert verbs.count("failed") == 1
    assert verbs.count("passed") == 2


# --- validity ----------------------------------------------------------------------------


def test_every_statement_for_a_realistic_data_set_is_valid() -> None:
    result = all_statements()
    assert result
    assert {s["id"]: validate_statement(s) for s in result} == {s["id"]: [] for s in result}


def test_statements_survive_a_json_round_trip() -> None:
    result = all_statements()
    again = json.loads(json.dumps(result))
    assert again == result
    assert all(validate_statement(s) == [] for s in again)


HOSTILE_IDS = [
    "two words",
    "a/b",
    "../../admin",
    "ünïcödé-lesson",
    'say "hi"',
    "it's",
    "50%?#&=+;",
    "tab\there\nnewline",
    "back\\slash",
    "emoji-🙂",
    "<script>",
]


@pytest.mark.parametrize("content_id", HOSTILE_IDS)
def test_hostile_content_ids_become_valid_percent_encoded_iris(content_id: str) -> None:
    question = AnswerRecord(7, content_id, content_id, 1, "a", True, T0)
    lesson = CompletionRecord(7, content_id, T0)
    quiz = QuizRecord(7, content_id, 1, 2, 0.5, False, T0)
    made = [
        (answered(question, BASE, HOME, SID), ["quizzes", content_id, "questions", content_id]),
        (completed(lesson, BASE, HOME, SID), ["lessons", content_id]),
        (quiz_outcome(quiz, BASE, HOME, SID), ["quizzes", content_id]),
    ]
    for s, path in made:
        iri = s["object"]["id"]
        assert validate_statement(s) == []
        assert iri.isascii()
        assert not re.search(r"[\s\"'<>\\#?]", iri)
        assert iri.startswith(f"{BASE}/")
        assert urlsplit(iri).path.startswith(urlsplit(BASE).path + "/")
        segments = [unquote(part) for part in iri.removeprefix(f"{BASE}/").split("/")]
        assert segments == path
        assert s["object"]["definition"]["name"] == {"en-US": content_id}


@pytest.mark.parametrize("content_id", ["", ".", ".."])
def test_ids_that_cannot_be_a_path_segment_are_refused(content_id: str) -> None:
    with pytest.raises(ValueError) as error:
        completed(CompletionRecord(7, content_id, T0), BASE, HOME, SID)
    assert str(error.value) == f"content id: {content_id!r} cannot be an IRI path segment"


# --- privacy -----------------------------------------------------------------------------


def leaves(value: object, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], object]]:
    """Yield every key path and the scalar at its end."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from leaves(inner, (*path, key))
    elif isinstance(value, list):
        for inner in value:
            yield from leaves(inner, path)
    else:
        yield path, value


NAME_PATHS = {("actor", "account", "name"), ("object", "definition", "name", "en-US")}
IDENTIFYING_KEYS = {"mbox", "mbox_sha1sum", "openid", "email", "ip", "ip_address", "user"}


def test_learners_appear_only_as_pseudonymous_account_names() -> None:
    pseudonyms = {f"learner-{r.learner_id}" for r in [*ANSWERS, *COMPLETIONS, *QUIZZES]}
    for s in json.loads(json.dumps(all_statements())):
        name = s["actor"]["account"]["name"]
        assert name in pseudonyms
        assert s["actor"] == {"objectType": "Agent", "account": {"homePage": HOME, "name": name}}
        for path, value in leaves(s):
            assert not set(path) & IDENTIFYING_KEYS
            assert path[-1] != "name" or path in NAME_PATHS
            text = str(value)
            assert "@" not in text
            assert not re.search(r"\b\d{1,3}(\.\d{1,3}){3}\b", text)
            assert "learner-" not in text or path == ("actor", "account", "name")


# --- the validator's table ---------------------------------------------------------------

DELETE = object()


def broken(path: str, value: object) -> dict:
    """Return a valid quiz statement with one dotted path set to value, or deleted."""
    s = copy.deepcopy(quiz_outcome(QUIZ, BASE, HOME, SID))
    *parents, last = path.split(".")
    target = s
    for key in parents:
        target = target[key]
    if value is DELETE:
        del target[last]
    else:
        target[last] = value
    return s


BROKEN = [
    ("id", "not-a-uuid", ["id: must be a UUID string; got 'not-a-uuid'"]),
    ("id", 42, ["id: must be a UUID string; got 42"]),
    ("id", DELETE, ["id: missing; must be a UUID string"]),
    ("actor", DELETE, ["actor: missing; must be an object"]),
    ("actor", "learner-7", ["actor: must be an object; got 'learner-7'"]),
    ("actor.name", "Jo Smith", [f"actor.name: {PRIVACY}"]),
    (
        "actor.mbox",
        "mailto:jo@example.org",
        [f"actor.mbox: {PRIVACY}", f"{ONE_IFI} ['mbox', 'account']"],
    ),
    ("actor", {"mbox": "mailto:jo@example.org"}, [f"actor.mbox: {PRIVACY}"]),
    ("actor", {"mbox_sha1sum": "ab" * 20}, [f"actor.mbox_sha1sum: {PRIVACY}"]),
    ("actor", {"openid": "https://jo.example.org"}, [f"actor.openid: {PRIVACY}"]),
    ("actor.email", "jo@example.org", ["actor.email: not an Agent property"]),
    ("actor.account", DELETE, [f"{ONE_IFI} []"]),
    ("actor.objectType", "Group", ["actor.objectType: must be 'Agent'; got 'Group'"]),
    ("actor.account", "learner-7", ["actor.account: must be an object; got 'learner-7'"]),
    (
        "actor.account.homePage",
        "course.example.org",
        ["actor.account.homePage: must be an absolute IRI; got 'course.example.org'"],
    ),
    (
        "actor.account.homePage",
        DELETE,
        ["actor.account.homePage: missing; must be an absolute IRI"],
    ),
    (
        "actor.account.name",
        "jo@example.org",
        ["actor.account.name: must be learner-<id>; got 'jo@example.org'"],
    ),
    ("actor.account.name", DELETE, ["actor.account.name: missing; must be learner-<id>"]),
    ("verb", DELETE, ["verb: missing; must be an object"]),
    ("verb.id", "passed", ["verb.id: must be an absolute IRI; got 'passed'"]),
    ("verb.id", DELETE, ["verb.id: missing; must be an absolute IRI"]),
    ("verb.display", "passed", [f"verb.display: {DISPLAY_RULE}; got 'passed'"]),
    (
        "verb.display",
        {"en US": "passed"},
        [f"verb.display: {DISPLAY_RULE}; got {{'en US': 'passed'}}"],
    ),
    ("verb.display", {"en-US": 1}, [f"verb.display: {DISPLAY_RULE}; got {{'en-US': 1}}"]),
    ("object", DELETE, ["object: missing; must be an object"]),
    (
        "object.id",
        "quizzes/naloxone-check",
        ["object.id: must be an absolute IRI; got 'quizzes/naloxone-check'"],
    ),
    (
        "object.id",
        "https://x.org/a b",
        ["object.id: must be an absolute IRI; got 'https://x.org/a b'"],
    ),
    ("object.objectType", "Agent", ["object.objectType: must be 'Activity'; got 'Agent'"]),
    ("result", "passed", ["result: must be an object; got 'passed'"]),
    ("result.success", "yes", ["result.success: must be true or false; got 'yes'"]),
    ("result.completion", 1, ["result.completion: must be true or false; got 1"]),
    ("result.response", ["a"], ["result.response: must be a string; got ['a']"]),
    ("result.score", 0.8, ["result.score: must be an object; got 0.8"]),
    ("result.score.scaled", 1.5, ["result.score.scaled: must be a number in [-1, 1]; got 1.5"]),
    ("result.score.scaled", -1.01, ["result.score.scaled: must be a number in [-1, 1]; got -1.01"]),
    ("result.score.scaled", True, ["result.score.scaled: must be a number in [-1, 1]; got True"]),
    ("result.score.raw", "4", ["result.score.raw: must be a number; got '4'"]),
    ("result.score.raw", 6, ["result.score.raw: must be within min and max; got 6"]),
    ("result.score.raw", -1, ["result.score.raw: must be within min and max; got -1"]),
    (
        "result.score.min",
        5,
        [
            "result.score: min must be less than max; got 5 and 5",
            "result.score.raw: must be within min and max; got 4",
        ],
    ),
    ("result.score.max", None, ["result.score.max: must be a number; got None"]),
    ("timestamp", DELETE, [f"timestamp: missing; {TIMESTAMP_RULE}"]),
    (
        "timestamp",
        "2025-01-31T09:00:00",
        [f"timestamp: {TIMESTAMP_RULE}; got '2025-01-31T09:00:00'"],
    ),
    ("timestamp", "31/01/2025 09:00", [f"timestamp: {TIMESTAMP_RULE}; got '31/01/2025 09:00'"]),
    ("timestamp", 1738314000, [f"timestamp: {TIMESTAMP_RULE}; got 1738314000"]),
    ("learner_email", "jo@example.org", [f"learner_email: not a statement property; {ALLOWED}"]),
    ("version", "2.0.0", ["version: must be 1.0.x; got '2.0.0'"]),
]


@pytest.mark.parametrize(
    ("path", "value", "problems"), BROKEN, ids=[f"{p}={v!r}" for p, v, _ in BROKEN]
)
def test_each_broken_statement_gets_its_exact_problems(
    path: str, value: object, problems: list[str]
) -> None:
    assert validate_statement(broken(path, value)) == problems


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("timestamp", "2025-01-31T09:00:00+00:00"),
        ("timestamp", "2025-01-31T10:00:00.5+01:00"),
        ("actor.objectType", DELETE),
        ("object.objectType", DELETE),
        ("verb.display", DELETE),
        ("result", DELETE),
        ("result.score", {"scaled": -1}),
        ("context", {"registration": str(SID)}),
        ("version", "1.0.0"),
    ],
)
def test_what_xapi_allows_stays_valid(path: str, value: object) -> None:
    assert validate_statement(broken(path, value)) == []


def test_every_problem_is_reported_at_once() -> None:
    s = broken("actor.name", "Jo Smith")
    s["verb"]["id"] = "passed"
    s["timestamp"] = "yesterday"
    assert validate_statement(s) == [
        "verb.id: must be an absolute IRI; got 'passed'",
        f"timestamp: {TIMESTAMP_RULE}; got 'yesterday'",
        f"actor.name: {PRIVACY}",
    ]


def test_a_statement_that_is_not_an_object_is_one_problem() -> None:
    assert validate_statement([]) == ["statement: must be an object"]  # type: ignore[arg-type]
