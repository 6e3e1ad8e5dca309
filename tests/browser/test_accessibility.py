"""axe-core on every page a learner can open, on a phone and on a desktop (sidebar open).

WCAG 2.2 AA as axe checks it (wcag2a/2aa, wcag21a/21aa, best practice): no serious or critical
finding on any learner page, and nothing sticks out of a phone's screen.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from browser_kit import (
    check_accessibility,
    click_button,
    cut_off,
    main_area,
    open_app,
    start_new_learner,
    step_label,
)
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

LESSON = "tolerance-dependence-addiction"
# (address, a heading the page must show first)
PAGES = (
    ("/map", "Course map"),
    (f"/lesson?lesson={LESSON}", "Tolerance, dependence and addiction"),
    (f"/quiz?lesson={LESSON}", "Question 1 of"),
    ("/check?when=pre", "Before you start"),
    ("/progress", "My progress"),
    ("/review", None),
    ("/family", None),
    ("/plan", None),
    ("/join", None),
    ("/about", "About this course"),
    ("/login", None),
    ("/", None),
)


@pytest.mark.parametrize("kind", ["phone", "desktop"])
def test_every_learner_page_passes_axe(
    open_page: Callable[[str], Any], app_url: str, axe_js: str, kind: str
) -> None:
    page = open_page(kind)
    open_app(page, app_url)
    check_accessibility(page, axe_js, f"start page, signed out ({kind})")
    start_new_learner(page, app_url)
    check_accessibility(page, axe_js, f"code page ({kind})")
    click_button(page, "I've written it down")
    expect(step_label(page)).to_be_visible()
    problems = []
    for path, heading in PAGES:
        open_app(page, app_url + path)
        if heading:
            expect(
                main_area(page).get_by_role("heading", name=re.compile(re.escape(heading))).first
            ).to_be_visible()
        where = f"{path} ({kind})"
        try:
            check_accessibility(page, axe_js, where)
        except AssertionError as failure:
            problems.append(str(failure))
        if kind == "phone" and (stuck := cut_off(page)):
            problems.append(f"cut off on {where}: {stuck}")
    assert not problems, "\n\n".join(problems)
