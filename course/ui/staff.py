"""The signed-in facilitator, kept only in this browser session (never in the URL)."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from course.i18n import tr
from course.store.accounts import Throttled
from course.ui import identity
from course.ui.resources import facilitators

KEY = "facilitator"


@dataclass(frozen=True)
class Facilitator:
    id: int
    username: str


def current() -> Facilitator | None:
    found: Facilitator | None = st.session_state.get(KEY)
    return found


def sign_in(username: str, password: str) -> str | None:
    """Sign in, or return a message saying why not."""
    try:
        facilitator_id = facilitators().verify(username, password, identity.now())
    except Throttled as err:
        return tr("Too many wrong tries for this name. Please wait {seconds} seconds.").format(
            seconds=int(err.wait_seconds) + 1
        )
    if facilitator_id is None:
        return tr("That name and password don't match.")
    st.session_state[KEY] = Facilitator(facilitator_id, username.strip().lower())
    return None


def sign_out() -> None:
    st.session_state.pop(KEY, None)
    st.session_state.pop("group_session_id", None)


def needs_facilitator() -> Facilitator:
    """Return the signed-in facilitator or stop the page with a pointer to sign in."""
    found = current()
    if found is None:
        st.info(tr("Please sign in as a facilitator first (menu: For facilitators)."))
        st.stop()
    return found
