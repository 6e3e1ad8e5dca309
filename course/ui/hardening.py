"""Refuse what a stranger's browser may send but this app never needs.

Streamlit lets any client send a "clear cache" message, which clears every cached resource
of the process for everyone: the loaded course, the database engine, anything kept in memory.
No learner or counselor needs that (content changes are picked up by restarting the app, see
README "Authoring"), so the server ignores the message and logs it. Rate limits never lived in
such a cache anyway: they are in the database (course.store.limits).

Streamlit has no setting for this, so the handler is replaced once per process; a test
(tests/test_hardening.py) fails if a Streamlit upgrade renames it.
"""

from __future__ import annotations

import logging
import threading

from streamlit.runtime.app_session import AppSession

_LOGGER = logging.getLogger(__name__)
_LOCK = threading.Lock()
HANDLER = "_handle_clear_cache_request"


def _refuse_clear_cache(self: AppSession) -> None:
    _LOGGER.warning("Refused a client's request to clear every cache (session %s)", self.id)


def apply() -> None:
    """Make the server ignore clients' "clear cache" messages (idempotent)."""
    with _LOCK:
        if getattr(AppSession, HANDLER) is not _refuse_clear_cache:
            setattr(AppSession, HANDLER, _refuse_clear_cache)


def is_applied() -> bool:
    return getattr(AppSession, HANDLER, None) is _refuse_clear_cache
