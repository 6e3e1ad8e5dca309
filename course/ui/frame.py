"""What every page shows: help one tap away, a quick exit and the education-only note."""

from __future__ import annotations

import html

import streamlit as st

from course.helplinks import help_list_html, links_html, one_tap_links
from course.i18n import N_, tr
from course.model import CrisisResource
from course.ui import identity, language, listen
from course.ui.resources import course_result

EXIT_URL = "https://www.google.com/search?q=weather"
NOTE = N_(
    "This course is education, not medical advice. Talk with a clinician about your own care."
)
LEAVING = "leaving"
# The help links are our own <a> tags styled as buttons: at least 40 px tall (WCAG 2.2 asks
# for 24 x 24 CSS px at least), with a focus ring. On a phone the top line takes two short rows.
# Streamlit draws no focus ring on its menu links, its scrolling main area or text boxes (only
# a border colour): a keyboard user must see where they are (tests/browser/test_keyboard_journey).
# A closed sidebar is only slid off screen: hidden, its links leave the Tab order (on a phone,
# twenty Tab presses went to links nobody could see). An open sidebar covers a phone's screen:
# the page under it leaves the Tab order until it closes. Radios and check boxes showed focus
# only as a pale tint (1.2:1), buttons as a 2.3:1 ring: all get a 3 px ring at 6.8:1. Tabbing
# back up, the browser stopped at the very top, under Streamlit's fixed header: keep 4.5rem free.
STYLE = """<style>
.st-key-help_line { row-gap: 0.4rem; column-gap: 0.5rem; }
.st-key-help_line button { min-height: 2.5rem; padding: 0.2rem 0.65rem; }
p.help-taps { display: flex; flex-wrap: wrap; align-items: center; gap: 0.4rem 0.5rem;
  margin: 0; }
a.help-tap { display: inline-flex; align-items: center; min-height: 2.5rem;
  padding: 0.2rem 0.65rem; border: 1px solid rgba(49, 51, 63, 0.3); border-radius: 0.5rem;
  background: #ffffff; color: #1a1a1a; text-decoration: none; white-space: nowrap; }
a.help-tap:hover { border-color: #1f5f8b; color: #1f5f8b; }
a.help-tap:focus-visible { outline: 3px solid #1f5f8b; outline-offset: 2px; }
.help-list section { margin-bottom: 1rem; }
[data-testid="stSidebarNav"] a:focus-visible, [data-testid="stMain"]:focus-visible {
  outline: 3px solid #1f5f8b; outline-offset: -3px; }
[data-testid="stTextInputRootElement"]:focus-within,
[data-testid="stTextAreaRootElement"]:focus-within {
  outline: 2px solid #1f5f8b; outline-offset: 1px; }
[data-testid="stSidebar"][data-collapsed="true"] { visibility: hidden; }
[data-testid="stRadioOption"]:has(input:focus-visible),
[data-testid="stCheckbox"] label:has(input:focus-visible) {
  outline: 3px solid #1f5f8b; outline-offset: 2px; border-radius: 0.25rem; }
[data-testid="stMain"] button:focus-visible, [data-testid="stSidebar"] button:focus-visible,
[data-testid="stHeader"] button:focus-visible, summary:focus-visible {
  outline: 3px solid #1f5f8b; outline-offset: 2px; }
[data-testid="stMain"] { scroll-padding-top: 4.5rem; }
@media (max-width: 640px) {
  [data-testid="stSidebar"][data-collapsed="false"] ~ div [data-testid="stMain"] {
    visibility: hidden; }
}
.help-list p { margin: 0 0 0.4rem 0; }
@media (max-width: 640px) {
  [data-testid="stMainBlockContainer"] { padding-top: 3.75rem; }
  [data-testid="stMain"] h1 { font-size: 2.1rem; }
}
</style>"""
# Shown even if course.yaml cannot be read: help must never depend on content being valid.
# Its texts are in English here, translated when shown (fallback_resources); numbers stay.
FALLBACK = (
    CrisisResource(
        name=N_("Overdose or emergency"),
        contact=N_("Call 911"),
        detail=N_("Give naloxone if you have it, and stay with the person."),
        call="911",
        short="911",
    ),
    CrisisResource(
        name=N_("988 Suicide & Crisis Lifeline"),
        contact=N_("Call or text 988"),
        detail=N_("Free, confidential, 24/7."),
        url="https://988lifeline.org",
        call="988",
        text="988",
        short="988",
    ),
    CrisisResource(
        name=N_("SAMHSA National Helpline"),
        contact="1-800-662-4357",
        detail=N_("Free, confidential treatment referrals, 24/7."),
        url="https://www.samhsa.gov/find-help/national-helpline",
        call="18006624357",
        short=N_("helpline"),
    ),
)


def fallback_resources() -> tuple[CrisisResource, ...]:
    """The fallback crisis resources, their words in the app's language (numbers as they are)."""
    return tuple(
        item.model_copy(
            update={
                "name": tr(item.name),
                "contact": tr(item.contact),
                "detail": tr(item.detail),
                "short": tr(item.short) if item.short else None,
            }
        )
        for item in FALLBACK
    )


def crisis_resources() -> tuple[CrisisResource, ...]:
    course = course_result().course
    return tuple(course.manifest.crisis_resources) if course else fallback_resources()


def top_bar() -> None:
    """Keep help and the quick exit in the top line of every page (on a phone too)."""
    resources = crisis_resources()
    help_now = html.escape(tr("Help now:"))
    with st.container(horizontal=True, vertical_alignment="center", gap="small", key="help_line"):
        st.html(  # our tags only; labels and numbers escaped
            f"{STYLE}<p class='help-taps'><strong>{help_now}</strong>"
            f"{links_html(one_tap_links(resources[:3]))}</p>",
            width="content",
        )
        with st.popover(tr("All help"), icon=":material/support:"):
            st.html(help_list_html(resources))
        st.button(
            tr("Exit"),
            key="quick_exit_top",
            icon=":material/logout:",
            help=tr("Quick exit: leave right away. Clears this session and opens a weather page."),
            on_click=_quick_exit,
        )


def sidebar() -> None:
    """Draw the quick exit, the help list and the note in the sidebar."""
    with st.sidebar:
        st.button(
            tr("Quick exit"),
            key="quick_exit",
            type="primary",
            icon=":material/logout:",
            help=tr("Leave right away: clears this session and opens a weather page."),
            on_click=_quick_exit,
        )
        with st.expander(tr("Get help now"), icon=":material/call:", expanded=True):
            st.html(help_list_html(crisis_resources()))
        language.chooser("sidebar")
        listen.speed_setting()
        st.markdown(f"_{tr(NOTE)}_")
    if st.session_state.get(LEAVING):
        _leave(st.session_state[LEAVING])


def _quick_exit() -> None:
    st.session_state[LEAVING] = identity.forget(leaving=True)


def _leave(cookie_statements: list[str]) -> None:
    """Forget this browser's sign-in, blank the page and replace it in the history."""
    script = "\n".join(
        [
            *cookie_statements,
            "document.body.innerHTML = '';",
            f"window.location.replace({EXIT_URL!r});",
        ]
    )
    st.html(  # safe: fixed statements of ours (cookie lines hold checked tokens only)
        f"<script>{script}</script>", unsafe_allow_javascript=True
    )
    st.link_button(tr("Continue"), EXIT_URL)
    st.stop()
