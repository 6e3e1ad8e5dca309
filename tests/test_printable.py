"""Printable pages and the support plan: pure functions on the shipped course."""

from __future__ import annotations

import html
import io
import os
import re
from datetime import date

import pytest
from pypdf import PdfReader

from course.model import CommitmentStep, Course, DrillStep, PracticeStep, ScenarioStep
from course.pdf import find_font, plan_pdf
from course.plan import FIELD_CHARS, FIELD_KEYS, clean_plan
from course.printable import handout_html, markdown_html, plan_html, when

DAY = date(2026, 11, 28)
PLAN = {
    "warning_signs": "Sleeps all day; <script>alert(1)</script>",
    "who_to_call": "Aunt Zoë 555-0100\nDr. Lee 555-0111",
    "naloxone": "Kitchen drawer, left of the sink",
}


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ({"naloxone": "  drawer  "}, {"naloxone": "drawer"}),
        ({"naloxone": "a\x07b\x00c", "triggers": ""}, {"naloxone": "abc"}),
        ({"who_to_call": " Rosa \r\n  Lee "}, {"who_to_call": "Rosa\nLee"}),
        ({"naloxone": 42}, {}),  # not text: nothing kept
    ],
)
def test_plans_are_tidied(typed: dict[str, object], kept: dict[str, str]) -> None:
    assert clean_plan(typed) == kept


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ({"address": "x"}, "unknown plan field(s): address"),
        (
            {"naloxone": "x" * (FIELD_CHARS + 1)},
            f"'Where the naloxone is' has {FIELD_CHARS + 1} characters; at most {FIELD_CHARS}",
        ),
    ],
)
def test_bad_plans_are_refused(typed: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError) as refused:
        clean_plan(typed)
    assert str(refused.value) == message


@pytest.mark.parametrize(
    ("start", "end", "unit", "said"),
    [
        (0, 0, "hours", "Right away"),
        (0.033, 0.05, "hours", "2 to 3 minutes"),
        (0.5, 1.5, "hours", "0.5 to 1.5 hours"),
        (0, 1, "weeks", "Up to 1 week"),
        (1, 3, "days", "1 to 3 days"),
        (2, 2, "days", "2 days"),
        (1, 1, "months", "1 month"),
    ],
)
def test_timeline_times_are_said_in_words(start: float, end: float, unit: str, said: str) -> None:
    assert when(start, end, unit) == said


def test_markdown_is_rendered_without_raw_html_or_unsafe_links() -> None:
    out = markdown_html(
        "**Bold** <script>x()</script> [bad](javascript:alert(1)) [ok](https://988lifeline.org)"
    )
    assert "<strong>Bold</strong>" in out
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert 'href="javascript' not in out
    assert '<a href="https://988lifeline.org">ok</a>' in out


@pytest.mark.parametrize("lesson_id", ["family-overdose-be-ready", "medications-for-oud"])
def test_a_handout_has_every_step_its_sources_and_help(course: Course, lesson_id: str) -> None:
    lesson = course.lessons[lesson_id]
    page = handout_html(course, lesson)
    for step in lesson.steps:
        if step.title:
            assert _esc(step.title) in page, step.id
    for source in lesson.sources:
        assert _esc(source.url) in page
    for resource in course.manifest.crisis_resources:
        assert _esc(resource.contact) in page
    assert "education, not medical advice" in page
    assert "<script" not in page.lower()
    assert not any(s.kind == "discussion" and s.facilitator_notes in page for s in lesson.steps)


def test_a_family_handout_leaves_out_steps_for_learners(course: Course) -> None:
    lesson = course.lessons["medications-for-oud"]
    for_family = handout_html(course, lesson, audience="family")
    only_learner = [s for s in lesson.steps if s.audience == "learner" and s.title]
    only_family = [s for s in lesson.steps if s.audience == "family" and s.title]
    assert only_learner and only_family
    assert all(_esc(s.title or "") not in for_family for s in only_learner)
    assert all(_esc(s.title or "") in for_family for s in only_family)


def test_the_plan_page_escapes_what_the_family_typed(course: Course) -> None:
    page = plan_html(course, PLAN, made_on=DAY)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script" not in page
    assert "Aunt Zoë 555-0100\nDr. Lee 555-0111" in page
    assert "November 28, 2026" in page and "988" in page


@pytest.mark.parametrize("unicode_font", [True, False])
def test_the_plan_pdf_holds_what_the_family_typed(course: Course, unicode_font: bool) -> None:
    font = find_font() if unicode_font else None
    if unicode_font and font is None:
        if os.environ.get("COURSE_REQUIRE_UNICODE_FONT"):
            pytest.fail("COURSE_REQUIRE_UNICODE_FONT is set but DejaVu Sans was not found")
        pytest.skip("no DejaVu Sans here (.ci/run installs fonts-dejavu-core)")
    made = plan_pdf(course, PLAN, made_on=DAY, font=font)
    assert made.data.startswith(b"%PDF-")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(made.data)).pages)
    flat = re.sub(r"\s+", " ", text)
    assert "Our family support plan" in flat
    assert "Kitchen drawer, left of the sink" in flat
    assert "Aunt Zoë 555-0100" in flat and "Dr. Lee 555-0111" in flat
    assert "988" in flat and "1-800-662-4357" in flat
    assert made.left_out == ""  # Zoë's ë is Latin-1, so even the fallback font has it


def test_the_fallback_pdf_says_what_it_left_out(course: Course) -> None:
    made = plan_pdf(course, {"naloxone": "Ящик — drawer"}, made_on=DAY, font=None)
    assert made.left_out == "Яикщ—"  # sorted by code point
    text = PdfReader(io.BytesIO(made.data)).pages[0].extract_text()
    assert "drawer" in text


def test_every_plan_field_is_on_the_printed_page(course: Course) -> None:
    filled = {key: f"answer for {key}" for key in FIELD_KEYS}
    page = plan_html(course, filled, made_on=DAY)
    assert all(f"answer for {key}" in page for key in FIELD_KEYS)


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def test_a_handout_lays_out_every_practice_step_for_paper(course: Course) -> None:
    """Each scenario as numbered points whose choices say where to read on; each exercise
    with its worked example and room to write; commitments as boxes; drills with answers."""
    seen: set[str] = set()
    for lesson in course.lessons.values():
        page = handout_html(course, lesson)
        for step in lesson.steps:
            if isinstance(step, ScenarioStep):
                seen.add("scenario")
                number = {node.id: n for n, node in enumerate(step.nodes, start=1)}
                for node in step.nodes:
                    assert f"<h3>Point {number[node.id]}</h3>" in page
                    for choice in node.choices:
                        said = f"{_esc(choice.text)} <em>Go to point {number[choice.next]}.</em>"
                        assert said in page, (lesson.id, step.id, choice.text)
            elif isinstance(step, PracticeStep):
                seen.add("practice")
                for text in step.example.values():
                    assert _esc(text) in page, (lesson.id, step.id)
                assert page.count("<td class='write'></td>") >= len(step.example)
            elif isinstance(step, CommitmentStep):
                seen.add("commitment")
                for option in step.options:
                    assert f"&#9744; {_esc(option)}" in page
            elif isinstance(step, DrillStep):
                seen.add("drill")
                assert step.items[0].prompt.split()[0] in page
        assert "<script" not in page.lower()
    assert seen == {"scenario", "practice", "commitment", "drill"}, seen
