"""Offer a lesson as a printable handout (HTML: open it, then print from the browser)."""

from __future__ import annotations

import streamlit as st

from course.i18n import current, tr
from course.printable import handout_html
from course.ui.resources import course_result


def offer(lesson_id: str, *, audience: str | None = None) -> None:
    """Show a download button for the lesson's print-ready handout."""
    course = course_result().course
    lesson = course.lessons.get(lesson_id) if course else None
    if course is None or lesson is None:
        return
    language = current()  # the handout is made when clicked, outside this run: in this language
    st.download_button(
        tr("Printable handout"),
        lambda: handout_html(course, lesson, audience=audience, language=language),  # on click
        file_name=f"{lesson.id}-handout.html",
        mime="text/html",
        icon=":material/print:",
        on_click="ignore",
        help=tr(
            "A page to print for sessions without phones: the lesson, its sources and help lines."
        ),
    )
