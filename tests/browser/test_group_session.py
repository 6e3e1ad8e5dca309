"""Counselor-led group sessions in a real browser: a console, a projector and phones.

Each test runs its own ``streamlit run`` server(s) on a fresh database holding one facilitator
account, made the way an operator makes it (``python -m course facilitator add``, password on
stdin):

- one question end to end on one server (SQLite);
- the same flow on two servers sharing one PostgreSQL database: the phones on one server, the
  counselor and the projector on the other (needs COURSE_TEST_DATABASE_URL);
- a fault test: ``kill -9`` the server while a question is open, restart it on the same port
  and database, and check that every acknowledged answer is kept and the session goes on.

The question asked is the lesson's quiz question 1 (single choice), read from the shipped YAML.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import parse_qs, urljoin, urlparse

import pytest
import segno
import yaml
from browser_kit import (
    REPO,
    Server,
    check_accessibility,
    choose,
    click_button,
    clipped_chart_labels,
    cut_off,
    main_area,
    open_app,
    screenshot,
    start_server,
    unnamed_controls,
    wait_for_app_run,
)
from google.protobuf.message import DecodeError
from PIL import Image
from playwright.sync_api import expect
from slowdown import slow
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from course.group import askables, question_label
from course.loader import load_course
from course.model import SingleChoice
from course.store import Facilitators, Store, Tally
from course.store.sessions import GroupSession, Response, Sessions

pytestmark = pytest.mark.browser

LESSON_ID = "tolerance-dependence-addiction"
LESSON = yaml.safe_load((REPO / "lessons" / f"{LESSON_ID}.yaml").read_text(encoding="utf-8"))
QUIZ = yaml.safe_load((REPO / "quizzes" / f"{LESSON['quiz']}.yaml").read_text(encoding="utf-8"))
STEPS = LESSON["steps"]
QUESTION = QUIZ["questions"][0]
QUESTION_KEY = f"quiz:{QUESTION['id']}"
OPTIONS = [o["text"] for o in QUESTION["options"]]
RIGHT = next(o["text"] for o in QUESTION["options"] if o.get("correct"))
WRONG = next(o["text"] for o in QUESTION["options"] if not o.get("correct"))
assert QUESTION["kind"] == "single", "these tests answer a single-choice question"
# The console names a question by its own words (not "Quiz question 1"), as course.group does.
QUESTION_LABEL = question_label(
    "Quiz 1",
    load_course(REPO).course.quizzes[LESSON["quiz"]].questions[0],  # type: ignore[union-attr]
)

FACILITATOR = "counselor"
PASSWORD = "a-long-pass-phrase-2026"
# Phones and the projector poll every 2 s. How fast they follow is measured by
# benchmarks/bench_group.py; here they are waited for, with room for a loaded machine.
FOLLOW_MS = 30_000
# A chart's first draw loads Plotly (several MB of script) in each browser: allow for it.
CHART_MS = 20_000
# (display name, answers right?) for the five phones: 3 right and 2 wrong, so 60 % right.
PHONES = [("Sam", True), ("", True), ("River", True), ("", False), ("Ash", False)]
RELOADER = 4  # this phone reloads after answering: its answer is still in, no second try


def add_facilitator(db_url: str) -> None:
    """Create the facilitator account with the CLI, the password on stdin (as a script would).

    This also brings a fresh database to the newest schema before any server opens it.
    """
    done = subprocess.run(
        [sys.executable, "-m", "course", "facilitator", "add", FACILITATOR],
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "COURSE_DATABASE_URL": db_url},
        timeout=slow(120),
    )
    assert done.returncode == 0, done.stderr
    assert f"added facilitator {FACILITATOR!r}" in done.stdout


def serve(servers: list[Server], workdir: Path, db_url: str, port: int | None = None) -> Server:
    env = {"COURSE_DATABASE_URL": db_url, "COURSE_ROOT": ""}  # the shipped course
    server = start_server(workdir, env, port)
    servers.append(server)
    return server


# --- the database, read directly ---------------------------------------------------------------


@contextlib.contextmanager
def the_session(db_url: str, code: str) -> Iterator[tuple[Sessions, int, GroupSession]]:
    """The app's store of sessions, the facilitator's id and the session with this join code."""
    store = Store(db_url)
    try:
        facilitator = Facilitators(store.engine).verify(FACILITATOR, PASSWORD, datetime.now(UTC))
        assert facilitator is not None
        sessions = Sessions(store.engine)
        (session,) = [s for s in sessions.sessions_of(facilitator) if s.join_code == code]
        yield sessions, facilitator, session
    finally:
        store.close()


def recorded(db_url: str, code: str) -> tuple[Tally, list[Response], int]:
    """The question's tally, the session's counted answers and its headcount, from the DB."""
    with the_session(db_url, code) as (sessions, facilitator, session):
        return (
            sessions.tally(session.id, QUESTION_KEY),
            sessions.responses(session.id, facilitator),
            sessions.participant_count(session.id),
        )


# --- what the pages show -----------------------------------------------------------------------


def seat_cookie(page: Any) -> str | None:
    """Return the seat token this page's browser context keeps for the app."""
    found = [c["value"] for c in page.context.cookies() if c["name"] == "course_seat"]
    return found[0] if found and found[0] else None


def heading(page: Any, text: str) -> Any:
    return main_area(page).get_by_role("heading", name=text, exact=True)


def step_title(number: int) -> str:
    title: str = STEPS[number - 1]["title"]
    return title


def metric_value(page: Any, label: str) -> Any:
    metric = main_area(page).get_by_test_id("stMetric").filter(has_text=label)
    return metric.get_by_test_id("stMetricValue")


def charts(page: Any) -> Any:
    return main_area(page).get_by_test_id("stPlotlyChart")


def chart_counts(page: Any) -> dict[str, int]:
    """What the page's one bar chart plots: {answer text: count}, from Plotly's own data."""
    expect(charts(page)).to_have_count(1)
    data = (
        charts(page)
        .locator(".js-plotly-plot")
        .evaluate("plot => ({labels: plot.data[0].y, counts: plot.data[0].x})")
    )
    labels = [" ".join(label.replace("<br>", " ").split()) for label in data["labels"]]
    return dict(zip(labels, data["counts"], strict=True))


def everywhere(pages: list[Any], check: Callable[[Any], None], what: str) -> float:
    """Wait until check passes on every page; return how long the last one took."""
    start = time.monotonic()
    for page in pages:
        check(page)
    took = time.monotonic() - start
    print(f"{what}: {took:.1f} s")
    return took


_WATCH = """
(text) => {
  const seen = (window.__seenAt = window.__seenAt || {});
  const look = () => {
    if (!(text in seen) && document.body.textContent.includes(text)) seen[text] = Date.now();
  };
  // React may change a text node in place (characterData) rather than add a node.
  new MutationObserver(look).observe(
    document.body, {childList: true, characterData: true, subtree: true});
  look();
}
"""


def watch_for(pages: list[Any], text: str) -> None:
    """Note, in each page, the wall-clock time the text first appears in it."""
    for page in pages:
        page.evaluate(_WATCH, text)


def seen_after(pages: list[Any], text: str, start: float) -> float:
    """Seconds from start (time.time()) until the text appeared on the last of the pages."""
    times = [page.evaluate("(text) => (window.__seenAt || {})[text]", text) for page in pages]
    for page, at in zip(pages, times, strict=True):
        if at is None:  # the page was reloaded (a reconnect on a busy machine): look now
            expect(main_area(page).get_by_text(text).first).to_be_visible()
    seen = [at for at in times if at is not None]
    return max(seen) / 1000 - start if seen else float("nan")


def shows(page: Any, text: str, timeout: float = 8_000) -> None:
    expect(main_area(page).get_by_text(text).first).to_be_visible(timeout=slow(timeout))


# --- the counselor's moves ---------------------------------------------------------------------


def sign_in(page: Any, base: str) -> None:
    open_app(page, f"{base}/login")
    form = main_area(page).get_by_test_id("stForm")
    form.get_by_role("textbox", name="Facilitator name").fill(FACILITATOR)
    form.get_by_role("textbox", name="Password").fill(PASSWORD)
    click_button(page, "Sign in", scope=form)
    expect(heading(page, "Group console")).to_be_visible()
    assert urlparse(page.url).path == "/console"
    assert PASSWORD not in page.url and FACILITATOR not in page.url  # nothing in the address


def start_session(page: Any) -> str:
    """Start a session for the lesson on the console; return the join code it shows."""
    choose(page, "Lesson", LESSON["title"])
    click_button(page, "Start", exact=True)
    caption = main_area(page).get_by_text(re.compile(r"join code [A-Z2-9]{6}"))
    found = re.search(r"join code ([A-Z2-9]{6})", caption.inner_text())
    assert found, caption.inner_text()
    expect(heading(page, step_title(1))).to_be_visible()
    return found.group(1)


def open_question(page: Any) -> None:
    choose(page, "Question to ask", QUESTION_LABEL)
    click_button(page, "Open question", exact=True)
    shows(page, f"Open question: {QUESTION_LABEL}")


def open_summary(console: Any) -> None:
    """Go from the console to this session's summary (a link: see course.ui.nav.go)."""
    main_area(console).get_by_role("link", name="Summary of this session").click()


def projector_link(console: Any, code: str) -> str:
    link = main_area(console).get_by_role("link", name="Open the projector view")
    href = link.get_attribute("href")
    assert href is not None
    parts = urlparse(href)
    assert parts.path == "/projector" and parse_qs(parts.query) == {"room": [code]}, href
    return href


QR_BORDER = 2  # modules of quiet zone, as course/ui/room.py draws the code


def qr_matrix(link: str) -> list[list[bool]]:
    """The dark modules of the link's QR code (error level M, as the app makes it)."""
    return [[bool(cell) for cell in row] for row in segno.make(link, error="m").matrix]


def qr_modules(png: bytes, count: int) -> list[list[bool]]:
    """Read a square QR image of count x count modules back, sampling each module's centre."""
    image = Image.open(io.BytesIO(png)).convert("L")
    width, height = image.size
    assert width == height, image.size
    module = width / (count + 2 * QR_BORDER)  # Streamlit may have scaled the image

    def dark(x: int, y: int) -> bool:
        at = (int((QR_BORDER + x + 0.5) * module), int((QR_BORDER + y + 0.5) * module))
        level: int = image.getpixel(at)  # type: ignore[assignment]
        return level < 128

    return [[dark(x, y) for x in range(count)] for y in range(count)]


def check_join_screen(page: Any, code: str) -> str:
    """The projector shows the code and a QR image of its join link; return that link."""
    expect(heading(page, f"Join code: {code[:3]} {code[3:]}")).to_be_visible()
    image = main_area(page).get_by_role("img", name=re.compile("^QR code for "))
    expect(image).to_be_visible()
    link = (image.get_attribute("alt") or "").removeprefix("QR code for ")
    parts = urlparse(link)
    query = parse_qs(parts.query)
    assert parts.path == "/join" and sorted(query) == ["pass", "room"], link
    # The app's proof of this room (128 bits), so that a phone that scanned it is never
    # slowed down by strangers' wrong codes.
    assert query["room"] == [code] and re.fullmatch(r"[A-Za-z0-9_-]{22}", query["pass"][0]), link
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    # The image served is the QR code of exactly that link.
    served = page.request.get(urljoin(page.url, image.get_attribute("src") or ""))
    assert served.ok, served.status
    want = qr_matrix(link)
    assert qr_modules(served.body(), len(want)) == want, f"the QR image does not encode {link}"
    return link


class OpenRoom(NamedTuple):
    """A session started on one server: the console, the projector, the code, the join link."""

    console: Any
    projector: Any
    code: str
    phone_link: str


class OpenConsole(NamedTuple):
    page: Any
    server: Server
    db_url: str
    code: str


def open_console(
    open_page: Callable[[str], Any],
    servers: list[Server],
    workdir: Path,
    name: str,
    prepare: Callable[[Any], None] | None = None,
) -> OpenConsole:
    """Start a server on a fresh database, sign in on a console and start a session.

    prepare(browser context) runs before the first page loads (page scripts, routes).
    """
    db_url = f"sqlite:///{workdir / f'{name}.db'}"
    add_facilitator(db_url)
    server = serve(servers, workdir, db_url)
    console = open_page("desktop")
    if prepare is not None:
        prepare(console.context)
    sign_in(console, server.base)
    return OpenConsole(console, server, db_url, start_session(console))


def open_room(
    open_page: Callable[[str], Any], servers: list[Server], workdir: Path, name: str
) -> OpenRoom:
    """Start a server on a fresh database, sign in, start a session, open its projector."""
    console, server, _, code = open_console(open_page, servers, workdir, name)
    projector = open_page("projector")
    open_app(projector, urljoin(server.base, projector_link(console, code)))
    link = check_join_screen(projector, code)
    phone_link = urljoin(server.base, f"{urlparse(link).path}?{urlparse(link).query}")
    return OpenRoom(console, projector, code, phone_link)


# --- a participant's moves ---------------------------------------------------------------------


def join(page: Any, link: str, name: str, code: str) -> None:
    """Open the join link (what the QR code holds), keep its code, give a name or none, join."""
    open_app(page, link)
    form = main_area(page).get_by_test_id("stForm")
    expect(form.get_by_role("textbox", name="Join code")).to_have_value(code)
    if name:
        form.get_by_role("textbox", name=re.compile("^Display name")).fill(name)
    click_button(page, "Join", exact=True, scope=form)
    shows(page, LESSON["title"])
    if name:
        shows(page, f"You joined as “{name}”.")


def lettered(text: str) -> str:
    """An option as phones and the projector show it: "B. The person has an addiction."."""
    return f"{chr(ord('A') + OPTIONS.index(text))}. {text}"


def choose_and_send(page: Any, text: str) -> None:
    label = lettered(text)
    pattern = re.compile(rf"^\s*{re.escape(label)}\s*$")
    main_area(page).get_by_test_id("stRadioOption").filter(has_text=pattern).click()
    expect(main_area(page).get_by_role("radio", name=label, exact=True)).to_be_checked()
    main_area(page).get_by_role("button", name="Send my answer").click()


def answer(page: Any, right: bool) -> None:
    """Choose the right or a wrong answer, send it, and wait for the acknowledgement."""
    choose_and_send(page, RIGHT if right else WRONG)
    shows(page, "Your answer is in.")


def reload(page: Any) -> None:
    page.reload()
    page.wait_for_selector("[data-testid='stAppViewContainer']")
    wait_for_app_run(page)


# --- one question, end to end ------------------------------------------------------------------


def run_one_question(
    open_page: Callable[[str], Any],
    console_base: str,
    phone_base: str,
    db_url: str,
    look: Callable[[Any, str], None] = lambda page, name: None,
) -> None:
    """The whole flow: the console and projector use console_base, the phones phone_base.

    look(page, name) is called at each screen worth a screenshot.
    """
    right = sum(r for _, r in PHONES)
    wrong = len(PHONES) - right

    console = open_page("desktop")
    sign_in(console, console_base)
    code = start_session(console)
    look(console, "01-console-started")

    projector = open_page("projector")
    open_app(projector, urljoin(console_base, projector_link(console, code)))
    link = check_join_screen(projector, code)
    assert link.startswith(console_base + "/")  # the address the projector itself was opened at
    expect(heading(projector, step_title(1))).to_be_visible()
    assert not cut_off(projector), cut_off(projector)
    look(projector, "02-projector-join-code-and-qr")

    # The phones scan the QR code: its path and query, on whichever server the phones reach.
    phone_link = urljoin(phone_base, f"{urlparse(link).path}?{urlparse(link).query}")
    phones = [open_page("phone") for _ in PHONES]
    for page, (name, _) in zip(phones, PHONES, strict=True):
        join(page, phone_link, name, code)
        expect(heading(page, step_title(1))).to_be_visible()
    expect(metric_value(console, "People in the room")).to_have_text(str(len(PHONES)))

    # Next: the phones and the projector follow (the time it took is printed, not judged:
    # a busy machine is slower, and bench_group.py measures it properly).
    click_button(console, "Next")
    expect(heading(console, step_title(2))).to_be_visible()
    everywhere(
        [*phones, projector],
        lambda p: expect(heading(p, step_title(2))).to_be_visible(timeout=slow(FOLLOW_MS)),
        "the next step reached every screen",
    )

    open_question(console)
    everywhere(
        phones,
        lambda p: expect(p.get_by_role("button", name="Send my answer")).to_be_visible(
            timeout=slow(FOLLOW_MS)
        ),
        "the question reached every phone",
    )
    # The projector fills with the question: its choices, lettered, and how many answered.
    # Each phone shows the question alone: its prompt once, and Send without scrolling.
    prompt = " ".join(QUESTION["prompt"].replace("**", "").split())
    for page in phones:
        expect(main_area(page).get_by_text(prompt, exact=True)).to_have_count(1)
        send = main_area(page).get_by_role("button", name="Send my answer").bounding_box()
        assert send is not None and send["y"] + send["height"] <= page.viewport_size["height"]
    expect(metric_value(projector, "Answered")).to_have_text(f"0 of {len(PHONES)}")
    for n, text in enumerate(OPTIONS):
        expect(main_area(projector).get_by_text(f"{chr(ord('A') + n)}. {text}")).to_be_visible()
    # The room sees the lesson, not the app: no toolbar, menu, sidebar arrow or quick exit.
    for chrome in ("stToolbar", "stHeader"):
        expect(projector.get_by_test_id(chrome)).to_be_hidden()
    expect(projector.get_by_role("button", name="Exit")).to_be_hidden()
    # Once the lesson runs, the join code keeps to a corner.
    expect(heading(projector, f"Join code: {code[:3]} {code[3:]}")).to_have_count(0)
    expect(main_area(projector).get_by_text(f"Join: {code[:3]} {code[3:]}")).to_be_visible()
    look(phones[0], "03-phone-question")

    for page, (_, is_right) in zip(phones, PHONES, strict=True):
        answer(page, is_right)
    look(phones[0], "04-phone-answered-before-reveal")

    # One phone reloads (as a phone does with a tab it discarded): it is back in its own seat,
    # no second join, and when it sends another answer, the first one stands.
    again = phones[RELOADER]
    seat = seat_cookie(again)
    assert seat and seat not in again.url  # the token grants the seat: never in the address
    reload(again)
    expect(heading(again, "Your turn")).to_be_visible()  # the question is still open
    expect(main_area(again).get_by_role("button", name="Join", exact=True)).to_have_count(0)
    assert seat_cookie(again) == seat and "seat" not in again.url
    # Before anyone taps anything, the phone shows its answer is in: no form to answer again.
    shows(again, "Your answer is in.")
    expect(again.get_by_role("button", name="Send my answer")).to_have_count(0)

    expect(metric_value(projector, "Answered")).to_have_text(f"{len(PHONES)} of {len(PHONES)}")
    expect(metric_value(console, "People in the room")).to_have_text(str(len(PHONES)))
    for page in [projector, *phones]:
        expect(charts(page)).to_have_count(0)  # no results anywhere before the reveal
    tally, _, seated = recorded(db_url, code)
    everyone = len(PHONES)
    assert (tally.responses, tally.correct, tally.revealed, seated) == (
        everyone,
        right,
        False,
        everyone,
    )
    look(projector, "05-projector-answers-so-far")
    look(console, "06-console-question-open")

    # Reveal: the projector and every phone show the results. Timed inside each page: a
    # browser busy loading Plotly for its first chart answers Playwright late, not the room.
    room = [projector, *phones]
    results = f"{len(PHONES)} answer(s)."
    watch_for(room, results)
    revealed_at = time.time()
    click_button(console, "Reveal results")
    everywhere(
        room,
        lambda p: expect(charts(p)).to_be_visible(timeout=slow(CHART_MS)),
        "every screen drew the bar chart",
    )
    took = seen_after(room, results, revealed_at)
    print(f"the results reached every screen: {took:.1f} s")  # a figure, not a verdict
    expected = {text: 0 for text in OPTIONS} | {RIGHT: right, WRONG: wrong}
    for page in [projector, *phones]:
        assert chart_counts(page) == expected
        assert not clipped_chart_labels(page), clipped_chart_labels(page)
    expect(metric_value(projector, "Answered")).to_have_count(0)
    # On reveal the projector marks the right answer and says why.
    marked = main_area(projector).get_by_test_id("stAlertContentSuccess")
    expect(marked).to_contain_text(f"The right answer: {RIGHT}")
    expect(main_area(projector).get_by_text("Why:")).to_be_visible()
    for page, (_, is_right) in zip(phones, PHONES, strict=True):
        verdict = "That's right." if is_right else "Not quite."
        expect(main_area(page).get_by_text(verdict, exact=True)).to_be_visible()
        # Each phone says what it chose, in the projector's letters.
        chosen = lettered(RIGHT if is_right else WRONG)[0]
        said = f"You chose {chosen}: {'right' if is_right else 'not right'}."
        expect(main_area(page).get_by_text(said, exact=True)).to_be_visible()
    assert recorded(db_url, code)[0].revealed
    look(projector, "07-projector-revealed")
    look(phones[0], "08-phone-after-reveal")
    look(phones[RELOADER - 1], "08b-phone-wrong-after-reveal")

    # The summary: 5 answers, 60 % right, the misconception, and the CSV of the answers.
    open_summary(console)
    expect(heading(console, "Session summary")).to_be_visible()
    table = main_area(console).get_by_test_id("stDataFrame")
    expect(table).to_be_visible(timeout=slow(CHART_MS))
    table.scroll_into_view_if_needed()  # the grid draws its cells once it is on screen
    cells = table.locator("[role='gridcell']")
    expect(cells).to_have_count(4, timeout=slow(CHART_MS))
    expect(cells.nth(0)).to_have_text(QUESTION_LABEL)
    expect(cells.nth(1)).to_have_text(str(len(PHONES)))
    expect(cells.nth(2)).to_have_text(str(round(100 * right / len(PHONES))))  # 60
    shows(console, f"tolerance equals addiction: {wrong}")  # the wrong answer's misconception
    look(console, "09-summary")
    with console.expect_download() as download:
        main_area(console).get_by_role("button", name="Download answers (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
    assert [r["question"] for r in rows] == [QUESTION_KEY] * len(PHONES)
    assert sorted(r["correct"] for r in rows) == ["False"] * wrong + ["True"] * right


def test_one_question_end_to_end(
    open_page: Callable[[str], Any],
    servers: list[Server],
    workdir: Path,
    axe_js: str,
    test_name: str,
) -> None:
    db_url = f"sqlite:///{workdir / 'group.db'}"
    add_facilitator(db_url)
    server = serve(servers, workdir, db_url)
    notes: list[str] = []

    def look(page: Any, name: str) -> None:
        """A screenshot, and axe-core (serious and critical findings fail) on that screen."""
        screenshot(page, test_name, name)
        for finding in check_accessibility(page, axe_js, name):
            notes.append(f"{name}: {finding['id']} ({finding['impact']}) x{len(finding['nodes'])}")
        assert not unnamed_controls(page), f"unnamed controls on {name}: {unnamed_controls(page)}"

    run_one_question(open_page, server.base, server.base, db_url, look)
    print("\n".join(["minor/moderate accessibility findings:", *sorted(set(notes))]))


def test_two_servers_share_one_postgres(
    open_page: Callable[[str], Any],
    servers: list[Server],
    workdir: Path,
    postgres_url: str,
) -> None:
    """Phones on server A, counselor and projector on server B: all state is in the database."""
    add_facilitator(postgres_url)  # also brings the database to the newest schema
    for_phones = serve(servers, workdir, postgres_url)
    for_counselor = serve(servers, workdir, postgres_url)
    assert for_phones.base != for_counselor.base
    run_one_question(open_page, for_counselor.base, for_phones.base, postgres_url)


# --- a fault: the server is killed mid-question ------------------------------------------------


def test_kill_9_mid_question_loses_no_answer(
    open_page: Callable[[str], Any], servers: list[Server], workdir: Path, test_name: str
) -> None:
    db_url = f"sqlite:///{workdir / 'group.db'}"
    add_facilitator(db_url)
    server = serve(servers, workdir, db_url)
    answers = [True, True, False]

    console = open_page("desktop")
    sign_in(console, server.base)
    code = start_session(console)
    link = f"{server.base}/join?room={code}"
    phones = [open_page("phone") for _ in answers]
    for page in phones:
        join(page, link, "", code)
    open_question(console)
    for page, is_right in zip(phones, answers, strict=True):
        expect(page.get_by_role("button", name="Send my answer")).to_be_visible(
            timeout=slow(10_000)
        )
        answer(page, is_right)  # waits for "Your answer is in."

    # Marks that survive only while these very pages live (a reload would clear them).
    for page in phones:
        page.evaluate("() => { window.__beforeKill = true; }")

    # kill -9: no shutdown, no flush, nothing the server could still do.
    os.kill(server.process.pid, signal.SIGKILL)
    assert server.process.wait(timeout=slow(10)) == -signal.SIGKILL

    # Every acknowledged answer is in the database, read while no server runs.
    tally, responses, seated = recorded(db_url, code)
    assert (tally.responses, tally.correct, seated) == (len(answers), sum(answers), len(answers))
    assert [r.question_key for r in responses] == [QUESTION_KEY] * len(answers)
    assert sorted(r.is_correct for r in responses) == sorted(answers)

    # The same port and database again.
    restarted = serve(servers, workdir, db_url, port=server.port)
    assert restarted.base == server.base

    # The counselor signs in again (the browser session died with the server) and returns to
    # the same session: same code, same step, same open question, same counts.
    sign_in(console, restarted.base)
    click_button(console, f"Return to {LESSON['title']} (code {code})")
    expect(main_area(console).get_by_text(f"join code {code}")).to_be_visible()
    expect(heading(console, step_title(1))).to_be_visible()
    expect(metric_value(console, "People in the room")).to_have_text(str(len(answers)))
    shows(console, f"Open question: {QUESTION_LABEL}")
    box = main_area(console).get_by_role("combobox", name="Question to ask", exact=True)
    expect(box).to_have_value(QUESTION_LABEL)  # not the first question, ready to reopen
    shows(console, f"{len(answers)} answer(s).")
    expect(charts(console)).to_be_visible(timeout=slow(CHART_MS))  # the counselor sees live counts
    assert chart_counts(console) == {text: 0 for text in OPTIONS} | {
        RIGHT: sum(answers),
        WRONG: len(answers) - sum(answers),
    }
    screenshot(console, test_name, "console-after-restart")

    # A phone that was open reconnects by itself and is back in its seat: it follows the step,
    # and its answer is still the one that counts. A new phone can join too.
    old = phones[0]
    wait_for_app_run(old)  # connected to the new server, and its script has run there
    assert old.evaluate("() => window.__beforeKill === true"), "the page was reloaded"
    expect(heading(old, "Your turn")).to_be_visible()  # the question is still open
    expect(main_area(old).get_by_role("button", name="Join", exact=True)).to_have_count(0)
    shows(old, "Your answer is in.")  # found again in the database, before any tap
    expect(old.get_by_role("button", name="Send my answer")).to_have_count(0)
    newcomer = open_page("phone")
    join(newcomer, link, "Late", code)
    expect(metric_value(console, "People in the room")).to_have_text(str(len(answers) + 1))

    click_button(console, "Next")
    click_button(console, "Close it and move on")  # the question was still open
    everywhere(
        [old, newcomer],
        lambda p: expect(heading(p, step_title(2))).to_be_visible(timeout=slow(10_000)),
        "the next step after the restart",
    )
    screenshot(old, test_name, "phone-after-restart")
    tally, _, seated = recorded(db_url, code)
    assert (tally.responses, tally.correct, seated) == (3, 2, 4)
    restarted_log = restarted.log()
    assert "Traceback" not in restarted_log, restarted_log


# --- leaving a live console ---------------------------------------------------------------------

# The console refreshes its live parts every 3 s, each on a timer in the page. On request
# (window.__hurry = ms) the timers fire every that many ms (at least 5): if any is left when the
# counselor leaves, its refreshes surely fall in the moment the app draws the next page (on a
# busy machine that moment lasts seconds, and one often did).
HURRIED_TIMERS = """
(() => {
  const real = window.setInterval;
  window.setInterval = (fn, delay, ...args) => {
    if (typeof fn !== 'function' || !(delay >= 1000)) return real(fn, delay, ...args);
    let last = Date.now();
    return real(() => {
      const every = window.__hurry || delay;
      if (Date.now() - last >= every) { last = Date.now(); fn(...args); }
    }, 5);
  };
})();
"""


def is_refresh(message: bytes | str) -> bool:
    """Is this message from the page a timed refresh of a live part (not a click)?"""
    if isinstance(message, str):
        return False
    sent = BackMsg.FromString(message)
    return sent.WhichOneof("type") == "rerun_script" and sent.rerun_script.is_auto_rerun


def from_app(message: bytes | str) -> ForwardMsg | None:
    if isinstance(message, str):
        return None
    try:
        return ForwardMsg.FromString(message)
    except DecodeError:
        return None


def message_type(message: bytes | str) -> str | None:
    sent = from_app(message)
    return sent.WhichOneof("type") if sent else None


def begins_page(message: bytes | str, title: str) -> bool:
    """Is this message from the app the start of a run of the page with this title?"""
    sent = from_app(message)
    if sent is None or sent.WhichOneof("type") != "new_session":
        return False
    pages = {p.page_script_hash: p.page_name for p in sent.new_session.app_pages}
    return pages.get(sent.new_session.page_script_hash) == title


class SlowComputer:
    """The console's connection to the app, as a slow or busy computer makes it.

    While slow, what the app sends waits (the browser is too busy to read it) while the page
    goes on sending its timed refreshes.
    """

    def __init__(self, context: Any, next_page: str) -> None:
        self.slow = False
        self.next_page = next_page
        self.held: list[tuple[Any, bytes | str]] = []
        self.begun = False  # the app began the next page
        self.finished = False  # and finished it
        self.refreshes_after = 0  # refreshes sent after the app began the next page
        context.route_web_socket(re.compile(r"/_stcore/stream"), self._route)

    def _route(self, page_side: Any) -> None:
        app_side = page_side.connect_to_server()

        def up(message: bytes | str) -> None:
            self.refreshes_after += self.begun and is_refresh(message)
            app_side.send(message)

        def down(message: bytes | str) -> None:
            if not self.slow:
                page_side.send(message)
                return
            self.held.append((page_side, message))
            ended = message_type(message) == "script_finished"
            self.finished = self.finished or (self.begun and ended)
            self.begun = self.begun or begins_page(message, self.next_page)

        page_side.on_message(up)
        app_side.on_message(down)

    def slow_down(self) -> None:
        """From now on the browser reads late (the counselor is about to leave the page)."""
        self.slow, self.begun, self.finished, self.refreshes_after = True, False, False, 0

    def catch_up(self) -> None:
        """The computer is fast again: it reads what the app sent meanwhile."""
        self.slow = False
        for side, message in self.held:
            side.send(message)
        self.held.clear()


def a_class_answers_every_question(db_url: str, code: str, people: int) -> int:
    """People join and answer each single-choice question of the lesson, in turn, through the
    app's own store (as the join page does), so the summary has a full class to add up.
    Returns how many questions were asked.
    """
    course = load_course(REPO).course
    assert course is not None
    asked = [a for a in askables(course, course.lessons[LESSON_ID])
             if isinstance(a.question, SingleChoice)]  # fmt: skip
    with the_session(db_url, code) as (sessions, facilitator, room):
        now = datetime.now(UTC)
        tokens = [sessions.join(code, None, now)[1] for _ in range(people)]
        for askable in asked:
            sessions.open_question(room.id, facilitator, askable.key, now)
            options = askable.question.options  # type: ignore[union-attr]
            for n, token in enumerate(tokens):
                chosen = options[n % len(options)]
                sessions.answer(token, askable.key, chosen.id, chosen.correct, now)
        sessions.open_question(room.id, facilitator, QUESTION_KEY, now)
    return len(asked)


LEAVES = 3  # times the counselor goes from the live console to the summary


def wait_until(page: Any, done: Callable[[], bool], what: str, timeout_ms: float) -> None:
    """Poll done() while the page's events flow (a Playwright wait); fail after timeout_ms."""
    deadline = time.monotonic() + timeout_ms / 1000
    while not done():
        assert time.monotonic() < deadline, f"never: {what}"
        page.wait_for_timeout(20)


def test_the_summary_stays_open_after_leaving_a_live_console(
    open_page: Callable[[str], Any], servers: list[Server], workdir: Path
) -> None:
    """Refreshes of the console still on their way when the counselor opened the summary wiped
    the summary page: its title showed, then the page went blank (found by make
    test-under-load). Here the console's browser reads late and refreshes often, the way a
    busy computer makes it, and the counselor goes to the summary and back a few times.
    """
    computers: list[SlowComputer] = []

    def prepare(context: Any) -> None:
        context.add_init_script(HURRIED_TIMERS)
        computers.append(SlowComputer(context, next_page="Session summaries"))

    console, _, db_url, code = open_console(open_page, servers, workdir, "group", prepare)
    computer = computers[0]
    asked = a_class_answers_every_question(db_url, code, people=30)
    for _ in range(LEAVES):
        shows(console, "30 answer(s).")  # the live parts of the console are running
        computer.slow_down()
        open_summary(console)
        # From now on any refresh timer left would fire every 20 ms (a flood before the click
        # would leave a busy machine no time to draw the link).
        console.evaluate("() => { window.__hurry = 20; }")
        wait_until(console, lambda: computer.finished, "the summary drawn", slow(FOLLOW_MS))
        computer.catch_up()
        # Leaving stopped the console's refreshes at once: none reached the app as it began
        # the summary (before the fix: some 20 each time, and most runs went blank).
        assert computer.refreshes_after == 0, computer.refreshes_after
        table = main_area(console).get_by_test_id("stDataFrame")
        expect(table).to_be_visible(timeout=slow(CHART_MS))
        wait_for_app_run(console)
        # The whole summary, still there once the page has finished.
        expect(heading(console, "Session summary")).to_be_visible()
        table.scroll_into_view_if_needed()  # the grid draws its cells once it is on screen
        expect(table.locator("[role='gridcell']")).to_have_count(4 * asked)
        download = main_area(console).get_by_role("button", name="Download answers (CSV)")
        expect(download).to_be_visible()
        assert urlparse(console.url).path == "/summary"
        console.evaluate("() => { window.__hurry = 0; }")
        console.get_by_test_id("stSidebarNav").get_by_role("link", name="Group console").click()
        expect(heading(console, "Group console")).to_be_visible()
