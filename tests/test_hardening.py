"""The server ignores a client's "clear cache" message (the real-server attack is in
tests/browser/test_abuse.py); this checks the hook still exists in the installed Streamlit."""

from streamlit.runtime.app_session import AppSession

from course.ui import hardening


def test_importing_the_app_refuses_clear_cache() -> None:
    import course.ui.app  # noqa: F401 - importing the app applies the hardening

    assert hardening.is_applied()
    # The handler Streamlit calls for a "clear_cache" back message is ours.
    assert getattr(AppSession, hardening.HANDLER).__module__ == "course.ui.hardening"
