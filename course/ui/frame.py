"""What every page shows: help one tap away, a quick exit and the education-only note."""

from __future__ import annotations

import streamlit as st

from course.model import CrisisResource
from course.text import safe_markdown
from course.ui import identity
from course.ui.resources import course_result

EXIT_URL = "https://www.google.com/search?q=weather"
NOTE = "This course is education, not medical advice. Talk with a clinician about your own care."
LEAVING = "leaving"
# A compact top line: on a phone it takes two short rows, and every button stays at least
# 40 px tall (WCAG 2.2 asks for 24 x 24 CSS px at least).
TOP_LINE_STYLE = """<style>
.st-key-help_line { row-gap: 0.4rem; column-gap: 0.5rem; }
.st-key-help_line a, .st-key-help_line button { min-height: 2.5rem; padding: 0.2rem 0.65rem; }
@media (max-width: 640px) {
  [data-testid="stMainBlockContainer"] { padding-top: 3.75rem; }
  [data-testid="stMain"] h1 { font-size: 2.1rem; }
}
</style>"""
# Shown even if course.yaml cannot be read: help must never depend on content being valid.
FALLBACK = (
    CrisisResource(
        name="Overdose or emergency",
        contact="Call 911",
        detail="Give naloxone if you have it, and stay with the person.",
        call="911",
        short="911",
    ),
    CrisisResource(
        name="988 Suicide & Crisis Lifeline",
        contact="Call or text 988",
        detail="Free, confidential, 24/7.",
        url="https://988lifeline.org",
        call="988",
        text="988",
        short="988",
    ),
    CrisisResource(
        name="SAMHSA National Helpline",
        contact="1-800-662-4357",
        detail="Free, confidential treatment referrals, 24/7.",
        url="https://www.samhsa.gov/find-help/national-helpline",
        call="18006624357",
        short="helpline",
    ),
)


def crisis_resources() -> tuple[CrisisResource, ...]:
    course = course_result().course
    return tuple(course.manifest.crisis_resources) if course else FALLBACK


def one_tap_links(resources: tuple[CrisisResource, ...]) -> list[tuple[str, str]]:
    """Return (label, address) for every call and text link, in the resources' order."""
    links = []
    for item in resources:
        if item.call:
            links.append((f"Call {item.label}", f"tel:{item.call}"))
        if item.text:
            links.append((f"Text {item.label}", f"sms:{item.text}"))
    return links


def top_bar() -> None:
    """Keep help and the quick exit in the top line of every page (on a phone too)."""
    resources = crisis_resources()
    st.html(TOP_LINE_STYLE)
    with st.container(horizontal=True, vertical_alignment="center", gap="small", key="help_line"):
        st.markdown("**Help now:**", width="content")
        for label, address in one_tap_links(resources[:3]):
            st.link_button(label, address)
        with st.popover("All help", icon=":material/support:"):
            _help_list(resources, where="top")
        st.button(
            "Exit",
            key="quick_exit_top",
            icon=":material/logout:",
            help="Quick exit: leave right away. Clears this session and opens a weather page.",
            on_click=_quick_exit,
        )


def sidebar() -> None:
    """Draw the quick exit, the help list and the note in the sidebar."""
    with st.sidebar:
        st.button(
            "Quick exit",
            key="quick_exit",
            type="primary",
            icon=":material/logout:",
            help="Leave right away: clears this session and opens a weather page.",
            on_click=_quick_exit,
        )
        with st.expander("Get help now", icon=":material/call:", expanded=True):
            _help_list(crisis_resources(), where="side")
        st.markdown(f"_{NOTE}_")
    if st.session_state.get(LEAVING):
        _leave(st.session_state[LEAVING])


def _help_list(resources: tuple[CrisisResource, ...], where: str) -> None:
    """Each resource: its name, one-tap call and text buttons, what it is, its website."""
    for n, item in enumerate(resources):
        st.markdown(safe_markdown(f"**{item.name}**"))
        links = one_tap_links((item,))
        if links:
            with st.container(horizontal=True, gap="small", key=f"help_{where}_{n}"):
                for label, address in links:
                    st.link_button(label, address, icon=":material/call:")
        detail = item.detail if links else f"{item.contact}. {item.detail}"
        st.markdown(safe_markdown(detail))  # body text: a grey caption is under 4.5:1 here
        if item.url:
            st.markdown(safe_markdown(f"[{_site_name(item.url)}]({item.url})"))


def _site_name(url: str) -> str:
    """Name a website by its host, for a secondary link: https://www.x.org/a -> x.org."""
    host = url.split("://", 1)[-1].split("/", 1)[0]
    return host.removeprefix("www.")


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
    st.link_button("Continue", EXIT_URL)
    st.stop()
