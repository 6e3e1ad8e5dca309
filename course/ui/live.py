"""Live parts: pieces of a page that redraw themselves on a timer, each in a box of its own.

A live part is a Streamlit fragment with ``run_every``. Drawn straight onto a page, it can
take a neighbour down with it (found on the counselor's console: the "Step n of 16" bar
vanished after a click on Next). Streamlit 1.67 does this when a timed redraw of a part is
asked for while a whole-page run is going on:

1. the page run draws the part again, but the timed run of the part starts before the server
   has sent that page run's messages, and the server then drops the part's messages from the
   page run (the timed run will draw it anyway);
2. the browser, at the end of the page run, removes everything that run did not draw, so the
   part's old box goes, and every element after it on the page moves up one place;
3. the timed run then draws the part at its old place, which now holds the next element (the
   step counter): that element is overwritten and gone until the next page run.

In a box of its own the part is the only thing at its place: when its old drawing is removed
nothing moves, and its next drawing fills the empty box. ``tests/browser/test_console.py``
reproduces the race with redraws every 5 ms.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec

import streamlit as st

P = ParamSpec("P")


def live(every: float) -> Callable[[Callable[P, None]], Callable[P, None]]:
    """Make a function a live part of its page, redrawn every ``every`` seconds."""

    def make(draw: Callable[P, None]) -> Callable[P, None]:
        part = st.fragment(run_every=every)(draw)

        @functools.wraps(draw)
        def boxed(*args: P.args, **kwargs: P.kwargs) -> None:
            with st.container():
                part(*args, **kwargs)

        return boxed

    return make
