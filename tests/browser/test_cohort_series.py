"""A cohort's lesson series in a real browser: two planned sessions and a take-home lesson.

How an intensive outpatient group runs: the counselor plans the cohort's weekly sessions on the
dashboard and gives a lesson to do before the next one. A member (who joined the program with a
program ID) finds it on their course map under "From your group" and does it. The counselor
starts each planned session from the console; phones join. The dashboard then shows both
sessions held with their headcounts, the take-home done, and what was done between sessions.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from browser_kit import (
    Server,
    click_button,
    main_area,
    open_app,
    screenshot,
    shipped,
    start_new_learner,
    wait_for_app_run,
)
from playwright.sync_api import expect
from slowdown import slow
from test_group_session import LESSON, add_facilitator, heading, serve, shows, sign_in
from test_learner_journey import FIRST, take_the_quiz_with_one_wrong_answer, walk_the_lesson

from course.store import Store
from course.store.series import Series
from course.store.sessions import Sessions

pytestmark = pytest.mark.browser

COHORT = "Tuesday *evening* group"  # typed by a counselor: shown as typed, never as Markdown
PROGRAM_ID = "A-1024"
SECOND_LESSON = shipped("lessons", "thought-traps")["title"]


def go(page: Any, name: str) -> None:
    """Follow a page link in the sidebar, as a person would (the sign-in stays)."""
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=name).click()
    expect(heading(page, name)).to_be_visible()
    wait_for_app_run(page)


def cells(page: Any, key: str) -> Any:
    return main_area(page).locator(f".st-key-{key}").locator("[role='gridcell']")


def row_texts(page: Any, key: str, columns: int) -> list[list[str]]:
    found = [c.strip() for c in cells(page, key).all_inner_texts()]
    return [found[n : n + columns] for n in range(0, len(found), columns)]


def plan(page: Any, lesson: str) -> None:
    form = main_area(page).get_by_test_id("stForm").filter(has=page.get_by_role(
        "button", name="Add to the series"))  # fmt: skip
    pick(page, form.get_by_role("combobox"), lesson)  # the form's only one
    click_button(page, "Add to the series", scope=form)
    wait_for_app_run(page)


def pick(page: Any, box: Any, option: str) -> None:
    """Choose in a long selectbox by typing part of the option, then clicking it."""
    box.click()
    page.keyboard.type(option[:12])
    page.get_by_role("option", name=option, exact=True).click()
    expect(box).to_have_value(option)
    wait_for_app_run(page)


def join_by_code(page: Any, base: str, code: str) -> None:
    open_app(page, f"{base}/join")
    form = main_area(page).get_by_test_id("stForm")
    form.get_by_role("textbox", name="Join code").fill(code)
    click_button(page, "Join", exact=True, scope=form)
    expect(main_area(page).get_by_role("heading", name=re.compile("."))).not_to_have_count(0)


def start_planned(console: Any, lesson_title: str) -> str:
    """Start a planned session from the console's list; return its join code."""
    go(console, "Group console")
    planned = main_area(console).locator("[class*='st-key-planned-']").filter(
        has_text=lesson_title)  # fmt: skip
    expect(planned).to_have_count(1)
    expect(planned.get_by_text(COHORT, exact=False)).to_be_visible()  # as typed, "*" and all
    click_button(console, "Start", exact=True, scope=planned)
    caption = main_area(console).get_by_text(re.compile(r"join code [A-Z2-9]{6}"))
    expect(caption).to_be_visible()
    found = re.search(r"join code ([A-Z2-9]{6})", caption.inner_text())
    assert found is not None
    return found.group(1)


def end_session(console: Any) -> None:
    main_area(console).get_by_text("End the session").click()
    click_button(console, "End session")
    shows(console, "This session has ended.")


def test_a_series_with_two_sessions_and_a_take_home(
    open_page: Callable[[str], Any], servers: list[Server], workdir: Path, test_name: str
) -> None:
    db_url = f"sqlite:///{workdir / 'series.db'}"
    add_facilitator(db_url)
    server = serve(servers, workdir, db_url)
    console = open_page("desktop")
    sign_in(console, server.base)

    # The counselor makes the cohort and plans two sessions and a take-home lesson.
    go(console, "Dashboard")
    main_area(console).get_by_text("Create a cohort").click()
    form = main_area(console).get_by_test_id("stForm").filter(has_text="Name")
    form.get_by_role("textbox", name=re.compile("^Name")).fill(COHORT)
    click_button(console, "Create", exact=True, scope=form)
    made = main_area(console).get_by_text(re.compile(r"Learners join it with the code"))
    expect(made).to_be_visible()
    found = re.search(r"code ([A-Z2-9]{8})", made.inner_text())
    assert found is not None
    cohort_code = found.group(1)
    plan(console, LESSON["title"])
    plan(console, SECOND_LESSON)
    expect(cells(console, "series-attendance")).to_have_count(8)
    rows = row_texts(console, "series-attendance", 4)
    assert [(r[1], r[2]) for r in rows] == [
        (LESSON["title"], "not yet"),
        (SECOND_LESSON, "not yet"),
    ]
    take_home = main_area(console).get_by_test_id("stForm").filter(
        has=console.get_by_role("button", name="Give as take-home"))  # fmt: skip
    lesson_box = take_home.get_by_role("combobox", name="Lesson to do before the next session")
    pick(console, lesson_box, FIRST["title"])
    take_home.get_by_text("Ask for it by a day").click()
    click_button(console, "Give as take-home", scope=take_home)
    expect(cells(console, "series-take-homes").first).to_have_text(FIRST["title"])
    screenshot(console, test_name, "dashboard-planned")

    # Session 1, started from the plan: two phones join.
    first_code = start_planned(console, LESSON["title"])
    for _ in range(2):
        join_by_code(open_page("phone"), server.base, first_code)
    shows(console, "2 of 40 seats taken", timeout=slow(15_000))
    end_session(console)

    # A member joins the program under a program ID and does the take-home from the map.
    member = open_page("phone")
    start_new_learner(member, server.base)
    open_app(member, f"{server.base}/progress")
    joining = main_area(member).get_by_test_id("stForm").filter(has_text="Program code")
    joining.get_by_role("textbox", name="Program code").fill(cohort_code)
    joining.get_by_role("textbox", name=re.compile("^Program ID")).fill(PROGRAM_ID)
    click_button(member, "Join the program", scope=joining)
    shows(member, "You joined the program.")
    open_app(member, f"{server.base}/map")
    given = main_area(member).locator(".st-key-from-your-group")
    expect(given.get_by_role("heading", name="From your group")).to_be_visible()
    expect(
        given.get_by_text(re.compile(rf"^{re.escape(COHORT)} · before \w+day, "))
    ).to_be_visible()
    expect(given.get_by_text(FIRST["title"], exact=True)).to_be_visible()
    screenshot(member, test_name, "map-from-your-group")
    click_button(member, "Start", exact=True, scope=given)
    walk_the_lesson(member, FIRST)
    take_the_quiz_with_one_wrong_answer(member)
    open_app(member, f"{server.base}/map")
    expect(given.get_by_text(re.compile(r"· Complete$"))).to_be_visible()

    # Session 2, the other planned one: one phone joins.
    click_button(console, "Back to the console start")
    second_code = start_planned(console, SECOND_LESSON)
    join_by_code(open_page("phone"), server.base, second_code)
    shows(console, "1 of 40 seats taken", timeout=slow(15_000))

    # The dashboard: both held with their headcounts, the take-home done, work between.
    go(console, "Dashboard")
    expect(cells(console, "series-attendance")).to_have_count(8)
    rows = row_texts(console, "series-attendance", 4)
    assert [(r[1], r[3]) for r in rows] == [(LESSON["title"], "2"), (SECOND_LESSON, "1")]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d \w+", r[2]) for r in rows), rows
    took = row_texts(console, "series-take-homes", 5)
    assert [(r[0], r[3], r[4]) for r in took] == [(FIRST["title"], "1 of 1", "1")]
    assert row_texts(console, "series-take-homes-by-id", 2) == [[PROGRAM_ID, "finished"]]
    between = row_texts(console, "series-between", 3)
    assert [r[1:] for r in between] == [["1 of 1", f"{FIRST['title']} (1)"], ["0 of 1", "none"]]
    assert between[0][0].startswith("After session 1 (")
    assert between[1][0].startswith("After session 2 (") and "until now" in between[1][0]
    by_id = row_texts(console, "series-between-by-id", 3)
    assert by_id == [[PROGRAM_ID, FIRST["title"], "none"]]
    screenshot(console, test_name, "dashboard-series")

    # What the page showed is what the database holds.
    store = Store(db_url)
    try:
        facilitator = Sessions(store.engine).find_by_code(second_code, datetime.now(UTC))
        assert facilitator is not None
        held = Series(store.engine).held(1, facilitator.facilitator_id)
        assert [(h.is_held, h.joined) for h in held] == [(True, 2), (True, 1)]
    finally:
        store.close()
