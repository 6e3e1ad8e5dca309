"""A new learner with only a keyboard: Tab, Shift+Tab, Enter, Space and the arrow keys.

Start, lesson 1 (answering its quick check), the quiz's first question, My progress from the
menu, then Exit. At every focus stop the focus must be visible (an outline or a ring, on the
control or, for Streamlit's visually hidden radio and checkbox inputs, on the circle or box
drawn for them) and not covered by a fixed or sticky element such as Streamlit's header.
axe-core runs on every page of the journey. The keys pressed per stage are printed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from browser_kit import (
    DESKTOP,
    check_accessibility,
    main_area,
    open_app,
    phone_options,
    step_label,
    wait_for_app_run,
)
from playwright.sync_api import expect
from test_learner_safety import fake_weather_site, shows_nothing_of

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
COURSE = yaml.safe_load((REPO / "lessons" / "course.yaml").read_text(encoding="utf-8"))
TRACK = next(t for t in COURSE["tracks"] if t["audience"] == "learner")
LESSON = yaml.safe_load(
    (REPO / "lessons" / f"{TRACK['lessons'][0]}.yaml").read_text(encoding="utf-8")
)
QUIZ = yaml.safe_load((REPO / "quizzes" / f"{LESSON['quiz']}.yaml").read_text(encoding="utf-8"))
SHOWN = [s for s in LESSON["steps"] if s.get("audience", "both") in ("both", "learner")]
MAX_PRESSES = 150

FOCUS = """
() => {
  const e = document.activeElement;
  if (!e || e === document.body || e === document.documentElement) return null;
  const label = e.closest('label');
  const name = (e.getAttribute('aria-label') || (label && label.innerText) || e.innerText
                || e.value || '').trim().replace(/\\s+/g, ' ');
  const box = e.getBoundingClientRect();
  const hidden = box.width <= 2 || box.height <= 2 || getComputedStyle(e).opacity === '0';
  const shown = hidden && label ? (label.querySelector('div') || label) : e;
  const around = [shown.parentElement, shown.parentElement?.parentElement,
                  shown.parentElement?.parentElement?.parentElement].filter(Boolean);
  const drawn = [shown, ...[...shown.querySelectorAll('*')].slice(0, 3), ...around]
    .map(el => getComputedStyle(el));
  const ring = drawn.some(s => (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0)
                              || (s.boxShadow && s.boxShadow !== 'none'));
  const r = shown.getBoundingClientRect();
  // The middle of the part of the control inside the viewport.
  const top = Math.max(r.top, 0), bottom = Math.min(r.bottom, innerHeight);
  const x = Math.min(Math.max(r.left + r.width / 2, 1), innerWidth - 1);
  const y = Math.min(Math.max((top + bottom) / 2, 1), innerHeight - 1);
  const hit = document.elementFromPoint(x, y);
  const own = label || e;
  const covered = !!hit && !(own.contains(hit) || hit.contains(own) || shown.contains(hit));
  const by = covered ? ((hit.closest('[data-testid]') || hit).getAttribute('data-testid')
                        || hit.tagName) : null;
  const inView = r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth;
  return {name, tag: e.tagName.toLowerCase(), type: e.type || '', ring, covered, by, inView};
}
"""


class Keyboard:
    """Press keys, count them per stage, and check every focus stop."""

    def __init__(self, page: Any, kind: str) -> None:
        self.page = page
        self.kind = kind
        self.presses: dict[str, int] = {}
        self.stage = ""
        self.problems: list[str] = []

    def press(self, key: str) -> dict[str, Any] | None:
        self.page.keyboard.press(key)
        self.presses[self.stage] = self.presses.get(self.stage, 0) + 1
        info: dict[str, Any] | None = self.page.evaluate(FOCUS)
        if info and key in ("Tab", "Shift+Tab"):
            where = f"{self.kind}, {self.stage}: {info['tag']} {info['name'][:50]!r}"
            if not info["ring"]:
                self.problems.append(f"no visible focus: {where}")
            if not info["inView"]:
                self.problems.append(f"focus out of view: {where}")
            if info["covered"]:
                self.problems.append(f"focus covered by {info['by']}: {where}")
        return info

    def tab_to(self, name: str | re.Pattern[str], *, back: bool = False) -> dict[str, Any]:
        """Press Tab (or Shift+Tab) until the focused control's name matches."""
        # A Streamlit button's name starts with its icon's ligature ("play_arrow Start").
        wanted = name if isinstance(name, re.Pattern) else re.compile(rf"(^|\s){re.escape(name)}$")
        for _ in range(MAX_PRESSES):
            info = self.press("Shift+Tab" if back else "Tab")
            if info and wanted.search(info["name"]):
                return info
        raise AssertionError(f"{self.kind}: no {wanted.pattern!r} within {MAX_PRESSES} Tabs")

    def activate(self, name: str | re.Pattern[str], key: str = "Enter") -> None:
        """Tab to a control and press Enter (or Space) on it; wait for the app's rerun."""
        self.tab_to(name)
        self.press(key)
        wait_for_app_run(self.page)


def right_option(question: dict[str, Any]) -> str:
    if question["kind"] == "true_false":
        return "True" if question["answer"] else "False"
    (right,) = [o["text"] for o in question["options"] if o.get("correct")]
    return str(right)


def answer_by_keyboard(keys: Keyboard, question: dict[str, Any]) -> None:
    """Reach the question's radio group, choose the right option, send it."""
    keys.tab_to(re.compile(rf"^{re.escape(first_option(keys.page, question))}$"))
    target = right_option(question)
    for _ in range(12):
        info = keys.page.evaluate(FOCUS)
        if info and info["name"] == target:
            break
        keys.press("ArrowDown")
    if not keys.page.evaluate("() => document.activeElement.checked"):
        keys.press("Space")
    expect(main_area(keys.page).get_by_role("radio", name=target, exact=True)).to_be_checked()
    keys.activate(re.compile(r"^(Check my answer|Try again)$"))


def first_option(page: Any, question: dict[str, Any]) -> str:
    """The text of the first radio the page shows for this question (options are shuffled)."""
    radios = main_area(page).get_by_role("radio")
    expect(radios.first).to_be_attached()
    first: str = radios.first.evaluate("e => e.closest('label').innerText.trim()")
    return first


@pytest.mark.parametrize("kind", ["desktop", "phone"])
def test_a_keyboard_only_learner(browser: Any, app_url: str, axe_js: str, kind: str) -> None:
    options = phone_options(browser.version) if kind == "phone" else DESKTOP
    context = browser.new_context(**options)
    context.set_default_timeout(20_000)
    fake_weather_site(context)
    page = context.new_page()
    keys = Keyboard(page, kind)
    main = main_area(page)
    try:
        open_app(page, app_url)
        check_accessibility(page, axe_js, f"start ({kind})")

        keys.stage = "start to lesson 1"
        keys.activate("Start the course")
        code = page.get_by_test_id("stCode").inner_text().strip()
        check_accessibility(page, axe_js, f"code page ({kind})")
        keys.activate("I've written it down")
        expect(step_label(page)).to_have_text(f"Step 1 of {len(SHOWN)}")

        keys.stage = "lesson 1, every step"
        for number, step in enumerate(SHOWN, start=1):
            expect(step_label(page)).to_have_text(f"Step {number} of {len(SHOWN)}")
            if step["kind"] == "check":
                answer_by_keyboard(keys, step["question"])
                expect(main.get_by_text("That's right.", exact=True)).to_be_visible()
            if number == 2:
                check_accessibility(page, axe_js, f"lesson step 2 ({kind})")
            keys.activate("Next" if number < len(SHOWN) else "Go to the quiz")

        keys.stage = "quiz question 1"
        expect(main.get_by_role("heading", name=f"Question 1 of {len(QUIZ['questions'])}"))
        check_accessibility(page, axe_js, f"quiz ({kind})")
        question = QUIZ["questions"][0]
        assert question["kind"] in ("single", "true_false"), "the test answers a radio question"
        answer_by_keyboard(keys, question)
        expect(main.get_by_text("That's right.", exact=True)).to_be_visible()

        keys.stage = "my progress from the menu"
        if kind == "phone":
            keys.activate(re.compile(r"(?i)sidebar|keyboard_double_arrow_right"))
        keys.activate("My progress")
        expect(main.get_by_role("heading", name="My progress")).to_be_visible()
        check_accessibility(page, axe_js, f"my progress ({kind})")

        keys.stage = "quick exit"
        keys.tab_to("Exit")
        keys.press("Enter")
        page.wait_for_url(re.compile(r"^https://www\.google\.com/"))
        page.go_back()
        shows_nothing_of(page, app_url, code, f"Back after a keyboard quick exit ({kind})")
    finally:
        print(f"\nkeys pressed per stage ({kind}): {keys.presses}")
        context.close()
    assert not keys.problems, "\n".join(dict.fromkeys(keys.problems))
