"""Tests for course.xapi: statement shapes, interactions, ids, order, privacy, the validator."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import unquote, urlsplit

import pytest
from test_scoring import OVERDOSE

from course.model import Course
from course.scoring import correct_answers
from course.xapi import (
    VERBS,
    AnswerRecord,
    CompletionRecord,
    QuizRecord,
    Scope,
    Statement,
    actor,
    answered,
    completed,
    quiz_outcome,
    statement_id,
    statements,
    validate_statement,
)
from course.xapi_interactions import definition as interaction_definition

BASE = "https://course.example.org/opioids"
HOME = "https://course.example.org"
T0 = datetime(2025, 1, 31, 9, 0, tzinfo=UTC)
ACTIVITIES = "http://adlnet.gov/expapi/activities/"
# Stand-ins for keyed hashes (course/xapi_export.py makes the real ones): 22 base64url each.
NAMES = {7: "Qm9vOUpX-aFg3_LzTt0EAA", 12: "x1Zk-0pQr2Sa8bYcWm_3Nw"}
OTHER_NAMES = {7: "AAAAAAAAAAAAAAAAAAAAAA", 12: "BBBBBBBBBBBBBBBBBBBBBB"}
TYPES = (
    "true-false, choice, fill-in, long-fill-in, matching, performance, sequencing, likert, "
    "numeric, other"
)
PRIVACY = (
    "not allowed (privacy): it identifies the learner; use only an account named by a pseudonym"
)
ONE_IFI = "actor: must have exactly one of mbox, mbox_sha1sum, openid, account; got"
ALLOWED = (
    "allowed: actor, attachments, authority, context, id, object, result, stored, timestamp, "
    "verb, version"
)
TIMESTAMP_RULE = "must be ISO 8601 with a timezone, such as 2025-01-31T09:00:00Z"
DISPLAY_RULE = "must be a language map such as {'en-US': 'answered'}"
MAP_RULE = "must be a language map such as {'en-US': 'text'}"
PSEUDONYM_RULE = (
    "must be a pseudonym (22 base64url characters of a keyed hash, never starting with -)"
)


def scope(base: str = BASE, names: dict[int, str] = NAMES, course: Course | None = None) -> Scope:
    """Return a scope on the test base and home page; with the course, its quizzes too."""
    return Scope(base, HOME, names.__getitem__, course.quizzes if course else {})


def at(minutes: int) -> datetime:
    """Return a moment the given minutes after T0."""
    return T0 + timedelta(minutes=minutes)


def answer(learner: int, question: str, attempt: int, value: object, ok: bool, minute: int):
    """Return an answer to a quiz the course does not have (its questions are 'other')."""
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
    CompletionRecord(12, "naloxone-basics", at(3)),
]
QUIZZES = [
    QuizRecord(7, "naloxone-check", 4, 4, 1.0, True, at(6)),
    QuizRecord(12, "naloxone-check", 0, 4, 0.0, False, at(5)),
    QuizRecord(12, "naloxone-check", 3, 4, 0.75, True, at(9)),
]
COMPLETION = COMPLETIONS[0]
QUIZ = QuizRecord(7, "naloxone-check", 4, 5, 0.8, True, T0)


def all_statements(base: str = BASE, names: dict[int, str] = NAMES) -> list[Statement]:
    """Return the statements for the whole data set."""
    return list(statements(ANSWERS, COMPLETIONS, QUIZZES, scope(base, names)))


def shipped(course: Course, quiz: str, question: str, value: object, ok: bool) -> Statement:
    """Return the statement of learner 7's first answer to a shipped question."""
    return answered(AnswerRecord(7, quiz, question, 1, value, ok, T0), scope(course=course))


# --- shapes ------------------------------------------------------------------------------


def test_answered_has_the_xapi_shape(course: Course) -> None:
    s = shipped(course, "thought-traps-quiz", "permission-meaning", "stops", False)
    quiz = f"{BASE}/quizzes/thought-traps-quiz"
    assert s == {
        # Pinned: if the id scheme moved, every re-export would duplicate in the LRS.
        "id": "03380c5a-a721-5ab3-89d8-c4c6b317e547",
        "actor": {"objectType": "Agent", "account": {"homePage": HOME, "name": NAMES[7]}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en-US": "answered"}},
        "timestamp": "2025-01-31T09:00:00.000Z",
        "version": "1.0.3",
        "object": {
            "objectType": "Activity",
            "id": f"{quiz}/questions/permission-meaning",
            "definition": {
                "type": f"{ACTIVITIES}cmi.interaction",
                "name": {"en-US": "permission-meaning"},
                "interactionType": "choice",
                "correctResponsesPattern": ["reason"],
                "choices": [
                    {
                        "id": "reason",
                        "description": {"en-US": "It gives a reason to go ahead and use."},
                    },
                    {"id": "stops", "description": {"en-US": "It helps a person stop using."}},
                    {
                        "id": "harmless",
                        "description": {"en-US": "It is a harmless thought that has no effect."},
                    },
                ],
            },
        },
        "result": {
            "success": False,
            "response": "stops",
            "extensions": {f"{BASE}/xapi/attempt": 1},
        },
        "context": {
            "contextActivities": {
                "parent": [
                    {
                        "objectType": "Activity",
                        "id": quiz,
                        "definition": {
                            "type": f"{ACTIVITIES}assessment",
                            "name": {"en-US": "thought-traps-quiz"},
                        },
                    }
                ]
            }
        },
    }
    assert validate_statement(s) == []


MULTIPLE = {
    "interactionType": "choice",
    "correctResponsesPattern": ["always-open[,]call-text[,]free-private[,]substance-use"],
    "choices": [
        {"id": "call-text", "description": {"en-US": "You can call or text 988."}},
        {
            "id": "always-open",
            "description": {"en-US": "It is open 24 hours a day, 7 days a week."},
        },
        {"id": "free-private", "description": {"en-US": "It is free and confidential."}},
        {
            "id": "substance-use",
            "description": {
                "en-US": "It helps with substance use crises, not only thoughts of suicide."
            },
        },
        {"id": "business-hours", "description": {"en-US": "It is only open during office hours."}},
    ],
}
TRUE_FALSE = {"interactionType": "true-false", "correctResponsesPattern": ["false"]}
SEQUENCING = {
    "interactionType": "sequencing",
    "correctResponsesPattern": ["craft[,]confrontation[,]al-anon"],
    "choices": [
        {"id": "craft", "description": {"en-US": "CRAFT"}},
        {
            "id": "confrontation",
            "description": {
                "en-US": "The Johnson Institute intervention (planning a family confrontation)"
            },
        },
        {
            "id": "al-anon",
            "description": {
                "en-US": "Al-Anon facilitation (a counselor guides family members to Al-Anon)"
            },
        },
    ],
}
MATCHING = {
    "interactionType": "matching",
    "correctResponsesPattern": [
        "tolerance[.]tolerance[,]dependence[.]dependence[,]addiction[.]addiction[,]"
        "naloxone[.]naloxone"
    ],
    "source": [
        {"id": "tolerance", "description": {"en-US": "Tolerance"}},
        {"id": "dependence", "description": {"en-US": "Physical dependence"}},
        {"id": "addiction", "description": {"en-US": "Opioid use disorder (addiction)"}},
        {"id": "naloxone", "description": {"en-US": "Naloxone"}},
    ],
    "target": [
        {"id": "tolerance", "description": {"en-US": "The same amount has less effect"}},
        {"id": "dependence", "description": {"en-US": "Stopping brings on withdrawal"}},
        {"id": "addiction", "description": {"en-US": "Loss of control and use despite harm"}},
        {
            "id": "naloxone",
            "description": {"en-US": "A medicine that can reverse an opioid overdose"},
        },
    ],
}
MH = "mental-health-and-recovery-quiz"
FAMILY = "family-helping-without-blame-quiz"
TDA = "tolerance-dependence-addiction-quiz"
# (quiz, question, answer as stored, right?, its definition's interaction part, response)
KINDS = [
    (MH, "about-988", ["call-text", "business-hours"], False, MULTIPLE,
     "business-hours[,]call-text"),
    (MH, "about-988", ["substance-use", "call-text", "always-open", "free-private"], True,
     MULTIPLE, "always-open[,]call-text[,]free-private[,]substance-use"),
    (MH, "about-988", [], False, MULTIPLE, ""),
    (MH, "treat-later", True, False, TRUE_FALSE, "true"),
    (MH, "treat-later", False, True, TRUE_FALSE, "false"),
    (FAMILY, "order-approaches", ["al-anon", "craft", "confrontation"], False, SEQUENCING,
     "al-anon[,]craft[,]confrontation"),
    (FAMILY, "order-approaches", ["craft", "confrontation", "al-anon"], True, SEQUENCING,
     "craft[,]confrontation[,]al-anon"),
    (TDA, "match-terms", {"naloxone": "naloxone", "addiction": "dependence",
                          "dependence": "addiction", "tolerance": "tolerance"}, False, MATCHING,
     "tolerance[.]tolerance[,]dependence[.]addiction[,]addiction[.]dependence[,]"
     "naloxone[.]naloxone"),
]  # fmt: skip


@pytest.mark.parametrize(("quiz", "question", "value", "ok", "interaction", "response"), KINDS)
def test_each_question_kind_is_its_interaction_type(
    course: Course,
    quiz: str,
    question: str,
    value: object,
    ok: bool,
    interaction: dict[str, object],
    response: str,
) -> None:
    s = shipped(course, quiz, question, value, ok)
    assert s["object"] == {
        "objectType": "Activity",
        "id": f"{BASE}/quizzes/{quiz}/questions/{question}",
        "definition": {"type": f"{ACTIVITIES}cmi.interaction", "name": {"en-US": question}}
        | interaction,
    }
    assert s["result"] == {
        "success": ok,
        "response": response,
        "extensions": {f"{BASE}/xapi/attempt": 1},
    }
    parent = s["context"]["contextActivities"]["parent"]  # type: ignore[index]
    assert [p["id"] for p in parent] == [f"{BASE}/quizzes/{quiz}"]
    assert validate_statement(s) == []


def test_a_right_answer_gives_its_pattern_for_every_shipped_question(course: Course) -> None:
    checked = set()
    for quiz in course.quizzes.values():
        for question in quiz.questions:
            given = []
            for value in correct_answers(question):
                s = shipped(course, quiz.id, question.id, value, True)
                assert validate_statement(s) == [], (quiz.id, question.id)
                definition = s["object"]["definition"]  # type: ignore[index]
                given.append(s["result"]["response"])  # type: ignore[index]
            # Every accepted answer is a pattern, so an LRS scores each one as right.
            assert given == definition["correctResponsesPattern"]  # type: ignore[index]
            checked.add(question.kind)
    assert checked == {"single", "multiple", "true_false", "ordering", "matching"}


def test_an_ordering_with_another_right_order_has_a_pattern_for_each() -> None:
    assert interaction_definition(OVERDOSE)["correctResponsesPattern"] == [
        "call-911[,]give-naloxone[,]breathe[,]stay",
        "give-naloxone[,]call-911[,]breathe[,]stay",
    ]


def test_an_answer_that_no_longer_fits_its_question_is_written_as_it_was(course: Course) -> None:
    s = shipped(course, "thought-traps-quiz", "permission-meaning", "gone-option", False)
    assert s["result"]["response"] == "gone-option"  # type: ignore[index]
    assert s["object"]["definition"]["interactionType"] == "choice"  # type: ignore[index]
    assert validate_statement(s) == []


def test_a_question_the_course_no_longer_has_is_an_other_interaction() -> None:
    s = answered(ANSWERS[0], scope())
    assert s["object"] == {
        "objectType": "Activity",
        "id": f"{BASE}/quizzes/naloxone-check/questions/q-tolerance",
        "definition": {
            "type": f"{ACTIVITIES}cmi.interaction",
            "name": {"en-US": "q-tolerance"},
            "interactionType": "other",
        },
    }


@pytest.mark.parametrize(
    ("value", "response"),
    [
        ("a", "a"),
        ('say "hi"', 'say "hi"'),
        (["a", "c"], "a[,]c"),
        ([], ""),
        (True, "true"),
        (False, "false"),
        ({"naloxone": "2", "call": "1"}, "naloxone[.]2[,]call[.]1"),
        ({"ü": "é"}, "ü[.]é"),
        (None, "null"),
        (3, "3"),
        ([1, "a"], '[1,"a"]'),
        ({"b": 1}, '{"b":1}'),
    ],
)
def test_response_of_an_other_interaction_keeps_the_answer_shape(
    value: object, response: str
) -> None:
    record = AnswerRecord(7, "naloxone-check", "q", 1, value, True, T0)
    s = answered(record, scope())
    assert s["result"]["response"] == response  # type: ignore[index]
    assert validate_statement(s) == []


def test_completed_has_the_xapi_shape() -> None:
    s = completed(COMPLETION, scope())
    assert s["verb"] == {"id": VERBS["completed"], "display": {"en-US": "completed"}}
    assert s["object"] == {
        "objectType": "Activity",
        "id": f"{BASE}/lessons/overdose-signs",
        "definition": {"type": f"{ACTIVITIES}lesson", "name": {"en-US": "overdose-signs"}},
    }
    assert s["result"] == {"completion": True}
    assert "context" not in s


@pytest.mark.parametrize(("passed", "verb"), [(True, "passed"), (False, "failed")])
def test_quiz_outcome_is_passed_or_failed_with_a_score(passed: bool, verb: str) -> None:
    record = QuizRecord(7, "naloxone-check", 4, 5, 0.8, passed, T0)
    s = quiz_outcome(record, scope())
    assert s["verb"] == {"id": VERBS[verb], "display": {"en-US": verb}}
    assert s["object"] == {
        "objectType": "Activity",
        "id": f"{BASE}/quizzes/naloxone-check",
        "definition": {"type": f"{ACTIVITIES}assessment", "name": {"en-US": "naloxone-check"}},
    }
    score = {"scaled": 0.8, "raw": 4, "min": 0, "max": 5}
    assert s["result"] == {"success": passed, "completion": True, "score": score}


def test_timestamp_is_utc_with_z_to_the_millisecond() -> None:
    paris = timezone(timedelta(hours=1))
    moment = datetime(2025, 1, 31, 10, 0, 0, 123456, tzinfo=paris)
    record = CompletionRecord(7, "overdose-signs", moment)
    assert completed(record, scope())["timestamp"] == "2025-01-31T09:00:00.123Z"


def test_naive_time_is_refused() -> None:
    record = CompletionRecord(7, "overdose-signs", datetime(2025, 1, 31, 9, 0))
    with pytest.raises(ValueError, match=r"^timestamp: 2025-01-31T09:00:00 has no timezone"):
        completed(record, scope())


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
        scope(base)
    assert str(error.value) == message


def test_home_page_must_be_an_absolute_web_iri() -> None:
    with pytest.raises(ValueError) as error:
        Scope(BASE, "course.example.org", NAMES.__getitem__)
    assert str(error.value) == (
        "home_page: must be an http(s) IRI with no trailing '/'; got 'course.example.org'"
    )


@pytest.mark.parametrize(
    "name", ["learner-7", "7", "", "maple-river-candle-4821", "x" * 23, "-" + "x" * 21]
)
def test_an_actor_named_other_than_by_a_pseudonym_is_refused(name: str) -> None:
    with pytest.raises(ValueError) as error:
        actor(name, HOME)
    assert str(error.value) == f"actor name: {PSEUDONYM_RULE}; got {name!r}"
    with pytest.raises(ValueError):
        completed(COMPLETION, Scope(BASE, HOME, lambda learner: name))


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


def test_ids_hash_the_pseudonym_and_never_the_learner_id() -> None:
    found = all_statements()
    first = found[0]
    assert first["id"] == str(
        statement_id("answered", BASE, HOME, NAMES[7], "naloxone-check", "q-tolerance", 1)
    )
    # Knowing the base and a learner id is not enough to find that learner's statements.
    by_learner_id = {
        str(statement_id("answered", BASE, HOME, learner, a.quiz_id, a.question_id, n))
        for learner in range(100)
        for a in ANSWERS
        for n in (1, 2)
    }
    assert not by_learner_id & {s["id"] for s in found}
    # Another cohort (other pseudonyms) gets other ids for the same records.
    assert not {s["id"] for s in found} & {s["id"] for s in all_statements(names=OTHER_NAMES)}


def test_re_export_gives_the_same_ids() -> None:
    first, again = all_statements(), all_statements()
    assert first == again
    assert len({s["id"] for s in first}) == len(first)


def test_another_attempt_gets_another_id() -> None:
    by_attempt = {
        s["result"]["extensions"][f"{BASE}/xapi/attempt"]: s["id"]  # type: ignore[index]
        for s in all_statements()
        if s["actor"]["account"]["name"] == NAMES[7]  # type: ignore[index]
        and s["object"]["id"].endswith("/q-tolerance")  # type: ignore[index]
    }
    assert set(by_attempt) == {1, 2}
    assert by_attempt[1] != by_attempt[2]


def test_another_course_gets_other_ids() -> None:
    here = {s["id"] for s in all_statements()}
    there = {s["id"] for s in all_statements(base="https://other.example.org/course")}
    assert not here & there


def test_statements_come_as_given_answers_then_completions_then_outcomes() -> None:
    result = all_statements()
    assert len(result) == len(ANSWERS) + len(COMPLETIONS) + len(QUIZZES)
    verbs = [s["verb"]["display"]["en-US"] for s in result]  # type: ignore[index]
    assert verbs == ["answered"] * 7 + ["completed"] * 3 + ["passed", "failed", "passed"]
    stamps = [s["timestamp"] for s in result]
    assert stamps == [
        "2025-01-31T09:01:00.000Z",
        "2025-01-31T09:02:00.000Z",
        "2025-01-31T09:03:00.000Z",
        "2025-01-31T09:04:00.000Z",
        "2025-01-31T09:05:00.000Z",
        "2025-01-31T09:03:00.000Z",
        "2025-01-31T09:04:00.000Z",
        "2025-01-31T09:00:00.000Z",
        "2025-01-31T09:02:00.000Z",
        "2025-01-31T09:03:00.000Z",
        "2025-01-31T09:06:00.000Z",
        "2025-01-31T09:05:00.000Z",
        "2025-01-31T09:09:00.000Z",
    ]


def test_statements_are_made_one_record_at_a_time() -> None:
    pulled: list[int] = []

    def answers() -> Iterator[AnswerRecord]:
        for i, a in enumerate(ANSWERS):
            pulled.append(i)
            yield a

    found = statements(answers(), iter(COMPLETIONS), iter(QUIZZES), scope())
    assert pulled == []
    next(found)
    assert pulled == [0]
    next(found)
    assert pulled == [0, 1]


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
        (answered(question, scope()), ["quizzes", content_id, "questions", content_id]),
        (completed(lesson, scope()), ["lessons", content_id]),
        (quiz_outcome(quiz, scope()), ["quizzes", content_id]),
    ]
    for s, path in made:
        iri = s["object"]["id"]  # type: ignore[index]
        assert validate_statement(s) == []
        assert iri.isascii()
        assert not re.search(r"[\s\"'<>\\#?]", iri)
        assert iri.startswith(f"{BASE}/")
        assert urlsplit(iri).path.startswith(urlsplit(BASE).path + "/")
        segments = [unquote(part) for part in iri.removeprefix(f"{BASE}/").split("/")]
        assert segments == path
        assert s["object"]["definition"]["name"] == {"en-US": content_id}  # type: ignore[index]


@pytest.mark.parametrize("content_id", ["", ".", ".."])
def test_ids_that_cannot_be_a_path_segment_are_refused(content_id: str) -> None:
    with pytest.raises(ValueError) as error:
        completed(CompletionRecord(7, content_id, T0), scope())
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


NAME_PATHS = {
    ("actor", "account", "name"),
    ("object", "definition", "name", "en-US"),
    ("context", "contextActivities", "parent", "definition", "name", "en-US"),
}
IDENTIFYING_KEYS = {"mbox", "mbox_sha1sum", "openid", "email", "ip", "ip_address", "user"}


def test_learners_appear_only_as_pseudonymous_account_names() -> None:
    for s in json.loads(json.dumps(all_statements())):
        name = s["actor"]["account"]["name"]
        assert name in NAMES.values()
        assert s["actor"] == {"objectType": "Agent", "account": {"homePage": HOME, "name": name}}
        for path, value in leaves(s):
            assert not set(path) & IDENTIFYING_KEYS
            assert path[-1] != "name" or path in NAME_PATHS
            text = str(value)
            assert "@" not in text
            assert not re.search(r"\b\d{1,3}(\.\d{1,3}){3}\b", text)
            assert "learner" not in text


# --- the validator's table ---------------------------------------------------------------

DELETE = object()


def broken(path: str, value: object, s: Statement | None = None) -> dict:
    """Return a valid statement (a quiz outcome) with one dotted path set to value, or deleted."""
    s = copy.deepcopy(s or quiz_outcome(QUIZ, scope()))
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
        [f"actor.account.name: {PSEUDONYM_RULE}; got 'jo@example.org'"],
    ),
    ("actor.account.name", "learner-7", [f"actor.account.name: {PSEUDONYM_RULE}; got 'learner-7'"]),
    ("actor.account.name", "7", [f"actor.account.name: {PSEUDONYM_RULE}; got '7'"]),
    ("actor.account.name", DELETE, [f"actor.account.name: missing; {PSEUDONYM_RULE}"]),
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
    ("object.definition", "quiz", ["object.definition: must be an object; got 'quiz'"]),
    (
        "object.definition.type",
        "assessment",
        ["object.definition.type: must be an absolute IRI; got 'assessment'"],
    ),
    ("object.definition.name", "quiz", [f"object.definition.name: {MAP_RULE}; got 'quiz'"]),
    (
        "object.definition.description",
        {"en-US": None},
        [f"object.definition.description: {MAP_RULE}; got {{'en-US': None}}"],
    ),
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
    ("context", "quiz", ["context: must be an object; got 'quiz'"]),
    ("context", {"registration": "r1"}, ["context.registration: must be a UUID string; got 'r1'"]),
    (
        "context",
        {"contextActivities": []},
        ["context.contextActivities: must be an object; got []"],
    ),
    (
        "context",
        {"contextActivities": {"quiz": []}},
        [
            "context.contextActivities.quiz: not a kind of context activity; "
            "allowed: category, grouping, other, parent"
        ],
    ),
    (
        "context",
        {"contextActivities": {"parent": [{"id": "naloxone-check"}]}},
        ["context.contextActivities.parent[0].id: must be an absolute IRI; got 'naloxone-check'"],
    ),
    (
        "context",
        {"contextActivities": {"grouping": ["x"]}},
        [
            "context.contextActivities.grouping[0]: must be an Activity object or an array of "
            "them; got 'x'"
        ],
    ),
    (
        "context",
        {"contextActivities": {"parent": {"objectType": "Agent", "id": BASE}}},
        ["context.contextActivities.parent.objectType: must be 'Activity'; got 'Agent'"],
    ),
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


D = "object.definition"
CHOICE = ("thought-traps-quiz", "permission-meaning", "stops")
TF = (MH, "treat-later", True)
ORDER = (FAMILY, "order-approaches", ["craft", "al-anon", "confrontation"])
MATCH = (TDA, "match-terms", {"tolerance": "tolerance", "dependence": "dependence",
                              "addiction": "addiction", "naloxone": "naloxone"})  # fmt: skip
CHOICE_IDS = "ids: harmless, reason, stops"
BROKEN_INTERACTIONS = [
    (CHOICE, f"{D}.interactionType", "multiple-choice",
     [f"{D}.interactionType: must be one of {TYPES}; got 'multiple-choice'"]),
    (CHOICE, f"{D}.interactionType", DELETE,
     [f"{D}.interactionType: missing; must be one of {TYPES}"]),
    (CHOICE, f"{D}.correctResponsesPattern", "reason",
     [f"{D}.correctResponsesPattern: must be an array of strings; got 'reason'"]),
    (CHOICE, f"{D}.correctResponsesPattern", ["reason[,]gone"],
     [f"{D}.correctResponsesPattern[0]: 'gone' is not an id in choices; {CHOICE_IDS}"]),
    (CHOICE, f"{D}.correctResponsesPattern", ["reason", "reason, stops"],
     [f"{D}.correctResponsesPattern[1]: must be ids joined by '[,]' for a choice interaction; "
      "got 'reason, stops'"]),
    (CHOICE, "result.response", "stops[,]",
     ["result.response: must be ids joined by '[,]' for a choice interaction; got 'stops[,]'"]),
    (CHOICE, f"{D}.choices", "reason",
     [f"{D}.choices: must be an array of interaction components; got 'reason'"]),
    (CHOICE, f"{D}.choices", ["reason"],
     [f"{D}.choices[0]: must be an object with id and description; got 'reason'"]),
    (CHOICE, f"{D}.choices", [{"id": "a b"}],
     [f"{D}.choices[0].id: must be text without whitespace; got 'a b'"]),
    (CHOICE, f"{D}.choices", [{"description": {"en-US": "x"}}],
     [f"{D}.choices[0].id: must be text without whitespace; got None"]),
    (CHOICE, f"{D}.choices", [{"id": "reason"}, {"id": "reason"}],
     [f"{D}.choices[1].id: 'reason' is repeated; ids must be distinct"]),
    (CHOICE, f"{D}.choices", [{"id": "reason", "text": "It gives a reason"}],
     [f"{D}.choices[0].text: not an interaction component property; allowed: description, id"]),
    (CHOICE, f"{D}.choices", [{"id": "reason", "description": "It gives a reason"}],
     [f"{D}.choices[0].description: {MAP_RULE}; got 'It gives a reason'"]),
    (CHOICE, f"{D}.source", [{"id": "reason"}],
     [f"{D}.source: not used by 'choice' interactions; they take choices"]),
    (TF, "result.response", "True", ["result.response: must be 'true' or 'false'; got 'True'"]),
    (TF, f"{D}.correctResponsesPattern", ["yes"],
     [f"{D}.correctResponsesPattern[0]: must be 'true' or 'false'; got 'yes'"]),
    (TF, f"{D}.choices", [{"id": "true"}],
     [f"{D}.choices: not used by 'true-false' interactions; they take no component list"]),
    (ORDER, "result.response", "",
     ["result.response: must be ids joined by '[,]' for a sequencing interaction; got ''"]),
    (ORDER, f"{D}.correctResponsesPattern", ["craft[,]al-anon[,]johnson"],
     [f"{D}.correctResponsesPattern[0]: 'johnson' is not an id in choices; "
      "ids: al-anon, confrontation, craft"]),
    (MATCH, "result.response", "tolerance[.]tolerance[,]dependence",
     ["result.response: must be source[.]target pairs joined by '[,]'; "
      "got 'tolerance[.]tolerance[,]dependence'"]),
    (MATCH, f"{D}.correctResponsesPattern", ["tolerance[.]gone"],
     [f"{D}.correctResponsesPattern[0]: 'gone' is not an id in target; "
      "ids: addiction, dependence, naloxone, tolerance"]),
    (MATCH, f"{D}.correctResponsesPattern", ["gone[.]tolerance"],
     [f"{D}.correctResponsesPattern[0]: 'gone' is not an id in source; "
      "ids: addiction, dependence, naloxone, tolerance"]),
    (MATCH, f"{D}.choices", [{"id": "tolerance"}],
     [f"{D}.choices: not used by 'matching' interactions; they take source, target"]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("question", "path", "value", "problems"),
    BROKEN_INTERACTIONS,
    ids=[f"{q[1]}:{p}={v!r}" for q, p, v, _ in BROKEN_INTERACTIONS],
)
def test_each_broken_interaction_gets_its_exact_problems(
    course: Course, question: tuple[str, str, object], path: str, value: object, problems: list[str]
) -> None:
    quiz, question_id, given = question
    s = shipped(course, quiz, question_id, given, False)
    assert validate_statement(s) == []
    assert validate_statement(broken(path, value, s)) == problems


@pytest.mark.parametrize(
    ("question", "path", "value"),
    [
        (CHOICE, "result.response", ""),  # nothing chosen
        (CHOICE, "result.response", "reason[,]stops"),
        (CHOICE, f"{D}.description", {"en-US": "What does a permission thought do?"}),
        (CHOICE, f"{D}.correctResponsesPattern", []),  # no answer is right
        (CHOICE, f"{D}.correctResponsesPattern", ["reason", "reason[,]stops"]),
        (CHOICE, f"{D}.choices", DELETE),  # ids of no list are not checked
        (CHOICE, "context.contextActivities.parent", {"id": BASE}),  # 1.0.3: one, no array
        (MATCH, "result.response", ""),
        (MATCH, "result.response", "tolerance[.]naloxone[,]naloxone[.]naloxone"),
        (TF, f"{D}.interactionType", "other"),
        (TF, f"{D}.interactionType", "fill-in"),  # fill-in patterns are not checked
    ],
)
def test_what_xapi_allows_in_an_interaction_stays_valid(
    course: Course, question: tuple[str, str, object], path: str, value: object
) -> None:
    quiz, question_id, given = question
    s = shipped(course, quiz, question_id, given, False)
    assert validate_statement(broken(path, value, s)) == []


def test_an_interaction_list_without_an_interaction_type_is_a_problem() -> None:
    s = broken(f"{D}.choices", [{"id": "a"}])
    assert validate_statement(s) == [f"{D}.interactionType: missing; must be one of {TYPES}"]


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("timestamp", "2025-01-31T09:00:00+00:00"),
        ("timestamp", "2025-01-31T10:00:00.5+01:00"),
        ("actor.objectType", DELETE),
        ("object.objectType", DELETE),
        ("object.definition", DELETE),
        ("verb.display", DELETE),
        ("result", DELETE),
        ("result.score", {"scaled": -1}),
        ("context", {"registration": "12345678-1234-5678-1234-567812345678"}),
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
