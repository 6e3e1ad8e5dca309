"""Build the app frame and run the chosen page."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from course.i18n import tr
from course.ui import frame, hardening, identity, language, nav, pagescript, staff

# Served by the app itself: an icon name would make every browser fetch it from a font server.
ICON = Path(__file__).parent / "assets" / "icon.png"

hardening.apply()  # once per process, when the app is first imported: before any page runs


def main() -> None:
    """Run one script pass: page config, navigation, sidebar, then the page."""
    chosen = language.resolve()  # before any words are drawn: every tr() below uses it
    st.set_page_config(page_title=tr("Opioids and recovery: a course"), page_icon=str(ICON))
    # When this visit began: what a learner chose to try before it is asked about in it.
    st.session_state.setdefault("visit_started", identity.now())
    # Built once per session and per role: each st.Page resolves its file's real path, which
    # was a tenth of a lesson rerun's server time when rebuilt on every rerun.
    # Rebuilt when the language changes too: the menu's page titles are words.
    is_staff = staff.current() is not None
    built = st.session_state.get("_pages_for")
    if built is None or built[0] != (is_staff, chosen):
        built = (is_staff, chosen), nav.pages(is_staff=is_staff)
        st.session_state["_pages_for"] = built
    pages = built[1]
    st.session_state["_pages"] = pages
    page = st.navigation(list(pages.values()))
    identity.tidy_address()
    identity.current()
    language.follow_learner()
    pagescript.draw(page.url_path)
    frame.sidebar()
    frame.top_bar()
    page.run()
