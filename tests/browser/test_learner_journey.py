"""A new learner's whole journey, on a phone and on a desktop, in a real browser.

Start, lesson 1 in two taps, every step, the quiz with one wrong answer, pass, next lesson,
reload, the same progress on another browser with the code, download, quick exit then Back
three times (nothing shows), delete. Each stage's time is printed (never asserted: the shared
machine's speed varies); the number of taps to lesson 1 is asserted.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from browser_kit import (
    DESKTOP,
    click_button,
    main_area,
    open_app,
    own_address,
    phone_options,
    screenshot,
    shipped,
    step_label,
    track_lessons,
    wait_for_app_run,
)
from playwright.sync_api import expect
from slowdown import slow
from test_learner_flow import answer_correctly, question_form
from test_learner_safety import fake_weather_site, shows_nothing_of

pytestmark = pytest.mark.browser

TRACK = track_lessons("learner")


FIRST = shipped("lessons", TRACK[0])
SECOND = shipped("lessons", TRACK[1])
QUIZ = shipped("quizzes", FIRST["quiz"])


class Stages:
    """Time each stage of the journey, to print at the end."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.seconds: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        began = time.monotonic()
        yield
        self.seconds[name] = time.monotonic() - began

    def report(self) -> str:
        lines = [f"{self.kind}: {name}: {s:.1f} s" for name, s in self.seconds.items()]
        return "\n".join([f"journey stages ({self.kind}):", *lines])


def wrong_answer(page: Any, form: Any, question: dict[str, Any]) -> None:
    """Choose a wrong answer to a single-choice or true/false question."""
    if question["kind"] == "true_false":
        word = "False" if question["answer"] else "True"
        form.get_by_test_id("stRadioOption").filter(has_text=re.compile(rf"^\s*{word}\s*$")).click()
        return
    wrong = next(o["text"] for o in question["options"] if not o.get("correct"))
    form.get_by_test_id("stRadioOption").filter(has_text=wrong).click()
    expect(form.get_by_role("radio", name=wrong, exact=True)).to_be_checked()


def walk_the_lesson(page: Any, lesson: dict[str, Any]) -> None:
    """Every step with Next, answering the quick checks right; then go to the quiz."""
    main = main_area(page)
    shown = [s for s in lesson["steps"] if s.get("audience", "both") in ("both", "learner")]
    for number, step in enumerate(shown, start=1):
        expect(step_label(page)).to_have_text(f"Step {number} of {len(shown)}")
        if step["kind"] == "check":
            form = question_form(page, step["question"])
            answer_correctly(page, form, step["question"])
            click_button(page, "Check my answer", scope=form)
            expect(main.get_by_text("That's right.", exact=True)).to_be_visible()
        if number < len(shown):
            click_button(page, "Next")
    click_button(page, "Go to the quiz")
    expect(main.get_by_role("heading", name=QUIZ["title"])).to_be_visible()


def take_the_quiz_with_one_wrong_answer(page: Any) -> None:
    """Answer every question right but one, first wrong then right on its second try."""
    main = main_area(page)
    questions = QUIZ["questions"]
    slip = next(n for n, q in enumerate(questions) if q["kind"] in ("single", "true_false"))
    for n, question in enumerate(questions):
        heading = f"Question {n + 1} of {len(questions)}"
        expect(main.get_by_role("heading", name=heading)).to_be_visible()
        expect(main.get_by_text(re.compile(r"^Step \d+ of"))).to_have_count(0)
        form = question_form(page, question)
        if n == slip:
            wrong_answer(page, form, question)
            click_button(page, "Check my answer", scope=form)
            expect(main.get_by_text("Not quite.", exact=True)).to_have_count(1)
            if question.get("hint"):
                expect(main.get_by_text(question["hint"], exact=False)).to_be_visible()
            expect(main.get_by_text(re.compile(r"^Why:"))).to_have_count(0)
            form = question_form(page, question)
            answer_correctly(page, form, question)
            click_button(page, "Try again", scope=form)
        else:
            answer_correctly(page, form, question)
            click_button(page, "Check my answer", scope=form)
        expect(main.get_by_text("That's right.", exact=True)).to_be_visible()
        if n + 1 < len(questions):
            click_button(page, "Next")
    click_button(page, "See my result")
    expect(main.get_by_text("you passed", exact=False)).to_be_visible()


@pytest.mark.parametrize("kind", ["phone", "desktop"])
def test_a_new_learner_from_start_to_delete(
    browser: Any, app_url: str, kind: str, test_name: str
) -> None:
    options = phone_options(browser.version) if kind == "phone" else DESKTOP
    contexts = [browser.new_context(**options, **own_address()) for _ in range(2)]
    for context in contexts:
        context.set_default_timeout(slow(20_000))
        fake_weather_site(context)
    page, other = (context.new_page() for context in contexts)
    main = main_area(page)
    stages = Stages(kind)
    try:
        with stages.stage("start page to lesson 1 (2 taps)"):
            open_app(page, app_url)
            taps = 0
            click_button(page, "Start the course")
            taps += 1
            code = page.get_by_test_id("stCode").inner_text().strip()
            click_button(page, "I've written it down")
            taps += 1
            expect(main.get_by_role("heading", name=FIRST["title"])).to_be_visible()
            expect(step_label(page)).to_have_text(re.compile(r"^Step 1 of \d+$"))
            assert taps == 2
        with stages.stage("every step of lesson 1"):
            walk_the_lesson(page, FIRST)
        with stages.stage("quiz with one wrong answer, then pass"):
            take_the_quiz_with_one_wrong_answer(page)
            screenshot(page, test_name, "quiz-passed")
        with stages.stage("next lesson"):
            next_button = main.get_by_role("button", name="Next lesson")
            expect(next_button).to_have_attribute("data-testid", re.compile("primary"))
            click_button(page, "Next lesson")
            expect(main.get_by_role("heading", name=SECOND["title"])).to_be_visible()
            expect(step_label(page)).to_have_text(re.compile(r"^Step 1 of \d+$"))
        with stages.stage("reload"):
            page.reload()
            wait_for_app_run(page)
            expect(main.get_by_role("heading", name=SECOND["title"])).to_be_visible()
            assert code not in page.url and "code=" not in page.url
        with stages.stage("another browser, with the code"):
            open_app(other, app_url)
            form = main_area(other).get_by_test_id("stForm")
            form.get_by_role("textbox", name="Your code").fill(code)
            click_button(other, "Continue", exact=True, scope=form)
            first_card = (
                main_area(other)
                .get_by_test_id("stVerticalBlock")
                .filter(has=other.get_by_role("heading", name=FIRST["title"], exact=True))
            )
            expect(first_card.last.get_by_text(re.compile(r"· Complete$"))).to_be_visible()
        with stages.stage("download my data"):
            open_app(other, f"{app_url}/progress")
            with other.expect_download() as download:
                main_area(other).get_by_role("button", name="Download my data (JSON)").click()
            data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
            done = {row["lesson_id"] for row in data["lesson_progress"] if row["completed_at"]}
            assert FIRST["id"] in done
            assert code not in json.dumps(data)
        with stages.stage("quick exit, then Back x3"):
            main.get_by_role("button", name="Exit", exact=True).click()
            page.wait_for_url(re.compile(r"^https://www\.google\.com/"))
            for press in range(1, 4):
                page.go_back()
                shows_nothing_of(page, app_url, code, f"Back x{press}")
        with stages.stage("delete my data"):
            other_main = main_area(other)
            other_main.get_by_text("Delete my data").click()
            box = other_main.get_by_test_id("stCheckbox").filter(has_text="Yes, I want to delete")
            box.click()
            wait_for_app_run(other)
            click_button(other, "Delete everything")
            expect(other_main.get_by_text("All your data was deleted.")).to_be_visible()
            expect(other_main.get_by_role("button", name="Start the course")).to_be_visible()
    finally:
        print(stages.report())
        for context in contexts:
            context.close()
