"""A scenario run live in a group session: four phones vote, the counselor follows a branch.

The counselor moves the room to the lesson's scenario and lets the room vote on what the
person in the story should do. The projector shows the choices lettered and how many voted;
on reveal, the votes as a chart with no answer marked right, and each phone says which
letter it chose. The counselor then goes on down a branch: the projector and the phones show
what happens next, and the votes are stored ungraded.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from browser_kit import Server, click_button, main_area, screenshot
from playwright.sync_api import expect
from slowdown import slow
from test_group_session import (
    STEPS,
    chart_counts,
    heading,
    join,
    metric_value,
    open_room,
    shows,
)
from test_practice import first_words

from course.store import Store
from course.store.sessions import Sessions
from course.ui.group_controls import LOCK_HINT

pytestmark = pytest.mark.browser

SCENE_INDEX, SCENE = next((n, s) for n, s in enumerate(STEPS) if s["kind"] == "scenario")
NODES = {node["id"]: node for node in SCENE["nodes"]}
START = NODES[SCENE["start"]]
CHOICES = [c["text"] for c in START["choices"]]
VOTES = [0, 0, 0, 1]  # three phones choose A, one chooses B


def vote(page: Any, pick: int) -> None:
    label = f"{chr(ord('A') + pick)}. {CHOICES[pick]}"
    pattern = re.compile(rf"^\s*{re.escape(label)}\s*$")
    main_area(page).get_by_test_id("stRadioOption").filter(has_text=pattern).click()
    expect(main_area(page).get_by_role("radio", name=label, exact=True)).to_be_checked()
    main_area(page).get_by_role("button", name="Send my vote").click()
    shows(page, "Your vote is in.")


def test_a_room_votes_on_a_scenario_and_the_counselor_follows_a_branch(
    open_page: Callable[[str], Any], servers: list[Server], workdir: Path, test_name: str
) -> None:
    console, projector, code, phone_link = open_room(open_page, servers, workdir, "scenario")
    phones = [open_page("phone") for _ in VOTES]
    for page in phones:
        join(page, phone_link, "", code)
    # Pace once the console shows the room in, as a counselor would: its door box grows then
    # (the lock offered large), which moves the Next button down.
    expect(metric_value(console, "People in the room")).to_have_text(str(len(VOTES)))
    expect(main_area(console).get_by_text(LOCK_HINT)).to_be_visible()
    for n in range(2, SCENE_INDEX + 2):
        click_button(console, "Next")
        expect(main_area(console).get_by_text(f"Step {n} of {len(STEPS)}")).to_be_visible()
    expect(heading(projector, SCENE["title"])).to_be_visible(timeout=slow(10_000))
    shows(projector, first_words(START["text"]), timeout=slow(10_000))

    # The room votes: the projector fills with the choices, lettered, and counts the votes.
    controls = main_area(console).locator(".st-key-scene-controls")
    click_button(console, "Let the room vote", scope=controls)
    expect(heading(projector, "What would you do?")).to_be_visible(timeout=slow(10_000))
    for n, text in enumerate(CHOICES):
        shows(projector, f"{chr(ord('A') + n)}. {text}", timeout=slow(10_000))
    for page, pick in zip(phones, VOTES, strict=True):
        vote(page, pick)
    shows(projector, f"{len(VOTES)} of {len(VOTES)}", timeout=slow(10_000))
    screenshot(projector, test_name, "voting")

    # Reveal: a chart of the votes, nothing marked right; each phone names its own letter.
    click_button(console, "Reveal the votes", scope=controls)
    expect(main_area(projector).get_by_test_id("stPlotlyChart")).to_have_count(
        1, timeout=slow(20_000)
    )
    counts = chart_counts(projector)
    assert counts == {CHOICES[0]: 3, CHOICES[1]: 1, **{c: 0 for c in CHOICES[2:]}}, counts
    expect(main_area(projector).get_by_text(re.compile("^The right answer"))).to_have_count(0)
    expect(main_area(projector).get_by_text(re.compile(r"^Why:"))).to_have_count(0)
    for page, pick in zip(phones, VOTES, strict=True):
        shows(page, f"You chose {chr(ord('A') + pick)}.", timeout=slow(10_000))
        expect(main_area(page).get_by_text(re.compile("right\\.$"))).to_have_count(0)
    screenshot(projector, test_name, "revealed")

    # The counselor goes on down choice A: every screen shows what happens next.
    follow = START["choices"][0]
    click_button(console, f"A. {follow['text']}", exact=True, scope=controls)
    after = NODES[follow["next"]]
    for page in [projector, *phones]:
        shows(page, first_words(after["text"]), timeout=slow(10_000))
    expect(heading(projector, "What would you do?")).to_have_count(0)
    screenshot(projector, test_name, "next-point")

    # The votes are stored as the votes they were: four, ungraded.
    store = Store(f"sqlite:///{workdir / 'scenario.db'}")
    try:
        room = Sessions(store.engine).find_by_code(code, datetime.now(UTC))
        assert room is not None and room.scene_node == follow["next"]
        rows = [
            r
            for r in Sessions(store.engine).responses(room.id, room.facilitator_id)
            if r.question_key == f"scene:{SCENE['id']}:{SCENE['start']}"
        ]
        assert sorted(str(r.answer) for r in rows) == sorted(f"choice-{pick + 1}" for pick in VOTES)
        assert {r.is_correct for r in rows} == {None}
    finally:
        store.close()
