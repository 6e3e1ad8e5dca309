"""Attacks on a real server over its own WebSocket, from several loopback addresses.

Each test reproduces an attack that worked before the limits of course.store.limits (issue 13)
and shows it now fails, while the people the attack used to lock out still get in. Every loop
is bounded; every client is on 127.0.0.0/8. The shared limits are also attacked across two
replicas on one PostgreSQL database.
"""

from __future__ import annotations

import re
import threading
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from browser_kit import Server, remove_dir, start_server, stop_server, temp_dir
from slowdown import slow
from streamlit.proto.BackMsg_pb2 import BackMsg
from wire_kit import Screen, WireClient

from course.store import Cohorts, Facilitators, Sessions, Store
from course.store.hosts import FAMILY_SEAT_CAP
from course.store.limits import (
    FAMILY_STARTS,
    JOIN_CODES,
    LEARNER_CODES,
    NEW_LEARNERS,
    ROOM_JOINS,
    Limits,
)
from course.store.sessions import MAX_SEATS

pytestmark = pytest.mark.browser

WRONG_CODE = "maple-river-candle-4821"  # well formed; no learner has it
NOT_FOUND = "We could not find that code"
TOO_MANY = "Too many tries from this device or network"
SLOWDOWN = "Many wrong codes are being tried on this site right now"
SIGNED_IN = "Course map"
FACILITATOR, PASSWORD = "counselor", "a-long-pass-phrase-2026"
QR_LINK = re.compile(r"/join\?room=([A-Z0-9]+)&pass=([A-Za-z0-9_-]+)")


# --- servers --------------------------------------------------------------------------------


@pytest.fixture
def place() -> Iterator[Path]:
    path = temp_dir("course-abuse-")
    try:
        yield path
    finally:
        remove_dir(path)


@pytest.fixture
def serve(place: Path) -> Iterator[Callable[[str], Server]]:
    """Start servers on a database URL (the schema is made first); all stopped after."""
    started: list[Server] = []

    def start(db_url: str) -> Server:
        Store(db_url).close()  # migrate once, before any replica opens it
        server = start_server(place, {"COURSE_DATABASE_URL": db_url, "COURSE_ROOT": ""})
        started.append(server)
        return server

    yield start
    for server in started:
        stop_server(server)


@pytest.fixture
def sqlite_url(place: Path) -> str:
    return f"sqlite:///{place / 'abuse.db'}"


def new_learner(db_url: str) -> str:
    """A learner made by the app's own store, as the Start button makes one."""
    store = Store(db_url)
    try:
        return store.create_learner(datetime.now(UTC))[1]
    finally:
        store.close()


# --- what a client does ------------------------------------------------------------------------


def try_code(server: Server, source: str, code: str) -> Screen:
    """Type a learner code on the home page, in a new connection (a reconnect each time)."""
    with WireClient(server.base, source=source) as tab:
        tab.open("")
        tab.type("Your code", code)
        return tab.click("Continue", form="sign_in")


def message(screen: Screen) -> str:
    return " | ".join(body for _, body in screen.alerts) or " | ".join(screen.texts[:5])


def spend_wrong_codes(server: Server, source: str, count: int) -> None:
    for n in range(count):
        screen = try_code(server, source, WRONG_CODE)
        assert screen.has(NOT_FOUND), f"try {n + 1} of {count}: {message(screen)}"


def in_parallel(jobs: list[Callable[[], None]]) -> None:
    errors: list[BaseException] = []

    def run(job: Callable[[], None]) -> None:
        try:
            job()
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=slow(300))
    assert not errors, errors


# --- 1 and 3: wrong codes -----------------------------------------------------------------------


def test_one_client_reconnecting_is_stopped_and_locks_no_one_else_out(
    serve: Callable[[str], Server], sqlite_url: str
) -> None:
    server = serve(sqlite_url)
    code = new_learner(sqlite_url)
    allowed = LEARNER_CODES.per_client.count
    # Before: a new connection reset the per-browser count, so one client could go on at the
    # app-wide rate and lock everyone out. Now the count follows the address.
    spend_wrong_codes(server, "127.0.0.2", allowed)
    for _ in range(3):
        refused = try_code(server, "127.0.0.2", WRONG_CODE)
        assert refused.has(TOO_MANY), message(refused)
    assert try_code(server, "127.0.0.2", code).has(TOO_MANY), "its own right code waits too"
    # Anyone else, with the right code, is let in at once.
    assert try_code(server, "127.0.0.3", code).has(SIGNED_IN)
    # A browser that stays signed in carries proof (its device cookie) and needs no code, even
    # on the attacker's own network (say, a shared wifi).
    with WireClient(server.base, source="127.0.0.4") as learner:
        learner.open("")
        learner.click("Start the course")
        device = learner.cookies
    assert "course_device" in device
    with WireClient(server.base, source="127.0.0.2", cookies=device) as back:
        assert back.open("").has("Welcome back. Your progress is saved.")


def test_many_clients_start_a_slowdown_that_still_lets_a_right_code_in(
    serve: Callable[[str], Server], sqlite_url: str
) -> None:
    server = serve(sqlite_url)
    code = new_learner(sqlite_url)
    per = LEARNER_CODES.in_slowdown.count
    clients = [f"127.0.1.{n}" for n in range(1, LEARNER_CODES.overall.count // per + 1)]

    def attack(source: str) -> Callable[[], None]:
        return lambda: spend_wrong_codes(server, source, per)

    in_parallel([attack(source) for source in clients])  # everyone's allowance is reached
    # A client that already had its slowdown share waits, and is told why.
    refused = try_code(server, clients[0], WRONG_CODE)
    assert refused.has(SLOWDOWN), message(refused)
    # A learner coming back with the right code is never refused for others' wrong ones.
    assert try_code(server, "127.0.2.1", code).has(SIGNED_IN)
    # A newcomer with a typo still gets its own few tries.
    assert try_code(server, "127.0.2.2", WRONG_CODE).has(NOT_FOUND)


def test_two_replicas_share_every_limit(serve: Callable[[str], Server], postgres_url: str) -> None:
    here, there = serve(postgres_url), serve(postgres_url)
    code = new_learner(postgres_url)
    allowed = LEARNER_CODES.per_client.count
    for n in range(allowed):  # the attacker goes back and forth between the replicas
        screen = try_code((here, there)[n % 2], "127.0.0.2", WRONG_CODE)
        assert screen.has(NOT_FOUND), message(screen)
    for server in (here, there):
        assert try_code(server, "127.0.0.2", WRONG_CODE).has(TOO_MANY)
    assert try_code(there, "127.0.0.3", code).has(SIGNED_IN)
    store = Store(postgres_url)
    try:
        limits = Limits(store.engine)
        key = limits.client_key("127.0.0.2")
        assert limits.count(LEARNER_CODES, key, datetime.now(UTC)) == allowed
    finally:
        store.close()


# --- 4: the password throttle under a race -----------------------------------------------------


def test_parallel_wrong_passwords_get_five_checks_across_two_replicas(
    serve: Callable[[str], Server], postgres_url: str
) -> None:
    Store(postgres_url).close()
    store = Store(postgres_url)
    try:
        Facilitators(store.engine).add(FACILITATOR, PASSWORD, datetime.now(UTC))
    finally:
        store.close()
    replicas = (serve(postgres_url), serve(postgres_url))
    tabs = [WireClient(replicas[n % 2].base, source=f"127.0.3.{n + 1}") for n in range(10)]
    outcomes: list[str] = []
    try:
        for tab in tabs:
            tab.open("login")
            tab.type("Facilitator name", FACILITATOR)
            tab.type("Password", "not the password")

        def press(tab: WireClient) -> Callable[[], None]:
            return lambda: outcomes.append(message(tab.click("Sign in")))

        in_parallel([press(tab) for tab in tabs])  # ten sign-ins at the same moment
    finally:
        for tab in tabs:
            tab.close()
    checked = [o for o in outcomes if "don't match" in o]
    waited = [o for o in outcomes if "Too many wrong tries" in o]
    assert (len(checked), len(waited)) == (5, 5), outcomes


# --- 1 and 6: join codes, the QR link's proof, and the seats one client takes -----------------


def start_family_room(server: Server, source: str) -> tuple[str, str]:
    """Start a family session for phones, as a host does; return the QR link's code and proof."""
    with WireClient(server.base, source=source) as host:
        host.open("family")
        host.choose("How will you follow it?", "Everyone on their own phone")
        screen = host.click("Start the family session")
        found = next((QR_LINK.search(t) for t in screen.texts if QR_LINK.search(t)), None)
        assert found, f"no QR link on the host's screen: {screen.texts}"
        return found.group(1), found.group(2)


def join(server: Server, source: str, code: str, query: str = "") -> Screen:
    with WireClient(server.base, source=source) as phone:
        phone.open("join", query)
        phone.type("Join code", code)
        return phone.click("Join")


def test_wrong_join_codes_do_not_keep_a_qr_phone_or_a_right_code_out(
    serve: Callable[[str], Server], sqlite_url: str
) -> None:
    server = serve(sqlite_url)
    code, proof = start_family_room(server, "127.0.0.9")
    wrong = "ZZZZZZ" if code != "ZZZZZZ" else "YYYYYY"
    with WireClient(server.base, source="127.0.0.2") as attacker:
        attacker.open("join")
        for n in range(JOIN_CODES.per_client.count):
            attacker.type("Join code", wrong)
            screen = attacker.click("Join")
            assert screen.has(NOT_FOUND), f"try {n + 1}: {message(screen)}"
    refused = join(server, "127.0.0.2", wrong)  # reconnecting does not start it over
    assert refused.has(TOO_MANY), message(refused)
    # The phone that scanned the QR code, from the attacker's own network even, is let in.
    seated = join(server, "127.0.0.2", code, f"room={code}&pass={proof}")
    assert not seated.alerts or seated.alerts[0][0] != "error", message(seated)
    assert "Join code" not in seated.widgets, message(seated)
    # A forged proof counts as a typed code: still refused for this client.
    forged = join(server, "127.0.0.2", code, f"room={code}&pass={proof[:-2]}xx")
    assert forged.has(TOO_MANY), message(forged)
    # Someone else typing the right code joins.
    other = join(server, "127.0.0.3", code)
    assert "Join code" not in other.widgets, message(other)


def test_one_client_cannot_fill_a_room(serve: Callable[[str], Server], sqlite_url: str) -> None:
    server = serve(sqlite_url)
    code, proof = start_family_room(server, "127.0.0.9")
    link = f"room={code}&pass={proof}"
    for n in range(FAMILY_SEAT_CAP):  # before: 300 seats in 13 s, each able to answer
        seated = join(server, "127.0.0.2", code, link)
        assert "Join code" not in seated.widgets, f"join {n + 1}: {message(seated)}"
    full = join(server, "127.0.0.2", code, link)
    assert full.has("This room is full"), message(full)
    assert join(server, "127.0.0.3", code, link).has("This room is full")


def test_seats_taken_from_one_client_are_limited_across_rooms(
    serve: Callable[[str], Server], sqlite_url: str
) -> None:
    server = serve(sqlite_url)
    store = Store(sqlite_url)
    try:
        owner = Facilitators(store.engine).add(FACILITATOR, PASSWORD, datetime.now(UTC))
        big = Sessions(store.engine).start(
            owner, "tolerance-dependence-addiction", "group", "three-different-things",
            datetime.now(UTC),
            seat_cap=MAX_SEATS,
        )  # fmt: skip
    finally:
        store.close()
    for n in range(ROOM_JOINS.per_client.count):
        seated = join(server, "127.0.0.2", big.join_code)
        assert "Join code" not in seated.widgets, f"join {n + 1}: {message(seated)}"
    refused = join(server, "127.0.0.2", big.join_code)
    assert refused.has("Many phones joined from this network lately"), message(refused)
    assert "Join code" not in join(server, "127.0.0.3", big.join_code).widgets


# --- 2 and 10: family sessions and new learner codes, per client --------------------------------


def test_one_client_cannot_use_up_family_sessions_for_everyone(
    serve: Callable[[str], Server], sqlite_url: str
) -> None:
    server = serve(sqlite_url)
    for _ in range(FAMILY_STARTS.per_client.count):
        start_family_room(server, "127.0.0.2")  # a reconnect for each
    with WireClient(server.base, source="127.0.0.2") as host:
        host.open("family")
        refused = host.click("Start the family session")
    assert refused.has("Many family sessions were started from here lately"), message(refused)
    code, _ = start_family_room(server, "127.0.0.3")
    assert code


def test_new_learner_codes_are_limited_per_client(
    serve: Callable[[str], Server], sqlite_url: str
) -> None:
    server = serve(sqlite_url)

    def start(source: str) -> Screen:
        with WireClient(server.base, source=source) as tab:
            tab.open("")
            return tab.click("Start the course")

    allowed, threads = NEW_LEARNERS.per_client.count, 5
    assert allowed % threads == 0

    def starts(count: int) -> Callable[[], None]:
        def run() -> None:
            for n in range(count):
                made = start("127.0.0.2")  # one address: a reconnect for each
                assert "course_device" in made.cookies_set(), f"start {n + 1}: {message(made)}"

        return run

    in_parallel([starts(allowed // threads) for _ in range(threads)])
    refused = start("127.0.0.2")
    assert refused.has("Many new codes were made from here lately"), message(refused)
    assert "course_device" not in refused.cookies_set()
    assert "course_device" in start("127.0.0.3").cookies_set()


# --- 5: what a stranger can put into server memory ----------------------------------------------


def test_uploads_and_big_messages_are_refused(
    serve: Callable[[str], Server], sqlite_url: str
) -> None:
    server = serve(sqlite_url)
    with urllib.request.urlopen(f"{server.base}/_stcore/health", timeout=slow(10)) as response:
        xsrf = re.search(r"_streamlit_xsrf=([^;]+)", response.headers["Set-Cookie"] or "")
    assert xsrf, "the health check sets the XSRF cookie an upload needs"
    with WireClient(server.base, source="127.0.0.2") as tab:
        tab.open("")

        def upload(size: int) -> int:
            """PUT a file into this session's upload store; return the HTTP status."""
            boundary = uuid.uuid4().hex
            head = (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                'filename="x.bin"\r\nContent-Type: application/octet-stream\r\n\r\n'
            )
            body = head.encode() + b"\0" * size + f"\r\n--{boundary}--\r\n".encode()
            request = urllib.request.Request(
                f"{server.base}/_stcore/upload_file/{tab.session_id}/{uuid.uuid4()}",
                data=body,
                method="PUT",
                headers={
                    "Content-Type": f"multipart/form-data; boundary={boundary}",
                    "X-Xsrftoken": xsrf.group(1),
                    "Cookie": f"_streamlit_xsrf={xsrf.group(1)}",
                },
            )
            try:
                with urllib.request.urlopen(request, timeout=slow(30)) as response:
                    return int(response.status)
            except urllib.error.HTTPError as refused:
                return refused.code
            except urllib.error.URLError as error:  # refused before the body was all sent
                assert isinstance(error.reason, ConnectionError), error
                return 413

        assert upload(1024) == 413  # the app has no uploader: no file at all
        assert upload(8 * 1024 * 1024) == 413
        # A 2 MB message (twice the cap) closes the connection: Message Too Big.
        tab.send_raw(b"\x00" * (2 * 1024 * 1024))
        with pytest.raises(AssertionError):
            tab.rerun()
        assert tab.closed_code == 1009


# --- 8: clear_cache ------------------------------------------------------------------------------


def test_clear_cache_from_a_client_is_refused_and_resets_no_limit(
    serve: Callable[[str], Server], sqlite_url: str
) -> None:
    server = serve(sqlite_url)
    spend_wrong_codes(server, "127.0.0.2", LEARNER_CODES.per_client.count)
    with WireClient(server.base, source="127.0.0.2") as tab:
        tab.open("")
        tab.send_raw(BackMsg(clear_cache=True))
        screen = tab.rerun()
        assert screen.has("Start the course")
    assert try_code(server, "127.0.0.2", WRONG_CODE).has(TOO_MANY)
    assert "Refused a client's request to clear every cache" in server.log()


# --- 7 and 9: what people type ------------------------------------------------------------------


def sign_in_counselor(server: Server, source: str) -> WireClient:
    tab = WireClient(server.base, source=source)
    tab.open("login")
    tab.type("Facilitator name", FACILITATOR)
    tab.type("Password", PASSWORD)
    tab.click("Sign in")
    return tab


def test_control_characters_are_cleaned_and_nothing_is_lost(
    serve: Callable[[str], Server], postgres_url: str
) -> None:
    store = Store(postgres_url)
    try:
        Facilitators(store.engine).add(FACILITATOR, PASSWORD, datetime.now(UTC))
    finally:
        store.close()
    server = serve(postgres_url)
    # Before: PostgreSQL refused a NUL in a cohort name (DataError) and the page showed an error
    # box; the name was lost.
    with sign_in_counselor(server, "127.0.0.2") as counselor:
        counselor.open("dashboard")
        counselor.type("Name (for example: Tuesday evening group)", "Tuesday\x00 evening\x1b[31m")
        made = counselor.click("Create")
        assert not [a for a in made.alerts if a[0] in ("error", "exception")], message(made)
        assert made.has("Created. Learners join it with the code"), message(made)
    store = Store(postgres_url)
    try:
        names = [c.name for c in Cohorts(store.engine).of(1)]
    finally:
        store.close()
    assert names == ["Tuesday evening[31m"]
    # A display name with a NUL joins, cleaned; one imitating the app's own label is refused.
    code, proof = start_family_room(server, "127.0.0.9")
    with WireClient(server.base, source="127.0.0.3") as phone:
        phone.open("join", f"room={code}&pass={proof}")
        phone.type("Display name (optional, no real name needed)", "Ｐａｒｔｉｃｉｐａｎｔ １")
        refused = phone.click("Join")
        assert refused.has("That name is one the app uses for its own labels"), message(refused)
        phone.type("Display name (optional, no real name needed)", "Sam\x00")
        seated = phone.click("Join")
        assert seated.has("You joined as “Sam”."), message(seated)
