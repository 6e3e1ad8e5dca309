"""The projector: the current step in large type, the join code, and revealed results."""

from __future__ import annotations

import streamlit as st

from course.group import buckets, find_askable
from course.store.sessions import normalize_join_code
from course.text import safe_markdown
from course.ui import identity, room
from course.ui.group_views import draw_step, draw_tally
from course.ui.resources import course_result, sessions

LARGE_TYPE = """<style>
[data-testid="stMain"] p, [data-testid="stMain"] li { font-size: 1.6rem; line-height: 1.45; }
</style>"""


def show() -> None:
    st.html(LARGE_TYPE)  # safe: a fixed style sheet of ours, no content
    code = normalize_join_code(st.query_params.get("room", ""))
    if code is None:
        st.title("Projector")
        st.info("Open this page from the facilitator console.")
        return
    _screen(code)


@st.fragment(run_every=0.5)
def _screen(code: str) -> None:
    """Redraw what the room sees twice a second (one projector: ~2% of a core)."""
    current = sessions().find_by_code(code, identity.now())
    lesson = room.lesson_of(current) if current else None
    course = course_result().course
    if current is None or lesson is None or course is None:
        st.title("This session has ended. Thank you for taking part.")
        return
    step = lesson.steps[min(current.step_index, len(lesson.steps) - 1)]
    askable = find_askable(course, lesson, current.open_question or "")
    if askable is None:
        room.show_join(current, large=True)
        draw_step(step)
        return
    # An open question comes first, so the room sees it without anyone scrolling.
    st.header("Question")
    st.markdown(safe_markdown(askable.question.prompt))
    tally = sessions().tally(
        current.id, askable.key, keys=lambda answer: buckets(askable.question, answer)
    )
    if tally.revealed:
        draw_tally(askable, tally, current.min_group_size)
    else:
        st.metric("Answers so far", tally.responses)
    room.show_join(current, large=False)


show()
