"""A learner on a phone, in a real browser: start, lesson, quiz, refresh, other devices, codes.

Answers come from the shipped YAML (options with ``correct: true``, ``answer:`` for true/false,
items in their right order for ordering, pairs for matching), so the tests follow the content.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
import yaml
from browser_kit import (
    check_accessibility,
    click_button,
    cut_off,
    main_area,
    open_app,
    screenshot,
    start_new_learner,
    step_label,
    unnamed_controls,
    wait_for_app_run,
)
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect
from slowdown import slow

from course.store.limits import LEARNER_CODES

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
LESSON_ID = "tolerance-dependence-addiction"
LESSON = yaml.safe_load((REPO / "lessons" / f"{LESSON_ID}.yaml").read_text(encoding="utf-8"))
QUIZ = yaml.safe_load((REPO / "quizzes" / f"{LESSON['quiz']}.yaml").read_text(encoding="utf-8"))
STEPS = LESSON["steps"]
TOTAL = len(STEPS)


def exactly(text: str) -> re.Pattern[str]:
    """Match an element's whole (whitespace-normalised) text."""
    return re.compile(rf"^\s*{re.escape(text)}\s*$")


def prompt_snippet(prompt: str) -> str:
    """The first words of a question prompt as the page shows them (Markdown stripped)."""
    plain = re.sub(r"[*_`]", "", prompt)
    return " ".join(plain.split()[:6])


def lesson_card(page: Any) -> Any:
    """The course map's card for the lesson under test (the innermost block with its title)."""
    title = page.get_by_role("heading", name=LESSON["title"], exact=True)
    return main_area(page).get_by_test_id("stVerticalBlock").filter(has=title).last


def lesson_status(page: Any) -> str:
    """The status part of the lesson card's caption, e.g. "Not started"."""
    caption = lesson_card(page).get_by_text(re.compile(r"^About \d+ minutes · "))
    expect(caption).to_be_visible()
    return caption.inner_text().split("·", 1)[1].strip()


# --- answering one question --------------------------------------------------------------------


def choose_in_selectbox(page: Any, form: Any, label: str, option: str) -> None:
    """Open a Streamlit selectbox (a combobox) and click the option with this text.

    Scroll the box into view first, as a person does before tapping: if Playwright scrolls
    as part of the tap, the list opens and react-aria closes it again on that scroll, so the
    tap only focuses the box. Tap again, then fall back to the arrow key, if it still fails.
    """
    box = form.get_by_role("combobox", name=label, exact=True)
    wanted = page.get_by_role("option", name=option, exact=True)
    for attempt in ("tap", "tap again", "arrow key"):
        if attempt == "arrow key":
            box.focus()
            page.keyboard.press("ArrowDown")
        else:
            box.scroll_into_view_if_needed()
            page.wait_for_timeout(300)
            box.click()
        try:
            wanted.wait_for(state="visible", timeout=slow(1_500))
            break
        except PlaywrightTimeout:
            continue
    wanted.click()
    expect(box).to_have_value(option)
    expect(page.get_by_role("listbox")).to_have_count(0)


def letter_of(form: Any, text: str) -> str:
    """The letter the form's lettered list gives this choice ("A. Call 911" -> "A")."""
    for line in form.inner_text().splitlines():
        found = re.match(r"^([A-Z])\. (.*)$", line.strip())
        if found and found.group(2) == text:
            return found.group(1)
    raise AssertionError(f"{text!r} is not in the form's lettered list")


def answer_correctly(page: Any, form: Any, question: dict[str, Any]) -> None:
    """Fill in one question's form with the right answer, as a learner would."""
    kind = question["kind"]
    if kind == "single":
        (right,) = [o["text"] for o in question["options"] if o.get("correct")]
        form.get_by_test_id("stRadioOption").filter(has_text=exactly(right)).click()
        expect(form.get_by_role("radio", name=right, exact=True)).to_be_checked()
    elif kind == "multiple":
        for option in question["options"]:
            if option.get("correct"):
                form.get_by_test_id("stCheckbox").filter(has_text=exactly(option["text"])).click()
        for option in question["options"]:
            box = form.get_by_role("checkbox", name=option["text"], exact=True)
            expect(box).to_be_checked(checked=bool(option.get("correct")))
    elif kind == "true_false":
        word = "True" if question["answer"] else "False"
        form.get_by_test_id("stRadioOption").filter(has_text=exactly(word)).click()
        expect(form.get_by_role("radio", name=word, exact=True)).to_be_checked()
    elif kind == "ordering":
        for n, item in enumerate(question["items"], start=1):
            choose_in_selectbox(page, form, f"Step {n}", letter_of(form, item["text"]))
    elif kind == "matching":
        for pair in question["pairs"]:
            choose_in_selectbox(page, form, pair["left"], letter_of(form, pair["right"]))
    else:
        raise AssertionError(f"no way to answer a {kind!r} question")


def question_forms(page: Any, question: dict[str, Any]) -> Any:
    """The question's form (none once it is answered right: the feedback replaces it)."""
    snippet = prompt_snippet(question["prompt"])
    return main_area(page).get_by_test_id("stForm").filter(has_text=snippet)


def question_form(page: Any, question: dict[str, Any]) -> Any:
    form = question_forms(page, question)
    expect(form).to_have_count(1)
    return form


def question_heading(page: Any, number: int) -> Any:
    """The quiz's "Question 3 of 9" heading: one question is shown at a time."""
    name = f"Question {number} of {len(QUIZ['questions'])}"
    return main_area(page).get_by_role("heading", name=name)


def next_question(page: Any, number: int) -> None:
    """Move on with Next to question `number`."""
    click_button(page, "Next", exact=True)
    expect(question_heading(page, number)).to_be_visible()


def not_quite_option(question: dict[str, Any]) -> dict[str, Any]:
    """A wrong option whose own feedback opens with "Not quite." (the verdict must not repeat)."""
    return next(o for o in question["options"] if o["feedback"].startswith("Not quite."))


def answer_wrongly_first(page: Any, question: dict[str, Any]) -> None:
    """Answer wrong: the verdict once, the option's feedback and the hint, no explanation."""
    main = main_area(page)
    form = question_form(page, question)
    option = not_quite_option(question)
    form.get_by_test_id("stRadioOption").filter(has_text=exactly(option["text"])).click()
    click_button(page, "Check my answer", scope=form)
    expect(main.get_by_text("Hint for another try:")).to_be_visible()
    expect(main.get_by_text(question["hint"])).to_be_visible()
    feedback = " ".join(option["feedback"].removeprefix("Not quite.").split()[:6])
    expect(main.get_by_text(feedback)).to_be_visible()
    assert main.inner_text().count("Not quite") == 1, "the verdict is shown once"
    expect(main.get_by_text("Why:")).to_have_count(0)
    explanation = " ".join(question["explanation"].split()[:6])
    expect(main.get_by_text(explanation)).to_have_count(0)


# --- moving through the app --------------------------------------------------------------------


def go_to_map_from_code_page(page: Any) -> None:
    """Leave the code page for lesson 1, then open the course map from the menu's address."""
    click_button(page, "I've written it down")
    expect(step_label(page)).to_have_text(re.compile(r"^Step 1 of \d+$"))
    parts = urlparse(page.url)
    open_app(page, f"{parts.scheme}://{parts.netloc}/map")
    expect(main_area(page).get_by_role("heading", name="Course map")).to_be_visible()


def open_lesson_from_map(page: Any, label: str = "Start") -> None:
    click_button(page, label, exact=True, scope=lesson_card(page))
    expect(step_label(page)).to_be_visible()


def next_step(page: Any, expected_number: int) -> None:
    click_button(page, "Next")
    expect(step_label(page)).to_have_text(f"Step {expected_number} of {TOTAL}")


def check_page(page: Any, axe_js: str, where: str, notes: list[str]) -> None:
    """Accessibility on this page (axe: serious/critical fail; named controls), nothing cut off."""
    assert not cut_off(page), f"cut off on {where}: {cut_off(page)}"
    for finding in check_accessibility(page, axe_js, where):
        notes.append(f"{where}: {finding['id']} ({finding['impact']}) x{len(finding['nodes'])}")
    assert not unnamed_controls(page), f"unnamed controls on {where}: {unnamed_controls(page)}"


def learner_on_step(page: Any, base: str, step_number: int) -> str:
    """A new learner who has moved with Next to this step; returns their code."""
    code = start_new_learner(page, base)
    go_to_map_from_code_page(page)
    open_lesson_from_map(page)
    for number in range(2, step_number + 1):
        next_step(page, number)
    return code


# --- the tests ---------------------------------------------------------------------------------


def test_new_learner_on_a_phone_finishes_the_lesson_and_quiz(
    phone: Any, app_url: str, axe_js: str, test_name: str
) -> None:
    page = phone
    main = main_area(page)
    notes: list[str] = []

    open_app(page, app_url)
    expect(main.get_by_role("button", name="Start the course")).to_be_visible()
    screenshot(page, test_name, "01-start")
    check_page(page, axe_js, "start page", notes)

    code = start_new_learner(page, app_url)
    expect(main.get_by_text("Here is your personal code")).to_be_visible()
    expect(page.get_by_test_id("stCode")).to_be_in_viewport()
    assert code not in page.url and "code=" not in page.url
    screenshot(page, test_name, "02-code")
    check_page(page, axe_js, "code page", notes)

    go_to_map_from_code_page(page)
    assert lesson_status(page) == "Not started"
    screenshot(page, test_name, "03-map")
    check_page(page, axe_js, "course map", notes)

    open_lesson_from_map(page)
    shots = {
        "text": "04-text-step",
        "timeline": "05-timeline-step",
        "comparison": "06-comparison-step",
    }
    for number, step in enumerate(STEPS, start=1):
        expect(step_label(page)).to_have_text(f"Step {number} of {TOTAL}")
        if step.get("title"):
            expect(main.get_by_role("heading", name=step["title"])).to_be_visible()
        kind = step["kind"]
        if kind == "timeline":
            expect(main.get_by_test_id("stPlotlyChart")).to_be_visible()
        if kind == "comparison":
            # One box per row (readable on a phone), and the full table in an expander.
            for row in step["rows"]:
                label = main.get_by_role("strong").filter(has_text=exactly(row["label"]))
                expect(label).to_be_visible()
            expect(main.get_by_text(step["rows"][0]["cells"][0]).first).to_be_visible()
            assert not cut_off(page), cut_off(page)
        if kind == "check":
            form = question_form(page, step["question"])
            answer_correctly(page, form, step["question"])
            click_button(page, "Check my answer", scope=form)
            expect(main.get_by_text("That's right.", exact=True)).to_be_visible()
            expect(main.get_by_text("Not quite.", exact=True)).to_have_count(0)
        if kind == "myth_fact":
            first = step["cards"][0]
            main.get_by_role("button", name="Turn over to see the facts").first.click()
            wait_for_app_run(page)
            first_words = " ".join(first["fact"].split()[:6])
            expect(main.get_by_text(first_words)).to_be_visible()
            expect(main.get_by_role("button", name="Turn back")).to_have_count(1)
            screenshot(page, test_name, "07-myth-fact-card-turned")
        if kind in shots:
            screenshot(page, test_name, shots.pop(kind))
        check_page(page, axe_js, f"lesson step {number} ({kind})", notes)
        if kind == "comparison":
            label = main.get_by_text(step["rows"][0]["label"], exact=True)
            expect(label.filter(visible=True)).to_have_count(1)  # the cards, not the wide table
            check_page(page, axe_js, f"lesson step {number} (comparison, table open)", notes)
        if number < TOTAL:
            next_step(page, number + 1)

    click_button(page, "Go to the quiz")
    expect(main.get_by_role("heading", name=QUIZ["title"])).to_be_visible()
    assert urlparse(page.url).path == "/quiz"
    screenshot(page, test_name, "08-quiz")
    check_page(page, axe_js, "quiz", notes)

    total = len(QUIZ["questions"])
    for number, question in enumerate(QUIZ["questions"], start=1):
        expect(question_heading(page, number)).to_be_visible()
        expect(main.get_by_test_id("stForm")).to_have_count(1)
        submit = "Check my answer"
        if number == 1:  # one deliberate slip, then the second try
            answer_wrongly_first(page, question)
            screenshot(page, test_name, "08b-quiz-hint")
            submit = "Try again"
        form = question_form(page, question)
        answer_correctly(page, form, question)
        click_button(page, submit, scope=form)
        expect(question_forms(page, question)).to_have_count(0)
        expect(main.get_by_text("That's right.", exact=True)).to_have_count(1)
        expect(main.get_by_text("Why:")).to_be_visible()
        expect(main.get_by_text("Not quite.", exact=True)).to_have_count(0)
        if number < total:
            next_question(page, number + 1)
    screenshot(page, test_name, "09-quiz-answered")

    click_button(page, "See my result")
    expect(main.get_by_text("you passed", exact=False)).to_be_visible()
    # The first answer counts: the slip on question 1 costs a point, still a pass.
    expect(main.get_by_test_id("stMetricValue")).to_have_text(f"{total - 1} of {total}")
    expect(main.get_by_text("This lesson is complete.")).to_be_visible()
    screenshot(page, test_name, "10-result")
    check_page(page, axe_js, "quiz result", notes)

    click_button(page, "Back to the course map")
    assert lesson_status(page) == "Complete"
    expect(main.get_by_role("button", name="Review", exact=True)).to_be_visible()
    screenshot(page, test_name, "11-map-complete")

    # My progress, through the menu a phone user has: open the sidebar, tap the page.
    page.get_by_test_id("stExpandSidebarButton").click()
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="My progress").click()
    wait_for_app_run(page)
    expect(main.get_by_role("heading", name="My progress")).to_be_visible()
    expect(main.get_by_text("No quiz finished yet.")).to_have_count(0)
    expect(main.get_by_test_id("stPlotlyChart")).to_have_count(2)
    assert code not in page.url and "code=" not in page.url
    screenshot(page, test_name, "12-my-progress")
    check_page(page, axe_js, "my progress", notes)
    print("\n".join(["minor/moderate accessibility findings:", *sorted(set(notes))]))


def test_refresh_mid_lesson_keeps_the_step(phone: Any, app_url: str, test_name: str) -> None:
    page = phone
    code = learner_on_step(page, app_url, 4)
    query = parse_qs(urlparse(page.url).query)
    assert "code" not in query and code not in page.url and query["lesson"] == [LESSON_ID]

    page.reload()
    page.wait_for_selector("[data-testid='stAppViewContainer']")
    wait_for_app_run(page)
    expect(step_label(page)).to_have_text(f"Step 4 of {TOTAL}")
    expect(main_area(page).get_by_role("heading", name=STEPS[3]["title"])).to_be_visible()
    screenshot(page, test_name, "after-reload")


def test_same_code_on_another_device_shows_the_same_progress(
    new_phone: Callable[[], Any], app_url: str, test_name: str
) -> None:
    first = new_phone()
    code = learner_on_step(first, app_url, 4)
    expected = f"In progress: 3 of {TOTAL} steps done"

    by_link = new_phone()
    open_app(by_link, f"{app_url}/map?code={code}")
    assert lesson_status(by_link) == expected
    continue_here = lesson_card(by_link).get_by_role("button", name="Continue", exact=True)
    expect(continue_here).to_be_visible()
    screenshot(by_link, test_name, "other-device-map")

    by_typing = new_phone()
    open_app(by_typing, app_url)
    typed = code.upper().replace("-", " ")  # a phone keyboard: capitals and spaces
    form = main_area(by_typing).get_by_test_id("stForm")
    form.get_by_role("textbox", name="Your code").fill(typed)
    click_button(by_typing, "Continue", exact=True, scope=form)
    expect(main_area(by_typing).get_by_role("heading", name="Course map")).to_be_visible()
    assert lesson_status(by_typing) == expected
    assert "code=" not in by_typing.url
    open_lesson_from_map(by_typing, "Continue")
    expect(step_label(by_typing)).to_have_text(f"Step 4 of {TOTAL}")

    stranger = new_phone()
    start_new_learner(stranger, app_url)
    go_to_map_from_code_page(stranger)
    assert lesson_status(stranger) == "Not started"
    # Only the stranger's own lesson 1 (opened from the code page) is started.
    expect(main_area(stranger).get_by_text(re.compile(r"In progress"))).to_have_count(1)


def test_wrong_codes_are_refused_then_throttled(phone: Any, app_url: str, test_name: str) -> None:
    page = phone
    open_app(page, app_url)
    form = main_area(page).get_by_test_id("stForm")
    box = form.get_by_role("textbox", name="Your code")
    for attempt in range(1, LEARNER_CODES.per_client.count + 1):
        box.fill(f"maple-river-candle-{attempt:04d}")
        click_button(page, "Continue", exact=True, scope=form)
        expect(main_area(page).get_by_text("We could not find that code")).to_be_visible()
        expect(main_area(page).get_by_text("Too many tries")).to_have_count(0)
    screenshot(page, test_name, "not-found")
    box.fill("maple-river-candle-9999")
    click_button(page, "Continue", exact=True, scope=form)
    expect(main_area(page).get_by_text("Too many tries")).to_be_visible()
    expect(main_area(page).get_by_text("We could not find that code")).to_have_count(0)
    assert "code=" not in page.url
    screenshot(page, test_name, "too-many")


def device_cookie(page: Any) -> dict[str, Any]:
    (found,) = [c for c in page.context.cookies() if c["name"] == "course_device"]
    return dict(found)


def test_a_shared_device_forgets_the_learner_when_the_browser_closes(
    new_phone: Callable[[], Any], app_url: str
) -> None:
    own, shared = new_phone(), new_phone()
    start_new_learner(own, app_url)
    start_new_learner(shared, app_url, shared_device=True)
    for page in (own, shared):
        click_button(page, "I've written it down")
        expect(step_label(page)).to_have_text(re.compile(r"^Step 1 of \d+$"))
        page.wait_for_function("() => document.cookie.includes('course_device=')")
    kept, until_closed = device_cookie(own), device_cookie(shared)
    days = (kept["expires"] - time.time()) / 86_400
    assert 29 < days <= 30, kept  # remembered for 30 days on one's own phone
    assert until_closed["expires"] == -1, until_closed  # a session cookie on a shared one
    for cookie in (kept, until_closed):
        assert cookie["sameSite"] == "Strict" and cookie["path"] == "/"
        assert re.fullmatch(r"[A-Za-z0-9_-]{43}", cookie["value"])


# --- phone layout: nothing the learner needs to read is cut off ---------------------------------


def test_comparison_fits_a_phone(phone: Any, app_url: str, test_name: str) -> None:
    page = phone
    number = next(i for i, s in enumerate(STEPS, start=1) if s["kind"] == "comparison")
    learner_on_step(page, app_url, number)
    screenshot(page, test_name, "comparison")
    assert not cut_off(page), cut_off(page)  # one box per row fits a phone


def test_chosen_quiz_answers_are_readable_on_a_phone(
    phone: Any, app_url: str, test_name: str
) -> None:
    page = phone
    code = start_new_learner(page, app_url)
    open_app(page, f"{app_url}/quiz?code={code}&lesson={LESSON_ID}")
    unreadable = []
    at = 1
    for kind in ("ordering", "matching"):
        number, question = next(
            (n, q) for n, q in enumerate(QUIZ["questions"], start=1) if q["kind"] == kind
        )
        assert number > at, "the questions come in the quiz's order"
        for following in range(at + 1, number + 1):
            next_question(page, following)
        at = number
        form = question_form(page, question)
        answer_correctly(page, form, question)  # filled in, not yet sent
        form.scroll_into_view_if_needed()
        screenshot(page, test_name, kind)
        for box in form.get_by_role("combobox").all():
            value = box.input_value()
            clipped = box.evaluate("e => e.scrollWidth > e.clientWidth + 1")
            shown = form.get_by_text(value, exact=True)
            if clipped and not (shown.count() and shown.first.is_visible()):
                unreadable.append(value)
    assert not unreadable, f"answers cut off on a phone: {unreadable}"
