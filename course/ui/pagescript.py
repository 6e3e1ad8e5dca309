"""One small script of ours at the top of every page: the frame guard, the address, cookies, scroll.

Streamlit runs the script of an ``st.html`` element again only when its text changes, so the
text holds what must happen now: one-shot statements (set or drop a cookie, take the code out
of the address) and the current view, so a new step or page opens scrolled to its top.
Only fixed statements of ours and checked tokens are ever put into it.
"""

from __future__ import annotations

import json

import streamlit as st

from course import i18n
from course.i18n import N_, tr
from course.ui import listen

_OPS = "_page_script_ops"
_VIEW = "_page_view"

REFUSED = N_("This course can't be shown inside another site.")
OPEN_OWN_TAB = N_("Open the course in its own tab")

# Restored from the back/forward cache (e.g. Back after a quick exit): never show the old page.
_FRESH = (
    "if (!window.__courseFresh) { window.__courseFresh = true;"
    " window.addEventListener('pageshow', (e) => { if (e.persisted) {"
    " document.body.style.display = 'none'; location.reload(); } }); }"
)
# A new step, question or page: stop any reading aloud, scroll to its top, and move keyboard
# focus there too (to the page title), or it stays on a Next button now far below the screen.
_SCROLL = (
    "if (window.__courseView !== view) { const first = window.__courseView === undefined;"
    " window.__courseView = view; if (!first) {"
    " if (window.__courseListenStop) window.__courseListenStop();"
    " const main = document.querySelector(\"[data-testid='stMain']\");"
    " if (main) main.scrollTo(0, 0); document.scrollingElement.scrollTo(0, 0);"
    " const active = document.activeElement;"
    " if (main && (!active || active === document.body || main.contains(active))) {"
    "  let tries = 0; const title = () => { const h = main.querySelector('h1');"
    "   if (h) { h.tabIndex = -1; h.focus({preventScroll: true}); }"
    "   else if (tries++ < 20) setTimeout(title, 50); }; title(); } } }"
)
# Focus moved below the screen (arrow keys in a radio group whose input Streamlit hides, or Tab
# to a control under the fold): bring the control, with its label, into view.
_FOCUS_IN_VIEW = (
    "if (!window.__courseFocusInView) { window.__courseFocusInView = true;"
    " document.addEventListener('focusin', (e) => {"
    "  const shown = e.target.closest('label') || e.target;"
    "  const box = shown.getBoundingClientRect();"
    "  if (box.bottom > window.innerHeight) shown.scrollIntoView({block: 'nearest'}); }); }"
)
DROP_CODE_FROM_ADDRESS = (
    "{ const u = new URL(location.href); if (u.searchParams.has('code')) {"
    " u.searchParams.delete('code');"
    " history.replaceState(history.state, '', u.pathname + u.search + u.hash); } }"
)


def _js_text(text: str) -> str:
    """A text of ours as a JavaScript string (quotes escaped, and no "</script>" in it)."""
    return json.dumps(text, ensure_ascii=False).replace("<", "\\u003c")


def _guard() -> str:
    """Framed by another site: hide the app (a framing page must never see a learner sign in).

    Its two texts are in the app's language.
    """
    return (
        "if (window.top !== window.self) {"
        " const root = document.getElementById('root'); if (root) root.style.display = 'none';"
        " if (!document.getElementById('course-framed')) {"
        "  const note = document.createElement('main'); note.id = 'course-framed';"
        "  note.style.cssText = 'font: 18px/1.5 sans-serif; padding: 2rem; color: #1a1a1a';"
        f"  const h = document.createElement('h1'); h.textContent = {_js_text(tr(REFUSED))};"
        "  const a = document.createElement('a'); a.href = location.origin + '/';"
        "  a.target = '_blank'; a.rel = 'noopener noreferrer';"
        f"  a.textContent = {_js_text(tr(OPEN_OWN_TAB))};"
        "  note.append(h, a); document.body.append(note); }"
        " return; }"
    )


def add(statement: str) -> None:
    """Run this statement of ours once, in the next script drawn (this run or the next)."""
    ops: list[str] = st.session_state.setdefault(_OPS, [])
    ops.append(statement)


def new_view() -> None:
    """Say the learner moved to a new step, question or page: it opens at its top."""
    st.session_state[_VIEW] = st.session_state.get(_VIEW, 0) + 1


def draw(page_path: str) -> None:
    """Draw the script for this run (call once, first in the main area)."""
    ops: list[str] = st.session_state.pop(_OPS, [])
    view = f"{page_path}#{st.session_state.get(_VIEW, 0)}"
    body = "\n".join(
        [
            f"const view = {view!r};",
            f"document.documentElement.lang = {_js_text(i18n.current())};",
            _FRESH,
            _FOCUS_IN_VIEW,
            listen.words_script(),
            listen.ENGINE,
            *ops,
            _SCROLL,
        ]
    )
    st.html(
        f"<script>(() => {{ {_guard()}\n{body} }})();</script>",
        unsafe_allow_javascript=True,  # safe: fixed statements of ours and checked tokens only
    )
