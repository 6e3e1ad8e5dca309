"""The app's pages, and moving between them (the code goes along only if the learner asked)."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import streamlit as st

from course.ui import identity, pagescript

PAGES_DIR = Path(__file__).parent / "pages"


# (page = file stem = url path, title, icon, who sees it in the menu). "hidden" pages are
# reached through buttons; "staff" pages are in the menu only for a signed-in facilitator.
PAGES: tuple[tuple[str, str, str | None, str], ...] = (
    ("home", "Start", ":material/home:", "all"),
    ("map", "Course map", ":material/map:", "all"),
    ("lesson", "Lesson", None, "hidden"),
    ("check", "Knowledge check", None, "hidden"),
    ("quiz", "Quiz", None, "hidden"),
    ("progress", "My progress", ":material/insights:", "all"),
    ("review", "Review what I missed", ":material/replay:", "all"),
    ("family", "Family session", ":material/family_restroom:", "all"),
    ("plan", "Family support plan", ":material/health_and_safety:", "all"),
    ("join", "Join a group", ":material/groups:", "all"),
    ("login", "For facilitators", ":material/badge:", "all"),
    ("console", "Group console", ":material/co_present:", "staff"),
    ("dashboard", "Dashboard", ":material/monitoring:", "staff"),
    ("summary", "Session summaries", ":material/summarize:", "staff"),
    ("projector", "Projector", None, "hidden"),
    ("about", "About this course", ":material/info:", "all"),
)


def pages(*, is_staff: bool) -> dict[str, st.Page]:
    """Build the pages for a facilitator (is_staff) or anyone else."""
    shown = {"all": True, "hidden": False, "staff": is_staff}
    return {
        name: st.Page(
            PAGES_DIR / f"{name}.py",
            title=title,
            icon=icon,
            url_path=None if name == "home" else name,
            default=name == "home",
            visibility="visible" if shown[who] else "hidden",
        )
        for name, title, icon, who in PAGES
    }


def go(name: str, **params: str) -> NoReturn:
    """Switch page; the code goes in the address only for a learner who asked for that."""
    learner = identity.current()
    if learner is not None and learner.in_address and learner.code:
        params = {"code": learner.code, **params}
    pagescript.new_view()
    st.switch_page(st.session_state["_pages"][name], query_params=params or None)


def needs_learner() -> identity.Learner:
    """Return the signed-in learner, or ask them to start and stop the page."""
    learner = identity.current()
    if learner is None:
        if problem := st.session_state.pop("code_problem", None):
            st.error(problem)
        st.info("Start the course or enter your code to see this page.")
        if st.button("Go to the start page", type="primary"):
            go("home")
        st.stop()
    return learner
