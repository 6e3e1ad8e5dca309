"""The course in Spanish, in a real browser: a Spanish learner's journey and a bilingual group.

Spanish labels come from the app's own catalogue (course/locale/es), the lesson texts from the
Spanish content files. On every page a Spanish speaker sees, the test looks for English that
the catalogue or the content translates (a text that stayed English is an untranslated string).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin, urlparse

import pytest
from browser_kit import (
    click_button,
    main_area,
    open_app,
    wait_for_app_run,
)
from playwright.sync_api import expect
from slowdown import slow
from sqlalchemy import select

from course import i18n
from course.loader import REPO_ROOT, load_course
from course.store import Store
from course.store.db import read
from course.store.schema import learners, responses
from course.texts import lesson_texts

pytestmark = pytest.mark.browser

COURSE = load_course(REPO_ROOT).course
assert COURSE is not None
SPANISH = COURSE.in_language("es")
LESSON_ID = "mental-health-and-recovery"


def es(message: str) -> str:
    """The Spanish the app shows for one of its own English strings."""
    with i18n.use("es"):
        said = i18n.tr(message)
    assert said != message, f"no Spanish for {message!r}"
    return said


def _plain(markdown: str) -> str:
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    return " ".join(re.sub(r"[*_`#>]", "", text).split())


def english_to_catch() -> tuple[list[str], list[str]]:
    """English a Spanish page must not show: whole texts, and patterns for texts with gaps."""
    whole: set[str] = set()
    patterns: list[str] = []
    for message in i18n.catalog("es"):
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for english, spanish in zip(ids, strings, strict=False):
            plain = _plain(english)
            if not english or plain == _plain(spanish) or len(plain.split()) < 2:
                continue
            if "{" in english:
                parts = [re.escape(p) for p in re.split(r"\{[^{}]*\}", plain)]
                if sum(len(p) for p in parts) >= 8:
                    patterns.append("^" + ".+".join(parts) + "$")
            else:
                whole.add(plain)
    for lesson_id, lesson in COURSE.lessons.items():
        translated = SPANISH.lessons[lesson_id]
        for en, sp in zip(lesson_texts(lesson), lesson_texts(translated), strict=True):
            if en.path[-1] == "title" and en.value != sp.value:
                whole.add(_plain(en.value))
    return sorted(whole), patterns


WHOLE, PATTERNS = english_to_catch()
_FIND_ENGLISH = """
([whole, patterns]) => {
  const set = new Set(whole);
  const regexes = patterns.map(p => new RegExp(p));
  const found = new Set();
  const roots = document.querySelectorAll(
    '[data-testid="stMain"], [data-testid="stSidebar"], [data-testid="stHeader"]');
  for (const root of roots) {
    for (const el of root.querySelectorAll('*')) {
      if (!el.checkVisibility || !el.checkVisibility()) continue;
      const text = (el.innerText || '').replace(/\\s+/g, ' ').trim();
      if (!text || text.length > 400) continue;
      if (set.has(text) || regexes.some(r => r.test(text))) found.add(text);
    }
  }
  return [...found];
}
"""


def english_on(page: Any) -> list[str]:
    """The English texts on the page that the app has in Spanish."""
    found: list[str] = page.evaluate(_FIND_ENGLISH, [WHOLE, PATTERNS])
    return found


def assert_all_spanish(page: Any, where: str) -> None:
    wait_for_app_run(page)
    found = english_on(page)
    assert not found, f"English left on {where}: {found}"


def heading(page: Any, text: str) -> Any:
    return main_area(page).get_by_role("heading", name=text, exact=True)


def language_radio(page: Any, name: str, scope: Any = None) -> Any:
    return (scope or main_area(page)).get_by_role("radio", name=name, exact=True)


def open_sidebar(page: Any) -> Any:
    expand = page.get_by_test_id("stExpandSidebarButton")
    if expand.is_visible():
        expand.click()
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar).to_be_visible()
    return sidebar


def close_sidebar(page: Any) -> None:
    """On a phone an open sidebar hides the page under it: close it, as a person does."""
    page.get_by_test_id("stSidebar").get_by_role("button", name=re.compile("sidebar")).first.click()
    expect(page.get_by_test_id("stExpandSidebarButton")).to_be_visible()


def test_a_spanish_learner_journey(
    open_page: Callable[..., Any], app_url: str, app_db_url: str
) -> None:
    page = open_page("phone", "es-MX")
    main = main_area(page)
    open_app(page, app_url)
    # The browser speaks Spanish: the start page does too, with the choice already made.
    expect(main.get_by_role("button", name=es("Start the course"))).to_be_visible()
    expect(language_radio(page, "Español")).to_be_checked()
    assert page.evaluate("document.documentElement.lang") == "es"
    assert_all_spanish(page, "the start page")

    click_button(page, es("Start the course"))
    code_block = page.get_by_test_id("stCode")
    code_block.wait_for()
    code = code_block.inner_text().strip()
    assert_all_spanish(page, "the code page")

    # The course map, in Spanish: the lesson's Spanish title, pending professional review.
    open_app(page, f"{app_url}/map")
    lesson = SPANISH.lessons[LESSON_ID].for_audience("learner")
    expect(heading(page, lesson.title)).to_be_visible()
    assert_all_spanish(page, "the course map")
    card = main.locator(f"[class*='st-key-'][class*='-{LESSON_ID}']")
    card.get_by_role("button", name=es("Start"), exact=True).first.click()
    wait_for_app_run(page)
    expect(main.get_by_text(es("Translation awaiting professional review"))).to_be_visible()
    english = COURSE.lessons[LESSON_ID].for_audience("learner")
    for number, step in enumerate(lesson.steps, start=1):
        if step.title:
            expect(heading(page, step.title)).to_be_visible()
            expect(heading(page, english.steps[number - 1].title or "")).to_have_count(0)
        assert_all_spanish(page, f"lesson step {number} ({step.kind})")
        if number < len(lesson.steps):
            click_button(page, es("Next"))

    # The quiz in Spanish: the first question answered right, recorded as answered in Spanish.
    click_button(page, es("Go to the quiz"))
    quiz = SPANISH.quizzes[lesson.quiz or ""]
    expect(heading(page, quiz.title)).to_be_visible()
    assert_all_spanish(page, "the quiz")
    first = quiz.questions[0]
    right = next(o.text for o in first.options if o.correct)  # type: ignore[union-attr]
    form = main.get_by_test_id("stForm").first
    form.get_by_test_id("stRadioOption").filter(has_text=right).click()
    click_button(page, es("Check my answer"), scope=form)
    expect(main.get_by_text(es("That's right."), exact=True)).to_be_visible()
    assert_all_spanish(page, "the quiz's feedback")
    store = Store(app_db_url)
    try:
        learner_id = store.find_learner(code)
        assert learner_id is not None and store.language(learner_id) == "es"
        (attempt,) = store.attempts(learner_id, quiz.id)
        assert (attempt.question_id, attempt.is_correct, attempt.language) == (first.id, True, "es")
    finally:
        store.close()

    # Changing the language in the sidebar (on any page) changes the page at once.
    sidebar = open_sidebar(page)
    sidebar.get_by_text("English", exact=True).click()
    wait_for_app_run(page)
    expect(language_radio(page, "English", sidebar)).to_be_checked()
    close_sidebar(page)
    expect(heading(page, COURSE.quizzes[quiz.id].title)).to_be_visible()
    store = Store(app_db_url)
    try:
        assert store.language(learner_id) == "en"
        sidebar = open_sidebar(page)
        sidebar.get_by_text("Español", exact=True).click()
        wait_for_app_run(page)
        assert store.language(learner_id) == "es"
    finally:
        store.close()

    # Another device whose browser speaks English: signing in with the code brings Spanish.
    other = open_page("phone", "en-US")
    open_app(other, app_url)
    expect(main_area(other).get_by_role("button", name="Start the course")).to_be_visible()
    # The same check finds the English on an English page: it would see a string left behind.
    assert {"Start the course", "I have a code"} <= set(english_on(other)), english_on(other)
    form = (
        main_area(other)
        .get_by_test_id("stForm")
        .filter(has=other.get_by_role("textbox", name="Your code"))
    )
    form.get_by_role("textbox", name="Your code").fill(code)
    click_button(other, "Continue", exact=True, scope=form)
    expect(heading(other, SPANISH.lessons[LESSON_ID].title)).to_be_visible()
    assert_all_spanish(other, "the course map after signing in on another device")
    with read(Store(app_db_url).engine) as conn:
        rows = conn.execute(select(learners.c.language).where(learners.c.id == learner_id))
        assert rows.scalar_one() == "es"
    assert urlparse(other.url).query == ""  # nothing that grants access in the address

    # Every other page a learner or a family reaches, in Spanish, with nothing left in English.
    for path, title in (
        ("progress", "My progress"),
        ("review", "Review what I missed"),
        ("family", "Family session"),
        ("plan", "Family support plan"),
        ("join", "Join a group"),
        ("login", "For facilitators"),
        ("about", "About this course"),
    ):
        open_app(other, f"{app_url}/{path}")
        expect(main_area(other).get_by_role("heading", level=1).first).to_be_visible()
        expect(heading(other, title)).to_have_count(0)
        assert_all_spanish(other, f"the {path} page")


def test_a_bilingual_room_is_one_chart(
    open_page: Callable[..., Any], servers: list[Any], workdir: Any
) -> None:
    """One phone in Spanish and three in English answer the same question: one tally."""
    import test_group_session as group  # the English room's own moves and checks

    db_url = f"sqlite:///{workdir / 'bilingual.db'}"
    group.add_facilitator(db_url)
    server = group.serve(servers, workdir, db_url)
    console = open_page("desktop", "en-US")
    group.sign_in(console, server.base)
    code = group.start_session(console)
    projector = open_page("projector", "es-MX")  # the room's language wins over this browser's
    open_app(projector, urljoin(server.base, group.projector_link(console, code)))
    link = group.check_join_screen(projector, code)
    phone_link = urljoin(server.base, f"{urlparse(link).path}?{urlparse(link).query}")

    english = [open_page("phone", "en-US") for _ in range(3)]
    for page in english:
        group.join(page, phone_link, "", code)
    spanish_phone = open_page("phone", "es-MX")
    open_app(spanish_phone, phone_link)
    form = main_area(spanish_phone).get_by_test_id("stForm")
    expect(form.get_by_role("textbox", name=es("Join code"))).to_have_value(code)
    click_button(spanish_phone, es("Join"), exact=True, scope=form)
    spanish_lesson = SPANISH.lessons[group.LESSON_ID]
    expect(main_area(spanish_phone).get_by_text(spanish_lesson.title).first).to_be_visible()
    assert_all_spanish(spanish_phone, "the phone that joined in Spanish")

    group.open_question(console)
    question = next(q for q in SPANISH.quizzes[group.LESSON["quiz"]].questions
                    if q.id == group.QUESTION["id"])  # fmt: skip
    spanish_options = [o.text for o in question.options]  # type: ignore[union-attr]
    right_es = spanish_options[group.OPTIONS.index(group.RIGHT)]
    # The projector shows the question in the room's language (English), not its browser's.
    expect(main_area(projector).get_by_text(f"A. {group.OPTIONS[0]}")).to_be_visible()
    # Three English phones: two right, one wrong; the Spanish phone right, in Spanish.
    for page, right in zip(english, (True, True, False), strict=True):
        group.answer(page, right)
    letter = chr(ord("A") + spanish_options.index(right_es))
    label = f"{letter}. {right_es}"
    main_area(spanish_phone).get_by_test_id("stRadioOption").filter(
        has_text=re.compile(rf"^\s*{re.escape(label)}\s*$")
    ).click()
    main_area(spanish_phone).get_by_role("button", name=es("Send my answer")).click()
    expect(group.metric_value(projector, "Answered")).to_have_text("4 of 4")
    assert_all_spanish(spanish_phone, "the Spanish phone after answering")

    group.click_button(console, "Reveal results")
    # The click reached the app (a failure below is then a screen that fell behind, not a
    # click lost on the console): the store records the reveal.
    with group.the_session(db_url, code) as (sessions, _, room):
        group.wait_until(
            console,
            lambda: sessions.tally(room.id, group.QUESTION_KEY).revealed,
            "the store records the reveal",
            slow(group.FOLLOW_MS),
        )
    expected_en = {text: 0 for text in group.OPTIONS} | {group.RIGHT: 3, group.WRONG: 1}
    expect(group.charts(projector)).to_be_visible(timeout=slow(group.CHART_MS))
    assert group.chart_counts(projector) == expected_en  # one chart for the whole room
    expect(group.charts(spanish_phone)).to_be_visible(timeout=slow(group.CHART_MS))
    in_spanish = {spanish_options[group.OPTIONS.index(t)]: n for t, n in expected_en.items()}
    assert group.chart_counts(spanish_phone) == in_spanish  # the same counts, in Spanish
    assert_all_spanish(spanish_phone, "the Spanish phone's results")
    store = Store(db_url)
    try:
        with read(store.engine) as conn:
            said = conn.execute(select(responses.c.language)).scalars().all()
        assert sorted(said) == ["en", "en", "en", "es"]
    finally:
        store.close()

    # The counselor switches the projector to Spanish: the room's screen follows.
    group.choose(console, "Language of the projector", "Español")
    why = es("**Why:** {explanation}").split("**")[1]  # "Por qué:"
    expect(main_area(projector).get_by_text(why).first).to_be_visible(timeout=slow(group.FOLLOW_MS))
    explanation = question.explanation.split("\n")[0].replace("**", "")
    expect(main_area(projector).get_by_text(explanation).first).to_be_visible()
    assert_all_spanish(projector, "the projector in Spanish")

    # A counselor who reads Spanish: the console, the dashboard and the summaries in Spanish.
    sidebar = open_sidebar(console)
    sidebar.get_by_text("Español", exact=True).click()
    wait_for_app_run(console)
    expect(language_radio(console, "Español", sidebar)).to_be_checked()
    expect(heading(console, es("Group console"))).to_be_visible()
    assert_all_spanish(console, "the console")
    for title in ("Dashboard", "Session summaries"):  # by the menu: an address signs out
        nav = console.get_by_test_id("stSidebarNav")
        nav.get_by_role("link", name=es(title), exact=True).click()
        wait_for_app_run(console)
        expect(main_area(console).get_by_role("heading", level=1).first).to_be_visible()
        assert_all_spanish(console, f"the page {title}")
