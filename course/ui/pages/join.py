"""Join a group session from a phone, follow the counselor, answer the open question."""

from __future__ import annotations

import secrets
import time

import streamlit as st

from course.group import Askable, buckets, find_askable
from course.scoring import grade_answer
from course.store.sessions import NotAllowed, RoomClosed, RoomLocked, RoomNotFound
from course.ui import identity
from course.ui.group_views import draw_step, draw_tally
from course.ui.questions import ask, show_grade
from course.ui.resources import code_throttle, course_result, sessions

TOKEN = "participant_token"
# The seat token also rides in this phone's address, like a learner's code: a reload, a tab
# the phone discarded, or a server restart then finds the same seat (and its one answer)
# instead of seating the phone again, which would let it answer a second time.
SEAT = "seat"


def show() -> None:
    token = st.session_state.get(TOKEN) or _seat_from_address()
    if token is None:
        _join_form()
        return
    _follow(token)
    if st.button("Leave the session"):
        st.session_state.pop(TOKEN, None)
        st.query_params.pop(SEAT, None)
        st.rerun()


def _seat_from_address() -> str | None:
    """Take back the seat named in the address, if it is still a seat in a session."""
    token = st.query_params.get(SEAT)
    if not token:
        return None
    if sessions().seat(token, identity.now()) is None:
        st.query_params.pop(SEAT, None)
        return None
    st.session_state[TOKEN] = token
    return token


def _join_form() -> None:
    st.title("Join a group session")
    st.markdown("Type the code on the big screen. You don't need to give your name.")
    with st.form("join"):
        code = st.text_input("Join code", value=st.query_params.get("room", ""), max_chars=12)
        name = st.text_input("Display name (optional, no real name needed)", max_chars=40)
        if st.form_submit_button("Join", type="primary"):
            problem = _join(code or "", name or None)
            if problem:
                st.error(problem)
            else:
                st.rerun()


def _join(code: str, name: str | None) -> str | None:
    key = st.session_state.setdefault("throttle_key", secrets.token_hex(8))
    wait = code_throttle().wait_time(key, time.monotonic())
    if wait > 0:
        return f"Too many tries. Please wait {int(wait) + 1} seconds and try again."
    try:
        _, token = sessions().join(code, name, identity.now())
    except RoomNotFound:
        code_throttle().record_failure(key, time.monotonic())
        return "We could not find that code. Check the code on the big screen."
    except RoomLocked:
        return "This room is locked. Ask the counselor to let you in."
    except RoomClosed:
        return "This session has ended."
    st.session_state[TOKEN] = token
    st.query_params[SEAT] = token
    return None


@st.fragment(run_every=2.0)
def _follow(token: str) -> None:
    """Show the step the counselor is on and the open question; poll every two seconds."""
    seat = sessions().seat(token, identity.now())
    course = course_result().course
    if seat is None or course is None:
        st.info("You are no longer in this session. You can join again with the code.")
        st.session_state.pop(TOKEN, None)
        st.query_params.pop(SEAT, None)
        return
    current, participant = seat
    lesson = course.lessons.get(current.lesson_id)
    if current.status == "closed" or lesson is None:
        st.title("This session has ended. Thank you for taking part.")
        return
    st.caption(
        f"{lesson.title}"
        + (f" · you are {participant.display_name}" if participant.display_name else "")
    )
    draw_step(lesson.steps[min(current.step_index, len(lesson.steps) - 1)])
    askable = find_askable(course, lesson, current.open_question or "")
    if askable is not None:
        _question(token, current.id, askable, current.min_group_size)


def _question(token: str, room_id: int, askable: Askable, min_group_size: int) -> None:
    st.header("Your turn")
    mine = st.session_state.setdefault("answers", {})
    slot = f"{room_id}:{askable.key}"
    if slot not in mine:

        def send(answer: object) -> None:
            grade = grade_answer(askable.question, answer)
            try:
                counted = sessions().answer(
                    token, askable.key, answer, grade.is_correct, identity.now()
                )
            except NotAllowed:
                st.warning("That question has closed.")
                return
            # Not counted: this seat had answered before (say, before a reload); the first stands.
            mine[slot] = {"answer": answer, "counted": counted}

        ask(askable.question, key=f"room-{room_id}-{askable.key}", seed_key=token[:8],
            latest=None, on_answer=send, submit_label="Send my answer")  # fmt: skip
        if slot not in mine:
            return  # no rerun after sending: the lines below show the answer is in
    answered = mine[slot]
    if answered["counted"]:
        st.success("Your answer is in. Results show when the counselor reveals them.")
    else:
        st.info(
            "You had already answered this question, so your first answer is the one that "
            "counts. Results show when the counselor reveals them."
        )
    tally = sessions().tally(room_id, askable.key, keys=lambda a: buckets(askable.question, a))
    if tally.revealed:
        draw_tally(askable, tally, min_group_size)
        if answered["counted"]:  # the grade of an answer that did not count would mislead
            show_grade(grade_answer(askable.question, answered["answer"]), can_retry=False)


show()
