"""Who the learner is: a code, kept in the URL (unless on a shared device) and in the session.

Nothing a learner did lives only in ``st.session_state``: the session holds just the learner
id, found again from the code in the URL after a refresh or on another device.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

import streamlit as st

from course.store import normalize_code
from course.ui.resources import code_failed, code_wait, store

LEARNER = "learner"
BUSY = "Too many tries. Please wait {seconds} seconds and try again."
SESSION_KEY = "throttle_key"


@dataclass(frozen=True)
class Learner:
    id: int
    code: str
    is_shared_device: bool


def now() -> datetime:
    return datetime.now(UTC)


def current() -> Learner | None:
    """Return the learner of this session, resuming from the URL code after a refresh."""
    learner: Learner | None = st.session_state.get(LEARNER)
    if learner is None and "code" in st.query_params:
        outcome = sign_in(st.query_params["code"], is_shared_device=False)
        if isinstance(outcome, Refusal):
            st.session_state["code_problem"] = outcome.message
            if not outcome.is_throttled:  # a code that was only throttled may be right: keep it
                del st.query_params["code"]
        learner = st.session_state.get(LEARNER)
    if learner is not None and not learner.is_shared_device:
        st.query_params["code"] = learner.code
    return learner


def start(is_shared_device: bool) -> Learner:
    """Create a new learner and keep them signed in for this session."""
    learner_id, code = store().create_learner(now())
    learner = Learner(learner_id, code, is_shared_device)
    st.session_state[LEARNER] = learner
    st.session_state["new_code"] = code
    return learner


@dataclass(frozen=True)
class Refusal:
    message: str
    is_throttled: bool = False


def sign_in(typed: str, is_shared_device: bool) -> Learner | Refusal:
    """Find the learner with this code, or return a kind message saying why not."""
    key = st.session_state.setdefault(SESSION_KEY, secrets.token_hex(8))
    wait = code_wait(key)
    if wait > 0:
        return Refusal(BUSY.format(seconds=int(wait) + 1), is_throttled=True)
    code = normalize_code(typed)
    learner_id = store().find_learner(code) if code else None
    if code is None or learner_id is None:
        code_failed(key)
        return Refusal(
            "We could not find that code. Check the words and the number, then try again."
        )
    learner = Learner(learner_id, code, is_shared_device)
    st.session_state[LEARNER] = learner
    return learner


def forget() -> None:
    """Sign out of this browser session and take the code out of the URL."""
    st.session_state.clear()
    st.query_params.clear()


AUDIENCE = "audience"  # (learner id, "learner" or "family"): read once per session


def audience(learner: Learner) -> str:
    """Return who this learner takes the course for, read from the store once per session."""
    known = st.session_state.get(AUDIENCE)
    if known is None or known[0] != learner.id:
        known = st.session_state[AUDIENCE] = (learner.id, store().audience_of(learner.id))
    return str(known[1])


def set_audience(learner: Learner, value: str) -> None:
    """Remember who this learner takes the course for, in the store and this session."""
    store().set_audience(learner.id, value)
    st.session_state[AUDIENCE] = (learner.id, value)
