"""Random tokens kept in this site's cookies (never in the address, which can be shared).

Streamlit reads cookies but cannot set them, so a one-line script of ours sets them. Only
token characters ever reach that script, so nothing can end its string or its tag.
"""

from __future__ import annotations

import re

import streamlit as st

_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
_NAME = re.compile(r"[a-z_]{1,32}")


def read(name: str) -> str | None:
    """Return the token this browser keeps under `name`, if it looks like one of ours."""
    value = st.context.cookies.get(name)
    return value if isinstance(value, str) and _TOKEN.fullmatch(value) else None


def keep(name: str, token: str, hours: float) -> None:
    """Keep a token in this browser for `hours` (same site only; secure over https)."""
    if not _TOKEN.fullmatch(token):
        raise ValueError("only random tokens of [A-Za-z0-9_-] are kept in cookies")
    _set(name, token, round(hours * 3600))


def drop(name: str) -> None:
    """Forget the token kept under `name`."""
    _set(name, "", 0)


def _set(name: str, value: str, max_age: int) -> None:
    if not _NAME.fullmatch(name):
        raise ValueError(f"bad cookie name {name!r}")
    st.html(
        "<script>document.cookie = '"
        + f"{name}={value}; Path=/; Max-Age={max_age}; SameSite=Strict'"
        + " + (location.protocol === 'https:' ? '; Secure' : '');</script>",
        unsafe_allow_javascript=True,  # safe: a fixed script of ours; the value is a checked token
    )
