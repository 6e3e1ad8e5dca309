"""About the course: what it is, how it was checked, and content problems for authors."""

from __future__ import annotations

import streamlit as st

from course import i18n
from course.i18n import tr
from course.loader import LoadResult
from course.text import safe_markdown
from course.ui.frame import NOTE
from course.ui.resources import course_result


def show() -> None:
    result = course_result()
    course = result.course
    st.title(tr("About this course"))
    if course is not None:
        st.markdown(safe_markdown(course.manifest.description))
    st.markdown(
        tr(
            "Every fact in the lessons comes from a named source, shown under **Sources** on "
            "each step. Lessons are marked when a clinician has not yet reviewed them."
        )
    )
    st.markdown(tr(NOTE))
    st.markdown(
        tr(
            "**Your privacy.** We never ask for your name, e-mail or phone number, and we "
            "don't store your IP address. You are known only by a random code. You can "
            "download or delete your data at any time on the *My progress* page."
        )
    )
    if course is not None:
        st.header(tr("Lessons and review status"))
        for lesson in course.lessons.values():
            status = (
                tr("reviewed by a clinician")
                if lesson.reviewed.clinical
                else tr("not yet clinically reviewed")
            )
            st.markdown(
                tr("- {title}: last checked {date}, {status}").format(
                    title=lesson.title,
                    date=i18n.date_text(lesson.reviewed.date, "%B %Y", "yMMMM"),
                    status=status,
                )
            )
    _problems(result)


def _problems(result: LoadResult) -> None:
    if not result.problems:
        return
    st.header(tr("For course authors"))
    errors = len(result.errors)
    st.warning(
        tr(
            "The content has {errors} error(s) and {warnings} warning(s). "
            "Lessons with errors are left out until they are fixed."
        ).format(errors=errors, warnings=len(result.warnings))
    )
    st.code("\n".join(str(p) for p in result.problems), language=None)


show()
