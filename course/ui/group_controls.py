"""Controls a leader of a live session uses: the door, the pace, the questions to ask.

Shared by the counselor's console and a family session's host (who has no account).
"""

from __future__ import annotations

import contextlib

import streamlit as st

from course.group import askables, find_share, is_scene_vote, scene_vote, shares
from course.i18n import N_, tr
from course.model import Lesson, ScenarioStep, Step
from course.store.sessions import GroupSession, RoomClosed
from course.ui import identity
from course.ui.live import live
from course.ui.resources import course_result, sessions

LOCK_HINT = N_("Everyone is in? Lock the room so no one else can join with the code.")
TIMER_SECONDS = (15, 30, 60, 90, 120)


@live(3.0)
def door(room_id: int, owner_id: int) -> None:
    """Show the seats taken and the lock, live; the lock stands out once the class is in."""
    current = sessions().owned(room_id, owner_id)
    if current.status == "closed":  # ended from another tab or device: the page says so
        st.rerun()
    seated = sessions().participant_count(room_id)
    with st.container(border=True):
        st.metric(tr("People in the room"), seated)
        st.caption(tr("{seated} of {cap} seats taken").format(seated=seated, cap=current.seat_cap))
        if current.status == "locked":
            st.markdown(tr("The room is locked: no one else can join. Everyone inside stays."))
            if st.button(tr("Unlock the room"), icon=":material/lock_open:"):
                _set_status(current, owner_id, "open")
        else:
            _lock(current, seated, owner_id)


def _lock(current: GroupSession, seated: int, owner_id: int) -> None:
    """Offer the lock: plain while people arrive, prominent once enough are in or seats run out."""
    is_full = seated >= current.seat_cap
    if is_full:
        st.warning(tr("The room is full: no one else can join until a seat is freed or added."))
    is_in = is_full or seated >= current.min_group_size
    if is_in:
        st.markdown(tr(LOCK_HINT))
    if st.button(
        tr("Lock the room"),
        type="primary" if is_in else "secondary",
        icon=":material/lock:",
        width="stretch" if is_in else "content",
    ):
        _set_status(current, owner_id, "locked")


def _set_status(current: GroupSession, owner_id: int, status: str) -> None:
    # Ended from another tab meanwhile: nothing to lock, and the rerun shows it has ended.
    with contextlib.suppress(RoomClosed):
        sessions().set_status(current.id, owner_id, status, identity.now())
    st.rerun()


PENDING_MOVE = "pending_move"


def pace(current: GroupSession, lesson: Lesson, owner_id: int) -> Step:
    """Show where the room is, with back and next; return the current step.

    While a question is open the projector shows it, not the step: moving on first asks
    whether to close it, so the room never looks at a question that is no longer asked.
    """
    index = min(current.step_index, len(lesson.steps) - 1)
    total = len(lesson.steps)
    st.progress(
        (index + 1) / total, text=tr("Step {n} of {total}").format(n=index + 1, total=total)
    )
    back, forward = st.columns(2)
    if index > 0 and back.button(tr("Back"), icon=":material/arrow_back:", width="stretch"):
        _move(current, lesson, index - 1, owner_id)
    if index + 1 < total and forward.button(
        tr("Next"), type="primary", icon=":material/arrow_forward:", width="stretch"
    ):
        _move(current, lesson, index + 1, owner_id)
    _confirm_move(current, lesson, owner_id)
    return lesson.steps[index]


def _move(current: GroupSession, lesson: Lesson, to: int, owner_id: int) -> None:
    if current.open_question:
        st.session_state[PENDING_MOVE] = (current.id, to)
        return  # asked below the buttons, in this same run
    sessions().move(current.id, owner_id, to, lesson.steps[to].id, identity.now())
    st.rerun()


def _confirm_move(current: GroupSession, lesson: Lesson, owner_id: int) -> None:
    """Ask before leaving a step while its question is still open."""
    pending = st.session_state.get(PENDING_MOVE)
    if pending is None or pending[0] != current.id or not current.open_question:
        st.session_state.pop(PENDING_MOVE, None)
        return
    to = pending[1]
    with st.container(border=True, key="confirm-move"):
        st.warning(tr("A question is still open on the big screen. Close it and move on?"))
        go, stay = st.columns(2)
        if go.button(tr("Close it and move on"), type="primary", width="stretch"):
            st.session_state.pop(PENDING_MOVE, None)
            now = identity.now()
            sessions().close_question(current.id, owner_id, now)
            sessions().move(current.id, owner_id, to, lesson.steps[to].id, now)
            st.rerun()
        if stay.button(tr("Stay on this step"), width="stretch"):
            st.session_state.pop(PENDING_MOVE, None)
            st.rerun()


def questions(
    current: GroupSession,
    lesson: Lesson,
    owner_id: int,
    *,
    with_shares: bool,
    narrow: bool = False,
) -> None:
    """Pick a question (or, with_shares, a discussion prompt) to open, reveal or close.

    Narrow (a side column): the buttons one above the other, so each label reads whole.
    """
    course = course_result().course
    if course is None:
        return
    options = {a.key: a.label for a in askables(course, lesson)}
    if with_shares:
        options |= {s.key: s.label for s in shares(lesson)}
    if not options:
        return
    st.subheader(tr("Questions"))
    keys = list(options)
    # Start on the open question, so that a counselor back after a reload (or a restart) does
    # not reopen the first question by mistake.
    at = keys.index(current.open_question) if current.open_question in options else 0
    chosen = st.selectbox(tr("Question to ask"), keys, index=at, format_func=options.__getitem__)
    ask, reveal, close = (st.container(),) * 3 if narrow else st.columns(3)
    now = identity.now()
    if ask.button(tr("Open question"), width="stretch") and chosen:
        sessions().open_question(current.id, owner_id, chosen, now)
        st.rerun()
    is_vote = is_scene_vote(current.open_question)  # run by scene(), below
    poll = (
        current.open_question
        if find_share(lesson, current.open_question or "") is None and not is_vote
        else None
    )
    if poll and reveal.button(tr("Reveal results"), width="stretch"):
        sessions().reveal(current.id, owner_id, poll, now)
        st.rerun()
    if (
        current.open_question
        and not is_vote
        and close.button(tr("Close question"), width="stretch")
    ):
        sessions().close_question(current.id, owner_id, now)
        st.rerun()
    if poll:
        _timer(current, owner_id)


def scene(
    current: GroupSession, step: ScenarioStep, owner_id: int, *, with_vote: bool = True
) -> None:
    """Run a scenario with the room: let it vote on this point, reveal, go on down a branch.

    Without a vote (one shared screen), the people in the room decide together out loud.
    """
    node = step.node(current.scene_node or step.start) or step.node(step.start)
    if node is None:
        return
    now = identity.now()
    with st.container(border=True, key="scene-controls"):
        st.subheader(tr("The story"))
        if node.is_ending:
            st.caption(tr("The story ends here: talk it over with the room."))
        elif with_vote:
            vote = scene_vote(step, node.id)
            is_open = current.open_question == vote.key
            revealed = is_open and sessions().tally(current.id, vote.key).revealed
            if not is_open and st.button(tr("Let the room vote"), type="primary"):
                sessions().open_question(current.id, owner_id, vote.key, now)
                st.rerun()
            if is_open and not revealed and st.button(tr("Reveal the votes"), type="primary"):
                sessions().reveal(current.id, owner_id, vote.key, now)
                st.rerun()
        if not node.is_ending:
            st.markdown(tr("Go on with the story down the choice the room will talk about:"))
            for n, choice in enumerate(node.choices):
                label = f"{chr(ord('A') + n)}. {choice.text}"
                if st.button(label, key=f"follow-{step.id}-{node.id}-{n}", width="stretch"):
                    sessions().go_to_scene(current.id, owner_id, choice.next, now)
                    st.rerun()
        if node.id != step.start and st.button(
            tr("Back to the start of the story"), icon=":material/replay:"
        ):
            sessions().go_to_scene(current.id, owner_id, None, now)
            st.rerun()


def _timer(current: GroupSession, owner_id: int) -> None:
    """Offer a countdown for the open question; the projector shows the time left."""
    length, start = st.columns([2, 1], vertical_alignment="bottom")
    seconds = length.selectbox(
        tr("Time to answer"),
        TIMER_SECONDS,
        index=1,
        format_func=lambda n: tr("{n} seconds").format(n=n),
    )
    if start.button(tr("Start the timer"), icon=":material/timer:", width="stretch") and seconds:
        sessions().start_countdown(current.id, owner_id, int(seconds), identity.now())
        st.rerun()
