"""Opening the app's pages with Streamlit's AppTest, shared by the page tests."""

from __future__ import annotations

from slowdown import slow
from streamlit.testing.v1 import AppTest

from course.loader import REPO_ROOT

APP = str(REPO_ROOT / "streamlit_app.py")
PAGES = "course/ui/pages"


def open_page(
    name: str | None = None, state: dict[str, object] | None = None, **params: str
) -> AppTest:
    """Run the app on a page (default: the start page) with session state and query params."""
    at = AppTest.from_file(APP, default_timeout=slow(60))
    for key, value in (state or {}).items():
        at.session_state[key] = value
    for key, value in params.items():
        at.query_params[key] = value
    if name:
        at.switch_page(f"{PAGES}/{name}.py")
    return at.run()


def click(at: AppTest, label: str) -> AppTest:
    """Click the first button with this label and rerun."""
    matches = [b for b in at.button if b.label == label]
    assert matches, f"no button {label!r}; buttons: {[b.label for b in at.button]}"
    return matches[0].click().run()
