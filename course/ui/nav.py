"""The app's pages, and moving between them with the learner's code kept in the URL."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import streamlit as st

from course.ui import identity, staff

PAGES_DIR = Path(__file__).parent / "pages"


def pages() -> dict[str, st.Page]:
    """Build the pages; hidden ones are reached through buttons, not the menu."""
    return {
        "home": st.Page(PAGES_DIR / "home.py", title="Start", icon=":material/home:", default=True),
        "map": st.Page(
            PAGES_DIR / "map.py", title="Course map", icon=":material/map:", url_path="map"
        ),
        "lesson": st.Page(
            PAGES_DIR / "lesson.py", title="Lesson", url_path="lesson", visibility="hidden"
        ),
        "check": st.Page(
            PAGES_DIR / "check.py", title="Knowledge check", url_path="check", visibility="hidden"
        ),
        "quiz": st.Page(PAGES_DIR / "quiz.py", title="Quiz", url_path="quiz", visibility="hidden"),
        "progress": st.Page(
            PAGES_DIR / "progress.py",
            title="My progress",
            icon=":material/insights:",
            url_path="progress",
        ),
        "review": st.Page(
            PAGES_DIR / "review.py",
            title="Review what I missed",
            icon=":material/replay:",
            url_path="review",
        ),
        "family": st.Page(
            PAGES_DIR / "family.py",
            title="Family session",
            icon=":material/family_restroom:",
            url_path="family",
        ),
        "plan": st.Page(
            PAGES_DIR / "plan.py",
            title="Family support plan",
            icon=":material/health_and_safety:",
            url_path="plan",
        ),
        "join": st.Page(
            PAGES_DIR / "join.py", title="Join a group", icon=":material/groups:", url_path="join"
        ),
        "login": st.Page(
            PAGES_DIR / "login.py",
            title="For facilitators",
            icon=":material/badge:",
            url_path="login",
        ),
        "console": st.Page(
            PAGES_DIR / "console.py",
            title="Group console",
            icon=":material/co_present:",
            url_path="console",
            visibility="visible" if staff.current() else "hidden",
        ),
        "dashboard": st.Page(
            PAGES_DIR / "dashboard.py",
            title="Dashboard",
            icon=":material/monitoring:",
            url_path="dashboard",
            visibility="visible" if staff.current() else "hidden",
        ),
        "summary": st.Page(
            PAGES_DIR / "summary.py",
            title="Session summaries",
            icon=":material/summarize:",
            url_path="summary",
            visibility="visible" if staff.current() else "hidden",
        ),
        "projector": st.Page(
            PAGES_DIR / "projector.py", title="Projector", url_path="projector", visibility="hidden"
        ),
        "about": st.Page(
            PAGES_DIR / "about.py",
            title="About this course",
            icon=":material/info:",
            url_path="about",
        ),
    }


def go(name: str, **params: str) -> NoReturn:
    """Switch page, carrying the learner's code unless this is a shared device."""
    learner = identity.current()
    if learner is not None and not learner.is_shared_device:
        params = {"code": learner.code, **params}
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
