"""The app's pages, and moving between them (the code goes along only if the learner asked)."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import streamlit as st

from course.i18n import N_, tr
from course.ui import identity, pagescript

PAGES_DIR = Path(__file__).parent / "pages"


# (page = file stem = url path, title, icon, who sees it in the menu). "hidden" pages are
# reached through buttons; "staff" pages are in the menu only for a signed-in facilitator.
# Titles are translated where the pages are built (pages()), in the app's language.
PAGES: tuple[tuple[str, str, str | None, str], ...] = (
    ("home", N_("Start"), ":material/home:", "all"),
    ("map", N_("Course map"), ":material/map:", "all"),
    ("lesson", N_("Lesson"), None, "hidden"),
    ("check", N_("Knowledge check"), None, "hidden"),
    ("quiz", N_("Quiz"), None, "hidden"),
    ("progress", N_("My progress"), ":material/insights:", "all"),
    ("review", N_("Review what I missed"), ":material/replay:", "all"),
    ("family", N_("Family session"), ":material/family_restroom:", "all"),
    ("plan", N_("Family support plan"), ":material/health_and_safety:", "all"),
    ("join", N_("Join a group"), ":material/groups:", "all"),
    ("login", N_("For facilitators"), ":material/badge:", "all"),
    ("console", N_("Group console"), ":material/co_present:", "staff"),
    ("dashboard", N_("Dashboard"), ":material/monitoring:", "staff"),
    ("summary", N_("Session summaries"), ":material/summarize:", "staff"),
    ("projector", N_("Projector"), None, "hidden"),
    ("about", N_("About this course"), ":material/info:", "all"),
)


def pages(*, is_staff: bool) -> dict[str, st.Page]:
    """Build the pages for a facilitator (is_staff) or anyone else, titled in the app's language."""
    shown = {"all": True, "hidden": False, "staff": is_staff}
    return {
        name: st.Page(
            PAGES_DIR / f"{name}.py",
            title=tr(title),
            icon=icon,
            url_path=None if name == "home" else name,
            default=name == "home",
            visibility="visible" if shown[who] else "hidden",
        )
        for name, title, icon, who in PAGES
    }


def _with_code(params: dict[str, str]) -> dict[str, str]:
    """The code goes in the address only for a learner who asked for that."""
    learner = identity.current()
    if learner is not None and learner.in_address and learner.code:
        return {"code": learner.code, **params}
    return params


def go(name: str, **params: str) -> NoReturn:
    """Switch page after an action (a form sent, an answer saved).

    Never from a page with live parts (``course.ui.live``): the browser goes on
    asking for their refreshes until it hears of the new page, and on a busy computer one that
    reached the app meanwhile wiped the new page. Use ``link`` there.
    """
    params = _with_code(params)
    pagescript.new_view()
    st.switch_page(st.session_state["_pages"][name], query_params=params or None)


def link(name: str, label: str, **params: str) -> None:
    """A link to another page: the browser stops the live parts' refreshes, then changes page."""
    st.page_link(
        st.session_state["_pages"][name], label=label, query_params=_with_code(params) or None
    )


def needs_learner() -> identity.Learner:
    """Return the signed-in learner, or ask them to start and stop the page."""
    learner = identity.current()
    if learner is None:
        if problem := st.session_state.pop("code_problem", None):
            st.error(problem)
        st.info(tr("Start the course or enter your code to see this page."))
        if st.button(tr("Go to the start page"), type="primary"):
            go("home")
        st.stop()
    return learner
