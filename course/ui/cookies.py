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


def keep(name: str, token: str, hours: float | None) -> None:
    """Keep a token in this browser for `hours`, or until it closes if None (same site only)."""
    if not _TOKEN.fullmatch(token):
        raise ValueError("only random tokens of [A-Za-z0-9_-] are kept in cookies")
    st.html(
        _script(name, token, None if hours is None else round(hours * 3600)),
        unsafe_allow_javascript=True,
    )  # safe: see _script


def drop(name: str) -> None:
    """Forget the token kept under `name`."""
    st.html(_script(name, "", 0), unsafe_allow_javascript=True)  # safe: see _script


def statement(name: str, value: str, max_age: int | None) -> str:
    """Return the one line of JavaScript that sets (or, with max_age 0, drops) a cookie."""
    if not _NAME.fullmatch(name):
        raise ValueError(f"bad cookie name {name!r}")
    if value and not _TOKEN.fullmatch(value):
        raise ValueError("only random tokens of [A-Za-z0-9_-] are kept in cookies")
    age = "" if max_age is None else f"; Max-Age={int(max_age)}"
    return (
        f"document.cookie = '{name}={value}; Path=/{age}; SameSite=Strict'"
        " + (location.protocol === 'https:' ? '; Secure' : '');"
    )


def _script(name: str, value: str, max_age: int | None) -> str:
    """Wrap the statement in a tag: a fixed script of ours, holding only checked tokens."""
    return f"<script>{statement(name, value, max_age)}</script>"
