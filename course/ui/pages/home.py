"""Start without an account, or continue with a code: two taps from here to lesson 1."""

from __future__ import annotations

import streamlit as st

from course.i18n import N_, tr
from course.overview import continue_target
from course.text import safe_markdown
from course.ui import identity, language, nav
from course.ui.resources import course_result, store

SHARED = N_("I'm on a shared device: sign me out when the browser closes")
BOOKMARK = N_("Put my code in the web address, so I can bookmark it")
AUDIENCES = {"learner": N_("For myself"), "family": N_("For someone I care about")}


def show() -> None:
    course = course_result().course
    language.chooser("start")  # first, in both languages: English / Español
    st.title(course.title if course else tr("Opioids and recovery"))
    if "new_code" in st.session_state:
        _show_new_code(st.session_state["new_code"])
        return
    if st.session_state.pop("deleted", False):
        st.success(tr("All your data was deleted. Your old code no longer works."))
    learner = identity.current()
    if learner is not None:
        _welcome_back(learner)
        return
    if course:
        st.markdown(safe_markdown(course.manifest.description))
    st.markdown(
        tr("Work through short lessons at your own pace. No account, no name and no e-mail needed.")
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
    st.success(tr("You're in. Here is your personal code."), icon=":material/key:")
    st.markdown(tr("**Write this code down** or keep it somewhere safe:"))
    st.code(code, language=None)
    st.markdown(
        tr(
            "Use this code to continue on another device, or here if you sign out. "
            "It is the only way back to your progress: we don't know your name or e-mail, "
            "so we can't send it to you. This browser remembers you until you use Exit."
        )
    )
    learner = identity.current()
    if st.button(tr("I've written it down"), type="primary", icon=":material/arrow_forward:"):
        del st.session_state["new_code"]
        lesson = _first_lesson(learner) if learner else None
        if lesson:
            nav.go("lesson", lesson=lesson)
        nav.go("map")
    if learner is None:
        return
    check = course_result().course
    if check and check.manifest.knowledge_check:
        st.caption(tr("Want to see what you already know first? It's optional."))
        if st.button(tr("Take a short check first"), icon=":material/quiz:"):
            del st.session_state["new_code"]
            nav.go("check", when="pre")
    wanted = st.checkbox(tr(BOOKMARK), value=learner.in_address, key="bookmark_new")
    if wanted != learner.in_address:
        identity.put_in_address(learner, wanted)
    if wanted:
        st.caption(
            tr(
                "Anyone who sees this address can open your progress. Exit still clears this "
                "browser, but the address stays in your bookmarks."
            )
        )


def _welcome_back(learner: identity.Learner) -> None:
    st.markdown(tr("Welcome back. Your progress is saved."))
    lesson = _first_lesson(learner)
    course = course_result().course
    if lesson and course:
        title = course.lessons[lesson].title
        label = tr("Continue: {title}").format(title=title)
        if st.button(label, type="primary", icon=":material/play_arrow:"):
            nav.go("lesson", lesson=lesson)
    if st.button(tr("Go to the course map"), icon=":material/map:"):
        nav.go("map")
    if st.button(tr("Sign out on this device"), icon=":material/logout:"):
        identity.forget()
        st.rerun()


def _start() -> None:
    st.header(tr("New here?"))
    # Translated now, not in format_func: AppTest calls format_func outside the script run.
    labels = {value: tr(label) for value, label in AUDIENCES.items()}
    audience = st.radio(
        tr("Who are you taking the course for?"),
        ["learner", "family"],
        format_func=labels.__getitem__,
        key="audience_new",
    )
    shared = st.checkbox(tr(SHARED), key="shared_new")
    if st.button(tr("Start the course"), type="primary", icon=":material/play_arrow:"):
        learner = identity.start(is_shared_device=shared)
        if isinstance(learner, identity.Refusal):
            st.error(learner.message)
            return
        identity.set_audience(learner, audience or "learner")
        st.rerun()


def _continue() -> None:
    st.header(tr("I have a code"))
    if problem := st.session_state.pop("code_problem", None):
        st.error(problem)
    with st.form("sign_in"):
        typed = st.text_input(
            tr("Your code"), placeholder=tr("for example: maple-river-candle-4821")
        )
        shared = st.checkbox(tr(SHARED))
        bookmark = st.checkbox(tr(BOOKMARK))
        if st.form_submit_button(tr("Continue"), type="primary"):
            outcome = identity.sign_in(typed or "", is_shared_device=shared)
            if isinstance(outcome, identity.Refusal):
                st.error(outcome.message)
            else:
                if bookmark:
                    identity.put_in_address(outcome, True)
                nav.go("map")


show()
