"""A room's seat cap on real SQLite and PostgreSQL: one stranger cannot fill a room with phones."""

import threading
from datetime import UTC, datetime
from typing import Any

import pytest
from slowdown import slow
from sqlalchemy import Engine

from course.store import Facilitators, NotAllowed, RoomClosed, RoomLocked, Store, make_engine
from course.store.sessions import DEFAULT_SEAT_CAP, GroupSession, RoomFull, Sessions

NOW = datetime(2026, 3, 1, 18, 0, tzinfo=UTC)


@pytest.fixture
def engine(store: Store) -> Engine:
    """Return the engine of a fresh, upgraded database."""
    return store.engine


@pytest.fixture
def sessions(engine: Engine) -> Sessions:
    """Return Sessions on a fresh database."""
    return Sessions(engine)


@pytest.fixture
def amy(engine: Engine) -> int:
    """Create the counselor who runs the rooms; return her id."""
    return Facilitators(engine).add("amy", "amy's passphrase", NOW)


def start(sessions: Sessions, facilitator: int, **options: Any) -> GroupSession:
    """Start a group session on a lesson."""
    return sessions.start(facilitator, "naloxone", "group", "intro", NOW, **options)


def seat(sessions: Sessions, room: GroupSession, count: int) -> list[str]:
    """Seat count participants; return their tokens."""
    return [sessions.join(room.join_code, None, NOW)[1] for _ in range(count)]


def test_start_keeps_the_seat_cap(sessions: Sessions, amy: int) -> None:
    default, small = start(sessions, amy), start(sessions, amy, seat_cap=5, min_group_size=2)
    assert (default.seat_cap, small.seat_cap) == (DEFAULT_SEAT_CAP, 5) == (40, 5)
    assert sessions.owned(small.id, amy) == small
    assert sessions.find_by_code(small.join_code, NOW) == small


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"seat_cap": 1}, "seat_cap must be 2 to 300; got 1"),
        ({"seat_cap": 301}, "seat_cap must be 2 to 300; got 301"),
        ({"seat_cap": -40}, "seat_cap must be 2 to 300; got -40"),
        (
            {"seat_cap": 2, "min_group_size": 3},
            r"seat_cap must be at least min_group_size \(3\), or no answers would ever show; "
            "got 2",
        ),
    ],
)
def test_start_refuses_a_bad_seat_cap(
    sessions: Sessions, amy: int, options: dict[str, int], message: str
) -> None:
    with pytest.raises(ValueError, match=f"^{message}$"):
        start(sessions, amy, **options)
    assert sessions.sessions_of(amy) == []


@pytest.mark.parametrize("cap", [2, 300])
def test_the_bounds_are_allowed(sessions: Sessions, amy: int, cap: int) -> None:
    assert start(sessions, amy, seat_cap=cap, min_group_size=2).seat_cap == cap


def test_a_full_room_refuses_a_new_seat(sessions: Sessions, amy: int) -> None:
    room = start(sessions, amy, seat_cap=3)
    tokens = seat(sessions, room, 3)
    with pytest.raises(RoomFull, match="^all 3 seats of this room are taken$"):
        sessions.join(room.join_code, "one too many", NOW)
    assert sessions.participant_count(room.id) == 3
    # A phone back with its own seat (a reload, a restart) is not a new seat: it still works.
    assert all(sessions.seat(token, NOW) is not None for token in tokens)
    sessions.set_status(room.id, amy, "locked", NOW)
    with pytest.raises(RoomLocked):  # locked and full: the lock is what the phone is told
        sessions.join(room.join_code, None, NOW)


def test_a_removed_participant_frees_their_seat(sessions: Sessions, amy: int) -> None:
    room = start(sessions, amy, seat_cap=2, min_group_size=2)
    first, _ = seat(sessions, room, 2)
    with pytest.raises(RoomFull):
        seat(sessions, room, 1)
    gone = sessions.participants(room.id, amy)[0]
    sessions.remove_participant(room.id, amy, gone.id, NOW)
    assert sessions.seat(first, NOW) is None
    seat(sessions, room, 1)
    with pytest.raises(RoomFull):
        seat(sessions, room, 1)
    assert sessions.participant_count(room.id) == 2


def test_the_counselor_changes_the_cap_of_a_live_room(sessions: Sessions, amy: int) -> None:
    room = start(sessions, amy, seat_cap=3)
    tokens = seat(sessions, room, 3)
    sessions.set_seat_cap(room.id, amy, 4, NOW)
    assert sessions.owned(room.id, amy).seat_cap == 4
    tokens += seat(sessions, room, 1)
    # Lower than the people inside: everyone keeps their seat; no one new gets one.
    sessions.set_seat_cap(room.id, amy, 3, NOW)
    assert all(sessions.seat(token, NOW) is not None for token in tokens)
    assert sessions.participant_count(room.id) == 4
    with pytest.raises(RoomFull):
        seat(sessions, room, 1)
    for person in sessions.participants(room.id, amy)[:2]:
        sessions.remove_participant(room.id, amy, person.id, NOW)
    seat(sessions, room, 1)
    with pytest.raises(RoomFull):
        seat(sessions, room, 1)


def test_only_the_owner_changes_the_cap_and_only_to_an_allowed_number(
    sessions: Sessions, amy: int, engine: Engine
) -> None:
    bob = Facilitators(engine).add("bob", "bob's passphrase", NOW)
    room = start(sessions, amy, seat_cap=3)
    for cap in (30, 0):  # someone else's room: refused before the number is even looked at
        with pytest.raises(NotAllowed):
            sessions.set_seat_cap(room.id, bob, cap, NOW)
    with pytest.raises(NotAllowed):
        sessions.set_seat_cap(room.id + 1000, amy, 30, NOW)
    for cap, message in [(1, "2 to 300; got 1"), (301, "2 to 300; got 301"), (2, r"\(3\)")]:
        with pytest.raises(ValueError, match=message):
            sessions.set_seat_cap(room.id, amy, cap, NOW)
    assert sessions.owned(room.id, amy).seat_cap == 3
    sessions.set_status(room.id, amy, "closed", NOW)
    with pytest.raises(RoomClosed):
        sessions.set_seat_cap(room.id, amy, 30, NOW)


def test_twenty_phones_at_once_take_exactly_the_free_seats(
    store_url: str, sessions: Sessions, amy: int
) -> None:
    room = start(sessions, amy, seat_cap=5)
    # Two engines: on either backend they stand in for two app replicas.
    engines = [make_engine(store_url) for _ in range(2)]
    replicas = [Sessions(engine) for engine in engines]
    starting = threading.Barrier(20)
    outcomes: list[str] = []

    def join(thread_no: int) -> None:
        starting.wait()
        try:
            replicas[thread_no % 2].join(room.join_code, None, NOW)
            outcomes.append("seated")
        except RoomFull:
            outcomes.append("full")
        except BaseException as error:  # reported by the assertion below
            outcomes.append(repr(error))

    threads = [threading.Thread(target=join, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=slow(120))
    for engine in engines:
        engine.dispose()
    assert sorted(outcomes) == ["full"] * 15 + ["seated"] * 5
    assert sessions.participant_count(room.id) == 5
