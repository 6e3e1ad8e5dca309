"""Practising on a phone, in a real browser, with the shipped lessons.

- a scenario walked down two paths: each choice shows what happens, each ending its debrief,
  and "Try another path" starts the story again;
- a thought record filled in after its worked example, kept for the learner (and only shown
  back to them);
- a commitment set in one visit and asked about on the next ("How did it go?"), once.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from browser_kit import (
    click_button,
    main_area,
    open_app,
    screenshot,
    shipped,
    start_new_learner,
    step_label,
    track_lessons,
    wait_for_app_run,
)
from playwright.sync_api import expect
from sqlalchemy import Table, select

from course.store import Store
from course.store.db import read
from course.store.practice import Practice
from course.store.schema import commitments, drill_answers

pytestmark = pytest.mark.browser


def learner_steps(lesson_id: str) -> list[dict[str, Any]]:
    lesson = shipped("lessons", lesson_id)
    return [s for s in lesson["steps"] if s.get("audience", "both") in ("both", "learner")]


def first_step(kind: str, exercise: str | None = None) -> tuple[str, dict[str, Any]]:
    """The first shipped step of this kind in the learners' track (and exercise, if given)."""
    for lesson_id in track_lessons("learner"):
        for step in learner_steps(lesson_id):
            if step["kind"] == kind and (exercise is None or step.get("exercise") == exercise):
                return lesson_id, step
    raise AssertionError(f"no shipped {kind} step{f' ({exercise})' if exercise else ''}")


def open_step(page: Any, base: str, lesson_id: str, step_id: str) -> None:
    """Open the lesson and press Next until the step is shown."""
    open_app(page, f"{base}/lesson?lesson={lesson_id}")
    steps = learner_steps(lesson_id)
    number = next(n for n, s in enumerate(steps, start=1) if s["id"] == step_id)
    expect(step_label(page)).to_have_text(re.compile(r"^Step 1 of \d+$"))
    for n in range(2, number + 1):
        click_button(page, "Next")
        expect(step_label(page)).to_have_text(f"Step {n} of {len(steps)}")


def nodes_of(step: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {node["id"]: node for node in step["nodes"]}


def walk(page: Any, step: dict[str, Any], picks: list[int]) -> str:
    """Choose picks[0], then picks[1]... (then the first choice) until an ending; return its id."""
    nodes, at = nodes_of(step), step["start"]
    now = main_area(page).locator(f".st-key-scene-now-{step['id']}")
    taken = 0
    while nodes[at].get("choices"):
        expect(now).to_contain_text(first_words(nodes[at]["text"]))
        pick = picks[taken] if taken < len(picks) else 0
        choice = nodes[at]["choices"][pick]
        click_button(page, choice["text"], exact=True, scope=now)
        expect(main_area(page).get_by_text(f"You chose: {choice['text']}")).to_be_visible()
        at, taken = choice["next"], taken + 1
    expect(now).to_contain_text(first_words(nodes[at]["text"]))
    expect(now).to_contain_text("What to take from this:")
    expect(now).to_contain_text(first_words(nodes[at]["debrief"]))
    expect(now.get_by_role("button")).to_have_count(0)  # an ending offers no more choices
    return at


def first_words(text: str, count: int = 6) -> str:
    """The opening words of a content text, as the page shows them (Markdown marks dropped)."""
    words = re.sub(r"[*_`]", "", text).split()
    return " ".join(words[:count])


def test_a_scenario_down_two_paths_on_a_phone(phone: Any, app_url: str, test_name: str) -> None:
    lesson_id, step = first_step("scenario")
    start_new_learner(phone, app_url)
    open_step(phone, app_url, lesson_id, step["id"])
    first_end = walk(phone, step, [0])
    screenshot(phone, test_name, "first-ending")
    click_button(phone, "Try another path")
    expect(main_area(phone).get_by_text(re.compile("^You chose:"))).to_have_count(0)
    second_end = walk(phone, step, [1])
    assert first_end != second_end, "the two first choices should end the story differently"
    screenshot(phone, test_name, "second-ending")


def test_a_thought_record_is_kept_for_the_learner(phone: Any, app_url: str, test_name: str) -> None:
    lesson_id, step = first_step("practice", "thought_record")
    start_new_learner(phone, app_url)
    open_step(phone, app_url, lesson_id, step["id"])
    example = main_area(phone).locator(f".st-key-example-{step['id']}")
    for text in step["example"].values():
        expect(example).to_contain_text(first_words(text))
    mine = {
        "What happened": "My sister didn't call back *today*.",
        "The thought that came": "<b>Nobody</b> cares about me.",
        "The thought trap it fell into": "Mind reading",
        "A kinder, truer thought": "She is busy at work. I can text her tonight.",
    }
    form = main_area(phone).get_by_test_id("stForm").filter(has_text="Your turn")
    for label, text in mine.items():
        form.get_by_role("textbox", name=label).fill(text)
    click_button(phone, "Save my practice", scope=form)
    expect(main_area(phone).get_by_text("Saved. Only you can see this.")).to_be_visible()
    # Back on this step later, the learner's own words are there as typed.
    phone.reload()
    wait_for_app_run(phone)
    form = main_area(phone).get_by_test_id("stForm").filter(has_text="Your turn")
    for label, text in mine.items():
        expect(form.get_by_role("textbox", name=label)).to_have_value(text)
    screenshot(phone, test_name, "thought-record")


def test_a_commitment_is_asked_about_on_the_next_visit(
    phone: Any, app_url: str, app_db_url: str, test_name: str
) -> None:
    lesson_id, step = first_step("commitment")
    start_new_learner(phone, app_url)
    open_step(phone, app_url, lesson_id, step["id"])
    form = main_area(phone).get_by_test_id("stForm").filter(has_text="I will try")
    choice = step["options"][1]
    form.get_by_text(choice, exact=True).click()
    click_button(phone, "I'll try this", scope=form)
    expect(main_area(phone).get_by_text(f"You chose to try: {choice}")).to_be_visible()
    # Later in the same visit (moving in the app, not reloading it), the map does not ask yet.
    phone.get_by_test_id("stExpandSidebarButton").click()
    phone.get_by_test_id("stSidebarNav").get_by_role("link", name="Course map").click()
    expect(main_area(phone).get_by_role("heading", name="Course map")).to_be_visible()
    wait_for_app_run(phone)
    expect(main_area(phone).get_by_text("Last time, you chose to try:")).to_have_count(0)

    # The next visit (a new tab: a new session, the same browser and learner) asks once.
    later = phone.context.new_page()
    open_app(later, f"{app_url}/map")
    box = main_area(later).locator("[class*='st-key-check-in-']")
    expect(box).to_contain_text("Last time, you chose to try:")
    expect(box).to_contain_text(choice)
    box.get_by_text("Partly", exact=True).click()
    box.get_by_role("textbox", name="What got in the way? (optional)").fill("A long shift.")
    click_button(later, "Save", exact=True, scope=box)
    expect(main_area(later).get_by_text("Partly. Thanks for checking in.")).to_be_visible()
    expect(box).to_have_count(0)
    screenshot(later, test_name, "checked-in")
    again = phone.context.new_page()
    open_app(again, f"{app_url}/map")
    expect(main_area(again).get_by_role("heading", name="Course map")).to_be_visible()
    expect(main_area(again).get_by_text("Last time, you chose to try:")).to_have_count(0)

    store = Store(app_db_url)
    try:
        (kept,) = [
            c
            for learner in learners_in(store, commitments)
            for c in Practice(store.engine).commitments(learner)
            if c.action == choice
        ]
        assert (kept.outcome, kept.obstacle) == ("partly", "A long shift.")
    finally:
        store.close()


def learners_in(store: Store, table: Table) -> list[int]:
    """The learners with rows in this table, lowest id first."""
    with read(store.engine) as conn:
        return sorted({int(i) for (i,) in conn.execute(select(table.c.learner_id))})


def answer_right(page: Any, item: dict[str, Any]) -> None:
    """Choose the right answer to a drill item (single choice or true/false) and send it."""
    if item["kind"] == "true_false":
        text = "True" if item["answer"] else "False"
    else:
        text = next(o["text"] for o in item["options"] if o.get("correct"))
    pattern = re.compile(rf"^\s*{re.escape(text)}\s*$")
    main_area(page).get_by_test_id("stRadioOption").filter(has_text=pattern).click()
    click_button(page, "Answer", exact=True)
    expect(main_area(page).get_by_text("That's right.", exact=True)).to_be_visible()


def test_a_drill_times_each_answer_and_shows_the_best_round(
    phone: Any, app_url: str, app_db_url: str, test_name: str
) -> None:
    lesson_id, step = first_step("drill")
    items = {item["id"]: item for item in step["items"]}
    start_new_learner(phone, app_url)
    open_step(phone, app_url, lesson_id, step["id"])
    click_button(phone, "Start a round")
    for n in range(1, len(items) + 1):
        progress = main_area(phone).get_by_text(f"Round 1 · question {n} of {len(items)}")
        expect(progress).to_be_visible()
        # Which item is up: the one whose prompt the page shows (rounds are shuffled).
        shown = next(
            i for i in items.values()
            if main_area(phone).get_by_text(first_words(i["prompt"], 5)).count()
        )  # fmt: skip
        answer_right(phone, shown)
        click_button(phone, "See my round" if n == len(items) else "Next question")
    last = main_area(phone).get_by_test_id("stMetric").filter(has_text="Last round")
    expect(last).to_contain_text(f"{len(items)} of {len(items)} right")
    expect(main_area(phone).get_by_text(re.compile("^Your best round with every answer right"))
           ).to_be_visible()  # fmt: skip
    screenshot(phone, test_name, "round-done")
    click_button(phone, "Go again")
    expect(main_area(phone).get_by_text(f"Round 2 · question 1 of {len(items)}")).to_be_visible()

    store = Store(app_db_url)
    try:
        learner = max(learners_in(store, drill_answers))
        (first,) = Practice(store.engine).drill_rounds(learner, lesson_id, step["id"])
        assert set(first.answers) == set(items) and first.right == len(items)
        assert all(ms > 0 for _, ms in first.answers.values())
    finally:
        store.close()
