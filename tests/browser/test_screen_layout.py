"""What a phone and a desktop show: comparison tables or cards, and readable progress charts.

One server of our own, on a database this module seeds through the app's own Store API, so a
learner can be put on a step or given finished quizzes without clicking through them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from browser_kit import (
    AXE_TAGS,
    FAILING_IMPACTS,
    clipped_chart_labels,
    cut_off,
    main_area,
    open_app,
    remove_dir,
    screenshot,
    start_server,
    stop_server,
    temp_dir,
)
from playwright.sync_api import expect

from course.charts import contrast_ratio
from course.loader import REPO_ROOT, load_course
from course.model import ComparisonStep, Course
from course.overview import my_lessons
from course.store import Store

LESSON = "tolerance-dependence-addiction"


@pytest.fixture(scope="module")
def course() -> Course:
    loaded = load_course(REPO_ROOT).course
    assert loaded is not None
    return loaded


@pytest.fixture(scope="module")
def app(chromium_path: str) -> Iterator[tuple[str, Store]]:
    """Our own server and a Store on its database, to write what the app would write."""
    workdir = temp_dir("course-phone-")
    url = f"sqlite:///{workdir / 'phone.db'}"
    server = start_server(workdir, {"COURSE_DATABASE_URL": url, "COURSE_ROOT": ""})
    store = Store(url)
    try:
        yield server.base, store
    finally:
        store.close()
        stop_server(server)
        remove_dir(workdir)


@pytest.fixture
def new_page(open_page: Callable[[str], Any]) -> Callable[[str], Any]:
    """Open a page on a "phone" (390x844) or a "desktop" (1280x900); closed after the test."""
    return lambda kind: open_page("wide" if kind == "desktop" else kind)


def exposed(page: Any) -> tuple[set[str], set[str]]:
    """Return the names and the roles in Chromium's accessibility tree (what a reader gets)."""
    cdp = page.context.new_cdp_session(page)
    try:
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        cdp.detach()
    shown = [n for n in nodes if not n.get("ignored")]
    names = {(n.get("name", {}).get("value") or "").strip() for n in shown}
    return names, {n.get("role", {}).get("value") for n in shown}


def axe_in_main(page: Any, axe_js: str) -> list[str]:
    """Run axe-core on the main area only; list its serious and critical findings there."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_js)
    found: list[dict[str, Any]] = page.evaluate(
        """async (tags) => (await axe.run("[data-testid='stMain']",
             {runOnly: {type: 'tag', values: tags}})).violations""",
        AXE_TAGS,
    )
    return [
        f"{v['id']}: {node['html'][:160]}"
        for v in found
        for node in v["nodes"]
        if node["impact"] in FAILING_IMPACTS
    ]


# --- comparison steps --------------------------------------------------------------------------


def open_comparison(page: Any, app: tuple[str, Store], course: Course) -> ComparisonStep:
    """Put a new learner on the lesson's comparison step and open it by their code link."""
    base, store = app
    lesson = course.lessons[LESSON]
    step = next(s for s in lesson.steps if isinstance(s, ComparisonStep))
    learner_id, code = store.create_learner(datetime.now(UTC))
    store.visit_step(learner_id, LESSON, step.id, lesson.step_index(step.id), datetime.now(UTC))
    open_app(page, f"{base}/lesson?code={code}&lesson={LESSON}")
    assert step.title
    expect(main_area(page).get_by_role("heading", name=step.title)).to_be_visible()
    return step


def display(page: Any, selector: str) -> str:
    shown: str = page.locator(selector).evaluate("el => getComputedStyle(el).display")
    return shown


def test_a_phone_shows_the_comparison_as_cards_and_no_table(
    new_page: Callable[[str], Any],
    app: tuple[str, Store],
    course: Course,
    axe_js: str,
    test_name: str,
) -> None:
    page = new_page("phone")
    step = open_comparison(page, app, course)
    main = main_area(page)
    cards = page.locator(f".st-key-comparison-cards-{step.id}")
    expect(cards).to_be_visible()
    for row in step.rows:
        expect(cards.get_by_text(row.label, exact=True)).to_be_visible()
    expect(page.locator(f".st-key-comparison-table-{step.id}")).to_be_hidden()
    assert display(page, f".st-key-comparison-table-{step.id}") == "none"
    expect(main.get_by_role("table")).to_have_count(0)
    names, roles = exposed(page)
    assert "table" not in roles and f"{step.columns[0]}:" in names
    assert not cut_off(page), cut_off(page)
    assert not axe_in_main(page, axe_js), axe_in_main(page, axe_js)
    screenshot(page, test_name, "comparison-phone")


def test_a_desktop_shows_the_comparison_as_a_table_and_no_cards(
    new_page: Callable[[str], Any],
    app: tuple[str, Store],
    course: Course,
    axe_js: str,
    test_name: str,
) -> None:
    page = new_page("desktop")
    step = open_comparison(page, app, course)
    main = main_area(page)
    table = main.get_by_role("table")
    expect(table).to_have_count(1)
    expect(table).to_be_visible()
    for column in step.columns:
        expect(table.get_by_role("columnheader", name=column, exact=True)).to_be_visible()
    for row in step.rows:
        expect(table.get_by_role("rowheader", name=row.label, exact=True)).to_be_visible()
        expect(table.get_by_role("cell", name=row.cells[0], exact=True)).to_be_visible()
    expect(page.locator(f".st-key-comparison-cards-{step.id}")).to_be_hidden()
    assert display(page, f".st-key-comparison-cards-{step.id}") == "none"
    names, roles = exposed(page)
    assert "table" in roles
    assert f"{step.columns[0]}:" not in names, "the hidden cards are out of the reading order"
    assert not cut_off(page), cut_off(page)
    assert not axe_in_main(page, axe_js), axe_in_main(page, axe_js)
    screenshot(page, test_name, "comparison-desktop")


# --- My progress charts ------------------------------------------------------------------------


_CHART_TEXTS = """
(chart) => {
  const frame = chart.querySelector('svg.main-svg').getBoundingClientRect();
  const boxes = [...chart.querySelectorAll('text.annotation-text, text.bartext')].map(t => {
    const lines = [...t.querySelectorAll('tspan.line')];
    const text = lines.length ? lines.map(l => l.textContent).join(' ') : t.textContent;
    const b = t.getBoundingClientRect();
    return {text, left: b.left, right: b.right, top: b.top, bottom: b.bottom,
            visible: t.checkVisibility({visibilityProperty: true}) && b.width > 0,
            inside: b.left >= frame.left - 1 && b.right <= frame.right + 1};
  });
  const overlaps = [];
  for (const [i, a] of boxes.entries()) {
    for (const b of boxes.slice(i + 1)) {
      if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) {
        overlaps.push(`"${a.text}" overlaps "${b.text}"`);
      }
    }
  }
  return {boxes, overlaps};
}
"""


_TEXT_COLOURS = """
(chart) => {
  const found = [];
  for (const t of chart.querySelectorAll('svg text')) {
    const box = t.getBoundingClientRect();
    if (!t.textContent.trim() || box.width === 0) continue;
    const bar = t.closest('g.point')?.querySelector('path');
    const b = bar ? bar.getBoundingClientRect() : null;
    const x = (box.left + box.right) / 2, y = (box.top + box.bottom) / 2;
    const onBar = b && x > b.left && x < b.right && y > b.top && y < b.bottom;
    found.push({text: t.textContent, fill: getComputedStyle(t).fill,
                under: onBar ? getComputedStyle(bar).fill : 'rgb(255, 255, 255)'});
  }
  return found;
}
"""


def as_hex(css: str) -> str:
    """Turn a computed colour like "rgb(26, 26, 26)" into "#1a1a1a"."""
    red, green, blue = (int(float(part)) for part in css[css.index("(") + 1 : -1].split(",")[:3])
    return f"#{red:02x}{green:02x}{blue:02x}"


def low_contrast_text(chart: Any) -> list[str]:
    """List a chart's words with less than 4.5:1 against what is behind them (bar or page)."""
    return [
        f"{t['text']!r}: {t['fill']} on {t['under']} is {ratio:.2f}:1"
        for t in chart.evaluate(_TEXT_COLOURS)
        if (ratio := contrast_ratio(as_hex(t["fill"]), as_hex(t["under"]))) < 4.5
    ]


def chart_texts(chart: Any) -> dict[str, Any]:
    """The words a Plotly chart shows (titles above bars, bar texts) and where they sit."""
    found: dict[str, Any] = chart.evaluate(_CHART_TEXTS)
    return found


def seed_progress(store: Store, course: Course) -> tuple[str, list[str]]:
    """A learner with one lesson done, one begun and three finished quizzes; their code."""
    learner_id, code = store.create_learner(datetime.now(UTC))
    start = datetime.now(UTC) - timedelta(days=3)
    lesson = course.lessons[LESSON]
    for n, step in enumerate(lesson.steps):
        store.visit_step(learner_id, LESSON, step.id, n, start)
        store.complete_step(learner_id, LESSON, step.id, start)
    store.complete_lesson(learner_id, LESSON, start)
    begun = course.lessons["withdrawal-timeline"].steps[0]
    store.visit_step(learner_id, "withdrawal-timeline", begun.id, 0, start)
    finished = [
        ("knowledge-check-a", 6, 10, True),
        (f"{LESSON}-quiz", 3, 6, False),
        (f"{LESSON}-quiz", 6, 6, True),
        ("treatment-settings-quiz", 2, 6, False),
    ]
    for hours, (quiz_id, right, total, passed) in enumerate(finished):
        when = start + timedelta(hours=hours)
        store.record_quiz_result(learner_id, quiz_id, right, total, passed, True, when)
    titles = [course.quizzes[quiz_id].title for quiz_id, *_ in finished]
    return code, list(dict.fromkeys(titles))


@pytest.mark.parametrize("kind", ["phone", "desktop"])
def test_my_progress_charts_name_every_lesson_and_quiz_readably(
    new_page: Callable[[str], Any],
    app: tuple[str, Store],
    course: Course,
    test_name: str,
    kind: str,
) -> None:
    base, store = app
    code, quiz_titles = seed_progress(store, course)
    page = new_page(kind)
    open_app(page, f"{base}/progress?code={code}")
    main = main_area(page)
    charts = main.get_by_test_id("stPlotlyChart")
    expect(charts).to_have_count(2)
    expect(charts.nth(1).locator("text.annotation-text")).to_have_count(len(quiz_titles))
    lessons, results = chart_texts(charts.nth(0)), chart_texts(charts.nth(1))
    for texts in (lessons, results):
        assert all(box["visible"] and box["inside"] for box in texts["boxes"]), texts["boxes"]
        assert not texts["overlaps"], texts["overlaps"]
    written = {box["text"] for box in lessons["boxes"]}
    learner_id = store.find_learner(code)
    assert learner_id is not None
    mine = my_lessons(course, store.lesson_progress(learner_id), "learner")
    own = [t for t in course.manifest.tracks if t.audience in ("learner", "both")]
    # The reader's own track and the one for everyone; not the family track's lessons.
    assert [lesson.id for lesson in mine] == [i for track in own for i in track.lessons]
    assert {lesson.title for lesson in mine} <= written
    begun = next(lesson for lesson in mine if lesson.id == "withdrawal-timeline")
    assert {"Complete", f"0 of {len(begun.steps)} steps"} <= written
    written = {box["text"] for box in results["boxes"]}
    assert set(quiz_titles) <= written
    assert {"60% (1 try)", "100%, passed (2 tries)", "33%, not passed yet (1 try)"} <= written
    for n in range(2):
        assert not low_contrast_text(charts.nth(n)), low_contrast_text(charts.nth(n))
    assert not clipped_chart_labels(page), clipped_chart_labels(page)
    assert not cut_off(page), cut_off(page)
    screenshot(page, test_name, f"progress-{kind}")


# --- the course map ----------------------------------------------------------------------------


def test_a_phone_map_shows_the_family_track_and_folds_the_other(
    new_page: Callable[[str], Any], app: tuple[str, Store], test_name: str
) -> None:
    base, store = app
    learner_id, code = store.create_learner(datetime.now(UTC))
    store.set_audience(learner_id, "family")
    page = new_page("phone")
    open_app(page, f"{base}/map?code={code}")
    main = main_area(page)
    expect(main.get_by_role("heading", name="For families and friends")).to_be_visible()
    folded = main.get_by_test_id("stExpander").filter(has_text="Also in this course")
    expect(folded.get_by_text("Also in this course: Learn at your own pace")).to_be_visible()
    expect(main.get_by_role("heading", name="Learn at your own pace")).to_be_hidden()
    start = main.get_by_role("button", name="Start: What your loved one is going through")
    offer = main.get_by_role("button", name="Take the check")
    assert start.bounding_box()["y"] < offer.bounding_box()["y"], "the lessons come first"
    assert not cut_off(page), cut_off(page)
    screenshot(page, test_name, "map-family-phone")
