"""Pure parts of group sessions: what can be asked, answer buckets, summaries, safe CSV."""

from __future__ import annotations

import pytest

from course.export import safe_cell, to_csv
from course.group import (
    LABEL_CHARS,
    SHARE_CHARS,
    Askable,
    askables,
    buckets,
    clean_share,
    find_share,
    misconception_rows,
    question_label,
    scene_choice,
    scene_vote,
    scene_votes,
    shares,
    summarize,
)
from course.loader import REPO_ROOT, load_course
from course.model import Lesson, Option, ScenarioStep, SingleChoice
from course.scoring import correct_answer

LESSON = "tolerance-dependence-addiction"


@pytest.fixture(scope="module")
def items() -> list[Askable]:
    course = load_course(REPO_ROOT).course
    assert course is not None
    return askables(course, course.lessons[LESSON])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("-2", "'-2"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("plain", "plain"),
        (None, ""),
        (3, "3"),
    ],
)
def test_safe_cell(value: object, expected: str) -> None:
    assert safe_cell(value) == expected


def test_to_csv_escapes_every_cell_and_quotes_commas() -> None:
    text = to_csv(["a", "=b"], [['=HYPERLINK("http://x","y")', "1,2"]])
    assert text == 'a,\'=b\r\n"\'=HYPERLINK(""http://x"",""y"")","1,2"\r\n'


def test_askables_are_checks_then_quiz_questions(items: list[Askable]) -> None:
    keys = [a.key for a in items]
    assert keys[0] == "step:check-dependence"
    assert all(k.startswith("quiz:") for k in keys[1:])
    assert len(set(keys)) == len(keys)


def test_buckets_and_summary(items: list[Askable]) -> None:
    single = next(a for a in items if a.question.kind == "single" and a.key.startswith("quiz:"))
    right = correct_answer(single.question)
    wrong = next(o for o in single.question.options if not o.correct)  # type: ignore[union-attr]
    summary = summarize(single, [right, right, wrong.id])
    assert summary.responses == 3
    assert summary.share_correct == pytest.approx(2 / 3)
    assert summary.distribution == {str(right): 2, wrong.id: 1}
    expected_tags = {wrong.misconception: 1} if wrong.misconception else {}
    assert summary.misconceptions == expected_tags
    assert misconception_rows([summary, summary]) == [(t, 2) for t in expected_tags]
    ordering = next(a for a in items if a.question.kind == "ordering")
    assert buckets(ordering.question, correct_answer(ordering.question)) == ["correct"]
    assert buckets(ordering.question, ["not", "valid"]) == ["incorrect"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  two\n\nlines\t here ", "two lines here"),
        ("bell\x07 and nul\x00 go", "bell and nul go"),
        ("x" * SHARE_CHARS, "x" * SHARE_CHARS),
        ("<b>kept as text</b>", "<b>kept as text</b>"),  # escaped where it is shown
    ],
)
def test_shared_thoughts_are_tidied(text: str, expected: str) -> None:
    assert clean_share(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (" \n\t ", "Please write something first."),
        ("x" * (SHARE_CHARS + 1), f"Please keep it to {SHARE_CHARS} characters (this has 281)."),
    ],
)
def test_empty_or_long_thoughts_are_refused(text: str, message: str) -> None:
    with pytest.raises(ValueError) as refused:
        clean_share(text)
    assert str(refused.value) == message


def test_every_discussion_prompt_can_be_shared() -> None:
    course = load_course(REPO_ROOT).course
    assert course is not None
    lesson = course.lessons[LESSON]
    found = shares(lesson)
    assert [s.key for s in found] == ["share:group-discussion"]
    assert find_share(lesson, "share:group-discussion") == found[0]
    assert find_share(lesson, "step:group-discussion") is None


def test_the_console_names_each_question_by_its_own_words() -> None:
    """Not "Quiz question 4": the picker shows the question itself, cut at a word."""
    course = load_course(REPO_ROOT).course
    assert course is not None
    labels = [a.label for a in askables(course, course.lessons["tolerance-dependence-addiction"])]
    assert "Quiz 1: What does tolerance mean?" in labels
    assert all(label.startswith(("Quick check: ", "Quiz ")) for label in labels)
    long = SingleChoice(
        kind="single",
        id="q",
        prompt="**Maria** takes an opioid for pain, just as her doctor prescribed. When a "
        "dose wears off she feels sick. What is going on?",
        explanation="Dependence.",
        options=[
            Option(id="a", text="Dependence", correct=True, feedback="Yes."),
            Option(id="b", text="Addiction", feedback="No."),
        ],
    )
    label = question_label("Quiz 4", long)
    assert label == "Quiz 4: Maria takes an opioid for pain, just as her doctor prescribed. When a…"
    assert len(label) <= len("Quiz 4: ") + LABEL_CHARS + 1


SCENE_YAML = {
    "id": "party",
    "kind": "scenario",
    "factual": False,
    "start": "offer",
    "nodes": [
        {"id": "offer", "text": "A cousin offers you a drink.",
         "choices": [{"text": "Go outside.", "next": "outside"},
                     {"text": "Take it.", "next": "drink"}]},
        {"id": "outside", "text": "The urge fades.", "debrief": "Leaving helped."},
        {"id": "drink", "text": "The urge grows.",
         "choices": [{"text": "Call a friend.", "next": "outside"},
                     {"text": "Stay.", "next": "stay"}]},
        {"id": "stay", "text": "It gets harder.", "debrief": "Ask for help early."},
    ],
}  # fmt: skip


def scenario_lesson() -> Lesson:
    return Lesson.model_validate({
        "schema_version": 1, "id": "sample", "title": "Sample", "summary": "A sample.",
        "minutes": 5, "objectives": ["Practise."],
        "reviewed": {"date": "2026-12-01", "reviewer_role": "test author"},
        "steps": [{"id": "intro", "kind": "text", "body": "Hello.", "factual": False},
                  SCENE_YAML],
    })  # fmt: skip


def test_each_point_of_a_scenario_with_choices_is_a_vote_without_a_right_answer() -> None:
    lesson = scenario_lesson()
    votes = scene_votes(lesson)
    assert [v.key for v in votes] == ["scene:party:offer", "scene:party:drink"]
    first = votes[0]
    assert first.is_vote and first.label == "Scenario: A cousin offers you a drink."
    assert isinstance(first.question, SingleChoice)
    assert [(o.id, o.text, o.correct) for o in first.question.options] == [
        ("choice-1", "Go outside.", False),
        ("choice-2", "Take it.", False),
    ]
    step = lesson.steps[1]
    assert isinstance(step, ScenarioStep)
    assert scene_choice(first, step, "choice-2") == "drink"
    assert scene_choice(first, step, "choice-3") is None
    assert scene_choice(first, step, "choice-") is None
    summary = summarize(first, ["choice-1", "choice-1", "choice-2"])
    assert summary.distribution == {"choice-1": 2, "choice-2": 1}
    assert summary.share_correct is None and summary.misconceptions == {}
    with pytest.raises(ValueError):
        scene_vote(step, "outside")  # an ending: nothing to vote on
