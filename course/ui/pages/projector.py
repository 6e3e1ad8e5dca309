"""The projector: the current step in large type, the join code, and revealed results."""

from __future__ import annotations

import math
from datetime import datetime

import streamlit as st

from course import i18n
from course.group import Askable, Share, buckets, find_askable, find_share
from course.i18n import tr
from course.risk import is_risky
from course.scoring import seed_for
from course.store.sessions import normalize_join_code
from course.text import safe_markdown
from course.ui import identity, room
from course.ui.group_views import LARGE_TYPE, PROJECTOR_CHROME, choice_lines, draw_step, draw_tally
from course.ui.live import live
from course.ui.questions import right_answer
from course.ui.resources import course_result, sessions
from course.wordcloud import cloud_html, word_counts


def show() -> None:
    # A projector is a wide screen read from across a room: use all of it.
    st.set_page_config(layout="wide", initial_sidebar_state="collapsed")
    st.html(LARGE_TYPE + PROJECTOR_CHROME)  # safe: fixed style sheets of ours, no content
    code = normalize_join_code(st.query_params.get("room", ""))
    if code is None:
        st.title(tr("Projector"))
        st.info(tr("Open this page from the facilitator console."))
        return
    _screen(code)


@live(0.5)
def _screen(code: str) -> None:
    """Redraw what the room sees twice a second (one projector: ~2% of a core)."""
    current = sessions().find_by_code(code, identity.now())
    if current is not None:
        i18n.set_language(current.language)  # the room's language, whatever this browser's
    lesson = room.lesson_of(current) if current else None
    course = course_result().course
    if current is None or lesson is None or course is None:
        st.title(tr("This session has ended. Thank you for taking part."))
        return
    step = lesson.steps[min(current.step_index, len(lesson.steps) - 1)]
    # Before the lesson starts (or when the counselor asks) the join code fills the side; then
    # it keeps to a corner.
    is_starting = current.join_large or (current.step_index == 0 and current.open_question is None)
    main, side = st.columns([2, 1] if is_starting else [5, 1], gap="large")
    with side:
        room.show_join(current, large=is_starting, compact=not is_starting)
    with main:
        askable = find_askable(course, lesson, current.open_question or "")
        share = find_share(lesson, current.open_question or "")
        if askable is not None:
            _question(current.id, askable, current.min_group_size, current.countdown_until)
        elif share is not None:
            _thoughts(current.id, share, as_cloud=current.thoughts_view == "cloud")
        else:
            draw_step(step, current.scene_node)


def _question(
    room_id: int, askable: Askable, min_group_size: int, countdown_until: datetime | None
) -> None:
    """Fill the screen with the open question: its choices and how many answered; on reveal,
    the chart, the right answer marked and why."""
    question = askable.question
    st.header(tr("What would you do?") if askable.is_vote else tr("Question"))
    st.markdown(safe_markdown(question.prompt))
    tally = sessions().tally(room_id, askable.key, keys=lambda answer: buckets(question, answer))
    if not tally.revealed:
        lines = choice_lines(question, seed_for("projector", askable.key))
        st.markdown(safe_markdown("\n".join(f"- {line}" for line in lines)))
        seated = sessions().participant_count(room_id)
        answered, left = st.columns(2)
        answered.metric(
            tr("Answered"),
            tr("{answered} of {seated}").format(answered=tally.responses, seated=seated),
        )
        if countdown_until is not None:
            seconds = max(0, math.ceil((countdown_until - identity.now()).total_seconds()))
            said = f"{seconds // 60}:{seconds % 60:02d}" if seconds else tr("Time is up")
            left.metric(tr("Time left"), said)
        return
    draw_tally(askable, tally, min_group_size, large=True)
    if askable.is_vote:
        return  # the room's choice: nothing is marked right
    st.success(safe_markdown(right_answer(question)), icon=":material/check_circle:")
    st.markdown(
        safe_markdown(tr("**Why:** {explanation}").format(explanation=question.explanation))
    )


def _thoughts(room_id: int, share: Share, *, as_cloud: bool) -> None:
    """Show the prompt and only the thoughts the counselor approved: as a list, or a cloud."""
    st.header(tr("Share a thought"))
    st.markdown(safe_markdown(share.prompt))
    st.metric(tr("Thoughts shared"), sessions().tally(room_id, share.key).responses)
    course = course_result().course
    extra = course.manifest.risk_phrases if course else []
    # Never before the room, even if approved by mistake.
    shown = [t for t in sessions().approved_texts(room_id, share.key) if not is_risky(t, extra)]
    if as_cloud:
        cloud = cloud_html(word_counts(shown), label=tr("Words from the thoughts shown"))
        if cloud:
            st.html(cloud)  # every word escaped (course.wordcloud)
        return
    for text in shown:
        with st.container(border=True):
            st.text(text)  # as typed: plain text, never Markdown


show()
