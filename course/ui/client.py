"""Who is asking, for rate limits: a keyed hash of the client's address, never the address.

The address is the WebSocket's peer. Behind a reverse proxy every peer is the proxy, so the
proxy's forwarded address is used instead, but only when the proxy is listed in
COURSE_TRUSTED_PROXIES (addresses or networks, comma-separated, e.g. "127.0.0.1,10.0.0.0/8"):
anyone can send an X-Forwarded-For header, and believing it would let a client pick a fresh
address for every try.
"""

from __future__ import annotations

import os

import streamlit as st

from course.store.limits import client_address
from course.ui.resources import limits

TRUSTED_PROXIES_ENV = "COURSE_TRUSTED_PROXIES"
SESSION_KEY = "_client_key"


def address() -> str:
    """Return the address this session's requests are counted under (kept in memory only)."""
    headers = st.context.headers
    forwarded = headers.get("X-Forwarded-For") if headers is not None else None
    trusted = os.environ.get(TRUSTED_PROXIES_ENV, "")
    return client_address(st.context.ip_address, forwarded, trusted)


def key() -> str:
    """Return this client's pseudonymous key (the same for every tab and replica it uses)."""
    found = st.session_state.get(SESSION_KEY)
    if found is None:
        found = st.session_state[SESSION_KEY] = limits().client_key(address())
    return str(found)
