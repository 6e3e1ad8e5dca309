"""The counselor's console: pace the lesson, open questions, reveal, manage the room."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from course import i18n
from course.group import Askable, Share, buckets, find_askable, find_share
from course.helplinks import help_list_html
from course.i18n import LANGUAGES, N_, language_name, ntr, tr
from course.model import Course, Lesson, ScenarioStep
from course.risk import is_risky
from course.store.joincodes import participant_label
from course.store.sessions import (
    DEFAULT_SEAT_CAP,
    MAX_SEATS,
    MIN_SEATS,
    GroupSession,
    NotAllowed,
    Response,
    RoomClosed,
)
from course.text import safe_markdown
from course.ui import frame, group_controls, identity, listen, nav, room, staff
from course.ui.group_views import draw_step, draw_tally
from course.ui.live import live
from course.ui.resources import cohorts, course_result, series, sessions

ROOM = "group_session_id"
MAX_PLANNED_SHOWN = 12
# Answers before counts show, unless the counselor sets another number when starting.
MIN_ANSWERS = 3
SEATS_HELP = N_(
    "The most people who can join. A stranger who gets hold of the code can't take more "
    "seats than this. You can change it during the session."
)
LIVE_SEATS_HELP = N_(
    "The most people who can join. Fewer seats than people inside keeps everyone in and only "
    "stops new people from joining."
)
# A room's status (stored in English) as the console shows it.
STATUSES = {"open": N_("open"), "locked": N_("locked"), "closed": N_("closed")}


def show() -> None:
    facilitator = staff.needs_facilitator()
    st.title(tr("Group console"))
    room_id = st.session_state.get(ROOM)
    if room_id is None:
        _start(facilitator)
        return
    current = sessions().owned(room_id, facilitator.id)
    lesson = room.lesson_of(current)
    if current.status == "closed" or lesson is None:
        st.info(tr("This session has ended."))
        _leave_button()
        return
    try:
        _controls(current, lesson, facilitator)
    except RoomClosed:  # ended from another tab or device meanwhile
        st.info(tr("This session has ended."))
        _leave_button()


def _start(facilitator: staff.Facilitator) -> None:
    course = course_result().course
    if course is None or not course.lessons:
        st.error(tr("No lessons can be served right now."))
        return
    live = [s for s in sessions().sessions_of(facilitator.id) if s.status != "closed"]
    for s in live:
        lesson = course.lessons.get(s.lesson_id)
        title = lesson.title if lesson else s.lesson_id
        label = tr("Return to {title} (code {code})").format(title=title, code=s.join_code)
        if st.button(label, key=f"resume-{s.id}"):
            st.session_state[ROOM] = s.id
            st.rerun()
    _planned(course, facilitator)
    _start_form(course, facilitator)


def _planned(course: Course, facilitator: staff.Facilitator) -> None:
    """List the sessions planned for the counselor's cohorts and not yet held, each to start."""
    to_hold = [(name, p) for name, p in series().to_hold(facilitator.id)
               if p.lesson_id in course.lessons]  # fmt: skip
    if not to_hold:
        return
    st.subheader(tr("Planned for your cohorts"))
    today = identity.today()
    for name, planned in to_hold[:MAX_PLANNED_SHOWN]:
        lesson = course.lessons[planned.lesson_id]
        when = (
            tr("today")
            if planned.planned_on == today
            else i18n.date_text(planned.planned_on, "%a %d %b %Y", "yMMMEd")
        )
        with st.container(border=True, key=f"planned-{planned.id}"):
            left, right = st.columns([3, 1], vertical_alignment="center")
            left.text(f"{name} · {when}")  # the cohort's name is typed: plain text
            left.markdown(f"**{safe_markdown(lesson.title)}**")
            if right.button(tr("Start"), key=f"start-planned-{planned.id}", type="primary"):
                _begin(lesson, facilitator, MIN_ANSWERS, DEFAULT_SEAT_CAP, planned_id=planned.id)


def _start_form(course: Course, facilitator: staff.Facilitator) -> None:
    mine = {c.id: c.name for c in cohorts().of(facilitator.id)}
    with st.form("start_session"):
        st.subheader(tr("Start a session"))
        titles = {lid: lesson.title for lid, lesson in course.lessons.items()}
        lesson_id = st.selectbox(tr("Lesson"), list(titles), format_func=titles.__getitem__)
        size = st.number_input(tr("Show answers once this many have answered"), 2, 40, MIN_ANSWERS)
        seats = st.number_input(
            tr("Seats"), MIN_SEATS, MAX_SEATS, DEFAULT_SEAT_CAP, help=tr(SEATS_HELP)
        )
        languages = list(LANGUAGES)
        language = st.selectbox(
            tr("Language of the projector"),
            languages,
            index=languages.index(i18n.current()),
            format_func=language_name,
            help=tr("Each phone shows the language its owner chose; answers count together."),
        )
        cohort_id = None
        if mine:
            options = [None, *mine]
            cohort_id = st.selectbox(
                tr("Add it to a cohort's series (optional)"),
                options,
                format_func=lambda c: tr("No cohort") if c is None else mine[c],
                help=tr(
                    "The session counts in the cohort's lesson series on the dashboard, "
                    "dated today."
                ),
            )
        if st.form_submit_button(tr("Start"), type="primary") and lesson_id:
            _begin(course.lessons[lesson_id], facilitator, int(size), int(seats),
                   cohort_id=cohort_id, language=language)  # fmt: skip


def _begin(
    lesson: Lesson,
    facilitator: staff.Facilitator,
    size: int,
    seats: int,
    *,
    planned_id: int | None = None,
    cohort_id: int | None = None,
    language: str | None = None,
) -> None:
    """Start the session; tie it to the planned session it runs, or to a cohort's series."""
    first, now = lesson.steps[0].id, identity.now()
    try:
        started = sessions().start(
            facilitator.id, lesson.id, "group", first, now, min_group_size=size, seat_cap=seats,
            language=language or i18n.current(),
        )  # fmt: skip
    except ValueError:  # within the form's bounds, only fewer seats than answers to show
        st.error(
            tr("Give the room at least {size} seats, so that answers can show.").format(size=size)
        )
        return
    try:
        if planned_id is not None:
            series().attach(planned_id, facilitator.id, started.id)
        elif cohort_id is not None:
            series().plan(cohort_id, facilitator.id, lesson.id, identity.today(), now,
                          group_session_id=started.id)  # fmt: skip
    except NotAllowed:  # held from another tab meanwhile: the session runs, outside the series
        st.session_state["series_problem"] = tr(
            "This planned session was started already, so this one is not in the series."
        )
    st.session_state[ROOM] = started.id
    st.rerun()


def _controls(current: GroupSession, lesson: Lesson, facilitator: staff.Facilitator) -> None:
    status = tr(STATUSES.get(current.status, current.status))
    st.caption(
        tr("{lesson} · join code {code} · {status}").format(
            lesson=lesson.title, code=current.join_code, status=status
        )
    )
    if problem := st.session_state.pop("series_problem", None):
        st.warning(problem)
    with st.container(horizontal=True):
        st.link_button(tr("Open the projector view"), f"/projector?room={current.join_code}")
        if current.status == "open":
            large = not current.join_large
            label = tr("Show the join code large") if large else tr("Make the join code small")
            if st.button(label, icon=":material/qr_code_2:"):
                sessions().show_join_large(current.id, facilitator.id, large, identity.now())
                st.rerun()
    group_controls.door(current.id, facilitator.id)
    step = group_controls.pace(current, lesson, facilitator.id)
    with st.container(border=True):
        # Read on this laptop, the one that runs the projector: only when the counselor taps.
        with listen.read_aloud(f"room-{current.id}-{step.id}", tr("this step"),
                               button=tr("Read this step aloud")) as reading:  # fmt: skip
            draw_step(step, current.scene_node, reading)
    notes = getattr(step, "facilitator_notes", None)
    if notes:
        with st.expander(tr("Facilitator notes (only you see these)"), expanded=True):
            st.markdown(safe_markdown(notes))
    if isinstance(step, ScenarioStep):
        group_controls.scene(current, step, facilitator.id)
    # The buttons first, then the answers: Reveal stays put while answers arrive.
    group_controls.questions(current, lesson, facilitator.id, with_shares=True)
    _live(current.id, facilitator.id)
    _room(current, facilitator)


def _projector_language(current: GroupSession, facilitator: staff.Facilitator) -> None:
    """The language the projector shows; each phone keeps its own."""
    languages = list(LANGUAGES)
    picked = st.selectbox(
        tr("Language of the projector"),
        languages,
        index=languages.index(current.language) if current.language in languages else 0,
        format_func=language_name,
        key=f"projector-language-{current.id}",
    )
    if picked != current.language:
        sessions().set_language(current.id, facilitator.id, picked)
        st.rerun()


@live(3.0)
def _people(room_id: int, facilitator_id: int) -> None:
    """List who is in the room, live, each with a way to remove them."""
    people = sessions().participants(room_id, facilitator_id)
    for n, person in enumerate(people, start=1):
        left, right = st.columns([3, 1], vertical_alignment="center")
        left.text(participant_label(person.display_name, n))  # plain text, never Markdown
        if right.button(tr("Remove"), key=f"remove-{person.id}"):
            sessions().remove_participant(room_id, facilitator_id, person.id, identity.now())
            st.rerun(scope="fragment")


@live(3.0)
def _live(room_id: int, facilitator_id: int) -> None:
    """Refresh the open question's answers without redrawing the page."""
    current = sessions().owned(room_id, facilitator_id)
    lesson = room.lesson_of(current)
    course = course_result().course
    if current.open_question and lesson and course:
        askable = find_askable(course, lesson, current.open_question)
        if askable is not None:
            tally = sessions().tally(room_id, askable.key, keys=_bucketer(askable))
            st.markdown(tr("**Open question:** {label}").format(label=askable.label))
            draw_tally(askable, tally, current.min_group_size)
        share = find_share(lesson, current.open_question)
        if share is not None:
            _thoughts(room_id, facilitator_id, share)


def _thoughts(room_id: int, facilitator_id: int, share: Share) -> None:
    """List the shared thoughts; only those the counselor approves reach the projector.

    A thought that suggests someone may be at risk can never be approved: it raises a private
    alert here, with the crisis steps, and stays off the big screen.
    """
    found = [
        r for r in sessions().responses(room_id, facilitator_id) if r.question_key == share.key
    ]
    course = course_result().course
    extra = course.manifest.risk_phrases if course else []
    risky = {n for n, r in enumerate(found) if is_risky(str(r.answer), extra)}
    shared = ntr(
        "**Open for thoughts:** {label} · {count} shared",
        "**Open for thoughts:** {label} · {count} shared",
        len(found),
    )
    st.markdown(shared.format(label=share.label, count=len(found)))
    _thoughts_view(room_id, facilitator_id)
    if risky:
        _risk_alert(len(risky), course.manifest.crisis_policy if course else None)
    for index, thought in enumerate(found):
        with st.container(border=True):
            st.text(str(thought.answer))  # as typed: plain text, never Markdown
            if index in risky:
                st.caption(tr("Kept off the big screen: it may mean someone is at risk."))
            else:
                _approval(room_id, facilitator_id, share, index, thought)


VIEWS = {"list": N_("One by one"), "cloud": N_("Word cloud")}


def _thoughts_view(room_id: int, facilitator_id: int) -> None:
    """Let the counselor show the approved thoughts one by one or as a word cloud."""
    current = sessions().owned(room_id, facilitator_id).thoughts_view
    chosen = st.segmented_control(
        tr("The big screen shows approved thoughts"), list(VIEWS), default=current,
        format_func=lambda view: tr(VIEWS[view]), key=f"thoughts-view-{room_id}",
    )  # fmt: skip
    if chosen and chosen != current:
        sessions().show_thoughts_as(room_id, facilitator_id, str(chosen), identity.now())


def _risk_alert(count: int, policy: str | None) -> None:
    """Tell the counselor, and only the counselor, what to do now."""
    said = ntr(
        "**A shared thought suggests that someone in the room may be at risk.** It is kept off "
        "the big screen, and no one knows who wrote it.",
        "**{count} shared thoughts suggest that someone in the room may be at risk.** It is kept "
        "off the big screen, and no one knows who wrote it.",
        count,
    ).format(count=count)
    with st.container(border=True, key="risk-alert"):
        st.error(
            said,
            icon=":material/emergency:",
        )
        if policy:
            st.markdown(safe_markdown(policy))
        st.html(help_list_html(frame.crisis_resources()))  # our tags; content escaped


def _approval(
    room_id: int, facilitator_id: int, share: Share, index: int, thought: Response
) -> None:
    """Offer to show a thought on the big screen, or to take it off again."""
    now = identity.now()
    try:
        if thought.is_approved:
            st.caption(tr("On the big screen"))
            if st.button(tr("Hide from the big screen"), key=f"hide-{share.key}-{index}"):
                sessions().hide(room_id, facilitator_id, share.key, index, expected=thought.answer)
                st.rerun(scope="fragment")
        elif st.button(tr("Show on the big screen"), key=f"approve-{share.key}-{index}"):
            sessions().approve(
                room_id, facilitator_id, share.key, index, now, expected=thought.answer
            )
            st.rerun(scope="fragment")
    except NotAllowed:
        st.warning(tr("The list changed meanwhile. Please look again."))


def _bucketer(askable: Askable) -> Callable[[object], list[str]]:
    return lambda answer: buckets(askable.question, answer)


def _room(current: GroupSession, facilitator: staff.Facilitator) -> None:
    st.subheader(tr("The room"))
    now = identity.now()
    _seats(current, facilitator)
    _projector_language(current, facilitator)
    _people(current.id, facilitator.id)
    with st.expander(tr("End the session")):
        st.markdown(tr("Ending closes the room. The anonymous answers stay for the summary."))
        if st.button(tr("End session"), type="primary"):
            sessions().set_status(current.id, facilitator.id, "closed", now)
            st.rerun()
    # A link, not a button: this page refreshes its live parts (see nav.go).
    nav.link("summary", tr("Summary of this session"), room=str(current.id))


def _seats(current: GroupSession, facilitator: staff.Facilitator) -> None:
    """Change the room's seats; a lower number keeps everyone inside and only stops new people."""
    with st.form("seats", border=False), st.container(horizontal=True, vertical_alignment="bottom"):
        seats = st.number_input(
            tr("Seats"), MIN_SEATS, MAX_SEATS, current.seat_cap, help=tr(LIVE_SEATS_HELP), width=160
        )
        if not st.form_submit_button(tr("Change seats")):
            return
    try:
        sessions().set_seat_cap(current.id, facilitator.id, int(seats), identity.now())
    except ValueError:  # within the bounds, only fewer seats than answers to show
        st.error(
            tr("The room needs at least {count} seats, so answers can show.").format(
                count=current.min_group_size
            )
        )
        return
    st.rerun()


def _leave_button() -> None:
    if st.button(tr("Back to the console start")):
        st.session_state.pop(ROOM, None)
        st.rerun()


show()
