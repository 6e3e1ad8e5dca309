"""Grade answers and score quizzes: pure functions, with no clock, database or hidden randomness.

Answer shapes, by question kind (what ``normalize_answer`` accepts, then what it returns):

- ``single``: the chosen option id, a ``str``; returned as is.
- ``multiple``: the chosen option ids, any collection of ``str`` (a list, tuple or set, but
  not a string or a mapping); order does not matter, duplicates are rejected, choosing none
  is allowed (and wrong); returned as a sorted ``list``.
- ``true_false``: a ``bool``; the string ``"true"`` and the number ``1`` are rejected;
  returned as is.
- ``ordering``: the item ids in the order the learner put them, a ``list`` or ``tuple``
  holding every item id exactly once; returned as a ``list``.
- ``matching``: a mapping from each pair id (its left side) to the pair id whose right side
  the learner chose; every left side answered once, each right side chosen at most once;
  returned as a ``dict`` in the question's pair order.

Every canonical form is JSON-friendly, so it can be stored as it is and compared later.
What is stored is ``canonical_answer``: an answer in one form whatever order the learner saw
the options in (multiple choice sorted, matching keys sorted), so counts group one answer once.
In ``score_quiz`` a question with no answer, or with ``None``, is unanswered and counts as wrong.
"""

from __future__ import annotations

import hashlib
import json
import reprlib
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeAlias, TypeGuard, assert_never

from course.model import (
    AnyQuestion,
    Matching,
    MultipleChoice,
    Option,
    Ordering,
    Quiz,
    SingleChoice,
    TrueFalse,
)

Answer: TypeAlias = str | bool | list[str] | dict[str, str]

# Leeway when comparing a score with the pass mark, so 7/10 passes a pass mark of 0.7.
PASS_EPSILON = 1e-9


class AnswerError(ValueError):
    """An answer that has the wrong shape for its question."""

    def __init__(self, question_id: str, detail: str) -> None:
        super().__init__(f"question {question_id!r}: {detail}")
        self.question_id = question_id
        self.detail = detail


@dataclass(frozen=True)
class Grade:
    """One graded answer, with what to show the learner."""

    question_id: str
    is_correct: bool
    feedback: tuple[str, ...]
    explanation: str
    hint: str | None
    misconceptions: tuple[str, ...]
    safety_critical: bool


@dataclass(frozen=True)
class QuizScore:
    """A whole quiz, scored."""

    quiz_id: str
    correct: int
    total: int
    fraction: float
    passed: bool
    safety_ok: bool
    missed_safety: tuple[str, ...]
    unanswered: tuple[str, ...]
    grades: tuple[Grade, ...]


# --- answer shapes ------------------------------------------------------------------------


def normalize_answer(question: AnyQuestion, answer: object) -> Answer:
    """Check an answer's shape and return its canonical JSON-friendly form."""
    match question:
        case SingleChoice():
            return _normalize_single(question, answer)
        case MultipleChoice():
            return _normalize_multiple(question, answer)
        case TrueFalse():
            return _normalize_true_false(question, answer)
        case Ordering():
            return _normalize_ordering(question, answer)
        case Matching():
            return _normalize_matching(question, answer)
        case _:
            assert_never(question)


def correct_answer(question: AnyQuestion) -> Answer:
    """Return the correct answer in the canonical shape for its kind.

    An ordering question may accept other orders too (``correct_answers`` lists them all); this
    is the order its items are written in.
    """
    match question:
        case SingleChoice():
            return next(o.id for o in question.options if o.correct)
        case MultipleChoice():
            return sorted(question.correct_ids())
        case TrueFalse():
            return question.answer
        case Ordering():
            return [item.id for item in question.items]
        case Matching():
            return {pair.id: pair.id for pair in question.pairs}
        case _:
            assert_never(question)


def canonical_answer(question: AnyQuestion, answer: object) -> object:
    """Return the answer in the one form it is stored and counted in; grading is unchanged.

    Multiple choice: the option ids sorted, each once. Matching: the same matches, keys sorted.
    Other kinds, and answers of a shape the kind does not take, come back as they are (the
    order of an ordering answer is the answer).
    """
    if isinstance(question, MultipleChoice) and _are_ids(answer):
        return sorted(set(answer))
    if isinstance(question, Matching) and isinstance(answer, Mapping) and _are_ids(answer.keys()):
        return dict(sorted(answer.items()))
    return answer


def _are_ids(value: object) -> TypeGuard[Collection[str]]:
    """Tell whether the value is a collection of strings (not a string or a mapping)."""
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Collection):
        return False
    return all(isinstance(item, str) for item in value)


def _normalize_single(question: SingleChoice, answer: object) -> str:
    """Check that the answer names one of the options."""
    if not isinstance(answer, str):
        raise AnswerError(question.id, f"expected one option id (a string); got {_got(answer)}")
    _check_known(question.id, [answer], _option_ids(question), "an option", "options")
    return answer


def _normalize_multiple(question: MultipleChoice, answer: object) -> list[str]:
    """Check that the answer names distinct options; return them sorted."""
    if isinstance(answer, str | bytes | Mapping) or not isinstance(answer, Collection):
        raise AnswerError(question.id, f"expected a collection of option ids; got {_got(answer)}")
    chosen = sorted(_strings(question.id, answer, "option ids"))
    _check_known(question.id, chosen, _option_ids(question), "an option", "options")
    _check_once(question.id, chosen, "chosen")
    return chosen


def _normalize_true_false(question: TrueFalse, answer: object) -> bool:
    """Check that the answer is a real bool."""
    if not isinstance(answer, bool):
        raise AnswerError(question.id, f"expected true or false (a bool); got {_got(answer)}")
    return answer


def _normalize_ordering(question: Ordering, answer: object) -> list[str]:
    """Check that the answer places every item exactly once."""
    if not isinstance(answer, list | tuple):
        raise AnswerError(question.id, f"expected a list of item ids in order; got {_got(answer)}")
    placed = _strings(question.id, answer, "item ids")
    item_ids = [item.id for item in question.items]
    _check_known(question.id, placed, item_ids, "an item", "items")
    _check_once(question.id, placed, "placed")
    _check_complete(question.id, placed, item_ids, "every item is placed once")
    return placed


def _normalize_matching(question: Matching, answer: object) -> dict[str, str]:
    """Check that every left side is matched to a right side no other left side took."""
    if not isinstance(answer, Mapping):
        raise AnswerError(
            question.id, f"expected a mapping of pair id to pair id; got {_got(answer)}"
        )
    pair_ids = [pair.id for pair in question.pairs]
    lefts = _strings(question.id, answer.keys(), "pair ids")
    rights = _strings(question.id, answer.values(), "pair ids")
    given = dict(zip(lefts, rights, strict=True))
    _check_known(question.id, lefts, pair_ids, "a pair", "pairs")
    _check_known_rights(question.id, given, pair_ids)
    _check_complete(question.id, lefts, pair_ids, "every left side is matched once")
    matched = {left: given[left] for left in pair_ids}
    _check_rights_once(question.id, matched)
    return matched


def _option_ids(question: SingleChoice | MultipleChoice) -> list[str]:
    """List the option ids in the order the question gives them."""
    return [option.id for option in question.options]


def _strings(question_id: str, values: Iterable[object], what: str) -> list[str]:
    """Return the values as a list of strings, or raise naming the first that is not one."""
    strings: list[str] = []
    for value in values:
        if not isinstance(value, str):
            raise AnswerError(question_id, f"expected {what} (strings); got {_got(value)}")
        strings.append(value)
    return strings


def _check_known(
    question_id: str, given: list[str], known: list[str], noun: str, nouns: str
) -> None:
    """Raise on the first given id that is not among the known ones ("an option", "options")."""
    for value in given:
        if value not in known:
            raise AnswerError(question_id, f"{value!r} is not {noun}; {nouns} are {_listed(known)}")


def _check_known_rights(question_id: str, matched: dict[str, str], pair_ids: list[str]) -> None:
    """Raise on the first left side matched to a pair that does not exist."""
    for left, right in matched.items():
        if right not in pair_ids:
            raise AnswerError(
                question_id,
                f"{left!r} is matched to {right!r}, which is not a pair; "
                f"pairs are {_listed(pair_ids)}",
            )


def _check_once(question_id: str, given: list[str], verb: str) -> None:
    """Raise on the first id given more than once."""
    seen: set[str] = set()
    for value in given:
        if value in seen:
            raise AnswerError(question_id, f"{value!r} is {verb} more than once")
        seen.add(value)


def _check_complete(question_id: str, given: list[str], expected: list[str], rule: str) -> None:
    """Raise naming every expected id the answer leaves out."""
    missing = [value for value in expected if value not in given]
    if missing:
        raise AnswerError(question_id, f"missing {_listed(missing)}; {rule}: {_listed(expected)}")


def _check_rights_once(question_id: str, matched: dict[str, str]) -> None:
    """Raise on the first right side chosen for more than one left side."""
    lefts_by_right: dict[str, list[str]] = {}
    for left, right in matched.items():
        lefts_by_right.setdefault(right, []).append(left)
    for right, lefts in lefts_by_right.items():
        if len(lefts) > 1:
            raise AnswerError(
                question_id,
                f"right side {right!r} is chosen for {_listed(lefts)}; "
                "each right side may be chosen once",
            )


def _listed(ids: Iterable[str]) -> str:
    """Quote and comma-join ids for a message."""
    return ", ".join(repr(i) for i in ids)


def _got(value: object) -> str:
    """Describe a value of the wrong shape: its type and a short repr."""
    return f"{type(value).__name__} {reprlib.repr(value)}"


# --- grading ------------------------------------------------------------------------------


def grade_answer(question: AnyQuestion, answer: object) -> Grade:
    """Grade one answer: right or wrong, with feedback, hint and misconceptions revealed."""
    match question:
        case SingleChoice() | MultipleChoice():
            return _grade_choice(question, answer)
        case TrueFalse():
            return _grade_true_false(question, answer)
        case Ordering() | Matching():
            return _grade_arrangement(question, answer)
        case _:
            assert_never(question)


def _grade_choice(question: SingleChoice | MultipleChoice, answer: object) -> Grade:
    """Grade a choice: feedback and misconception tags of each chosen option, in option order."""
    chosen_ids = frozenset(_chosen_ids(question, answer))
    chosen = [option for option in question.options if option.id in chosen_ids]
    is_correct = chosen_ids == question.correct_ids()
    feedback = tuple(option.feedback for option in chosen)
    return _grade(question, is_correct, feedback, _wrong_option_tags(chosen))


def _chosen_ids(question: SingleChoice | MultipleChoice, answer: object) -> list[str]:
    """Return the chosen option ids, checked."""
    if isinstance(question, SingleChoice):
        return [_normalize_single(question, answer)]
    return _normalize_multiple(question, answer)


def _wrong_option_tags(chosen: list[Option]) -> list[str | None]:
    """List the misconception tags on chosen options that are wrong."""
    return [option.misconception for option in chosen if not option.correct]


def _grade_true_false(question: TrueFalse, answer: object) -> Grade:
    """Grade a true/false answer, with the feedback for the value chosen."""
    given = _normalize_true_false(question, answer)
    feedback = question.feedback_true if given else question.feedback_false
    return _grade(question, given == question.answer, (feedback,), [])


def correct_answers(question: AnyQuestion) -> list[Answer]:
    """Return every answer that counts as right: for an ordering, each accepted order."""
    if isinstance(question, Ordering):
        return list(question.correct_orders())
    return [correct_answer(question)]


def _grade_arrangement(question: Ordering | Matching, answer: object) -> Grade:
    """Grade an ordering or matching answer: all right or wrong as a whole."""
    is_correct = normalize_answer(question, answer) in correct_answers(question)
    feedback = question.feedback_correct if is_correct else question.feedback_incorrect
    return _grade(question, is_correct, (feedback,), [])


def _grade(
    question: AnyQuestion, is_correct: bool, feedback: tuple[str, ...], tags: list[str | None]
) -> Grade:
    """Build a grade, adding the question's own tag and hint when the answer is wrong."""
    if not is_correct:
        tags = [*tags, question.misconception]
    return Grade(
        question_id=question.id,
        is_correct=is_correct,
        feedback=feedback,
        explanation=question.explanation,
        hint=None if is_correct else question.hint,
        misconceptions=tuple(dict.fromkeys(tag for tag in tags if tag is not None)),
        safety_critical=question.safety_critical,
    )


def _unanswered_grade(question: AnyQuestion) -> Grade:
    """Grade a question left unanswered: wrong, with a hint but nothing revealed."""
    return Grade(
        question_id=question.id,
        is_correct=False,
        feedback=(),
        explanation=question.explanation,
        hint=question.hint,
        misconceptions=(),
        safety_critical=question.safety_critical,
    )


# --- quizzes ------------------------------------------------------------------------------


def score_quiz(quiz: Quiz, answers: Mapping[str, object]) -> QuizScore:
    """Grade every question in a quiz; unanswered questions count as wrong."""
    _check_question_ids(quiz, answers)
    grades = tuple(_grade_or_unanswered(q, answers.get(q.id)) for q in quiz.questions)
    correct = sum(grade.is_correct for grade in grades)
    missed = tuple(g.question_id for g in grades if g.safety_critical and not g.is_correct)
    return QuizScore(
        quiz_id=quiz.id,
        correct=correct,
        total=len(grades),
        fraction=correct / len(grades),
        passed=_is_pass(correct, len(grades), quiz.pass_mark),
        safety_ok=not missed,
        missed_safety=missed,
        unanswered=tuple(q.id for q in quiz.questions if answers.get(q.id) is None),
        grades=grades,
    )


def is_quiz_complete(score: QuizScore) -> bool:
    """Tell whether a quiz counts as done: passed, with every safety-critical question right."""
    return score.passed and score.safety_ok


def _check_question_ids(quiz: Quiz, answers: Mapping[str, object]) -> None:
    """Raise on the first answer for a question the quiz does not have."""
    question_ids = [question.id for question in quiz.questions]
    for question_id in answers:
        if question_id not in question_ids:
            raise AnswerError(
                question_id,
                f"not in quiz {quiz.id!r}; questions are {_listed(question_ids)}",
            )


def _grade_or_unanswered(question: AnyQuestion, answer: object) -> Grade:
    """Grade an answer, or mark the question unanswered when the answer is None."""
    return _unanswered_grade(question) if answer is None else grade_answer(question, answer)


def _is_pass(correct: int, total: int, pass_mark: float) -> bool:
    """Compare correct/total with the pass mark without float surprises."""
    return correct * 1.0 >= pass_mark * total - PASS_EPSILON


# --- presentation -------------------------------------------------------------------------


def presentation_order(ids: Sequence[str], seed: int) -> list[str]:
    """Shuffle ids the same way for the same seed, never leaving two or more in given order."""
    # Sort by a hash, not random.shuffle: the order must survive Python upgrades, since a
    # learner may come back to the same question after the server is updated.
    order = sorted(ids, key=lambda item: _digest(f"{seed}:{item}"))
    # The given order of an ordering question is its answer: never show it.
    if len(order) > 1 and order == list(ids):
        order = order[1:] + order[:1]
    return order


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


def seed_for(learner_key: str, question_key: str) -> int:
    """Derive a shuffle seed from a learner and a question, the same in every process."""
    # JSON keeps ("a,b", "c") and ("a", "b,c") apart; hash() would change with PYTHONHASHSEED.
    key = json.dumps([learner_key, question_key], separators=(",", ":")).encode("ascii")
    return int.from_bytes(hashlib.sha256(key).digest()[:8], "big")
