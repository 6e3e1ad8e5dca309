"""A learner's safety and trust, in a real browser: quick exit, the code, frames, help, delete.

These are the moments a learner on a phone someone else may pick up relies on: after a quick
exit nothing comes back with Back; the code never sits in the address unless asked for; no other
site learns it; no third party learns who visits; help is one tap away; deleting works.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from browser_kit import (
    click_button,
    main_area,
    open_app,
    own_address,
    screenshot,
    start_new_learner,
    step_label,
    wait_for_app_run,
)
from playwright.sync_api import expect
from slowdown import slow

pytestmark = pytest.mark.browser

EXIT_HOST = "https://www.google.com/"
WEATHER = "<!doctype html><title>Weather</title><h1>Weather today</h1>"
NO_LEARNER = "Start the course or enter your code to see this page."


def fake_weather_site(context: Any) -> None:
    """Answer the quick exit's page ourselves: this machine has no internet."""
    context.route(
        re.compile(r"^https://www\.google\.com/.*"),
        lambda route: route.fulfill(status=200, content_type="text/html", body=WEATHER),
    )


def first_lesson(page: Any, base: str) -> str:
    """A new learner, two taps from the start page to lesson 1; returns their code."""
    code = start_new_learner(page, base)
    click_button(page, "I've written it down")
    expect(step_label(page)).to_have_text(re.compile(r"^Step 1 of \d+$"))
    return code


def quick_exit(page: Any) -> None:
    """Tap the Exit button in the top line and wait for the weather page."""
    main_area(page).get_by_role("button", name="Exit", exact=True).click()
    page.wait_for_url(re.compile(r"^https://www\.google\.com/"), timeout=slow(20_000))
    expect(page.get_by_role("heading", name="Weather today")).to_be_visible()


def shows_nothing_of(page: Any, base: str, code: str, where: str) -> None:
    """The page (an app page or not) shows no lesson, no progress and no code."""
    assert "code=" not in page.url, f"{where}: the code is in the address {page.url}"
    if page.url.startswith(base):
        page.wait_for_selector("[data-testid='stAppViewContainer']", timeout=slow(20_000))
        wait_for_app_run(page)
    body = page.locator("body").inner_text()
    assert code not in body, f"{where}: the code is on the page"
    assert not re.search(r"Step \d+ of \d+", body), f"{where}: a lesson step is on the page"
    assert "In progress" not in body and "steps done" not in body, f"{where}: progress shows"


def test_quick_exit_holds_against_back(new_phone: Callable[[], Any], app_url: str) -> None:
    page = new_phone()
    fake_weather_site(page.context)
    code = first_lesson(page, app_url)
    click_button(page, "Next")
    expect(step_label(page)).to_have_text(re.compile(r"^Step 2 of \d+$"))
    page.reload()
    wait_for_app_run(page)
    expect(step_label(page)).to_have_text(re.compile(r"^Step 2 of \d+$"))  # still signed in

    quick_exit(page)
    for press in range(1, 4):
        page.go_back()
        shows_nothing_of(page, app_url, code, f"after Back x{press} ({page.url})")
    # Reopening an earlier page of the app by its address shows nothing either.
    for path in ("/lesson?lesson=tolerance-dependence-addiction", "/map", "/progress", "/"):
        open_app(page, app_url + path)
        shows_nothing_of(page, app_url, code, f"reopened {path}")
    expect(main_area(page).get_by_role("button", name="Start the course")).to_be_visible()


def test_code_stays_out_of_the_address_and_a_reload_keeps_the_learner(
    new_phone: Callable[[], Any], app_url: str
) -> None:
    page = new_phone()
    code = first_lesson(page, app_url)
    assert code not in page.url and "code=" not in page.url
    click_button(page, "Next")
    assert "code=" not in page.url
    page.reload()
    wait_for_app_run(page)
    expect(step_label(page)).to_have_text(re.compile(r"^Step 2 of \d+$"))
    assert "code=" not in page.url


def test_an_old_link_with_the_code_works_once_then_leaves_the_address(
    new_phone: Callable[[], Any], app_url: str
) -> None:
    first = new_phone()
    code = first_lesson(first, app_url)
    click_button(first, "Next")

    other = new_phone()
    open_app(other, f"{app_url}/map?code={code}")
    expect(main_area(other).get_by_role("heading", name="Course map")).to_be_visible()
    expect(main_area(other).get_by_text(re.compile(r"In progress: 1 of \d+ steps"))).to_be_visible()
    other.wait_for_function("() => !location.search.includes('code=')")
    assert parse_qs(urlparse(other.url).query).get("code") is None
    # No entry of this tab's history keeps the code either.
    other.go_back()
    assert "code=" not in other.url, other.url


def test_delete_my_data_deletes_and_lands_on_the_start_page(
    new_phone: Callable[[], Any], app_url: str, test_name: str
) -> None:
    page = new_phone()
    code = first_lesson(page, app_url)
    open_app(page, f"{app_url}/progress")
    main = main_area(page)
    expect(main.get_by_role("heading", name="My progress")).to_be_visible()
    main.get_by_text("Delete my data").click()
    main.get_by_test_id("stCheckbox").filter(has_text="Yes, I want to delete all my data").click()
    wait_for_app_run(page)
    click_button(page, "Delete everything")
    # Deleting, then moving to the start page, is two runs: on a busy machine allow for both.
    expect(main.get_by_text("All your data was deleted.")).to_be_visible(timeout=slow(20_000))
    expect(page.get_by_text("This app has encountered an error")).to_have_count(0)
    expect(main.get_by_role("button", name="Start the course")).to_be_visible()
    assert urlparse(page.url).path in ("", "/")
    screenshot(page, test_name, "deleted")
    page.reload()
    wait_for_app_run(page)
    expect(main.get_by_role("button", name="Start the course")).to_be_visible()

    form = main.get_by_test_id("stForm")
    form.get_by_role("textbox", name="Your code").fill(code)
    click_button(page, "Continue", exact=True, scope=form)
    expect(main.get_by_text("We could not find that code")).to_be_visible()


def test_a_learner_journey_asks_no_other_host(new_phone: Callable[[], Any], app_url: str) -> None:
    page = new_phone()
    app_host = urlparse(app_url).netloc
    asked: list[str] = []
    page.context.on("request", lambda request: asked.append(request.url))
    first_lesson(page, app_url)
    for _ in range(3):
        click_button(page, "Next")
    open_app(page, f"{app_url}/progress")
    expect(main_area(page).get_by_test_id("stPlotlyChart").first).to_be_visible()
    open_app(page, f"{app_url}/map")
    elsewhere = [
        url
        for url in asked
        if urlparse(url).scheme in ("http", "https", "ws", "wss")
        and urlparse(url).netloc != app_host
    ]
    assert asked and not elsewhere, f"requests to other hosts: {sorted(set(elsewhere))}"


@contextlib.contextmanager
def framing_site(app_url: str) -> Iterator[str]:
    """Serve, from another port of this host, a page that frames the app and logs messages."""
    page = (
        "<!doctype html><title>Framer</title><script>window.seen = [];"
        "addEventListener('message', e => window.seen.push(JSON.stringify(e.data)));"
        f'</script><iframe src="{app_url}/" width="1200" height="800"></iframe>'
    ).encode()

    class Framer(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Framer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/framer.html"
    finally:
        server.shutdown()


def test_the_app_refuses_to_run_inside_a_frame(browser: Any, app_url: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **own_address())
    try:
        # Another origin on the same site (another port): its frames get the app's cookies.
        with framing_site(app_url) as framer_url:
            page = context.new_page()
            page.goto(framer_url)
            frame = page.frame_locator("iframe")
            refusal = frame.get_by_text("This course can't be shown inside another site")
            expect(refusal).to_be_visible(timeout=slow(30_000))
            expect(frame.get_by_role("button", name="Start the course")).to_be_hidden()
            expect(frame.get_by_role("textbox", name="Your code")).to_be_hidden()
            expect(frame.get_by_role("link", name="Open the course in its own tab")).to_be_visible()
            seen = page.evaluate("() => window.seen")
            assert not any("code=" in message for message in seen), seen
    finally:
        context.close()


CRISIS_LINKS = ("tel:911", "tel:988", "sms:988", "tel:18006624357")


def tap_size(link: Any) -> tuple[float, float]:
    box = link.bounding_box()
    assert box is not None
    return box["width"], box["height"]


@pytest.mark.parametrize("kind", ["phone", "desktop"])
def test_help_is_one_tap_away(open_page: Callable[[str], Any], app_url: str, kind: str) -> None:
    page = open_page(kind)
    open_app(page, app_url)
    main = main_area(page)
    for href in CRISIS_LINKS:
        link = main.locator(f"a[href='{href}']").first
        expect(link).to_be_visible()
        width, height = tap_size(link)
        assert width >= 24 and height >= 40, f"{href} is {width}x{height} CSS px"
    # The full list of help opens from the top line, not only from the sidebar.
    main.get_by_role("button", name="All help").click()
    popover = page.get_by_test_id("stPopoverBody")
    expect(popover.get_by_text("SAMHSA National Helpline")).to_be_visible()
    expect(popover.locator("a[href='sms:988']")).to_be_visible()
    expect(popover.locator("a[href='https://988lifeline.org']")).to_be_visible()
    page.keyboard.press("Escape")
    if kind == "desktop":  # the sidebar is open on a desktop
        sidebar = page.get_by_test_id("stSidebar")
        for href in CRISIS_LINKS:
            expect(sidebar.locator(f"a[href='{href}']").first).to_be_visible()


def main_scroll(page: Any) -> int:
    value: int = page.evaluate(
        "() => { const m = document.querySelector(\"[data-testid='stMain']\");"
        " return Math.max(m ? m.scrollTop : 0, document.scrollingElement.scrollTop); }"
    )
    return value


def scroll_to_bottom(page: Any) -> None:
    page.evaluate(
        "() => { const m = document.querySelector(\"[data-testid='stMain']\");"
        " if (m) m.scrollTop = m.scrollHeight;"
        " document.scrollingElement.scrollTop = document.scrollingElement.scrollHeight; }"
    )
    page.wait_for_function(
        "() => Math.max(document.querySelector(\"[data-testid='stMain']\").scrollTop,"
        " document.scrollingElement.scrollTop) > 100"
    )


def test_each_new_step_opens_at_its_top(new_phone: Callable[[], Any], app_url: str) -> None:
    page = new_phone()
    first_lesson(page, app_url)
    for number in (2, 3, 4):
        scroll_to_bottom(page)
        main_area(page).get_by_role("button", name="Next").click()
        expect(step_label(page)).to_have_text(re.compile(rf"^Step {number} of \d+$"))
        page.wait_for_function(
            "() => Math.max(document.querySelector(\"[data-testid='stMain']\").scrollTop,"
            " document.scrollingElement.scrollTop) === 0"
        )
        expect(step_label(page)).to_be_in_viewport()
        assert main_scroll(page) == 0


def test_each_quiz_question_opens_at_its_top(new_phone: Callable[[], Any], app_url: str) -> None:
    page = new_phone()
    first_lesson(page, app_url)
    open_app(page, f"{app_url}/quiz?lesson=how-opioids-affect-the-brain")
    heading = main_area(page).get_by_role("heading", name=re.compile(r"^Question 1 of \d+$"))
    expect(heading).to_be_visible()
    scroll_to_bottom(page)
    main_area(page).get_by_role("button", name="Next").click()
    second = main_area(page).get_by_role("heading", name=re.compile(r"^Question 2 of \d+$"))
    expect(second).to_be_visible()
    page.wait_for_function(
        "() => Math.max(document.querySelector(\"[data-testid='stMain']\").scrollTop,"
        " document.scrollingElement.scrollTop) === 0"
    )
