"""A family session: no account, on one shared screen or with everyone on a phone."""

from __future__ import annotations

import streamlit as st

from course import i18n
from course.group import buckets, find_askable
from course.i18n import N_, tr
from course.model import CheckStep, Lesson, ScenarioStep
from course.store.accounts import Throttled
from course.store.hosts import FAMILY_MIN_GROUP, Hosts
from course.store.limits import FAMILY_STARTS, Refused
from course.store.sessions import GroupSession, NotAllowed
from course.text import safe_markdown
from course.ui import client, cookies, group_controls, handout, identity, listen, room
from course.ui.group_views import LARGE_TYPE, draw_step, draw_tally
from course.ui.live import live
from course.ui.resources import course_result, limits, sessions, store, take

HOST = "family_host"  # (session id, host id) in this browser session
HOST_COOKIE = "course_host"
MODES = {"screen": N_("One shared screen"), "phones": N_("Everyone on their own phone")}


def show() -> None:
    st.title(tr("Family session"))
    hosted = _hosted()
    if hosted is None:
        _start()
        return
    current, host_id = hosted
    lesson = room.lesson_of(current)
    if current.status == "closed" or lesson is None:
        st.info(tr("This family session has ended. Thank you for learning together."))
        if st.button(tr("Start another family session"), type="primary"):
            _forget()
        return
    _lead(current, lesson, host_id)


def _hosted() -> tuple[GroupSession, int] | None:
    """Return the session this browser hosts, found again from its cookie after a reload."""
    found = st.session_state.get(HOST)
    if found is None and (token := cookies.read(HOST_COOKIE)):
        host_id = Hosts(store().engine).find(token)
        mine = sessions().sessions_of(host_id) if host_id else []
        live = [s for s in mine if s.status != "closed"]
        if host_id and live:
            found = st.session_state[HOST] = (live[0].id, host_id)
    if found is None:
        return None
    try:
        return sessions().owned(found[0], found[1]), found[1]
    except NotAllowed:
        st.session_state.pop(HOST, None)
        return None


def _start() -> None:
    course = course_result().course
    if course is None or not course.lessons:
        st.error(tr("No lessons can be served right now."))
        return
    if st.session_state.pop("family_ended", False):
        st.success(tr("This family session has ended. Thank you for learning together."))
    st.markdown(
        tr(
            "Learn together as a family. Lead a lesson on **one shared screen** with talking "
            "points, or let **everyone answer on their own phone** and see the answers together. "
            "No account and no names needed."
        )
    )
    family = [lesson for t in course.manifest.tracks if t.audience == "family"
              for lesson in course.track_lessons(t)]  # fmt: skip
    family_ids = {lesson.id for lesson in family}
    others = [lesson for lesson in course.lessons.values() if lesson.id not in family_ids]
    titles = {lesson.id: lesson.title for lesson in [*family, *others]}
    with st.form("start_family"):
        lesson_id = st.selectbox(tr("Lesson"), list(titles), format_func=titles.__getitem__)
        mode = st.radio(
            tr("How will you follow it?"), list(MODES), format_func=lambda m: tr(MODES[m])
        )
        if st.form_submit_button(tr("Start the family session"), type="primary") and lesson_id:
            problem = _begin(course.lessons[lesson_id], mode or "screen")
            if problem:
                st.error(problem)
            else:
                st.rerun()
    st.subheader(tr("No devices? Print a handout"))
    chosen = st.selectbox(tr("Handout of"), list(titles), format_func=titles.__getitem__)
    if chosen:
        handout.offer(chosen)


def _begin(lesson: Lesson, mode: str) -> str | None:
    ticket = take(FAMILY_STARTS, client.key())
    if isinstance(ticket, Refused):
        return tr("Many family sessions were started from here lately. {wait}").format(
            wait=identity.wait_words(ticket)
        )
    try:
        started, host_id, token = Hosts(store().engine).start(
            lesson.id,
            lesson.steps[0].id,
            identity.now(),
            min_group_size=FAMILY_MIN_GROUP,
            mode=mode,
            language=i18n.current(),  # the shared screen's language; each phone keeps its own
        )
    except Throttled as busy:
        limits().release(ticket)
        return tr(
            "Very many family sessions started in the last hour. Please try again in "
            "{minutes} minutes."
        ).format(minutes=int(busy.wait_seconds / 60) + 1)
    st.session_state[HOST] = (started.id, host_id)
    st.session_state["family_token"] = token  # kept in a cookie in the next run
    return None


def _lead(current: GroupSession, lesson: Lesson, host_id: int) -> None:
    mode = current.family_mode or "phones"  # the session's, so a reload keeps it
    # The host's screen is the one the family watches: wide, in type read from the sofa.
    # The sidebar folds away (help stays in the top line) so a laptop gives the lesson room.
    st.set_page_config(layout="wide", initial_sidebar_state="collapsed")
    st.html(LARGE_TYPE)  # safe: a fixed style sheet of ours, no content
    st.caption(f"{lesson.title} · {tr(MODES[mode]) if mode in MODES else ''}")
    main, side = st.columns([3, 2], gap="large")
    with main:
        step = group_controls.pace(current, lesson, host_id)
        with st.container(border=True):
            # Read on the shared screen's own device, only when someone taps.
            with listen.read_aloud(f"family-{current.id}-{step.id}", tr("this step"),
                                   button=tr("Read this step aloud")) as reading:  # fmt: skip
                draw_step(step, current.scene_node, reading)
            if isinstance(step, CheckStep):
                with st.expander(tr("Show the answer")):
                    st.markdown(safe_markdown(step.question.explanation))
        if notes := getattr(step, "facilitator_notes", None):
            with st.expander(tr("Tips for leading this talk")):
                st.markdown(safe_markdown(notes))
        if isinstance(step, ScenarioStep):  # the family decides together, or votes by phone
            group_controls.scene(current, step, host_id, with_vote=mode == "phones")
    with side:  # with phones: the code first (above the fold), the controls, the answers
        if mode == "phones":
            room.show_join(current, large=False)
            group_controls.questions(current, lesson, host_id, with_shares=False, narrow=True)
            _answers(current.id, host_id)
        _host_tools(current, lesson, host_id, mode)
    # Last on the page, so the live part keeps its place (and its fragment name) after this run.
    if token := st.session_state.pop("family_token", None):
        cookies.keep(HOST_COOKIE, token, 12)


def _host_tools(current: GroupSession, lesson: Lesson, host_id: int, mode: str) -> None:
    handout.offer(lesson.id, audience="family")
    other = "phones" if mode == "screen" else "screen"
    if st.button(tr("Switch to: {mode}").format(mode=tr(MODES[other]).lower()), width="stretch"):
        sessions().set_family_mode(current.id, host_id, other, identity.now())
        st.rerun()
    with st.expander(tr("End the family session")):
        if st.button(tr("End session"), type="primary"):
            sessions().set_status(current.id, host_id, "closed", identity.now())
            st.session_state["family_ended"] = True
            _forget()


def _forget() -> None:
    st.session_state.pop(HOST, None)
    st.session_state["drop_host_cookie"] = True
    st.rerun()


@live(2.0)
def _answers(room_id: int, host_id: int) -> None:
    """Show who joined and, on this shared screen, answers only once they are revealed."""
    current = sessions().owned(room_id, host_id)
    st.metric(tr("People joined"), sessions().participant_count(room_id))
    lesson = room.lesson_of(current)
    course = course_result().course
    askable = (
        find_askable(course, lesson, current.open_question or "") if course and lesson else None
    )
    if askable is None:
        return
    st.markdown(tr("**Open question:** {label}").format(label=askable.label))
    st.markdown(safe_markdown(askable.question.prompt))
    tally = sessions().tally(
        room_id, askable.key, keys=lambda answer: buckets(askable.question, answer)
    )
    if tally.revealed:
        draw_tally(askable, tally, current.min_group_size, large=True)
    else:
        st.metric(tr("Answers so far"), tally.responses)


if st.session_state.pop("drop_host_cookie", False):
    cookies.drop(HOST_COOKIE)
show()
