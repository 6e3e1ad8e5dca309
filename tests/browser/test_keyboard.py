"""A new learner with only a keyboard (WCAG 2.2 AA), on a desktop and on a phone.

Tab, Shift+Tab, Enter, Space and arrow keys only: start, lesson 1 to its end with its quick
check, the first quiz question, My progress from the sidebar, the quick exit, then Back. On
one long step the test also goes up with Shift+Tab and back (a check, counted apart).

At every focus stop the focus must show (2.4.7): a ring (outline or box-shadow) that comes
with focus, or a colour change of at least 3:1 (1.4.11); for Streamlit's visually hidden radio
and checkbox inputs, on the label drawn for them. The focused control's centre must not be
under Streamlit's header or another fixed element (2.4.11). axe-core runs on every page.
Problems are collected and reported together; the keys pressed per stage are printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from browser_kit import (
    SCREENSHOTS,
    check_accessibility,
    main_area,
    open_app,
    safe_name,
    shipped,
    step_label,
    track_lessons,
    wait_for_app_run,
)
from playwright.sync_api import expect
from test_learner_flow import question_form
from test_learner_safety import fake_weather_site, shows_nothing_of

pytestmark = pytest.mark.browser

TRACK = track_lessons("learner")


LESSON = shipped("lessons", TRACK[0])
QUIZ = shipped("quizzes", LESSON["quiz"])
STEPS = [s for s in LESSON["steps"] if s.get("audience", "both") in ("both", "learner")]
MOVES = ("Tab", "Shift+Tab", "ArrowDown", "ArrowUp", "ArrowLeft", "ArrowRight")
# The step with the most controls (cards to turn), swept backward as a check.
SWEPT_STEP = next((n for n, s in enumerate(STEPS, start=1) if s["kind"] == "myth_fact"), 1)
CHECK = "check only: "
MIN_CONTRAST = 3.0  # WCAG 1.4.11: a focus indicator against what it replaces
MAX_SCREENSHOTS = 12

# Helpers shared by the two scripts below. Streamlit hides radio and checkbox inputs (1 px,
# clipped) and draws their label instead: that label and what is in it are what must show focus.
_JS_KIT = """
  const concealed = (e) => {  // e.g. inside a 1 px clipped box, as Streamlit hides inputs
    for (let a = e, n = 0; a && n < 3; a = a.parentElement, n++) {
      const r = a.getBoundingClientRect(), s = getComputedStyle(a);
      const clips = s.overflow !== 'visible' || s.clip !== 'auto' || s.clipPath !== 'none';
      if ((r.width <= 1 || r.height <= 1) && (a === e || clips)) return true; }
    return false; };
  const controlOf = (el) => concealed(el) ? (el.closest('label') || el) : el;
  // What draws the control: it, the frames that hug it (a text box's border), what is in a
  // label (a radio's circle), less the hidden input itself. The control comes first.
  const hugs = (outer, inner) => { const a = outer.getBoundingClientRect();
    const b = inner.getBoundingClientRect();
    return a.left >= b.left - 16 && a.top >= b.top - 16 && a.right <= b.right + 16
      && a.bottom <= b.bottom + 16; };
  const partsOf = (el) => { const c = controlOf(el), frames = [];
    for (let a = c.parentElement, n = 0; a && n < 4 && hugs(a, c); a = a.parentElement, n++) {
      frames.push(a); }
    const inside = c === el ? [] : [...c.querySelectorAll('*')]
      .filter((p) => !(p.contains(el) || el.contains(p)));
    return [c, ...frames, ...inside]; };
  const finite = (a) => a.effect && a.effect.getComputedTiming().iterations !== Infinity;
  const settle = async (parts) => {
    const running = parts.flatMap((p) => p.getAnimations()).filter(finite);
    await Promise.race([Promise.all(running.map((a) => a.finished.catch(() => null))),
                        new Promise((done) => setTimeout(done, 2000))]);
    const scrollers = [document.scrollingElement,
      ...document.querySelectorAll("[data-testid='stMain'], [data-testid='stSidebarContent']")];
    for (let same = 0, last = '', n = 0; same < 2 && n < 60; n++) {
      await new Promise((done) => requestAnimationFrame(done));
      const now = scrollers.map((s) => s.scrollTop).join();
      same = now === last ? same + 1 : 0; last = now;
    } };
  const rgba = (c) => { const m = (c.match(/[\\d.]+/g) || ['0', '0', '0', '0']).map(Number);
    return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1]; };
  const over = (top, under) => top.slice(0, 3).map((v, i) => v * top[3] + under[i] * (1 - top[3]));
  const backdrop = (e) => { const chain = []; for (let a = e; a; a = a.parentElement) chain.push(a);
    return chain.reverse().reduce((c, a) => over(rgba(getComputedStyle(a).backgroundColor), c),
                                  [255, 255, 255]); };
  const shadowShows = (s) => s !== 'none' && s.split(/,(?![^(]*\\))/).some((one) => {
    const color = rgba((one.match(/rgba?\\([^)]*\\)/) || ['rgba(0,0,0,0)'])[0]);
    const sizes = one.replace(/rgba?\\([^)]*\\)/, '').match(/-?[\\d.]+px/g) || [];
    return color[3] > 0 && sizes.some((v) => parseFloat(v) !== 0); });
  const look = (p) => { const s = getComputedStyle(p); const bg = backdrop(p);
    return {bg, border: over(rgba(s.borderTopColor), bg), text: over(rgba(s.color), bg),
      ring: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0
             && rgba(s.outlineColor)[3] > 0) || shadowShows(s.boxShadow)}; };
  const nameOf = (e) => {
    const aria = e.getAttribute('aria-label'); if (aria) return aria.trim();
    const label = (e.labels && e.labels[0]) || e.closest('label');
    const source = e.tagName === 'INPUT' && label ? label : e;
    const copy = source.cloneNode(true);
    copy.querySelectorAll('[aria-hidden="true"], [data-testid="stIconMaterial"], style, script')
      .forEach((x) => x.remove());
    return (copy.textContent || '').replace(/\\s+/g, ' ').trim(); };
  const tag = (e) => e.tagName.toLowerCase() +
    (e.getAttribute('data-testid') ? `[data-testid='${e.getAttribute('data-testid')}']` : '') +
    (e.tagName === 'INPUT' ? `[type=${e.type}]` : '');
"""
# The focused element: its name, how its parts look, and whether anything covers its centre
# (clamped into the viewport) once the browser has scrolled it into view.
_FOCUS_STOP = (
    "async () => {"
    + _JS_KIT
    + """
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return {lost: true};
  const control = controlOf(el), parts = partsOf(el);
  await settle(parts);
  let opacity = 1, hidden = false;
  for (let a = control; a; a = a.parentElement) {
    const s = getComputedStyle(a); opacity *= Number(s.opacity);
    hidden = hidden || s.visibility === 'hidden'; }
  const r = control.getBoundingClientRect();
  const [vw, vh] = [window.innerWidth, window.innerHeight];
  const onScreen = r.right > 0 && r.bottom > 0 && r.left < vw && r.top < vh;
  const hit = document.elementFromPoint(Math.min(Math.max(r.left + r.width / 2, 0), vw - 1),
                                        Math.min(Math.max(r.top + r.height / 2, 0), vh - 1));
  const own = control.closest("[data-testid='stElementContainer'], " +
    "[data-testid='stSidebarNavLinkContainer'], [data-testid='stHeader'] button") || control;
  let cover = null;
  if (onScreen && hit && !own.contains(hit) && !hit.contains(own)) {
    cover = hit;
    for (let a = hit; a; a = a.parentElement) {
      const position = getComputedStyle(a).position;
      if (a.getAttribute('data-testid') === 'stHeader' || ['fixed', 'sticky'].includes(position)) {
        cover = a; break; } } }
  const name = nameOf(el);
  return {lost: false, name, what: `${tag(el)} "${name.slice(0, 50)}"`,
    looks: parts.map(look), invisible: hidden || opacity < 0.2, onScreen,
    cover: cover && `${tag(cover)} "${nameOf(cover).slice(0, 40)}"`,
    box: [r.left, r.top, r.width, r.height].map(Math.round)};
}"""
)
# How the same element looks once focus has left it (null if a rerun replaced it).
_LOOK_AGAIN = (
    "async (el) => {"
    + _JS_KIT
    + """
  if (!el.isConnected) return null;
  const parts = partsOf(el);
  await settle(parts);
  return parts.map(look);
}"""
)


def luminance(rgb: list[float]) -> float:
    """Relative luminance of an sRGB colour (WCAG 2)."""
    linear = [c / 255 for c in rgb]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in linear]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: list[float], b: list[float]) -> float:
    """WCAG contrast ratio of two opaque colours (1 to 21)."""
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def focus_change(focused: list[dict[str, Any]], left: list[dict[str, Any]]) -> tuple[bool, float]:
    """Tell whether a ring shows only with focus, and the largest colour change it makes."""
    pairs = list(zip(focused, left, strict=False))  # a part may come or go (a radio's dot)
    ring = any(f["ring"] and not u["ring"] for f, u in pairs)
    change = max(contrast(f[prop], u[prop]) for f, u in pairs for prop in ("bg", "border", "text"))
    return ring, change


@dataclass
class Journey:
    """Keys pressed by stage, and every problem seen at a focus stop, grouped to report."""

    page: Any
    kind: str
    test_name: str
    axe_js: str
    stage: str = ""
    presses: dict[str, int] = field(default_factory=dict)
    problems: dict[str, dict[str, list[Any]]] = field(default_factory=dict)
    pending: tuple[Any, dict[str, Any], str] | None = None
    shots: int = 0

    def press(self, key: str) -> dict[str, Any] | None:
        """Press one key; after a move, check the focus stop it lands on."""
        self.page.keyboard.press(key)
        self.presses[self.stage] = self.presses.get(self.stage, 0) + 1
        self.settle(key)
        return self.check_stop(f"{self.stage}, {key}") if key in MOVES else None

    def check_stop(self, where: str) -> dict[str, Any]:
        """Check the focused element shows and is not covered; judge its style once it is left."""
        stop: dict[str, Any] = self.page.evaluate(_FOCUS_STOP)
        if stop["lost"]:
            return stop
        if stop["invisible"]:
            self.problem("focused element is invisible (opacity or visibility)", stop, where)
        if not stop["onScreen"] and where.endswith(KEPT):
            self.problem(KEPT_OFF_SCREEN, stop, where)
        elif not stop["onScreen"]:
            self.problem("focus is off-screen (WCAG 2.4.7, 2.4.11)", stop, where)
        elif stop["cover"]:
            self.problem(f"focus hidden under {stop['cover']} (WCAG 2.4.11)", stop, where)
        self.pending = (self.page.evaluate_handle("document.activeElement"), stop, where)
        return stop

    def settle(self, key: str) -> None:
        """Judge the last stop's focus style: its look focused against its look once left.

        An arrow key also changes a radio's choice: then only the control's own look counts
        (Streamlit shows a radio's focus on its label, its choice in the circle inside).
        """
        if self.pending is None:
            return
        handle, stop, where = self.pending
        if self.page.evaluate("(el) => el === document.activeElement", handle):
            return  # Enter or Space on it: focus did not move
        self.pending = None
        left = self.page.evaluate(_LOOK_AGAIN, handle)
        handle.dispose()
        if left is None:
            self.finish_alone(stop, where)  # a rerun replaced it
            return
        looks = stop["looks"]
        if key.startswith("Arrow"):
            looks, left = looks[:1], left[:1]
        ring, change = focus_change(looks, left)
        if ring:
            return
        if change <= 1.01:
            self.problem(NO_FOCUS, stop, where, shoot=False)
        elif change < MIN_CONTRAST:
            faint = (
                f"faint focus indicator: only a colour change of {change:.2f}:1 "
                f"(WCAG 1.4.11 asks {MIN_CONTRAST:g}:1 for a focus indicator)"
            )
            self.problem(faint, stop, where, shoot=False)

    def leave(self, key: str) -> None:
        """Press a key that leaves the page: judge the last stop from its focused look alone."""
        if self.pending is not None:
            _, stop, where = self.pending
            self.pending = None
            self.finish_alone(stop, where)
        self.page.keyboard.press(key)
        self.presses[self.stage] = self.presses.get(self.stage, 0) + 1

    def begin(self, stage: str) -> None:
        """Start a stage of the journey, printing the keys the last one took."""
        if self.stage:
            print(f"[{self.kind}] {self.stage}: {self.presses.get(self.stage, 0)} keys")
        self.stage = stage

    def finish_alone(self, stop: dict[str, Any], where: str) -> None:
        if not any(part["ring"] for part in stop["looks"]):
            self.problem(NO_FOCUS, stop, where, shoot=False)

    def problem(self, what: str, stop: dict[str, Any], where: str, *, shoot: bool = True) -> None:
        """Note a problem once per element, counting repeats (screenshots of the first few)."""
        seen = self.problems.setdefault(what, {})
        if stop["what"] in seen:
            seen[stop["what"]][1] += 1
            return
        seen[stop["what"]] = [f"{stop['what']} at {stop['box']} ({where})", 1]
        if shoot and self.shots < MAX_SCREENSHOTS:
            self.shots += 1
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            name = safe_name(f"{self.test_name}-focus-{self.shots}")
            self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
            seen[stop["what"]][0] += f" [artifacts/screenshots/{name}.png]"

    def axe(self, where: str) -> None:
        try:
            check_accessibility(self.page, self.axe_js, f"{where} ({self.kind})")
        except AssertionError as found:
            self.problems.setdefault("axe-core", {})[where] = [str(found), 1]

    def report(self) -> str:
        lines = [f"keys pressed per stage ({self.kind}):"]
        lines += [f"  {stage}: {n}" for stage, n in self.presses.items()]
        journey = sum(n for stage, n in self.presses.items() if not stage.startswith(CHECK))
        lines.append(f"  journey total: {journey}")
        for what, seen in self.problems.items():
            lines.append(f"{what} [{self.kind}]:")
            lines += [f"  - {line}" + (f" (x{n})" if n > 1 else "") for line, n in seen.values()]
        return "\n".join(lines)


NO_FOCUS = "no visible focus indicator (WCAG 2.4.7)"
KEPT = "focus kept"
KEPT_OFF_SCREEN = (
    "focus stays on a control the app scrolled out of view when the step changed "
    "(WCAG 2.4.7, 2.4.3)"
)
_NAME = (
    "() => {"
    + _JS_KIT
    + """
  const el = document.activeElement;
  return el && el !== document.body ? nameOf(el) : null; }"""
)


def is_named(found: str | None, name: str | re.Pattern[str]) -> bool:
    if found is None:
        return False
    return bool(name.fullmatch(found)) if isinstance(name, re.Pattern) else found == name


def tab_to(
    page: Any,
    name: str | re.Pattern[str],
    max_presses: int = 120,
    *,
    journey: Journey | None = None,
    backward: bool = False,
) -> int:
    """Press Tab (Shift+Tab if backward) until the focused element has this accessible name.

    Returns the presses (0 if focus is already there, e.g. kept on a button through a rerun;
    that stop is checked too). With a journey, every stop is checked and counted.
    """
    key = "Shift+Tab" if backward else "Tab"
    if is_named(page.evaluate(_NAME), name):
        if journey is not None:
            journey.check_stop(f"{journey.stage}, {KEPT}")
        return 0
    for presses in range(1, max_presses + 1):
        if journey is not None:
            found = (journey.press(key) or {}).get("name")
        else:
            page.keyboard.press(key)
            found = page.evaluate(_NAME)
        if is_named(found, name):
            return presses
    raise AssertionError(f"no {name!r} after {max_presses} presses of {key}")


def activate(journey: Journey, name: str) -> None:
    """Tab to a button or link, press Enter, and wait for the rerun."""
    tab_to(journey.page, name, journey=journey)
    journey.press("Enter")
    wait_for_app_run(journey.page)


def right_answer(question: dict[str, Any]) -> str:
    """The text of the right option of a single-choice or true/false question."""
    if question["kind"] == "true_false":
        return "True" if question["answer"] else "False"
    (right,) = [o["text"] for o in question["options"] if o.get("correct")]
    return str(right)


def answer_by_keyboard(journey: Journey, question: dict[str, Any]) -> None:
    """Tab into the radio group, arrow keys (Space for the first) to the right answer, check."""
    form = question_form(journey.page, question)
    options = [" ".join(t.split()) for t in form.get_by_test_id("stRadioOption").all_inner_texts()]
    wanted = right_answer(question)
    assert wanted in options, f"{wanted!r} is not among the options {options}"
    tab_to(journey.page, re.compile("|".join(map(re.escape, options))), journey=journey)
    moves = options.index(wanted) - options.index(journey.page.evaluate(_NAME))
    for _ in range(abs(moves)):
        journey.press("ArrowDown" if moves > 0 else "ArrowUp")
    if moves == 0:
        journey.press("Space")
    expect(form.get_by_role("radio", name=wanted, exact=True)).to_be_checked()
    activate(journey, "Check my answer")


# --- the journey, stage by stage -------------------------------------------------------------


def start_to_lesson_one(journey: Journey, app_url: str) -> str:
    """Start the course and open lesson 1; return the learner's code."""
    page = journey.page
    open_app(page, app_url)
    journey.axe("start page")
    activate(journey, "Start the course")
    code_block = page.get_by_test_id("stCode")
    expect(code_block).to_be_visible()
    code = code_block.inner_text().strip()
    journey.axe("new code page")
    activate(journey, "I've written it down")
    expect(step_label(page)).to_have_text(f"Step 1 of {len(STEPS)}")
    journey.axe("lesson, step 1")
    return str(code)


def walk_the_lesson(journey: Journey) -> None:
    """Every step with Next, answering the quick check; then Go to the quiz."""
    main = main_area(journey.page)
    for number, step in enumerate(STEPS, start=1):
        expect(step_label(journey.page)).to_have_text(f"Step {number} of {len(STEPS)}")
        if step["kind"] == "check":
            answer_by_keyboard(journey, step["question"])
            expect(main.get_by_text("That's right.", exact=True)).to_be_visible()
            journey.axe(f"lesson, quick check answered (step {number})")
        button = "Next" if number < len(STEPS) else "Go to the quiz"
        tab_to(journey.page, button, journey=journey)
        if number == SWEPT_STEP:
            sweep_up_and_back(journey, number, button)
        journey.press("Enter")
        wait_for_app_run(journey.page)
    total = len(QUIZ["questions"])
    expect(main.get_by_role("heading", name=f"Question 1 of {total}")).to_be_visible()
    journey.axe("quiz, question 1")


def sweep_up_and_back(journey: Journey, number: int, button: str) -> None:
    """From its button, Shift+Tab up a long step to the top line's Exit, then Tab back.

    A check, counted apart from the journey (which it leaves where it was): going backward,
    the browser scrolls each control in from the top edge, where Streamlit's header could
    cover it.
    """
    stage, journey.stage = journey.stage, f"{CHECK}Shift+Tab up step {number} to Exit and back"
    tab_to(journey.page, "Exit", journey=journey, backward=True)
    tab_to(journey.page, button, journey=journey)
    journey.stage = stage


def first_quiz_question(journey: Journey) -> None:
    """Answer question 1 with the keyboard, then Next to question 2."""
    main = main_area(journey.page)
    question = QUIZ["questions"][0]
    assert question["kind"] in ("single", "true_false"), question["kind"]
    answer_by_keyboard(journey, question)
    verdict = main.get_by_text(re.compile(r"^(That's right\.|Not quite\.)$"))
    expect(verdict.first).to_be_visible()
    journey.axe("quiz, question 1 answered")
    activate(journey, "Next")
    total = len(QUIZ["questions"])
    expect(main.get_by_role("heading", name=f"Question 2 of {total}")).to_be_visible()


def open_my_progress(journey: Journey) -> None:
    """Open My progress from the sidebar (on a phone, open the sidebar first)."""
    page = journey.page
    if journey.kind == "phone":
        activate(journey, "Expand sidebar")
        expect(page.get_by_test_id("stSidebar")).to_have_attribute("data-collapsed", "false")
        journey.axe("sidebar open")
    activate(journey, "My progress")
    expect(main_area(page).get_by_role("heading", name="My progress")).to_be_visible()
    journey.axe("My progress")


def quick_exit_then_back(journey: Journey, app_url: str, code: str) -> None:
    """The top line's Exit, by keyboard; Back then shows nothing of the course."""
    page = journey.page
    tab_to(page, "Exit", journey=journey)
    journey.leave("Enter")
    page.wait_for_url(re.compile(r"^https://www\.google\.com/"))
    expect(page.get_by_role("heading", name="Weather today")).to_be_visible()
    for press in range(1, 4):
        page.go_back()
        shows_nothing_of(page, app_url, code, f"Back x{press} after the quick exit ({page.url})")


STAGES = (
    "start page to lesson 1",
    f"lesson 1, all {len(STEPS)} steps and its quick check",
    "quiz question 1, then Next",
    "My progress from the sidebar",
    "quick exit",
)


@pytest.mark.parametrize("kind", ["desktop", "phone"])
def test_a_learner_with_only_a_keyboard(
    open_page: Any, app_url: str, axe_js: str, kind: str, test_name: str
) -> None:
    page = open_page(kind)
    fake_weather_site(page.context)
    journey = Journey(page, kind, test_name, axe_js)
    try:
        journey.begin(STAGES[0])
        code = start_to_lesson_one(journey, app_url)
        journey.begin(STAGES[1])
        walk_the_lesson(journey)
        journey.begin(STAGES[2])
        first_quiz_question(journey)
        journey.begin(STAGES[3])
        open_my_progress(journey)
        journey.begin(STAGES[4])
        quick_exit_then_back(journey, app_url, code)
    finally:
        print("\n" + journey.report())
    assert not journey.problems, "keyboard problems:\n" + journey.report()
