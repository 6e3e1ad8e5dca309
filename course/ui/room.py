"""Shared pieces of a live room: its lesson, the join link and QR code."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import segno
import streamlit as st

from course.i18n import tr
from course.model import Lesson
from course.store.sessions import GroupSession
from course.ui.resources import course_result, limits

PROOF_PARAM = "pass"


def lesson_of(room: GroupSession) -> Lesson | None:
    course = course_result().course
    return course.lessons.get(room.lesson_id) if course else None


def base_url() -> str:
    """Return scheme://host[:port] of this app as the browser reached it."""
    url = st.context.url or "http://localhost:8501/"
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def link_text(room: GroupSession) -> str:
    """What the QR link's proof signs: this room and its code."""
    return f"room|{room.id}|{room.join_code}"


def join_link(room: GroupSession) -> str:
    """The address in the QR code: the join code and a proof that this app drew it.

    A phone that follows it is let in even while strangers' wrong codes slow typed codes down.
    """
    proof = limits().sign(link_text(room))
    return f"{base_url()}/join?room={room.join_code}&{PROOF_PARAM}={proof}"


def qr_png(link: str) -> bytes:
    """Draw the join link as a QR code (PNG)."""
    out = io.BytesIO()
    segno.make(link, error="m").save(out, kind="png", scale=10, border=2)  # 33 px per 3 modules
    return out.getvalue()


def show_join(room: GroupSession, *, large: bool, compact: bool = False) -> None:
    """Show the join code and a QR code of the join link while the room is open.

    Compact: only the code and a small QR code, for a corner of a screen once the lesson runs.
    """
    if room.status != "open":
        st.caption(tr("The room is locked: no one new can join."))
        return
    link = join_link(room)
    code = " ".join(room.join_code[i : i + 3] for i in range(0, len(room.join_code), 3))
    if compact:
        st.markdown(tr("**Join:** {code}").format(code=code))
        st.image(qr_png(link), width=140, alt=tr("QR code for {link}").format(link=link))
        return
    (st.title if large else st.subheader)(tr("Join code: {code}").format(code=code))
    # The QR code right under the code: on a laptop both stay above the fold.
    st.image(
        qr_png(link), width=330 if large else 180, alt=tr("QR code for {link}").format(link=link)
    )
    st.markdown(
        tr("Scan the code with your phone's camera, or go to **{address}**.").format(
            address=f"{base_url()}/join"
        )
    )
