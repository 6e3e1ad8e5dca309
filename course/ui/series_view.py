"""A cohort's lesson series on the dashboard: plan sessions, give take-homes, see who came."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
import streamlit as st

from course.i18n import N_, said, tr
from course.model import Course
from course.store.cohorts import Cohort
from course.store.group_records import NotAllowed
from course.store.series import Between, Held, TakeHomeDone
from course.ui import identity, staff
from course.ui.resources import series

NOT_YET = N_("not yet")


def show(course: Course, cohort: Cohort, facilitator: staff.Facilitator, members: int) -> None:
    """Draw the series: the plan with attendance, take-homes, and work between sessions."""
    st.header(tr("Lesson series"))
    st.caption(
        tr(
            "Plan which lesson the group does on which day. Start each planned session from the "
            "Group console; it then counts here. Take-home lessons show on members' course maps "
            "as “From your group”."
        )
    )
    titles = {lid: lesson.title for lid, lesson in course.lessons.items()}
    held = series().held(cohort.id, facilitator.id)
    _plan(cohort, facilitator, titles, held)
    _attendance(held, titles, members)
    done = series().take_homes_done(cohort.id, facilitator.id)
    _take_homes(cohort, facilitator, titles, done)
    _between(series().between(cohort.id, facilitator.id), titles, members)


def _table(frame: pd.DataFrame, key: str) -> None:
    """Show a table in a keyed container (what tests and styles find it by)."""
    with st.container(key=key):
        st.dataframe(frame, hide_index=True)


def _title(titles: dict[str, str], lesson_id: str) -> str:
    if lesson_id in titles:
        return titles[lesson_id]
    return tr("{lesson} (no longer in the course)").format(lesson=lesson_id)


def _when(moment: datetime) -> str:
    """A time as the counselor's browser tells it, with its zone: "2026-12-08 18:02 PST"."""
    shown = identity.local(moment)
    return f"{shown:%Y-%m-%d %H:%M} {shown.tzname() or ''}".strip()


def _day(day: date) -> str:
    return f"{day:%a %b} {day.day}, {day:%Y}"


def _plan(
    cohort: Cohort, facilitator: staff.Facilitator, titles: dict[str, str], held: list[Held]
) -> None:
    with st.form(f"plan-{cohort.id}", clear_on_submit=True):
        st.markdown(tr("**Plan a session**"))
        lesson_id = st.selectbox(
            tr("Lesson for the session"), list(titles), format_func=titles.__getitem__
        )
        day = st.date_input(tr("Day"), value=_next_day(held), format="YYYY-MM-DD")
        if st.form_submit_button(tr("Add to the series")) and lesson_id and isinstance(day, date):
            try:
                series().plan(cohort.id, facilitator.id, lesson_id, day, identity.now())
            except ValueError as problem:
                st.error(said(problem))
            else:
                st.rerun()
    waiting = [h.planned for h in held if not h.is_held]
    if waiting:
        with st.expander(tr("Take a session out of the series")):
            names = {p.id: f"{_day(p.planned_on)}: {_title(titles, p.lesson_id)}" for p in waiting}
            chosen = st.selectbox(tr("Planned session"), list(names), format_func=names.__getitem__)
            if st.button(tr("Take it out")) and chosen is not None:
                try:
                    series().unplan(int(chosen), facilitator.id)
                except NotAllowed:
                    st.warning(tr("It was held meanwhile, so it stays in the series."))
                st.rerun()


def _next_day(held: list[Held]) -> date:
    """Offer a week after the last planned session (a weekly group), else today."""
    today = identity.today()
    if not held:
        return today
    return max(today, held[-1].planned.planned_on + timedelta(days=7))


def _attendance(held: list[Held], titles: dict[str, str], members: int) -> None:
    st.subheader(tr("Sessions and attendance"))
    if not held:
        st.info(tr("No sessions planned yet."))
        return
    rows = [
        {
            tr("Planned for"): _day(h.planned.planned_on),
            tr("Lesson"): _title(titles, h.planned.lesson_id),
            tr("Held"): _when(h.started_at) if h.started_at else tr(NOT_YET),
            tr("People who joined"): h.joined if h.is_held else None,
        }
        for h in held
    ]
    _table(pd.DataFrame(rows), "series-attendance")
    st.caption(
        tr(
            "The cohort has {members} member(s). People who joined counts the phones in the room "
            "that were not removed: group participants are anonymous, so this is a headcount, "
            "not a list of names."
        ).format(members=members)
    )


def _take_homes(
    cohort: Cohort,
    facilitator: staff.Facilitator,
    titles: dict[str, str],
    done: list[TakeHomeDone],
) -> None:
    st.subheader(tr("Take-home lessons"))
    with st.form(f"take-home-{cohort.id}", clear_on_submit=True):
        lesson_id = st.selectbox(tr("Lesson to do before the next session"), list(titles),
                                 format_func=titles.__getitem__)  # fmt: skip
        has_due = st.checkbox(tr("Ask for it by a day"))
        due = st.date_input(
            tr("By"), value=identity.today() + timedelta(days=7), format="YYYY-MM-DD"
        )
        if st.form_submit_button(tr("Give as take-home")) and lesson_id:
            by = due if has_due and isinstance(due, date) else None
            series().assign(cohort.id, facilitator.id, lesson_id, by, identity.now())
            st.rerun()
    if not done:
        st.caption(tr("No take-home lessons yet."))
        return
    rows = [
        {
            tr("Lesson"): _title(titles, d.take_home.lesson_id),
            tr("By"): _day(d.take_home.due_on) if d.take_home.due_on else "",
            tr("Given"): f"{d.take_home.assigned_at:%Y-%m-%d}",
            tr("Finished"): tr("{done} of {total}").format(done=d.done, total=d.members),
            tr("Since given"): d.done_since,
        }
        for d in done
    ]
    _table(pd.DataFrame(rows), "series-take-homes")
    by_id = _take_homes_by_id(done, titles)
    if by_id is not None:
        st.caption(tr("Members who entered a program ID:"))
        _table(by_id, "series-take-homes-by-id")
    names = {d.take_home.id: _title(titles, d.take_home.lesson_id) for d in done}
    with st.expander(tr("Take back a take-home lesson")):
        chosen = st.selectbox(tr("Take-home lesson"), list(names), format_func=names.__getitem__)
        if st.button(tr("Take it back")) and chosen is not None:
            series().unassign(int(chosen), facilitator.id)
            st.rerun()


def _take_homes_by_id(done: list[TakeHomeDone], titles: dict[str, str]) -> pd.DataFrame | None:
    ids = sorted({pid for d in done for pid in d.by_program_id})
    if not ids:
        return None
    table = {tr("Program ID"): ids}
    for d in done:
        table[_title(titles, d.take_home.lesson_id)] = [
            tr("finished") if d.by_program_id.get(pid) else tr(NOT_YET) for pid in ids
        ]
    return pd.DataFrame(table)


def _between(spans: list[Between], titles: dict[str, str], members: int) -> None:
    st.subheader(tr("Between sessions"))
    if not spans:
        st.caption(
            tr("Once a planned session is held, this shows what members did until the next.")
        )
        return
    rows = [
        {
            tr("From"): _span(n, span),
            tr("Members who finished a lesson"): tr("{done} of {total}").format(
                done=span.active, total=members
            ),
            tr("Lessons finished"): "; ".join(
                f"{_title(titles, lid)} ({n})" for lid, n in span.lessons.most_common()
            )
            or tr("none"),
        }
        for n, span in enumerate(spans, start=1)
    ]
    _table(pd.DataFrame(rows), "series-between")
    ids = sorted({pid for span in spans for pid in span.by_program_id})
    if ids:
        st.caption(
            tr(
                "Members who entered a program ID, lesson by lesson (others count only in the "
                "totals above):"
            )
        )
        table = {tr("Program ID"): ids}
        for n, span in enumerate(spans, start=1):
            table[_span(n, span)] = [
                ", ".join(_title(titles, lid) for lid in span.by_program_id.get(pid, []))
                or tr("none")
                for pid in ids
            ]
        _table(pd.DataFrame(table), "series-between-by-id")
    st.caption(
        tr(
            "A lesson counts in the span where the member first finished it. Spans run from the "
            "start of one held session to the start of the next."
        )
    )


def _span(number: int, span: Between) -> str:
    """Name a span by the held session it follows: "After session 2 (Dec 8)"."""
    start = identity.local(span.after.started_at) if span.after.started_at else None
    begun = f" ({start:%b} {start.day})" if start else ""
    if span.until:
        return tr("After session {number}{begun}").format(number=number, begun=begun)
    return tr("After session {number}{begun}, until now").format(number=number, begun=begun)
