"""Start without an account, or continue with a code: two taps from here to lesson 1."""

from __future__ import annotations

import streamlit as st

from course.overview import continue_target
from course.text import safe_markdown
from course.ui import identity, nav
from course.ui.resources import course_result, store

SHARED = "I'm on a shared device: sign me out when the browser closes"
BOOKMARK = "Put my code in the web address, so I can bookmark it"


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
        _welcome_back(learner)
        return
    if course:
        st.markdown(safe_markdown(course.manifest.description))
    st.markdown(
        "Work through short lessons at your own pace. No account, no name and no e-mail needed."
    )
    _start()
    _continue()


def _first_lesson(learner: identity.Learner) -> str | None:
    """The lesson to open now: the next one in the learner's own track."""
    course = course_result().course
    if course is None:
        return None
    progress = store().lesson_progress(learner.id)
    target = continue_target(course, progress, identity.audience(learner))
    return target.id if target else None


def _show_new_code(code: str) -> None:
    st.success("You're in. Here is your personal code.", icon=":material/key:")
    st.markdown("**Write this code down** or keep it somewhere safe:")
    st.code(code, language=None)
    st.markdown(
        "Use this code to continue on another device, or here if you sign out. "
        "It is the only way back to your progress: we don't know your name or e-mail, "
        "so we can't send it to you. This browser remembers you until you use Exit."
    )
    learner = identity.current()
    if st.button("I've written it down", type="primary", icon=":material/arrow_forward:"):
        del st.session_state["new_code"]
        lesson = _first_lesson(learner) if learner else None
        if lesson:
            nav.go("lesson", lesson=lesson)
        nav.go("map")
    if learner is None:
        return
    check = course_result().course
    if check and check.manifest.knowledge_check:
        st.caption("Want to see what you already know first? It's optional.")
        if st.button("Take a short check first", icon=":material/quiz:"):
            del st.session_state["new_code"]
            nav.go("check", when="pre")
    wanted = st.checkbox(BOOKMARK, value=learner.in_address, key="bookmark_new")
    if wanted != learner.in_address:
        identity.put_in_address(learner, wanted)
    if wanted:
        st.caption(
            "Anyone who sees this address can open your progress. Exit still clears this "
            "browser, but the address stays in your bookmarks."
        )


def _welcome_back(learner: identity.Learner) -> None:
    st.markdown("Welcome back. Your progress is saved.")
    lesson = _first_lesson(learner)
    course = course_result().course
    if lesson and course:
        title = course.lessons[lesson].title
        if st.button(f"Continue: {title}", type="primary", icon=":material/play_arrow:"):
            nav.go("lesson", lesson=lesson)
    if st.button("Go to the course map", icon=":material/map:"):
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
    shared = st.checkbox(SHARED, key="shared_new")
    if st.button("Start the course", type="primary", icon=":material/play_arrow:"):
        learner = identity.start(is_shared_device=shared)
        if isinstance(learner, identity.Refusal):
            st.error(learner.message)
            return
        identity.set_audience(learner, audience or "learner")
        st.rerun()


def _continue() -> None:
    st.header("I have a code")
    if problem := st.session_state.pop("code_problem", None):
        st.error(problem)
    with st.form("sign_in"):
        typed = st.text_input("Your code", placeholder="for example: maple-river-candle-4821")
        shared = st.checkbox(SHARED)
        bookmark = st.checkbox(BOOKMARK)
        if st.form_submit_button("Continue", type="primary"):
            outcome = identity.sign_in(typed or "", is_shared_device=shared)
            if isinstance(outcome, identity.Refusal):
                st.error(outcome.message)
            else:
                if bookmark:
                    identity.put_in_address(outcome, True)
                nav.go("map")


show()
