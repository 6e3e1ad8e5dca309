"""The phone experience without a browser: comparison tables, the course map, Review.

What only a browser can show (which form a screen width displays) is in
tests/browser/test_screen_layout.py; here AppTest checks what each page draws.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from apptest_kit import click, open_page
from slowdown import slow
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block

from course.model import ComparisonStep, Course
from course.store import Store
from course.ui.steps import COMPARISON_CSS

LESSON = "tolerance-dependence-addiction"
TRACKS = {"learner": "Learn at your own pace", "family": "For families and friends"}


@pytest.fixture
def learner(db_url: str) -> tuple[int, str]:
    return Store(db_url).create_learner(datetime.now(UTC))


def comparison(course: Course) -> ComparisonStep:
    return next(s for s in course.lessons[LESSON].steps if isinstance(s, ComparisonStep))


def keyed(node: Block, key: str) -> Block:
    """Find the container drawn with st.container(key=key) (its block id ends in the key)."""
    for child in node.children.values():
        if isinstance(child, Block):
            if str(getattr(child.proto, "id", "")).endswith(f"-{key}"):
                return child
            found = keyed(child, key) if child.children else None
            if found is not None:
                return found
    return None  # type: ignore[return-value]


# --- comparison steps: a table for a wide screen, cards for a phone ----------------------------


def test_comparison_step_draws_a_table_and_the_phone_cards(
    db_url: str, learner: tuple[int, str], course: Course
) -> None:
    learner_id, code = learner
    step = comparison(course)
    index = course.lessons[LESSON].step_index(step.id)
    Store(db_url).visit_step(learner_id, LESSON, step.id, index, datetime.now(UTC))
    at = open_page("lesson", code=code, lesson=LESSON)
    assert not at.exception
    cards = keyed(at.main, f"comparison-cards-{step.id}")
    table = keyed(at.main, f"comparison-table-{step.id}")
    assert cards is not None and table is not None
    labels = [row.label for row in step.rows]
    assert [m.value for m in cards.markdown][::2] == [f"**{label}**" for label in labels]
    frame = table.table[0].value
    assert list(frame.columns) == step.columns
    assert list(frame.index) == labels
    assert frame.values.tolist() == [row.cells for row in step.rows]
    assert COMPARISON_CSS in [h.proto.body for h in at.html]


def test_the_css_shows_exactly_one_form_at_each_width() -> None:
    narrow, wide = COMPARISON_CSS.split("@media")[1:]
    assert "(max-width: 599.98px)" in narrow and "st-key-comparison-table-" in narrow
    assert "(min-width: 600px)" in wide and "st-key-comparison-cards-" in wide
    assert COMPARISON_CSS.count("display: none") == 2


def draw_a_comparison_for_a_room() -> None:
    """Draw the shipped comparison step as the projector and a family's shared screen do."""
    from course.loader import REPO_ROOT, load_course
    from course.model import ComparisonStep
    from course.ui.group_views import draw_step

    course = load_course(REPO_ROOT).course
    assert course is not None
    lesson = course.lessons["tolerance-dependence-addiction"]
    draw_step(next(s for s in lesson.steps if isinstance(s, ComparisonStep)))


def test_a_room_screen_draws_the_comparison_too(db_url: str) -> None:
    at = AppTest.from_function(draw_a_comparison_for_a_room, default_timeout=slow(60)).run()
    assert not at.exception
    assert len(at.table) == 1 and at.table[0].value.shape == (4, 3)


# --- the course map ---------------------------------------------------------------------------


@pytest.mark.parametrize(("audience", "other"), [("learner", "family"), ("family", "learner")])
def test_map_opens_the_learners_own_track_and_folds_the_other(
    db_url: str, learner: tuple[int, str], course: Course, audience: str, other: str
) -> None:
    learner_id, code = learner
    Store(db_url).set_audience(learner_id, audience)
    at = open_page("map", code=code)
    assert not at.exception
    folded = [e for e in at.expander if e.label.startswith("Also in this course")]
    assert [e.label for e in folded] == [f"Also in this course: {TRACKS[other]}"]
    assert not folded[0].proto.expanded
    track = {t.audience: t for t in course.manifest.tracks}
    inside = [s.value for s in folded[0].subheader]
    assert inside == [lesson.title for lesson in course.track_lessons(track[other])]
    # Open: the reader's own track, then the track for everyone.
    shown = [s.value for s in at.main.subheader if s.value not in inside]
    assert shown == [
        lesson.title for key in (audience, "both") for lesson in course.track_lessons(track[key])
    ]
    headers = [h.value for h in at.main.header]
    assert headers[0] == TRACKS[audience]
    assert headers.index(track["both"].title) > 0


def test_the_check_before_starting_is_a_small_offer_below_the_lessons_button(
    learner: tuple[int, str],
) -> None:
    at = open_page("map", code=learner[1])
    labels = [b.label for b in at.main.button]
    start = next(n for n, label in enumerate(labels) if label.startswith("Start: "))
    assert start < labels.index("Take the check") < labels.index("Skip for now")
    take = next(b for b in at.main.button if b.label == "Take the check")
    assert take.proto.type == "secondary", "the lessons' button stays the one primary action"
    assert any(c.value.startswith("**Before you start:**") for c in at.main.caption)
    at = click(at, "Skip for now")
    assert "Take the check" not in [b.label for b in at.main.button]


def test_review_of_a_finished_lesson_opens_at_step_one(
    db_url: str, learner: tuple[int, str], course: Course
) -> None:
    learner_id, code = learner
    store = Store(db_url)
    lesson = course.lessons[LESSON].for_audience("learner")
    now = datetime.now(UTC)
    for n, step in enumerate(lesson.steps):
        store.visit_step(learner_id, LESSON, step.id, n, now)
        store.complete_step(learner_id, LESSON, step.id, now)
    store.complete_lesson(learner_id, LESSON, now)
    at = open_page("map", code=code)
    review = at.button(key=f"open-{LESSON}")
    assert review.label == "Review"
    review.click().run()
    progress = store.lesson_progress(learner_id)[LESSON]
    assert (progress.current_index, progress.current_step_id) == (0, lesson.steps[0].id)
    assert progress.is_completed and progress.steps_completed == {s.id for s in lesson.steps}
    # AppTest reruns the page it started on after switch_page: open the lesson afresh.
    at = open_page("lesson", code=code, lesson=LESSON)
    assert at.get("progress")[0].proto.text == f"Step 1 of {len(lesson.steps)}"


def test_continue_keeps_the_place_in_an_unfinished_lesson(
    db_url: str, learner: tuple[int, str], course: Course
) -> None:
    learner_id, code = learner
    store = Store(db_url)
    lesson = course.lessons[LESSON]
    store.visit_step(learner_id, LESSON, lesson.steps[3].id, 3, datetime.now(UTC))
    at = open_page("map", code=code)
    at.button(key=f"open-{LESSON}").click().run()
    assert store.lesson_progress(learner_id)[LESSON].current_index == 3
