"""Tests for course.scoring: tables of answers, quiz scores, shuffles and seeds."""

from __future__ import annotations

import hashlib
import json
import random

import pytest

from course.model import (
    Matching,
    MultipleChoice,
    Option,
    Ordering,
    OrderItem,
    Pair,
    Quiz,
    SingleChoice,
    TrueFalse,
)
from course.scoring import (
    AnswerError,
    AnyQuestion,
    QuizScore,
    correct_answer,
    correct_answers,
    grade_answer,
    is_quiz_complete,
    normalize_answer,
    presentation_order,
    score_quiz,
    seed_for,
)

SINGLE = SingleChoice(
    kind="single",
    id="q-single",
    prompt="After a break from opioids, what happens to tolerance?",
    hint="Think about what the body gets used to.",
    explanation="Tolerance drops within days, so an old dose can be an overdose.",
    misconception="tolerance-stays",
    safety_critical=True,
    options=[
        Option(id="a", text="It drops", correct=True, feedback="Right: it drops."),
        Option(
            id="b", text="It stays the same", feedback="No: it drops.", misconception="dose-same"
        ),
        Option(id="c", text="It goes up", feedback="No: it goes down, not up."),
    ],
)

MULTIPLE = MultipleChoice(
    kind="multiple",
    id="q-multiple",
    prompt="Which are signs of an opioid overdose?",
    hint="Look at breathing and the pupils.",
    explanation="Slow breathing, pinpoint pupils and no response are signs.",
    misconception="overdose-signs",
    options=[
        Option(id="a", text="Slow breathing", correct=True, feedback="Yes: slow breathing."),
        Option(id="b", text="Pinpoint pupils", correct=True, feedback="Yes: pinpoint pupils."),
        Option(
            id="c", text="Wide pupils", feedback="No: pupils shrink.", misconception="wide-pupils"
        ),
        Option(
            id="d", text="Fast talking", feedback="No: people go quiet.", misconception="fast-talk"
        ),
    ],
)

TRUE_FALSE = TrueFalse(
    kind="true_false",
    id="q-naloxone",
    prompt="Naloxone can reverse an opioid overdose.",
    hint="It is the nasal spray in many kits.",
    explanation="Naloxone blocks opioids at the receptor for a while.",
    misconception="naloxone-useless",
    answer=True,
    feedback_true="Right: it can.",
    feedback_false="Not so: it can.",
)

TRUE_FALSE_NO = TrueFalse(
    kind="true_false",
    id="q-alone",
    prompt="Using alone is safer.",
    explanation="Alone, nobody can give naloxone or call for help.",
    answer=False,
    feedback_true="Not so: nobody can help.",
    feedback_false="Right: nobody can help.",
)

ORDERING = Ordering(
    kind="ordering",
    id="q-steps",
    prompt="Put the steps in order.",
    hint="Help comes first.",
    explanation="Call, give naloxone, then keep them breathing.",
    misconception="steps-order",
    items=[
        OrderItem(id="a", text="Call for help"),
        OrderItem(id="b", text="Give naloxone"),
        OrderItem(id="c", text="Rescue breathing"),
    ],
    feedback_correct="That is the order.",
    feedback_incorrect="Not quite the order.",
)

MATCHING = Matching(
    kind="matching",
    id="q-match",
    prompt="Match each medication to what it is.",
    explanation="Each is a medication for opioid use disorder or a reversal drug.",
    pairs=[
        Pair(id="a", left="Naloxone", right="Reverses an overdose"),
        Pair(id="b", left="Buprenorphine", right="Partial agonist"),
        Pair(id="c", left="Naltrexone", right="Blocker, taken after withdrawal"),
    ],
    feedback_correct="All matched.",
    feedback_incorrect="Some are mismatched.",
)

QUESTIONS: list[AnyQuestion] = [SINGLE, MULTIPLE, TRUE_FALSE, TRUE_FALSE_NO, ORDERING, MATCHING]

# (question, answer, is_correct, feedback, misconceptions)
GRADES = [
    (SINGLE, "a", True, ("Right: it drops.",), ()),
    (SINGLE, "b", False, ("No: it drops.",), ("dose-same", "tolerance-stays")),
    (SINGLE, "c", False, ("No: it goes down, not up.",), ("tolerance-stays",)),
    (MULTIPLE, ["a", "b"], True, ("Yes: slow breathing.", "Yes: pinpoint pupils."), ()),
    (MULTIPLE, ("b", "a"), True, ("Yes: slow breathing.", "Yes: pinpoint pupils."), ()),
    (MULTIPLE, {"b", "a"}, True, ("Yes: slow breathing.", "Yes: pinpoint pupils."), ()),
    (MULTIPLE, ["b"], False, ("Yes: pinpoint pupils.",), ("overdose-signs",)),
    (
        MULTIPLE,
        ["d", "a", "b", "c"],
        False,
        (
            "Yes: slow breathing.",
            "Yes: pinpoint pupils.",
            "No: pupils shrink.",
            "No: people go quiet.",
        ),
        ("wide-pupils", "fast-talk", "overdose-signs"),
    ),
    (MULTIPLE, ["c"], False, ("No: pupils shrink.",), ("wide-pupils", "overdose-signs")),
    (MULTIPLE, [], False, (), ("overdose-signs",)),
    (TRUE_FALSE, True, True, ("Right: it can.",), ()),
    (TRUE_FALSE, False, False, ("Not so: it can.",), ("naloxone-useless",)),
    (TRUE_FALSE_NO, False, True, ("Right: nobody can help.",), ()),
    (TRUE_FALSE_NO, True, False, ("Not so: nobody can help.",), ()),
    (ORDERING, ["a", "b", "c"], True, ("That is the order.",), ()),
    (ORDERING, ("a", "b", "c"), True, ("That is the order.",), ()),
    (ORDERING, ["b", "a", "c"], False, ("Not quite the order.",), ("steps-order",)),
    (ORDERING, ["c", "b", "a"], False, ("Not quite the order.",), ("steps-order",)),
    (MATCHING, {"a": "a", "b": "b", "c": "c"}, True, ("All matched.",), ()),
    (MATCHING, {"c": "c", "a": "a", "b": "b"}, True, ("All matched.",), ()),
    (MATCHING, {"a": "b", "b": "a", "c": "c"}, False, ("Some are mismatched.",), ()),
]


@pytest.mark.parametrize(
    ("question", "answer", "is_correct", "feedback", "misconceptions"),
    GRADES,
    ids=[f"{row[0].id}-{n}" for n, row in enumerate(GRADES)],
)
def test_grade_answer(
    question: AnyQuestion,
    answer: object,
    is_correct: bool,
    feedback: tuple[str, ...],
    misconceptions: tuple[str, ...],
) -> None:
    grade = grade_answer(question, answer)
    assert (grade.is_correct, grade.feedback, grade.misconceptions) == (
        is_correct,
        feedback,
        misconceptions,
    )


@pytest.mark.parametrize(("answer", "hint"), [("a", None), ("b", SINGLE.hint), ("c", SINGLE.hint)])
def test_grade_carries_hint_only_when_wrong(answer: str, hint: str | None) -> None:
    grade = grade_answer(SINGLE, answer)
    assert grade.hint == hint
    assert grade.explanation == SINGLE.explanation
    assert grade.question_id == "q-single"
    assert grade.safety_critical is True


def test_grade_without_a_hint_is_none_when_wrong() -> None:
    assert grade_answer(MATCHING, {"a": "b", "b": "a", "c": "c"}).hint is None


def test_misconception_tag_is_listed_once() -> None:
    question = SINGLE.model_copy(
        update={
            "options": [
                SINGLE.options[0],
                SINGLE.options[1].model_copy(update={"misconception": "tolerance-stays"}),
            ]
        }
    )
    assert grade_answer(question, "b").misconceptions == ("tolerance-stays",)


# (question, answer, exact message)
ERRORS = [
    (SINGLE, "x", "question 'q-single': 'x' is not an option; options are 'a', 'b', 'c'"),
    (
        SINGLE,
        ["a"],
        "question 'q-single': expected one option id (a string); got list ['a']",
    ),
    (SINGLE, None, "question 'q-single': expected one option id (a string); got NoneType None"),
    (
        MULTIPLE,
        ["a", "x"],
        "question 'q-multiple': 'x' is not an option; options are 'a', 'b', 'c', 'd'",
    ),
    (MULTIPLE, ["a", "b", "a"], "question 'q-multiple': 'a' is chosen more than once"),
    (
        MULTIPLE,
        "a",
        "question 'q-multiple': expected a collection of option ids; got str 'a'",
    ),
    (
        MULTIPLE,
        {"a": True},
        "question 'q-multiple': expected a collection of option ids; got dict {'a': True}",
    ),
    (MULTIPLE, ["a", 2], "question 'q-multiple': expected option ids (strings); got int 2"),
    (
        TRUE_FALSE,
        "true",
        "question 'q-naloxone': expected true or false (a bool); got str 'true'",
    ),
    (TRUE_FALSE, 1, "question 'q-naloxone': expected true or false (a bool); got int 1"),
    (
        ORDERING,
        ["a", "b"],
        "question 'q-steps': missing 'c'; every item is placed once: 'a', 'b', 'c'",
    ),
    (
        ORDERING,
        ["c"],
        "question 'q-steps': missing 'a', 'b'; every item is placed once: 'a', 'b', 'c'",
    ),
    (
        ORDERING,
        ["a", "b", "c", "x"],
        "question 'q-steps': 'x' is not an item; items are 'a', 'b', 'c'",
    ),
    (ORDERING, ["a", "b", "b", "c"], "question 'q-steps': 'b' is placed more than once"),
    (
        ORDERING,
        "abc",
        "question 'q-steps': expected a list of item ids in order; got str 'abc'",
    ),
    (
        ORDERING,
        {"a"},
        "question 'q-steps': expected a list of item ids in order; got set {'a'}",
    ),
    (
        MATCHING,
        {"a": "b", "b": "b", "c": "c"},
        "question 'q-match': right side 'b' is chosen for 'a', 'b'; "
        "each right side may be chosen once",
    ),
    (
        MATCHING,
        {"a": "a", "b": "b"},
        "question 'q-match': missing 'c'; every left side is matched once: 'a', 'b', 'c'",
    ),
    (
        MATCHING,
        {"a": "a", "b": "b", "c": "c", "x": "c"},
        "question 'q-match': 'x' is not a pair; pairs are 'a', 'b', 'c'",
    ),
    (
        MATCHING,
        {"a": "a", "b": "x", "c": "c"},
        "question 'q-match': 'b' is matched to 'x', which is not a pair; pairs are 'a', 'b', 'c'",
    ),
    (
        MATCHING,
        [("a", "a"), ("b", "b"), ("c", "c")],
        "question 'q-match': expected a mapping of pair id to pair id; "
        "got list [('a', 'a'), ('b', 'b'), ('c', 'c')]",
    ),
    (MATCHING, {"a": 1}, "question 'q-match': expected pair ids (strings); got int 1"),
]


@pytest.mark.parametrize(("question", "answer", "message"), ERRORS, ids=[row[2] for row in ERRORS])
def test_wrong_shape_raises_answer_error(
    question: AnyQuestion, answer: object, message: str
) -> None:
    with pytest.raises(AnswerError) as caught:
        grade_answer(question, answer)
    assert str(caught.value) == message
    assert caught.value.question_id == question.id


def test_answer_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="is not an option"):
        normalize_answer(SINGLE, "x")


# (question, answer, canonical form)
NORMALIZED = [
    (SINGLE, "b", "b"),
    (MULTIPLE, {"d", "a"}, ["a", "d"]),
    (MULTIPLE, ("b", "a"), ["a", "b"]),
    (MULTIPLE, frozenset(), []),
    (TRUE_FALSE, False, False),
    (ORDERING, ("c", "a", "b"), ["c", "a", "b"]),
    (MATCHING, {"c": "a", "b": "b", "a": "c"}, {"a": "c", "b": "b", "c": "a"}),
]


@pytest.mark.parametrize(("question", "answer", "expected"), NORMALIZED)
def test_normalize_answer(question: AnyQuestion, answer: object, expected: object) -> None:
    normal = normalize_answer(question, answer)
    assert normal == expected
    assert type(normal) is type(expected)
    assert json.loads(json.dumps(normal)) == normal


def test_normalized_matching_follows_pair_order() -> None:
    matched = normalize_answer(MATCHING, {"c": "c", "b": "b", "a": "a"})
    assert isinstance(matched, dict)
    assert list(matched) == ["a", "b", "c"]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (SINGLE, "a"),
        (MULTIPLE, ["a", "b"]),
        (TRUE_FALSE, True),
        (TRUE_FALSE_NO, False),
        (ORDERING, ["a", "b", "c"]),
        (MATCHING, {"a": "a", "b": "b", "c": "c"}),
    ],
)
def test_correct_answer(question: AnyQuestion, expected: object) -> None:
    assert correct_answer(question) == expected


@pytest.mark.parametrize("question", QUESTIONS, ids=[q.id for q in QUESTIONS])
def test_correct_answer_grades_correct(question: AnyQuestion) -> None:
    answer = correct_answer(question)
    assert normalize_answer(question, answer) == answer
    assert grade_answer(question, answer).is_correct


# --- quizzes ------------------------------------------------------------------------------


def make_quiz(count: int, pass_mark: float, safety: tuple[str, ...] = ()) -> Quiz:
    """Build a quiz of true/false questions q1..qN whose answers are all true."""
    return Quiz.model_validate(
        {
            "schema_version": 1,
            "id": "quiz-1",
            "title": "A quiz",
            "pass_mark": pass_mark,
            "questions": [
                {
                    "kind": "true_false",
                    "id": f"q{n}",
                    "prompt": f"Statement {n}.",
                    "hint": f"Hint {n}.",
                    "explanation": f"Explanation {n}.",
                    "safety_critical": f"q{n}" in safety,
                    "answer": True,
                    "feedback_true": "Right.",
                    "feedback_false": "Wrong.",
                }
                for n in range(1, count + 1)
            ],
        }
    )


def answers_with(count: int, right: int) -> dict[str, object]:
    """Answer the first `right` questions correctly and the rest wrongly."""
    return {f"q{n}": n <= right for n in range(1, count + 1)}


@pytest.mark.parametrize(
    ("count", "right", "pass_mark", "passed"),
    [
        (10, 7, 0.7, True),
        (10, 6, 0.7, False),
        (3, 2, 0.67, False),
        (3, 2, 0.66, True),
        (3, 3, 1.0, True),
        (3, 2, 1.0, False),
        (3, 0, 0.0, True),
        (10, 3, 0.3, True),
        (10, 8, 0.8, True),
        (20, 17, 0.85, True),
        (20, 16, 0.85, False),
    ],
)
def test_pass_mark_boundary(count: int, right: int, pass_mark: float, passed: bool) -> None:
    score = score_quiz(make_quiz(count, pass_mark), answers_with(count, right))
    assert (score.correct, score.total, score.passed) == (right, count, passed)
    assert score.fraction == right / count


def test_safety_critical_miss_passes_but_is_not_complete() -> None:
    score = score_quiz(make_quiz(10, 0.8, safety=("q10",)), answers_with(10, 9))
    assert (score.passed, score.safety_ok, score.missed_safety) == (True, False, ("q10",))
    assert not is_quiz_complete(score)


def test_all_right_is_complete() -> None:
    score = score_quiz(make_quiz(10, 0.8, safety=("q3", "q10")), answers_with(10, 10))
    assert (score.passed, score.safety_ok, score.missed_safety) == (True, True, ())
    assert is_quiz_complete(score)


def test_failed_with_safety_right_is_not_complete() -> None:
    score = score_quiz(make_quiz(10, 0.8, safety=("q1",)), answers_with(10, 5))
    assert (score.passed, score.safety_ok) == (False, True)
    assert not is_quiz_complete(score)


@pytest.mark.parametrize(
    ("passed", "safety_ok", "complete"),
    [(True, True, True), (True, False, False), (False, True, False), (False, False, False)],
)
def test_is_quiz_complete(passed: bool, safety_ok: bool, complete: bool) -> None:
    score = QuizScore("quiz-1", 0, 1, 0.0, passed, safety_ok, (), (), ())
    assert is_quiz_complete(score) is complete


def test_unanswered_questions_count_as_wrong() -> None:
    quiz = make_quiz(4, 0.5, safety=("q4",))
    score = score_quiz(quiz, {"q1": True, "q2": None})
    assert (score.correct, score.total, score.passed) == (1, 4, False)
    assert score.unanswered == ("q2", "q3", "q4")
    assert score.missed_safety == ("q4",)
    assert [g.question_id for g in score.grades] == ["q1", "q2", "q3", "q4"]


def test_unanswered_grade_has_hint_but_no_feedback() -> None:
    grade = score_quiz(make_quiz(2, 0.5), {"q1": True}).grades[1]
    assert (grade.is_correct, grade.feedback, grade.hint) == (False, (), "Hint 2.")
    assert (grade.explanation, grade.misconceptions) == ("Explanation 2.", ())


def test_no_answers_at_all() -> None:
    score = score_quiz(make_quiz(3, 0.0), {})
    assert (score.correct, score.fraction, score.passed) == (0, 0.0, True)
    assert score.unanswered == ("q1", "q2", "q3")


def test_answer_for_unknown_question_raises() -> None:
    with pytest.raises(AnswerError) as caught:
        score_quiz(make_quiz(3, 0.5), {"q1": True, "q9": True})
    assert (
        str(caught.value) == "question 'q9': not in quiz 'quiz-1'; questions are 'q1', 'q2', 'q3'"
    )


def test_wrong_shape_in_quiz_raises() -> None:
    with pytest.raises(AnswerError) as caught:
        score_quiz(make_quiz(3, 0.5), {"q2": "true"})
    assert str(caught.value) == "question 'q2': expected true or false (a bool); got str 'true'"


def test_mixed_quiz_grades_every_kind() -> None:
    quiz = Quiz(schema_version=1, id="mixed", title="Mixed", pass_mark=0.5, questions=QUESTIONS)
    answers = {q.id: correct_answer(q) for q in QUESTIONS} | {"q-single": "b"}
    score = score_quiz(quiz, answers)
    assert (score.correct, score.total, score.passed) == (5, 6, True)
    assert (score.missed_safety, is_quiz_complete(score)) == (("q-single",), False)


# --- presentation order -------------------------------------------------------------------

IDS = ["a", "b", "c", "d", "e", "f"]


@pytest.mark.parametrize("seed", [0, 1, 42, 2**63 - 1])
def test_presentation_order_is_stable_for_a_seed(seed: int) -> None:
    assert presentation_order(IDS, seed) == presentation_order(list(IDS), seed)


def test_presentation_order_is_a_permutation() -> None:
    for seed in range(200):
        assert sorted(presentation_order(IDS, seed)) == IDS


def test_different_seeds_give_different_orders() -> None:
    orders = {tuple(presentation_order(IDS, seed)) for seed in range(100)}
    assert len(orders) > 50


@pytest.mark.parametrize("count", [2, 3, 4, 5, 10])
def test_presentation_order_never_the_given_order(count: int) -> None:
    ids = [f"i{n}" for n in range(count)]
    for seed in range(1000):
        assert presentation_order(ids, seed) != ids


def test_presentation_order_of_ordering_items_never_the_answer() -> None:
    item_ids = [item.id for item in ORDERING.items]
    for seed in range(500):
        assert presentation_order(item_ids, seed) != correct_answer(ORDERING)


@pytest.mark.parametrize(("ids", "expected"), [([], []), (["a"], ["a"]), (("a", "b"), ["b", "a"])])
def test_presentation_order_short_lists(ids: list[str], expected: list[str]) -> None:
    assert presentation_order(ids, 3) == expected


def test_presentation_order_leaves_input_and_global_random_alone() -> None:
    ids = list(IDS)
    random.seed(5)
    state = random.getstate()
    presentation_order(ids, 9)
    assert (ids, random.getstate()) == (IDS, state)


# --- seeds --------------------------------------------------------------------------------


def test_seed_for_is_sha256_of_the_json_pair() -> None:
    # The join rule: compact JSON of [learner_key, question_key], ASCII, first 8 bytes big-endian.
    by_hand = int.from_bytes(hashlib.sha256(b'["learner-1","q-steps"]').digest()[:8], "big")
    assert seed_for("learner-1", "q-steps") == by_hand == 5054217805689099488


def test_seed_for_escapes_non_ascii() -> None:
    by_hand = int.from_bytes(hashlib.sha256(b'["Jos\\u00e9","q1"]').digest()[:8], "big")
    assert seed_for("José", "q1") == by_hand


def test_seed_for_keeps_keys_apart() -> None:
    assert seed_for("a,b", "c") != seed_for("a", "b,c")
    assert seed_for("a", "b") != seed_for("b", "a")


def test_seed_for_range() -> None:
    assert all(0 <= seed_for(f"learner-{n}", "q1") < 2**64 for n in range(100))


# --- ordering questions that accept more than one order ----------------------------------

OVERDOSE = Ordering(
    kind="ordering",
    id="overdose-steps",
    prompt="Someone can't be woken. Put the steps in order.",
    explanation="Call 911 and give naloxone, in either order. Then help them breathe and stay.",
    safety_critical=True,
    items=[
        OrderItem(id="call-911", text="Call 911."),
        OrderItem(id="give-naloxone", text="Give naloxone."),
        OrderItem(id="breathe", text="Help them breathe."),
        OrderItem(id="stay", text="Stay until help arrives."),
    ],
    also_correct=[["give-naloxone", "call-911", "breathe", "stay"]],
    feedback_correct="Well done.",
    feedback_incorrect="Not quite.",
)


@pytest.mark.parametrize(
    ("answer", "right"),
    [
        (["call-911", "give-naloxone", "breathe", "stay"], True),
        (["give-naloxone", "call-911", "breathe", "stay"], True),
        (["call-911", "breathe", "give-naloxone", "stay"], False),
        (["stay", "breathe", "give-naloxone", "call-911"], False),
        (["give-naloxone", "breathe", "call-911", "stay"], False),
    ],
)
def test_an_ordering_accepts_each_listed_order_and_no_other(answer: list[str], right: bool) -> None:
    grade = grade_answer(OVERDOSE, answer)
    assert grade.is_correct is right
    assert grade.feedback == (("Well done.",) if right else ("Not quite.",))


def test_every_accepted_order_is_listed_written_order_first() -> None:
    assert correct_answers(OVERDOSE) == [
        ["call-911", "give-naloxone", "breathe", "stay"],
        ["give-naloxone", "call-911", "breathe", "stay"],
    ]
    assert correct_answer(OVERDOSE) == ["call-911", "give-naloxone", "breathe", "stay"]
    assert correct_answers(SINGLE) == [correct_answer(SINGLE)]


def test_a_quiz_with_the_other_order_is_complete() -> None:
    quiz = Quiz(schema_version=1, id="q", title="Q", pass_mark=1.0, questions=[OVERDOSE])
    score = score_quiz(quiz, {"overdose-steps": ["give-naloxone", "call-911", "breathe", "stay"]})
    assert score.safety_ok and is_quiz_complete(score)
