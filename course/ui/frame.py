"""What every page shows: crisis resources, a quick exit and the education-only note."""

from __future__ import annotations

import streamlit as st

from course.model import CrisisResource
from course.text import safe_markdown
from course.ui import identity
from course.ui.resources import course_result

EXIT_URL = "https://www.google.com/search?q=weather"
NOTE = "This course is education, not medical advice. Talk with a clinician about your own care."
# Shown even if course.yaml cannot be read: help must never depend on content being valid.
FALLBACK = (
    CrisisResource(name="Overdose or emergency", contact="Call 911", detail="Give naloxone."),
    CrisisResource(
        name="988 Suicide & Crisis Lifeline",
        contact="Call or text 988",
        detail="Free, confidential, 24/7.",
    ),
    CrisisResource(
        name="SAMHSA National Helpline",
        contact="1-800-662-4357",
        detail="Free, confidential treatment referrals, 24/7.",
        url="https://findtreatment.gov",
    ),
)


def crisis_resources() -> tuple[CrisisResource, ...]:
    course = course_result().course
    return tuple(course.manifest.crisis_resources) if course else FALLBACK


def top_bar() -> None:
    """Keep help and the quick exit on screen on a phone, where the sidebar starts closed."""
    resources = crisis_resources()
    numbers = " · ".join(r.contact for r in resources[:3])
    help_col, exit_col = st.columns([4, 1], vertical_alignment="center")
    help_col.caption(safe_markdown(f"**Need help now?** {numbers}"))
    exit_col.button(
        "Exit",
        key="quick_exit_top",
        icon=":material/logout:",
        help="Quick exit: leave right away. Clears this session and opens a weather page.",
        on_click=_quick_exit,
    )


def sidebar() -> None:
    """Draw the help box, quick exit and note in the sidebar."""
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
            st.markdown(_resources_markdown(crisis_resources()))
        st.caption(NOTE)
    if st.session_state.get("leaving"):
        _leave()


def _resources_markdown(resources: tuple[CrisisResource, ...]) -> str:
    lines = []
    for item in resources:
        contact = f"[{item.contact}]({item.url})" if item.url else item.contact
        lines.append(f"- **{item.name}**: {contact}. {item.detail}")
    return safe_markdown("\n".join(lines))


def _quick_exit() -> None:
    identity.forget()
    st.session_state["leaving"] = True


def _leave() -> None:
    """Replace this page in the history with a neutral one."""
    st.html(  # safe: a fixed script of ours, not content; it only changes location
        f'<script>window.parent.location.replace("{EXIT_URL}");</script>',
        unsafe_allow_javascript=True,
    )
    st.link_button("Continue", EXIT_URL)
    st.stop()
