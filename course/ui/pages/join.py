"""Join a group session from a phone, follow the counselor, answer the open question."""

from __future__ import annotations

import streamlit as st

from course.group import SHARE_CHARS, Askable, Share, buckets, clean_share, find_askable, find_share
from course.helplinks import links_html, one_tap_links
from course.i18n import tr
from course.model import AnyQuestion, MultipleChoice, SingleChoice
from course.risk import is_risky
from course.scoring import grade_answer
from course.store.limits import JOIN_CODES, ROOM_JOINS, Refused, Ticket
from course.store.sessions import NotAllowed, RoomClosed, RoomFull, RoomLocked, RoomNotFound
from course.text import safe_markdown
from course.ui import client, cookies, frame, identity, room
from course.ui.group_views import draw_step, draw_tally
from course.ui.live import live
from course.ui.questions import ask, letters_of, show_grade
from course.ui.resources import course_result, limits, sessions, take

TOKEN = "participant_token"
# The seat token is kept in a cookie of this site (never in the address, which can be shared
# or seen on a screen): a reload, a tab the phone discarded, or a server restart then finds
# the same seat (and its one answer) instead of seating the phone again, which would let it
# answer a second time. The cookie ends with the browser or after 12 hours.
SEAT_COOKIE = "course_seat"
SEAT_HOURS = 12
REMEMBERED = "seat_cookie_for"
LEFT = "left_seat"


def show() -> None:
    st.query_params.pop("seat", None)  # an address from an older version: drop it unread
    if st.session_state.pop(LEFT, False):
        cookies.drop(SEAT_COOKIE)  # in this run: a rerun would remove the script unrun
    token = st.session_state.get(TOKEN) or _seat_from_cookie()
    if token is None:
        _join_form()
        return
    _follow(token)
    if st.button(tr("Leave the session")):
        st.session_state.pop(TOKEN, None)
        st.session_state.pop(REMEMBERED, None)
        st.session_state[LEFT] = True
        st.rerun()
    # Last on the page: an element drawn once must not shift the live part's place (a
    # fragment is named by where it sits, and a phone keeps polling that name).
    if st.session_state.get(REMEMBERED) != token:  # once per seat
        st.session_state[REMEMBERED] = token
        cookies.keep(SEAT_COOKIE, token, SEAT_HOURS)


def _seat_from_cookie() -> str | None:
    """Take back the seat this browser was given, if it is still a seat in a session."""
    token = cookies.read(SEAT_COOKIE)
    if token is None or sessions().seat(token, identity.now()) is None:
        return None
    st.session_state[TOKEN] = token
    st.session_state[REMEMBERED] = token  # the browser has it already
    return token


def _join_form() -> None:
    st.title(tr("Join a group session"))
    st.markdown(tr("Type the code on the big screen. You don't need to give your name."))
    with st.form("join"):
        code = st.text_input(tr("Join code"), value=st.query_params.get("room", ""), max_chars=12)
        name = st.text_input(tr("Display name (optional, no real name needed)"), max_chars=40)
        if st.form_submit_button(tr("Join"), type="primary"):
            problem = _join(code or "", name or None)
            if problem:
                st.error(problem)
            else:
                st.rerun()


def _join(code: str, name: str | None) -> str | None:
    """Seat this phone, or say why not. Wrong codes and seats taken are limited per client.

    A phone that came by the room's QR link carries the app's proof of the room, so it is never
    slowed down for other people's wrong codes; a typed code counts against this client's
    allowance of wrong join codes until it turns out right.
    """
    who = client.key()
    code_ticket: Ticket | None = None
    if not _has_proof(code):
        taken = take(JOIN_CODES, who)
        if isinstance(taken, Refused):
            return identity.busy(taken)
        code_ticket = taken
    seat_ticket = take(ROOM_JOINS, who)
    if isinstance(seat_ticket, Refused):
        _give_back(code_ticket)
        return (
            tr("Many phones joined from this network lately.")
            + " "
            + identity.wait_words(seat_ticket)
        )
    try:
        _, token = sessions().join(code, name, identity.now())
    except RoomNotFound:
        _give_back(seat_ticket)  # the wrong code keeps its count
        return tr("We could not find that code. Check the code on the big screen.")
    except (RoomLocked, RoomFull, RoomClosed, ValueError) as refused:
        _give_back(seat_ticket, code_ticket)
        if isinstance(refused, RoomLocked):
            return tr("This room is locked. Ask the counselor to let you in.")
        if isinstance(refused, RoomFull):
            return tr("This room is full. Ask the counselor to make room for you.")
        if isinstance(refused, RoomClosed):
            return tr("This session has ended.")
        return str(refused)  # the display name: checked before the code, so no guess was made
    _give_back(code_ticket)
    st.session_state[TOKEN] = token
    return None


def _has_proof(code: str) -> bool:
    """Tell whether this page was opened from the room's own QR link (for this code)."""
    proof = st.query_params.get(room.PROOF_PARAM)
    if not proof:
        return False
    found = sessions().find_by_code(code, identity.now())
    return found is not None and limits().is_signed(room.link_text(found), proof)


def _give_back(*tickets: Ticket | None) -> None:
    for ticket in tickets:
        if ticket is not None:
            limits().release(ticket)


@live(2.0)
def _follow(token: str) -> None:
    """Show the step the counselor is on and the open question; poll every two seconds."""
    seat = sessions().seat(token, identity.now())
    course = course_result().course
    if seat is None or course is None:
        st.info(tr("You are no longer in this session. You can join again with the code."))
        st.session_state.pop(TOKEN, None)
        return
    current, participant = seat
    lesson = course.lessons.get(current.lesson_id)
    if current.status == "closed" or lesson is None:
        st.title(tr("This session has ended. Thank you for taking part."))
        return
    st.caption(lesson.title)
    if participant.display_name:
        # Plain text, never Markdown.
        st.text(tr("You joined as “{name}”.").format(name=participant.display_name))
    askable = find_askable(course, lesson, current.open_question or "")
    share = find_share(lesson, current.open_question or "")
    # While a question is open the phone is for answering: the question alone, its prompt
    # once and Send within reach; the step comes back when the counselor closes it.
    if askable is not None:
        _question(token, current.id, askable, current.min_group_size)
    elif share is not None:
        _share(token, current.id, share)
    else:
        step = lesson.steps[min(current.step_index, len(lesson.steps) - 1)]
        draw_step(step, current.scene_node)


def _share(token: str, room_id: int, share: Share) -> None:
    """Take one short, anonymous thought; the counselor picks which ones the big screen shows."""
    st.header(tr("Share a thought"))
    st.markdown(safe_markdown(share.prompt))
    mine = st.session_state.setdefault("answers", {})
    slot = f"{room_id}:{share.key}"
    if slot not in mine:
        with st.form(f"share-{slot}"):
            text = st.text_area(
                tr("Your thought (no names, please)"), max_chars=SHARE_CHARS, key=f"text-{slot}"
            )
            st.caption(
                tr("No one sees who wrote it. The counselor chooses what the big screen shows.")
            )
            sent = st.form_submit_button(tr("Send my thought"), type="primary")
        if not sent:
            return
        try:
            tidy = clean_share(text or "")
            counted = sessions().answer(token, share.key, tidy, None, identity.now())
        except ValueError as problem:
            st.error(str(problem))
            return
        except NotAllowed:
            st.warning(tr("Sharing has closed for this prompt."))
            return
        mine[slot] = {"answer": tidy, "counted": counted}
    if mine[slot]["counted"]:
        st.success(tr("Thank you. Your thought is in."))
    else:
        st.info(tr("You had already shared a thought here, so your first one is kept."))
    course = course_result().course
    if is_risky(mine[slot]["answer"], course.manifest.risk_phrases if course else []):
        _reach_out()


def _reach_out() -> None:
    """Answer a thought that suggests risk, on this phone only: help is there right now."""
    with st.container(border=True, key="reach-out"):
        st.warning(
            tr(
                "**What you wrote matters.** If you are thinking about hurting yourself or might "
                "overdose, you do not have to wait or be alone with it. Call or text 988 now, or "
                "call 911 if you are in danger. You can also tell the counselor."
            ),
            icon=":material/favorite:",
        )
        resources = frame.crisis_resources()
        st.html(f"<p>{links_html(one_tap_links(resources[:3]))}</p>")  # our tags; escaped


def _question(token: str, room_id: int, askable: Askable, min_group_size: int) -> None:
    st.header(tr("Your turn"))
    mine = st.session_state.setdefault("answers", {})
    slot = f"{room_id}:{askable.key}"
    # After a reload (or a server restart) the answer is found again, not asked for again.
    # Looked up once per question in a browser session, not on every two-second poll.
    looked = st.session_state.setdefault("answers_looked_up", set())
    if slot not in mine and slot not in looked:
        looked.add(slot)
        if (earlier := sessions().own_answer(token, askable.key)) is not None:
            mine[slot] = {"answer": earlier, "counted": True}
    if slot not in mine:

        def send(answer: object) -> None:
            # A vote has no right answer: it is stored ungraded.
            is_right = (
                None if askable.is_vote else grade_answer(askable.question, answer).is_correct
            )
            try:
                counted = sessions().answer(token, askable.key, answer, is_right, identity.now())
            except NotAllowed:
                st.warning(tr("That question has closed."))
                return
            # Not counted: this seat had answered before (say, before a reload); the first stands.
            mine[slot] = {"answer": answer, "counted": counted}

        ask(askable.question, key=f"room-{room_id}-{askable.key}", seed_key=token[:8],
            latest=None, on_answer=send,
            submit_label=tr("Send my vote") if askable.is_vote else tr("Send my answer"),
            lettered=True, listenable=False)  # fmt: skip
        if slot not in mine:
            return  # no rerun after sending: the lines below show the answer is in
    answered = mine[slot]
    if answered["counted"]:
        st.success(
            tr("Your vote is in. Results show when the counselor reveals them.")
            if askable.is_vote
            else tr("Your answer is in. Results show when the counselor reveals them.")
        )
    else:
        st.info(
            tr(
                "You had already answered this question, so your first answer is the one that "
                "counts. Results show when the counselor reveals them."
            )
        )
    tally = sessions().tally(room_id, askable.key, keys=lambda a: buckets(askable.question, a))
    if tally.revealed:
        draw_tally(askable, tally, min_group_size)
        if askable.is_vote:
            if answered["counted"] and (said := _you_chose(askable.question, answered["answer"])):
                st.markdown(said)
            return
        if answered["counted"]:  # the grade of an answer that did not count would mislead
            grade = grade_answer(askable.question, answered["answer"])
            if said := _you_chose(askable.question, answered["answer"], grade.is_correct):
                st.markdown(said)
            show_grade(grade, key=f"room-{room_id}-{askable.key}", can_retry=False,
                       listenable=False)  # fmt: skip


def _you_chose(question: AnyQuestion, answer: object, is_right: bool | None = None) -> str | None:
    """Say which letters this phone chose, as the projector letters them: "You chose B: right".

    A vote (is_right None) has no right answer: "You chose B."
    """
    if not isinstance(question, SingleChoice | MultipleChoice):
        return None
    letters = letters_of(question)
    chosen = [answer] if isinstance(answer, str) else answer if isinstance(answer, list) else []
    named = ", ".join(letters[c] for c in letters if c in chosen) or tr("nothing")
    if is_right is None:
        return tr("**You chose {named}.**").format(named=named)
    if is_right:
        return tr("**You chose {named}: right.**").format(named=named)
    return tr("**You chose {named}: not right.**").format(named=named)


show()
