"""What participants type in a group session is shown as plain text on every screen.

Found with a counselor laptop, a projector and phones in Chromium: a shared thought written as
a Markdown link became a live link on the console, the projector and the summary, bare web
addresses were linked too, a thought starting with "<" lost the projector's large type, and
"*" showed up in the summary. Here two phones share such thoughts and one joins under such a
name; every screen must show them exactly as typed, with no link, in the projector's large type.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from browser_kit import Server, choose, click_button, main_area, screenshot
from playwright.sync_api import expect
from slowdown import slow
from test_group_session import (
    LESSON,
    heading,
    join,
    open_room,
    open_summary,
    shows,
)

from course.wordcloud import word_counts

pytestmark = pytest.mark.browser

DISCUSSION = next(s for s in LESSON["steps"] if s["kind"] == "discussion")
SHARE_LABEL = f"Share a thought: {DISCUSSION['title']}"
THOUGHTS = [
    "[free naloxone](https://phish.example/n)",
    "<b>bold?</b> see https://phish.example/bare and *stars* _here_",
]
NAME = "*Kai* [me](https://phish.example/name)"
# The projector's large type (group_views.LARGE_TYPE: 1.9rem at a 16 px root).
LARGE_PX = 28


def links_to_phish(page: Any) -> list[str]:
    """Every link on the page that points at the address participants typed."""
    found: list[str] = page.locator("a[href*='phish.example']").evaluate_all(
        "links => links.map(a => a.href)"
    )
    return found


def exactly(page: Any, text: str) -> Any:
    """The element that shows this text exactly as typed (not split up by Markdown)."""
    return main_area(page).get_by_text(text, exact=True)


def font_px(locator: Any) -> float:
    size: str = locator.evaluate("el => getComputedStyle(el).fontSize")
    return float(size.removesuffix("px"))


def share(page: Any, text: str) -> None:
    expect(heading(page, "Share a thought")).to_be_visible(timeout=slow(10_000))
    main_area(page).get_by_role("textbox", name="Your thought (no names, please)").fill(text)
    main_area(page).get_by_role("button", name="Send my thought").click()
    shows(page, "Thank you. Your thought is in.")


def test_typed_thoughts_and_names_are_plain_text_everywhere(
    open_page: Callable[[str], Any],
    servers: list[Server],
    workdir: Path,
    test_name: str,
) -> None:
    console, projector, code, phone_link = open_room(open_page, servers, workdir, "thoughts")
    phones = [open_page("phone") for _ in THOUGHTS]
    for page, name in zip(phones, [NAME, ""], strict=True):
        join(page, phone_link, name, code)

    # The counselor opens the discussion prompt; each phone shares a thought.
    choose(console, "Question to ask", SHARE_LABEL)
    click_button(console, "Open question", exact=True)
    # The console (drawn again as the prompt opened) lists the person under the name as typed.
    expect(exactly(console, f"“{NAME}” (chosen name)")).to_be_visible()
    for page, text in zip(phones, THOUGHTS, strict=True):
        share(page, text)

    # The console shows both as typed, and approves both for the big screen.
    for text in THOUGHTS:
        expect(exactly(console, text)).to_be_visible(timeout=slow(10_000))
    approve = main_area(console).get_by_role("button", name="Show on the big screen")
    for left in reversed(range(len(THOUGHTS))):
        approve.first.click()
        expect(approve).to_have_count(left)
    expect(main_area(console).get_by_text("On the big screen")).to_have_count(len(THOUGHTS))
    screenshot(console, test_name, "console")

    # The projector shows them as typed, in its large type, and links nothing.
    for text in THOUGHTS:
        shown = exactly(projector, text)
        expect(shown).to_be_visible(timeout=slow(10_000))
        assert font_px(shown) >= LARGE_PX, (text, font_px(shown))
    screenshot(projector, test_name, "projector")

    # As a word cloud: the words of the approved thoughts, escaped, and still no link.
    views = main_area(console).get_by_test_id("stButtonGroup")
    views.get_by_text("Word cloud", exact=True).click()
    cloud = main_area(projector).locator("ul.word-cloud")
    expect(cloud).to_be_visible(timeout=slow(10_000))
    words = [w.strip() for w in cloud.locator("li").evaluate_all(
        "items => items.map(li => li.firstChild.textContent)")]  # fmt: skip
    assert sorted(words) == sorted(w for w, _ in word_counts(THOUGHTS)), words
    assert "naloxone" in words and "bold" in words and "phish" not in words  # no addresses
    expect(exactly(projector, THOUGHTS[0])).to_have_count(0)  # the list gave way to the cloud
    assert links_to_phish(projector) == []
    assert projector.locator("[data-testid='stMain'] b").count() == 0  # "<b>" stayed text
    screenshot(projector, test_name, "projector-cloud")
    views.get_by_text("One by one", exact=True).click()
    expect(exactly(projector, THOUGHTS[0])).to_be_visible(timeout=slow(10_000))

    # The summary lists them as typed (no stray "*", no link), each marked if it was shown.
    open_summary(console)
    expect(heading(console, "Session summary")).to_be_visible()
    for text in THOUGHTS:
        expect(exactly(console, text)).to_be_visible()
    expect(main_area(console).get_by_text("Shown on the big screen")).to_have_count(len(THOUGHTS))
    screenshot(console, test_name, "summary")

    for page in (console, projector, *phones):
        assert links_to_phish(page) == [], links_to_phish(page)


RISKY = "Honestly I might overdose tonight, there is no reason to live"
CALM = "Knowing it is the body helps me stop blaming myself"


def test_a_thought_that_suggests_risk_alerts_the_counselor_and_stays_off_the_projector(
    open_page: Callable[[str], Any],
    servers: list[Server],
    workdir: Path,
    test_name: str,
) -> None:
    console, projector, code, phone_link = open_room(open_page, servers, workdir, "risk")
    phones = [open_page("phone"), open_page("phone")]
    for page in phones:
        join(page, phone_link, "", code)
    choose(console, "Question to ask", SHARE_LABEL)
    click_button(console, "Open question", exact=True)
    for page, text in zip(phones, [RISKY, CALM], strict=True):
        share(page, text)

    # The writer's phone, and only theirs, answers at once with help they can tap.
    reach_out = main_area(phones[0]).locator(".st-key-reach-out")
    expect(reach_out).to_contain_text("What you wrote matters.")
    expect(reach_out.get_by_role("link", name="Call 988")).to_be_visible()
    expect(reach_out.get_by_role("link", name="Text 988")).to_be_visible()
    expect(main_area(phones[1]).locator(".st-key-reach-out")).to_have_count(0)
    screenshot(phones[0], test_name, "phone-reach-out")

    # The console alerts the counselor privately, with the crisis lines and the policy.
    alert = main_area(console).locator(".st-key-risk-alert")
    expect(alert).to_be_visible(timeout=slow(10_000))
    expect(alert).to_contain_text("someone in the room may be at risk")
    expect(alert).to_contain_text("988 Suicide & Crisis Lifeline")
    expect(alert).to_contain_text("do not leave a person at risk alone")
    expect(exactly(console, RISKY)).to_be_visible()
    approve = main_area(console).get_by_role("button", name="Show on the big screen")
    expect(approve).to_have_count(1)  # only the calm thought can go up
    approve.click()
    expect(approve).to_have_count(0)
    screenshot(console, test_name, "console-alert")

    # The projector shows the calm thought and never the other, nor the alert.
    expect(exactly(projector, CALM)).to_be_visible(timeout=slow(10_000))
    body = projector.locator("body")
    expect(body).not_to_contain_text("overdose tonight")
    expect(body).not_to_contain_text("may be at risk")
    screenshot(projector, test_name, "projector")
