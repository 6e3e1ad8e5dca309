"""Hostile content must show as text and never run: a course full of script, served for real.

The lessons and quizzes are copied to a temporary content root; a text step, a myth/fact
card, a check question, a quiz option and its feedback, the lesson summary and a crisis
resource get HTML and ``javascript:`` payloads. Each payload sets ``window.__xss`` (or opens
a dialog) if it ever runs. A second server serves that root (``COURSE_ROOT``).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import yaml
from browser_kit import (
    click_button,
    main_area,
    open_app,
    remove_dir,
    screenshot,
    start_new_learner,
    step_label,
    streamlit_server,
    temp_dir,
    wait_for_app_run,
)
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
LESSON_ID = "tolerance-dependence-addiction"

SCRIPT = "<script>window.__xss=1</script>"
PAYLOAD = "\n\n".join(
    [
        f"Plain words first. {SCRIPT}",
        '<img src=x onerror="window.__xss=2;alert(2)">',
        "[click me](javascript:window.__xss=3)",
        '<a href="javascript:window.__xss=4">x</a>',
        '<iframe src="javascript:window.__xss=5;alert(5)"></iframe>',
        '<svg onload="window.__xss=6"></svg> [click me too](<javascript:window.__xss=7>)',
        "<javascript:window.__xss=8>",
        "[click me ref][evil]\n\n[evil]: javascript:window.__xss=9",
        "![click me image](javascript:window.__xss=10)",
    ]
)
HOSTILE_TITLE = "Hostile step"
SHIPPED_STEPS = yaml.safe_load(
    (REPO / "lessons" / f"{LESSON_ID}.yaml").read_text(encoding="utf-8")
)["steps"]
TOTAL = len(SHIPPED_STEPS) + 1  # the hostile step goes first


def _step_number(kind: str) -> int:
    """Where the first step of this kind is in the hostile lesson (1-based)."""
    return next(i for i, s in enumerate(SHIPPED_STEPS) if s["kind"] == kind) + 2


def _next_until(page: Any, number: int) -> None:
    current = int(step_label(page).inner_text().split()[1])
    for n in range(current + 1, number + 1):
        click_button(page, "Next")
        expect(step_label(page)).to_have_text(f"Step {n} of {TOTAL}")


def _hostile_course(root: Path) -> None:
    """Copy the shipped content to root and poison one lesson, its quiz and the manifest."""
    shutil.copytree(REPO / "lessons", root / "lessons")
    shutil.copytree(REPO / "quizzes", root / "quizzes")
    shutil.copy(REPO / "bibliography.yaml", root / "bibliography.yaml")

    lesson_path = root / "lessons" / f"{LESSON_ID}.yaml"
    lesson = yaml.safe_load(lesson_path.read_text(encoding="utf-8"))
    lesson["summary"] = f"{lesson['summary']} {SCRIPT}"
    hostile_step = {
        "id": "hostile-text",
        "kind": "text",
        "title": HOSTILE_TITLE,
        "sources": ["nida-words-matter"],
        "body": PAYLOAD,
    }
    lesson["steps"].insert(0, hostile_step)
    cards = next(s for s in lesson["steps"] if s["kind"] == "myth_fact")
    cards["cards"][0]["fact"] = f"{cards['cards'][0]['fact']}\n\n{PAYLOAD}"
    cards["cards"][0]["myth"] = f"{cards['cards'][0]['myth']} {SCRIPT}"
    check = next(s for s in lesson["steps"] if s["kind"] == "check")
    right = next(o for o in check["question"]["options"] if o.get("correct"))
    right["feedback"] = f"{right['feedback']}\n\n{PAYLOAD}"
    lesson_path.write_text(yaml.safe_dump(lesson, sort_keys=False), encoding="utf-8")

    quiz_path = root / "quizzes" / f"{lesson['quiz']}.yaml"
    quiz = yaml.safe_load(quiz_path.read_text(encoding="utf-8"))
    first = quiz["questions"][0]
    assert first["kind"] == "single"
    right = next(o for o in first["options"] if o.get("correct"))
    right["text"] = f"{right['text']} {SCRIPT} [click me](javascript:window.__xss=11)"
    right["feedback"] = f"{right['feedback']}\n\n{PAYLOAD}"
    first["explanation"] = f"{first['explanation']}\n\n{PAYLOAD}"
    quiz_path.write_text(yaml.safe_dump(quiz, sort_keys=False), encoding="utf-8")

    manifest_path = root / "lessons" / "course.yaml"
    manifest = yaml.safe_load(manifest_path.read_text(encoding="utf-8"))
    manifest["crisis_resources"][0]["detail"] += f" {SCRIPT} [click me](javascript:window.__xss=12)"
    manifest["tracks"] = manifest["tracks"][:1]
    manifest["tracks"][0]["lessons"] = [LESSON_ID]  # one lesson on the map: the hostile one
    manifest_path.write_text(yaml.safe_dump(manifest, sort_keys=False), encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_url(chromium_path: str) -> Iterator[str]:
    """A second server, serving the hostile content root on its own database."""
    workdir = temp_dir("course-xss-")
    root = workdir / "content"
    _hostile_course(root)
    env = {
        "COURSE_ROOT": str(root),
        "COURSE_DATABASE_URL": f"sqlite:///{workdir / 'xss.db'}",
    }
    try:
        with streamlit_server(workdir, env) as url:
            yield url
    finally:
        remove_dir(workdir)


def _assert_inert(page: Any, dialogs: list[str], where: str) -> None:
    """No payload ran, none became live markup, and the script tag shows as text."""
    assert not dialogs, f"a dialog opened on {where}: {dialogs}"
    assert page.evaluate("() => typeof window.__xss") == "undefined", where
    assert page.locator('a[href^="javascript:" i]').count() == 0, where
    live = "iframe, svg[onload], img[onerror], [onerror], [onload]:not(body)"
    assert page.locator(live).count() == 0, f"live markup from content on {where}"
    assert page.locator("script", has_text="__xss").count() == 0, where
    links = page.get_by_role("link", name="click me")
    for i in range(links.count()):  # there should be none; if there are, they must do nothing
        links.nth(i).click()
        wait_for_app_run(page)
    assert page.evaluate("() => typeof window.__xss") == "undefined", where


def test_hostile_content_is_shown_as_text_and_never_runs(
    phone: Any, hostile_url: str, test_name: str
) -> None:
    page = phone
    dialogs: list[str] = []

    def refuse(dialog: Any) -> None:
        dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", refuse)
    main = main_area(page)

    code = start_new_learner(page, hostile_url)
    open_app(page, f"{hostile_url}/map")  # signed in by this browser's cookie
    expect(main.get_by_text(SCRIPT).first).to_be_visible()  # the summary, escaped
    _assert_inert(page, dialogs, "course map")

    click_button(page, "Start", exact=True)
    expect(step_label(page)).to_have_text(f"Step 1 of {TOTAL}")
    expect(main.get_by_role("heading", name=HOSTILE_TITLE)).to_be_visible()
    expect(main.get_by_text("Plain words first.")).to_be_visible()
    expect(main.get_by_text(SCRIPT)).to_be_visible()
    expect(main.get_by_text("click me", exact=False).first).to_be_visible()
    screenshot(page, test_name, "hostile-step")
    _assert_inert(page, dialogs, "hostile text step")

    # The inline check: its right option's feedback carries the payload.
    _next_until(page, _step_number("check"))
    form = main.get_by_test_id("stForm")
    form.get_by_test_id("stRadioOption").filter(has_text="Physical dependence").click()
    click_button(page, "Check my answer", scope=form)
    expect(main.get_by_text("That's right.", exact=True)).to_be_visible()
    expect(main.get_by_text(SCRIPT).first).to_be_visible()
    _assert_inert(page, dialogs, "check feedback")

    # The myth/fact card, turned.
    _next_until(page, _step_number("myth_fact"))
    main.get_by_role("button", name="Turn over to see the facts").first.click()
    wait_for_app_run(page)
    expect(main.get_by_role("button", name="Turn back")).to_be_visible()
    expect(main.get_by_text(SCRIPT).first).to_be_visible()
    screenshot(page, test_name, "hostile-card")
    _assert_inert(page, dialogs, "myth/fact card")

    # The quiz: the right option's text, its feedback and the explanation.
    lesson_url = page.url.replace("/lesson?", "/quiz?")
    open_app(page, lesson_url)
    form = main.get_by_test_id("stForm").filter(has_text="What does tolerance mean")
    option = form.get_by_test_id("stRadioOption").filter(has_text="less effect than before")
    expect(option).to_contain_text(SCRIPT)
    _assert_inert(page, dialogs, "quiz question")
    option.click()
    click_button(page, "Check my answer", scope=form)
    expect(main.get_by_text("That's right.", exact=True)).to_be_visible()
    expect(main.get_by_text(SCRIPT).first).to_be_visible()
    screenshot(page, test_name, "hostile-quiz-feedback")
    _assert_inert(page, dialogs, "quiz feedback")

    # Query parameters are not echoed as markup either.
    evil = quote('<img src=x onerror="window.__xss=20">')
    open_app(page, f"{hostile_url}/lesson?code={code}&lesson={evil}")
    expect(main.get_by_text("That lesson isn't available")).to_be_visible()
    _assert_inert(page, dialogs, "lesson page with a hostile lesson id")
    open_app(page, f"{hostile_url}/map?code={evil}")
    expect(main.get_by_text("Start the course or enter your code")).to_be_visible()
    expect(main.get_by_text("We could not find that code")).to_be_visible()  # says why
    assert "code=" not in page.url
    _assert_inert(page, dialogs, "map with a hostile code")

    # The crisis resources in the sidebar.
    page.get_by_test_id("stExpandSidebarButton").click()
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text(SCRIPT)).to_be_visible()
    _assert_inert(page, dialogs, "sidebar")
    assert page.evaluate("() => typeof window.__xss") == "undefined"
