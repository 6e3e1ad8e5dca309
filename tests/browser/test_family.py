"""A family in a real browser: a shared screen with two phones, and the printable plan."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
import yaml
from browser_kit import (
    REPO,
    SCREENSHOTS,
    Server,
    choose,
    click_button,
    main_area,
    open_app,
    screenshot,
    start_server,
    wait_for_app_run,
)
from playwright.sync_api import expect
from pypdf import PdfReader
from slowdown import slow
from sqlalchemy import func, select

from course.group import question_label
from course.loader import load_course
from course.store import Store, read
from course.store.schema import support_plans

pytestmark = pytest.mark.browser

LESSON_ID = "family-overdose-be-ready"
LESSON = yaml.safe_load((REPO / "lessons" / f"{LESSON_ID}.yaml").read_text(encoding="utf-8"))
QUIZ = yaml.safe_load((REPO / "quizzes" / f"{LESSON['quiz']}.yaml").read_text(encoding="utf-8"))
QUESTION_NUMBER, QUESTION = next(
    (n, q) for n, q in enumerate(QUIZ["questions"], start=1) if q["kind"] == "single"
)
RIGHT = next(o["text"] for o in QUESTION["options"] if o.get("correct"))
WRONG = next(o["text"] for o in QUESTION["options"] if not o.get("correct"))
CHART_MS = 20_000
PLAN = {
    "Where the naloxone is": "Kitchen drawer, left of the sink — Zoë knows",
    "Who we call": "Aunt Rosa 555-0100\nDr. Lee 555-0111",
    "Our own support": "Nar-Anon on Tuesdays <b>7 pm</b>",
}


def plan_rows(db_url: str) -> int:
    store = Store(db_url)
    try:
        with read(store.engine) as conn:
            return int(conn.scalar(select(func.count()).select_from(support_plans)) or 0)
    finally:
        store.close()


def test_family_session_on_a_shared_screen_with_two_phones(
    open_page: Callable[[str], Any], servers: list[Server], workdir: Path, test_name: str
) -> None:
    db_url = f"sqlite:///{workdir / 'family.db'}"
    server = start_server(workdir, {"COURSE_DATABASE_URL": db_url, "COURSE_ROOT": ""})
    servers.append(server)
    screen = open_page("projector")  # the family's shared screen: a TV or a laptop
    open_app(screen, f"{server.base}/family")
    choose(screen, "Lesson", LESSON["title"])
    main_area(screen).get_by_text("Everyone on their own phone").click()
    click_button(screen, "Start the family session", exact=True)
    code_heading = main_area(screen).get_by_role("heading", name=re.compile(r"^Join code: "))
    expect(code_heading).to_be_visible()
    image = main_area(screen).get_by_role("img", name=re.compile("^QR code for "))
    link = (image.get_attribute("alt") or "").removeprefix("QR code for ")
    code = parse_qs(urlparse(link).query)["room"][0]
    assert "course_host" not in screen.url and "token" not in screen.url

    phones = [open_page("phone"), open_page("phone")]
    for phone, name in zip(phones, ["Mom", ""], strict=True):
        open_app(phone, link)  # scanned the QR code
        expect(main_area(phone).get_by_label("Join code")).to_have_value(code)
        main_area(phone).get_by_label(re.compile("^Display name")).fill(name)
        click_button(phone, "Join", exact=True)
        expect(main_area(phone).get_by_role("heading", name=LESSON["steps"][0]["title"]))
    expect(screen.get_by_test_id("stMetricValue").first).to_have_text("2", timeout=slow(10_000))

    quiz = load_course(REPO).course.quizzes[QUIZ["id"]]  # type: ignore[union-attr]
    label = question_label(f"Quiz {QUESTION_NUMBER}", quiz.questions[QUESTION_NUMBER - 1])
    choose(screen, "Question to ask", label)
    click_button(screen, "Open question", exact=True)
    for phone, option in zip(phones, [RIGHT, WRONG], strict=True):
        expect(main_area(phone).get_by_role("button", name="Send my answer")).to_be_visible(
            timeout=slow(10_000)
        )
        letter = chr(ord("A") + [o["text"] for o in QUESTION["options"]].index(option))
        main_area(phone).get_by_text(f"{letter}. {option}", exact=True).click()
        click_button(phone, "Send my answer")
        expect(main_area(phone).get_by_text("Your answer is in.")).to_be_visible()
    answers = main_area(screen).get_by_test_id("stMetric").filter(has_text="Answers so far")
    expect(answers.get_by_test_id("stMetricValue")).to_have_text("2", timeout=slow(10_000))
    expect(main_area(screen).locator(".js-plotly-plot")).to_have_count(0)

    click_button(screen, "Reveal results", exact=True)
    chart = main_area(screen).locator(".js-plotly-plot")
    expect(chart).to_have_count(1, timeout=slow(CHART_MS))
    for phone in phones:  # phones see results once revealed (2 is enough for a family)
        expect(main_area(phone).locator(".js-plotly-plot")).to_have_count(1, timeout=slow(CHART_MS))
    screenshot(screen, test_name, "shared-screen-revealed")

    # The host reloads the shared screen: still leading the same session (cookie, not URL).
    screen.reload()
    wait_for_app_run(screen)
    expect(code_heading).to_have_text(re.compile(code[:3]))
    click_button(screen, "Next", exact=True)
    expect(main_area(phones[0]).get_by_role("heading", name=LESSON["steps"][1]["title"]))


def test_support_plan_downloads_hold_what_was_typed_and_nothing_is_saved(
    open_page: Callable[[str], Any], servers: list[Server], workdir: Path, test_name: str
) -> None:
    db_url = f"sqlite:///{workdir / 'plan.db'}"
    server = start_server(workdir, {"COURSE_DATABASE_URL": db_url, "COURSE_ROOT": ""})
    servers.append(server)
    page = open_page("phone")
    open_app(page, f"{server.base}/plan")
    for label, text in PLAN.items():
        main_area(page).get_by_label(label, exact=True).fill(text)
    click_button(page, "Make our plan", exact=True)
    expect(main_area(page).get_by_text("Nothing is saved.")).to_be_visible()

    with page.expect_download() as got:
        main_area(page).get_by_role("button", name=re.compile("Download to print")).click()
    html_path = workdir / "plan.html"
    got.value.save_as(html_path)
    with page.expect_download() as got:
        main_area(page).get_by_role("button", name=re.compile("Download as PDF")).click()
    pdf_path = workdir / "plan.pdf"
    got.value.save_as(pdf_path)

    flat = re.sub(r"\s+", " ", _pdf_text(pdf_path.read_bytes()))
    for text in PLAN.values():
        assert re.sub(r"\s+", " ", text) in flat, text
    printed = open_page("desktop")
    printed.goto(html_path.as_uri())
    printed.emulate_media(media="print")
    body = printed.locator("body")
    for text in PLAN.values():
        expect(body).to_contain_text(text.split("\n")[0])
    expect(printed.locator("b")).to_have_count(0)  # typed tags stay text
    expect(body).to_contain_text("988")
    _print_views(printed, test_name, "plan")
    assert plan_rows(db_url) == 0, "a plan not saved leaves nothing in the database"

    # A printable handout of a lesson, as a counselor would hand it out.
    open_app(page, f"{server.base}/family")
    choose(page, "Handout of", LESSON["title"])
    with page.expect_download() as got:
        main_area(page).get_by_role("button", name="Printable handout").click()
    handout = workdir / "handout.html"
    got.value.save_as(handout)
    printed.goto(handout.as_uri())
    expect(printed.locator("h1")).to_have_text(LESSON["title"])
    expect(printed.locator("body")).to_contain_text("Sources")
    _print_views(printed, test_name, "handout")


def _pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _print_views(page: Any, test_name: str, name: str) -> None:
    """Keep a print-media screenshot and Chromium's own PDF print of the page to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.emulate_media(media="print")
    page.screenshot(path=str(SCREENSHOTS / f"{test_name}-{name}-print.png"), full_page=True)
    page.pdf(path=str(SCREENSHOTS / f"{test_name}-{name}-print.pdf"), format="Letter")


def _mode_caption(page: Any, mode: str) -> Any:
    return main_area(page).get_by_text(f"{LESSON['title']} · {mode}", exact=True)


def _reload(page: Any) -> None:
    page.reload()
    page.wait_for_selector("[data-testid='stAppViewContainer']")
    wait_for_app_run(page)


def test_a_family_session_keeps_its_mode_through_a_reload(
    open_page: Callable[[str], Any], servers: list[Server], workdir: Path, test_name: str
) -> None:
    """Found in Chromium: "One shared screen" came back as phones, with a join code, on reload."""
    db_url = f"sqlite:///{workdir / 'family-mode.db'}"
    server = start_server(workdir, {"COURSE_DATABASE_URL": db_url, "COURSE_ROOT": ""})
    servers.append(server)
    screen = open_page("desktop")
    open_app(screen, f"{server.base}/family")
    choose(screen, "Lesson", LESSON["title"])
    main_area(screen).get_by_text("One shared screen", exact=True).click()
    click_button(screen, "Start the family session", exact=True)
    code_heading = main_area(screen).get_by_role("heading", name=re.compile(r"^Join code: "))
    questions = main_area(screen).get_by_role("combobox", name="Question to ask")
    for reloaded in (False, True):
        if reloaded:
            _reload(screen)
        expect(_mode_caption(screen, "One shared screen")).to_be_visible()
        expect(code_heading).to_have_count(0)
        expect(questions).to_have_count(0)
    screenshot(screen, test_name, "shared-screen-after-reload")

    # Switched to phones, it stays on phones through a reload, in another tab of the same
    # browser too.
    click_button(screen, "Switch to: everyone on their own phone", exact=True)
    expect(_mode_caption(screen, "Everyone on their own phone")).to_be_visible()
    _reload(screen)
    expect(_mode_caption(screen, "Everyone on their own phone")).to_be_visible()
    expect(code_heading).to_be_visible()
    expect(questions).to_be_visible()
    other_tab = screen.context.new_page()
    open_app(other_tab, f"{server.base}/family")
    expect(_mode_caption(other_tab, "Everyone on their own phone")).to_be_visible()

    # And back to the shared screen, which the other tab then shows too.
    click_button(screen, "Switch to: one shared screen", exact=True)
    expect(_mode_caption(screen, "One shared screen")).to_be_visible()
    _reload(other_tab)
    expect(_mode_caption(other_tab, "One shared screen")).to_be_visible()


def test_family_phones_mode_fits_a_laptop_screen(
    open_page: Callable[[str], Any], servers: list[Server], workdir: Path, test_name: str
) -> None:
    """Found at 1280x800: buttons cut to "Op..." / "Rev...", the QR code below the fold."""
    db_url = f"sqlite:///{workdir / 'family-laptop.db'}"
    server = start_server(workdir, {"COURSE_DATABASE_URL": db_url, "COURSE_ROOT": ""})
    servers.append(server)
    screen = open_page("desktop")  # 1280x800, a family's laptop
    open_app(screen, f"{server.base}/family")
    choose(screen, "Lesson", LESSON["title"])
    main_area(screen).get_by_text("Everyone on their own phone", exact=True).click()
    click_button(screen, "Start the family session", exact=True)
    main = main_area(screen)
    code = main.get_by_role("heading", name=re.compile(r"^Join code: "))
    qr = main.get_by_role("img", name=re.compile("^QR code for "))
    expect(qr).to_be_visible()
    height = screen.viewport_size["height"]
    for what in (code, qr):
        box = what.bounding_box()
        assert box is not None and box["y"] + box["height"] <= height, (what, box)
    # Every control reads whole: no label cut short with an ellipsis.
    for name in ("Open question", "Next"):
        button = main.get_by_role("button", name=name, exact=True)
        expect(button).to_be_visible()
        assert button.evaluate("b => b.scrollWidth <= b.clientWidth + 1"), name
    cut = screen.evaluate(
        """() => [...document.querySelectorAll('[data-testid="stMain"] button p')]
              .filter(p => p.scrollWidth > p.clientWidth + 1).map(p => p.textContent)"""
    )
    assert cut == [], cut
    screenshot(screen, test_name, "family-phones-laptop")
