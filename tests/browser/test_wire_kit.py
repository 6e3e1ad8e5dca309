"""Smoke tests of wire_kit: a real ``streamlit run`` server driven over its WebSocket protocol.

No browser: each WireClient is one tab, from its own loopback source address.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from browser_kit import Server, remove_dir, start_server, stop_server, temp_dir, yaml_course
from wire_kit import WireClient, WireRefused

pytestmark = pytest.mark.browser

TITLE = yaml_course()["title"]
WRONG_CODE = "maple-river-candle-4821"  # well formed; no learner has it on a fresh database
NOT_FOUND = "We could not find that code"
SIGNED_IN = "Welcome back. Your progress is saved."
CODE = re.compile(r"[a-z]{3,7}-[a-z]{3,7}-[a-z]{3,7}-[0-9]{4}")


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    """One server for this module, on a fresh SQLite database and the shipped course."""
    workdir = temp_dir("course-wire-")
    try:
        env = {"COURSE_DATABASE_URL": f"sqlite:///{workdir / 'x.db'}", "COURSE_ROOT": ""}
        started = start_server(workdir, env)
        try:
            yield started
        finally:
            stop_server(started)
    finally:
        remove_dir(workdir)


def test_home_page_shows_the_course_and_help(server: Server) -> None:
    with WireClient(server.base, source="127.0.0.2") as tab:
        screen = tab.open("")
        assert screen.page == ""
        assert screen.has(TITLE), screen
        assert screen.has("988"), screen
        assert "Start the course" in screen.widgets
        assert screen.widgets["Who are you taking the course for?"].value == "For myself"


def test_a_wrong_code_is_refused(server: Server) -> None:
    with WireClient(server.base) as tab:
        tab.open("")
        tab.type("Your code", WRONG_CODE)
        assert tab.value("Your code") == WRONG_CODE  # pending in its form until submitted
        screen = tab.click("Continue", form="sign_in")
        assert screen.has(NOT_FOUND), screen
        assert any(kind == "error" and NOT_FOUND in body for kind, body in screen.alerts)
        assert "course_device" not in screen.cookies_set()
        assert "course_device" not in tab.cookies


def test_a_new_learner_stays_signed_in_through_the_cookie(server: Server) -> None:
    with WireClient(server.base, source="127.0.0.4") as tab:
        tab.open("")
        screen = tab.click("Start the course")
        assert screen.has("You're in"), screen
        codes = [t for t in screen.texts if CODE.fullmatch(t.strip())]
        assert len(codes) == 1, screen.texts
        token = screen.cookies_set().get("course_device")
        assert token and re.fullmatch(r"[A-Za-z0-9_-]{16,64}", token), screen.html[:1]
        assert tab.cookies["course_device"] == token
        jar = dict(tab.cookies)
    with WireClient(server.base, source="127.0.0.5", cookies=jar) as again:
        screen = again.open("")
        assert screen.has(SIGNED_IN), screen
        assert "Sign out on this device" in screen.widgets
    with WireClient(server.base, source="127.0.0.5") as stranger:
        assert not stranger.open("").has(SIGNED_IN)


def test_clients_from_two_source_addresses(server: Server) -> None:
    with (
        WireClient(server.base, source="127.0.0.2") as one,
        WireClient(server.base, source="127.0.0.3") as two,
    ):
        assert one.local_address[0] == "127.0.0.2"
        assert two.local_address[0] == "127.0.0.3"
        first = one.open("about")
        second = two.open("join", "room=ABC123")  # the page with a run_every fragment
        assert first.page == "about" and not first.page_not_found
        assert second.page == "join"
        assert second.has("Join a group session"), second
        assert second.widgets["Join code"].value == "ABC123"
        assert one.rerun().page == "about"
        assert two.open("no-such-page").page_not_found


def test_a_foreign_origin_is_refused(server: Server) -> None:
    with pytest.raises(WireRefused) as refused:
        WireClient(server.base, origin="http://evil.example")
    assert refused.value.status == 403
