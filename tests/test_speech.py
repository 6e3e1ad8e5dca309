"""What Listen says: content Markdown as plain words, and words said as people say them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from course.loader import load_course
from course.model import (
    CalloutStep,
    CardsStep,
    CheckStep,
    CommitmentStep,
    ComparisonStep,
    Course,
    DiscussionStep,
    DrillStep,
    Matching,
    MultipleChoice,
    Ordering,
    PracticeStep,
    ReflectionStep,
    ScenarioStep,
    SingleChoice,
    Step,
    TextStep,
    TimelineStep,
    TrueFalse,
)
from course.speech import Pronunciations, plain_words, spoken
from course.text import safe_markdown

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def course() -> Course:
    loaded = load_course(REPO)
    assert loaded.course is not None
    return loaded.course


def test_markdown_becomes_plain_words_one_piece_per_paragraph_and_item() -> None:
    text = (
        "## A *heading*\n\nKeep **naloxone** near. See [the guide](https://example.org/g) or "
        "<https://example.org/raw>.\nA soft break.\n\n- one `code`\n- two\n\n1. first\n2. second"
        "\n\n> quoted words\n\n![a picture of a kit](https://example.org/kit.png)"
    )
    assert plain_words(text) == [
        "A heading",
        "Keep naloxone near. See the guide or https://example.org/raw. A soft break.",
        "one code",
        "two",
        "first",
        "second",
        "quoted words",
        "a picture of a kit",
    ]


def test_the_app_hides_raw_html_so_listen_says_it_as_the_text_shown() -> None:
    assert plain_words("Use <b>less</b> & go slow") == ["Use <b>less</b> & go slow"]


def test_pronunciations_match_whole_words_capitals_as_written_longest_first() -> None:
    sayings = Pronunciations(
        {"NA": "N A", "naloxone": "nuh-LOX-own", "988": "9 8 8", "1-800-662-4357": "1 800 ..."}
    )
    assert sayings.apply("NA and Naloxone, not na or nation or NAN.") == (
        "N A and nuh-LOX-own, not na or nation or NAN."
    )
    assert sayings.apply("Call 988, not 9880 or 1988.") == "Call 9 8 8, not 9880 or 1988."
    # The phone number as a whole, never as ranges "1 to 800 to 662".
    assert sayings.apply("Call 1-800-662-4357.") == "Call 1 800 ...."
    assert sayings.apply("e.g. 3–5 days or 1-2 weeks, 50% & vs. that") == (
        "for example 3 to 5 days or 1 to 2 weeks, 50 percent and versus that"
    )
    assert sayings.apply("Tolerance → less effect") == "Tolerance goes with less effect"
    assert sayings.apply("dates like 2026-11-01 stay") == "dates like 2026-11-01 stay"


def test_spoken_pieces_are_tidy_and_never_empty() -> None:
    sayings = Pronunciations({"988": "9 8 8"})
    assert spoken(["  call   988 ", "", "   "], sayings) == ["call 9 8 8"]


def content_texts(step: Step) -> Iterator[str]:
    """Every text of a step that the app draws as content Markdown."""
    if step.title:
        yield step.title
    if isinstance(step, TextStep | CalloutStep):
        yield step.body
    elif isinstance(step, TimelineStep):
        yield from [step.body or "", *(f"{e.label}. {e.detail or ''}" for e in step.events)]
    elif isinstance(step, ComparisonStep):
        yield from [step.body or "", *step.columns]
        yield from (cell for row in step.rows for cell in [row.label, *row.cells])
    elif isinstance(step, CardsStep):
        yield from [step.body or "", *(t for c in step.cards for t in (c.myth, c.fact))]
    elif isinstance(step, CheckStep):
        yield from question_texts(step.question)
    elif isinstance(step, ReflectionStep | DiscussionStep):
        yield step.prompt
    elif isinstance(step, ScenarioStep):
        yield step.body or ""
        for node in step.nodes:
            yield from [node.text, node.debrief or "", *(c.text for c in node.choices)]
    elif isinstance(step, PracticeStep):
        yield from [step.body or "", *step.example.values()]
    elif isinstance(step, CommitmentStep):
        yield from [step.prompt, *step.options]
    elif isinstance(step, DrillStep):
        yield step.body or ""
        for item in step.items:
            yield from question_texts(item)


def question_texts(
    question: SingleChoice | MultipleChoice | TrueFalse | Ordering | Matching,
) -> Iterator[str]:
    yield from [question.prompt, question.explanation, question.hint or ""]
    if isinstance(question, SingleChoice | MultipleChoice):
        yield from (t for o in question.options for t in (o.text, o.feedback or ""))
    elif isinstance(question, Ordering):
        yield from (item.text for item in question.items)
    elif isinstance(question, Matching):
        yield from (t for p in question.pairs for t in (p.left, p.right))


def test_every_shipped_text_is_said_in_plain_words(course: Course) -> None:
    """No Markdown marks, link addresses or source ids; the course's hard words said right."""
    source_ids = set(course.sources)
    sayings = course.sayings
    checked = 0
    for lesson in course.lessons.values():
        texts = [lesson.title, lesson.summary]
        for step in lesson.steps:
            texts += list(content_texts(step))
        quiz = course.quiz_for(lesson)
        for question in quiz.questions if quiz else []:
            texts += list(question_texts(question))
        for text in filter(None, texts):
            said = " ".join(spoken(plain_words(safe_markdown(text)), sayings))
            checked += 1
            where = f"{lesson.id}: {said[:80]!r}"
            assert not re.search(r"\*\*|__|\]\(|https?://|</?[a-z]+>|`", said), where
            assert not source_ids & set(re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)+", said)), where
            for hard in ("naloxone", "buprenorphine", "988", "SAMHSA"):
                assert hard not in said, where
    assert checked > 2000


def test_the_shipped_pronunciations_cover_the_crisis_lines(course: Course) -> None:
    said = course.sayings.apply
    for resource in course.manifest.crisis_resources:
        numbers = re.findall(r"(?<![\d-])\d{3}(?![\d-])|\d-\d{3}-\d{3}-\d{4}", resource.contact)
        for number in numbers:  # 988, 1-800-662-4357: never "nine hundred eighty-eight"
            assert number not in said(resource.contact), resource.contact
    assert said("Call 988") == "Call 9 8 8"
