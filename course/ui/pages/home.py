"""Start without an account, or continue with a code."""

from __future__ import annotations

import streamlit as st

from course.text import safe_markdown
from course.ui import identity, nav
from course.ui.resources import course_result


def show() -> None:
    course = course_result().course
    st.title(course.title if course else "Opioids and recovery")
    if "new_code" in st.session_state:
        _show_new_code(st.session_state["new_code"])
        return
    if st.session_state.pop("deleted", False):
        st.success("All your data was deleted. Your old code no longer works.")
    learner = identity.current()
    if learner is not None:
        _welcome_back()
        return
    if course:
        st.markdown(safe_markdown(course.manifest.description))
    st.markdown(
        "Work through short lessons at your own pace. No account, no name and no e-mail needed."
    )
    _start()
    _continue()


def _show_new_code(code: str) -> None:
    st.success("You're in. Here is your personal code.", icon=":material/key:")
    st.markdown("**Write this code down** or keep it somewhere safe:")
    st.code(code, language=None)
    st.markdown(
        "Use this code to continue on another device or after closing the page. "
        "It is the only way back to your progress: we don't know your name or e-mail, "
        "so we can't send it to you."
    )
    if st.button("I've saved my code. Go to the course", type="primary"):
        del st.session_state["new_code"]
        nav.go("map")


def _welcome_back() -> None:
    st.markdown("Welcome back. Your progress is saved.")
    if st.button("Go to the course map", type="primary", icon=":material/map:"):
        nav.go("map")
    if st.button("Sign out on this device", icon=":material/logout:"):
        identity.forget()
        st.rerun()


def _start() -> None:
    st.header("New here?")
    audience = st.radio(
        "Who are you taking the course for?",
        ["learner", "family"],
        format_func={"learner": "For myself", "family": "For someone I care about"}.__getitem__,
        key="audience_new",
    )
    shared = st.checkbox(
        "I'm on a shared device: keep my new code out of the web address", key="shared_new"
    )
    if st.button("Start the course", type="primary", icon=":material/play_arrow:"):
        learner = identity.start(is_shared_device=shared)
        identity.set_audience(learner, audience or "learner")
        st.rerun()


def _continue() -> None:
    st.header("I have a code")
    if problem := st.session_state.pop("code_problem", None):
        st.error(problem)
    with st.form("sign_in"):
        typed = st.text_input("Your code", placeholder="for example: maple-river-candle-4821")
        shared = st.checkbox("I'm on a shared device: keep this code out of the web address")
        if st.form_submit_button("Continue", type="primary"):
            outcome = identity.sign_in(typed or "", is_shared_device=shared)
            if isinstance(outcome, identity.Refusal):
                st.error(outcome.message)
            else:
                nav.go("map")


show()
