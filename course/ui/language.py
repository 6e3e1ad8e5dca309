"""Which language this run speaks, and the control that changes it (on every page).

The language is, in order: the one chosen in this browser session; else the one the learner
chose before (kept with their code, so it follows them to a new phone); else the browser's own
language (``st.context.locale``, e.g. "es-MX" -> Spanish); else English.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from course import i18n
from course.i18n import N_, tr
from course.model import Course
from course.ui import identity
from course.ui.resources import store

CHOSEN = "language"  # session state: the language chosen in this browser session
_SAVED = "_language_saved_for"  # session state: (learner id, language) last written
# Named in both languages, so a person finds it whatever the page is in.
LABEL = "Language · Idioma"


_RUN = "_run_language"  # session state: the language of the last full run


def _session_language() -> str | None:
    """The session's language, for a fragment's rerun (its thread has not set one)."""
    if get_script_run_ctx() is None:
        return None
    found = st.session_state.get(_RUN)
    return found if isinstance(found, str) else None


i18n.set_fallback(_session_language)


def resolve() -> str:
    """Set and return this run's language (call at the top of every run)."""
    chosen = st.session_state.get(CHOSEN)
    if chosen not in i18n.LANGUAGES:
        chosen = i18n.best_match(st.context.locale)
    _use(chosen)
    return chosen


def _use(language: str) -> None:
    i18n.set_language(language)
    st.session_state[_RUN] = language


def follow_learner() -> None:
    """Once a learner is known: use the language they chose before, or keep this one for them."""
    learner = identity.current()
    if learner is None:
        return
    language = i18n.current()
    if st.session_state.get(_SAVED) == (learner.id, language):
        return
    if CHOSEN not in st.session_state:
        stored = store().language(learner.id)
        if stored in i18n.LANGUAGES:
            st.session_state[CHOSEN] = stored
            st.session_state[_SAVED] = (learner.id, stored)
            _use(stored)
            return
    store().set_language(learner.id, language)
    st.session_state[_SAVED] = (learner.id, language)


def _changed(key: str) -> None:
    picked = st.session_state.get(key)
    if picked in i18n.LANGUAGES:
        st.session_state[CHOSEN] = picked
        _use(picked)


PENDING = N_("Translation awaiting professional review")
ENGLISH_ONLY = N_("This part is not translated yet, so it is shown in English.")


def translation_note(course: Course, item_id: str) -> None:
    """Say so when a lesson or quiz is shown untranslated, or its translation is unreviewed."""
    if course.language == i18n.ENGLISH:
        return
    if item_id in course.english_only:
        st.caption(tr(ENGLISH_ONLY))
    elif item_id in course.pending_review:
        st.caption(tr(PENDING))


def chooser(key: str) -> None:
    """Draw the language choice (English / Español); a change applies at once."""
    options = list(i18n.LANGUAGES)
    current = i18n.current()
    st.session_state[f"language_{key}"] = current  # every copy of the control shows the truth
    st.radio(
        LABEL,
        options,
        format_func=i18n.language_name,
        horizontal=True,
        key=f"language_{key}",
        on_change=_changed,
        args=(f"language_{key}",),
    )
