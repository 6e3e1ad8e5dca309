"""Build the app frame and run the chosen page."""

from __future__ import annotations

import streamlit as st

from course.ui import frame, identity, nav


def main() -> None:
    """Run one script pass: page config, navigation, sidebar, then the page."""
    st.set_page_config(page_title="Opioids and recovery: a course", page_icon=":material/school:")
    pages = nav.pages()
    st.session_state["_pages"] = pages
    page = st.navigation(list(pages.values()))
    identity.current()
    frame.sidebar()
    frame.top_bar()
    page.run()
