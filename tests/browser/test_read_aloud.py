"""Read aloud, in a real browser, with the page's speech synthesis replaced by a recorder.

The recorder (window.speechSynthesis and SpeechSynthesisUtterance swapped in before the app
loads) keeps every utterance: its text, rate and voice. For every kind of step and question
(tests/fixtures/read-aloud: one lesson with each step kind, one quiz with each question kind),
a tap on Listen must say the words the block shows, in the order shown: the page's own text of
the block (without buttons, icons, sources or nested blocks) with the course's pronunciations
applied, compared word by word. Also: nothing is ever said before a tap; Pause and Stop work;
the speed chosen in the sidebar is kept for the learner (a new session says it at that rate);
a step with a recording plays it instead of the voice; a device with no voice says so; and
the counselor's console reads the step aloud on a tap.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from browser_kit import (
    REPO,
    Server,
    click_button,
    main_area,
    open_app,
    screenshot,
    start_new_learner,
    start_server,
    step_label,
    stop_server,
    wait_for_app_run,
)
from playwright.sync_api import expect
from sqlalchemy import select
from test_group_session import open_console, step_title

from course.speech import Pronunciations
from course.store import Store
from course.store.db import read
from course.store.schema import learners

pytestmark = pytest.mark.browser

CONTENT = REPO / "tests" / "fixtures" / "read-aloud"
LESSON = "listen-sample"
QUIZ = "listen-quiz"

RECORDER = """(() => {
  const spoken = []; window.__spoken = spoken; window.__autoEnd = true; let queue = [];
  window.__synthCalls = [];
  class Utterance { constructor(text) { this.text = text; this.rate = 1; this.lang = '';
    this.voice = null; this.onend = null; this.onerror = null; } }
  const voices = [{name: 'Recorder', lang: 'en-US', default: true, localService: true,
                   voiceURI: 'recorder'}];
  const synth = {
    getVoices: () => voices.slice(),
    speak(u) { spoken.push({text: u.text, rate: u.rate, lang: u.lang,
                            voice: u.voice && u.voice.name}); queue.push(u);
               if (window.__autoEnd) synth.endOne(); },
    endOne() { const u = queue.shift(); if (u) setTimeout(() => u.onend && u.onend({}), 0); },
    cancel() { window.__synthCalls.push('cancel'); const q = queue; queue = [];
               q.forEach(u => u.onerror && u.onerror({error: 'canceled'})); },
    pause() { window.__synthCalls.push('pause'); },
    resume() { window.__synthCalls.push('resume'); },
    addEventListener() {}, removeEventListener() {},
  };
  Object.defineProperty(window, 'speechSynthesis', {value: synth, configurable: true});
  window.SpeechSynthesisUtterance = Utterance;
})();"""

# The visible text of a block: every text node shown, in order, leaving out what Listen does
# not read (its own controls, buttons, icons, sources, the value boxes of widgets, other
# blocks inside it, and a chart's drawing, whose events the list under it says). Scenario
# choices are buttons, and are read.
VISIBLE_TEXT = """(root) => {
  const skipped = '.course-listen, [data-testid="stIconMaterial"], [data-testid="stExpander"],'
    + ' [data-testid="stAlertDynamicIcon"], [data-testid="stIconEmoji"],'
    + ' [data-testid="stPlotlyChart"],'
    + ' [data-baseweb="select"], [data-testid="InputInstructions"], textarea, input,'
    + ' [data-testid="stFormSubmitButton"], [data-testid="stTooltipIcon"]';
  const out = [];
  const walk = (node) => {
    if (node.nodeType === 3) { out.push(node.textContent); return; }
    if (node.nodeType !== 1) return;
    if (node.matches(skipped)) return;
    if (node !== root && node.matches('[class*="st-key-read-"]')) return;
    if (node.tagName === 'BUTTON' && !node.closest('[class*="st-key-scene-now-"]')) return;
    const style = getComputedStyle(node);
    if (style.display === 'none' || style.visibility === 'hidden') return;
    for (const child of node.childNodes) walk(child);
    out.push(' ');
  };
  walk(root);
  return out.join(' ');
}"""


def sayings() -> Pronunciations:
    manifest = yaml.safe_load((CONTENT / "lessons" / "course.yaml").read_text(encoding="utf-8"))
    return Pronunciations({str(k): str(v) for k, v in manifest["pronunciations"].items()})


def words(text: str) -> list[str]:
    return re.findall(r"[\w']+", text.lower())


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """The read-aloud fixture course (copied: the app may write nothing into the repo)."""
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    return root


@pytest.fixture
def db_url(workdir: Path) -> str:
    return f"sqlite:///{workdir / 'read-aloud.db'}"


@pytest.fixture
def server(workdir: Path, content: Path, db_url: str) -> Iterator[Server]:
    env = {"COURSE_DATABASE_URL": db_url, "COURSE_ROOT": str(content)}
    started = start_server(workdir, env)
    try:
        yield started
    finally:
        stop_server(started)


def recorded_page(new_phone: Any) -> Any:
    page = new_phone()
    page.context.add_init_script(RECORDER)
    return page


def spoken(page: Any) -> list[dict[str, Any]]:
    said: list[dict[str, Any]] = page.evaluate("window.__spoken.slice()")
    return said


def block(page: Any, key: str) -> Any:
    return main_area(page).locator(f".st-key-read-{key}")


def listen(page: Any, key: str) -> list[dict[str, Any]]:
    """Tap the block's Listen control; return what was said until it finished."""
    before = len(spoken(page))
    group = block(page, key).locator(".course-listen").first
    group.locator("[data-course-say='play']").click()
    page.wait_for_function(f"window.__spoken.length > {before}")
    expect(group).to_have_attribute("data-state", "idle")  # read to the end
    return spoken(page)[before:]


def assert_reads_what_shows(page: Any, key: str) -> list[dict[str, Any]]:
    """Listen to the block, and compare what was said with what the block shows."""
    said = listen(page, key)
    shown = block(page, key).evaluate(VISIBLE_TEXT)
    expected = words(sayings().apply(shown))
    heard = words(" ".join(u["text"] for u in said))
    assert heard == expected, f"{key}:\nheard    {heard}\nexpected {expected}"
    assert all(u["voice"] == "Recorder" and u["lang"] == "en-US" for u in said)
    for marks in ("**", "](", "http", "nida-words"):  # no Markdown, addresses or source ids
        assert not any(marks in u["text"] for u in said), (key, marks)
    return said


def test_every_step_and_question_reads_what_it_shows_and_only_on_a_tap(
    server: Server, new_phone: Any, test_name: str
) -> None:
    page = recorded_page(new_phone)
    start_new_learner(page, server.base)
    lesson = yaml.safe_load((CONTENT / "lessons" / f"{LESSON}.yaml").read_text(encoding="utf-8"))
    steps = lesson["steps"]
    open_app(page, f"{server.base}/lesson?lesson={LESSON}")
    expect(step_label(page)).to_have_text(f"Step 1 of {len(steps)}")
    assert spoken(page) == []  # nothing is read without a tap

    # Plain words: no marks, no address, the list as items, the course's pronunciations.
    said = assert_reads_what_shows(page, f"step-{LESSON}-words")
    texts = [u["text"] for u in said]
    assert texts == [
        "Plain words",
        "Keep nuh-LOX-own close. See the guide for more.",
        "Call 9 1 1 first.",
        "Then call 9 8 8 for support, 3 to 5 times a week if it helps.",
    ]
    screenshot(page, test_name, "text-step")

    for number, step in enumerate(steps[1:], start=2):
        click_button(page, "Next")
        expect(step_label(page)).to_have_text(f"Step {number} of {len(steps)}")
        key = f"step-{LESSON}-{step['id']}"
        if step.get("audio"):
            continue  # read by its recording: below
        if step["kind"] == "myth_fact":
            assert_reads_what_shows(page, key)  # the myth only, until the card is turned
            click_button(page, "Turn over to see the facts")
            said = assert_reads_what_shows(page, key)
            assert any(step["cards"][0]["fact"] in u["text"] for u in said)
        elif step["kind"] == "check":
            assert_reads_what_shows(page, key)
            question = f"q-check-{LESSON}-{step['id']}"
            said = assert_reads_what_shows(page, question)
            assert [u["text"] for u in said][-3:] == [
                "Choose one answer",
                *(o["text"].replace("911", "9 1 1").replace("naloxone", "nuh-LOX-own")
                  for o in _in_shown_order(page, question, step["question"]["options"])),
            ]  # fmt: skip
            main_area(page).get_by_text("Let them sleep it off.").click()
            click_button(page, "Check my answer")
            feedback = f"fb-check-{LESSON}-{step['id']}"
            expect(block(page, feedback)).to_contain_text("Hint for another try")
            said = assert_reads_what_shows(page, feedback)
            assert "Hint for another try: Think about who can help fastest." in [
                u["text"] for u in said
            ]
        elif step["kind"] == "scenario":
            assert_reads_what_shows(page, key)  # the start and its two choices
            click_button(page, "Say no and leave.", exact=True)
            expect(main_area(page).get_by_text("You chose: Say no and leave.")).to_be_visible()
            said = assert_reads_what_shows(page, key)  # the path so far and the debrief
            assert said[-1]["text"] == "What to take from this: Leaving was a strong choice."
        elif step["kind"] == "drill":
            assert_reads_what_shows(page, key)
            click_button(page, "Start a round")
            item = main_area(page).locator('[class*="st-key-read-q-drill-"]')
            expect(item).to_be_visible()
            name = item.get_attribute("class") or ""
            question = re.search(r"st-key-read-(q-drill-\S+)", name)
            assert question is not None
            assert_reads_what_shows(page, question.group(1))
        else:
            assert_reads_what_shows(page, key)
        screenshot(page, test_name, f"step-{number}-{step['kind']}")
    assert all(u["rate"] == 1 for u in spoken(page))  # the normal speed until one is chosen

    # Every question kind of the quiz, with its options in the order this learner sees them.
    quiz = yaml.safe_load((CONTENT / "quizzes" / f"{QUIZ}.yaml").read_text(encoding="utf-8"))
    open_app(page, f"{server.base}/quiz?lesson={LESSON}")
    for number, question in enumerate(quiz["questions"], start=1):
        expect(main_area(page).get_by_text(f"Question {number} of")).to_be_visible()
        shown = main_area(page).locator('[class*="st-key-read-q-quiz-"]').first
        name = re.search(r"st-key-read-(q-quiz-\S+)", shown.get_attribute("class") or "")
        assert name is not None
        said = assert_reads_what_shows(page, name.group(1))
        assert said[0]["text"] == re.sub(r"\*\*", "", question["prompt"]).replace("988", "9 8 8")
        if number < len(quiz["questions"]):
            click_button(page, "Next")
    screenshot(page, test_name, "quiz")

    # The course map's lesson summary.
    open_app(page, f"{server.base}/map")
    card = main_area(page).locator(f'[class*="st-key-read-card-"][class*="-{LESSON}"]').first
    name = re.search(r"st-key-read-(card-\S+)", card.get_attribute("class") or "")
    assert name is not None
    said = assert_reads_what_shows(page, name.group(1))
    assert said[1]["text"] == "A lesson to listen to, with nuh-LOX-own and 9 8 8 in it."


def _in_shown_order(page: Any, key: str, options: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The options in the order the radio shows them (each learner has their own order)."""
    labels = block(page, key).get_by_test_id("stRadio").locator("label").all_inner_texts()
    by_text = {o["text"]: o for o in options}
    return [by_text[label.strip()] for label in labels if label.strip() in by_text]


def test_pause_stop_speed_kept_and_the_recording_played(
    server: Server, db_url: str, new_phone: Any, test_name: str
) -> None:
    page = recorded_page(new_phone)
    start_new_learner(page, server.base)
    open_app(page, f"{server.base}/lesson?lesson={LESSON}")
    key = f"step-{LESSON}-words"
    group = block(page, key).locator(".course-listen").first

    # Pause, Resume and Stop, with the voice held on its first piece.
    page.evaluate("window.__autoEnd = false")
    group.locator("[data-course-say='play']").click()
    expect(group).to_have_attribute("data-state", "playing")
    pause = group.locator("[data-course-say='pause']")
    expect(pause).to_be_focused()  # the keyboard stays on the control
    pause.click()
    expect(group).to_have_attribute("data-state", "paused")
    expect(pause).to_have_text("Resume")
    pause.click()
    expect(group).to_have_attribute("data-state", "playing")
    group.locator("[data-course-say='stop']").click()
    expect(group).to_have_attribute("data-state", "idle")
    assert page.evaluate("window.__synthCalls").count("pause") == 1
    assert page.evaluate("window.__synthCalls").count("resume") == 1
    assert [u["text"] for u in spoken(page)] == ["Plain words"]  # stopped: no more pieces
    page.evaluate("window.speechSynthesis.endOne(); window.__autoEnd = true")
    expect(group).to_have_attribute("data-state", "idle")
    assert len(spoken(page)) == 1

    # Keyboard: Enter on the focused Listen control reads.
    group.locator("[data-course-say='play']").focus()
    page.keyboard.press("Enter")
    expect(group).to_have_attribute("data-state", "idle")
    page.wait_for_function("window.__spoken.length > 1")

    # The speed, chosen in the sidebar, is kept for the learner: a new session reads at it.
    page.get_by_test_id("stExpandSidebarButton").click()
    slider = page.get_by_test_id("stSidebar").get_by_role("slider")
    slider.focus()
    page.keyboard.press("ArrowRight")  # Normal -> Faster
    wait_for_app_run(page)
    expect(slider).to_have_attribute("aria-valuetext", "Faster")
    store = Store(db_url)
    try:
        with read(store.engine) as conn:
            assert conn.scalar(select(learners.c.speech_rate)) == 1.25
    finally:
        store.close()
    page.get_by_role("button", name="Collapse sidebar").click()
    open_app(page, f"{server.base}/lesson?lesson={LESSON}")  # a new Streamlit session
    said = listen(page, key)
    assert {u["rate"] for u in said} == {1.25}

    # The discussion step has a recording: Listen plays it, and the voice says nothing.
    steps = yaml.safe_load((CONTENT / "lessons" / f"{LESSON}.yaml").read_text())["steps"]
    number = next(n for n, s in enumerate(steps, start=1) if s.get("audio"))
    for n in range(2, number + 1):
        click_button(page, "Next")
        expect(step_label(page)).to_have_text(f"Step {n} of {len(steps)}")
    before = len(spoken(page))
    talk = block(page, f"step-{LESSON}-{steps[number - 1]['id']}")
    talk.locator("[data-course-say='play']").click()
    audio = talk.locator("audio")
    page.wait_for_function(
        "(a) => a.currentTime > 0 || a.ended", arg=audio.element_handle()
    )  # it played
    assert audio.evaluate("a => a.playbackRate") == 1.25
    expect(talk.locator(".course-listen")).to_have_attribute("data-state", "idle")  # it ended
    assert len(spoken(page)) == before
    screenshot(page, test_name, "recording")


def test_a_device_without_a_voice_is_told_so(
    server: Server, new_phone: Any, test_name: str
) -> None:
    page = new_phone()
    page.context.add_init_script(
        "Object.defineProperty(window, 'speechSynthesis', {value: {getVoices: () => [],"
        " addEventListener() {}, cancel() {}, speak() { window.__spokeAnyway = true; }},"
        " configurable: true});"
    )
    start_new_learner(page, server.base)
    open_app(page, f"{server.base}/lesson?lesson={LESSON}")
    group = block(page, f"step-{LESSON}-words").locator(".course-listen").first
    group.locator("[data-course-say='play']").click()
    expect(group.get_by_role("status")).to_have_text(re.compile("no English voice"))
    assert page.evaluate("window.__spokeAnyway") is None
    screenshot(page, test_name, "no-voice")


def test_the_console_reads_the_step_aloud_on_the_counselors_tap(
    servers: list[Server], workdir: Path, open_page: Any, test_name: str
) -> None:
    """On the counselor's laptop (the one that runs the projector), with the shipped course."""
    console = open_console(
        open_page, servers, workdir, "console", lambda ctx: ctx.add_init_script(RECORDER)
    ).page
    assert spoken(console) == []
    step = main_area(console).locator('[class*="st-key-read-room-"]').first
    name = re.search(r"st-key-read-(room-\S+)", step.get_attribute("class") or "")
    assert name is not None
    expect(step.get_by_role("button", name=re.compile("^Read this step aloud"))).to_be_visible()
    said = assert_reads_what_shows(console, name.group(1))
    assert said[0]["text"] == step_title(1)
    screenshot(console, test_name, "console")
