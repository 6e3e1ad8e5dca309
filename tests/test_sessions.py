"""Live group sessions on real SQLite and PostgreSQL: codes, seats, controls, answers, privacy."""

import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from slowdown import slow
from sqlalchemy import Engine, String, Text, func, select
from sqlalchemy.exc import IntegrityError

from course.store import (
    JOIN_ALPHABET,
    JOIN_CODE_LENGTH,
    Facilitators,
    GroupSession,
    NotAllowed,
    RoomClosed,
    RoomLocked,
    RoomNotFound,
    Sessions,
    Store,
    make_engine,
    new_join_code,
    normalize_join_code,
    read,
)
from course.store.schema import SESSION_TABLES, participants, responses

NOW = datetime(2026, 3, 1, 18, 0, tzinfo=UTC)
HOSTILE = [
    "'; DROP TABLE responses; --",
    "' OR '1'='1",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '=HYPERLINK("http://evil.example")',
    "\u201csmart quotes\u201d \u00e9l\u00e8ve \u4f60\u597d \U0001f331",
]


def at(seconds: float) -> datetime:
    """Return a fixed test time, seconds after NOW."""
    return NOW + timedelta(seconds=seconds)


@dataclass
class Room:
    """A started session with its facilitator and a way to seat people in it."""

    sessions: Sessions
    facilitator: int
    session: GroupSession

    def join(self, name: str | None = None) -> str:
        """Seat a participant; return their token."""
        return self.sessions.join(self.session.join_code, name, NOW)[1]

    def ask(self, question: str = "q1") -> None:
        """Open a question for answers."""
        self.sessions.open_question(self.session.id, self.facilitator, question, NOW)


@pytest.fixture
def engine(store: Store) -> Engine:
    """Return the engine of a fresh, upgraded database."""
    return store.engine


@pytest.fixture
def sessions(engine: Engine) -> Sessions:
    """Return Sessions on a fresh database."""
    return Sessions(engine)


@pytest.fixture
def counselors(engine: Engine) -> tuple[int, int]:
    """Create two facilitator accounts; return their ids."""
    accounts = Facilitators(engine)
    return accounts.add("amy", "amy's passphrase", NOW), accounts.add(
        "bob", "bob's passphrase", NOW
    )


def start(sessions: Sessions, facilitator: int, **options: Any) -> Room:
    """Start a group session on a lesson."""
    session = sessions.start(facilitator, "naloxone", "group", "intro", NOW, **options)
    return Room(sessions, facilitator, session)


@pytest.fixture
def room(sessions: Sessions, counselors: tuple[int, int]) -> Room:
    """Start amy's session."""
    return start(sessions, counselors[0])


def count_rows(engine: Engine, table: Any, **where: Any) -> int:
    """Count the rows of a table that match column == value."""
    query = select(func.count()).select_from(table)
    for name, value in where.items():
        query = query.where(table.c[name] == value)
    with read(engine) as conn:
        return int(conn.scalar(query) or 0)


# Join codes


def test_join_codes_are_random_and_unambiguous() -> None:
    codes = [new_join_code() for _ in range(1000)]
    assert all(len(code) == JOIN_CODE_LENGTH == 6 for code in codes)
    assert set("".join(codes)) == set(JOIN_ALPHABET)
    assert not set("".join(codes)) & set("01OIL")
    # A repeat among 1,000 draws of 31**6 has a chance of 1 in 1,800; two, 1 in 6 million.
    assert len(set(codes)) >= 999
    assert all(normalize_join_code(code) == code for code in codes)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("K7QX3M", "K7QX3M"),
        ("k7qx3m", "K7QX3M"),
        ("  k7q x3m ", "K7QX3M"),
        ("K7Q-X3M", "K7Q-X3M".replace("-", "")),
        ("k7q\u2013x3m", "K7QX3M"),
        ("K 7 Q - X 3 M", "K7QX3M"),
        ("\uff2b\uff17\uff31\uff38\uff13\uff2d", "K7QX3M"),  # full-width, from a phone keyboard
        ("K7QX3", None),
        ("K7QX3MM", None),
        ("K0QX3M", None),
        ("KOQX3M", None),
        ("K1QX3M", None),
        ("KIQX3M", None),
        ("KLQX3M", None),
        ("K7QX3M\x00", None),
        ("K7QX3!", None),
        ("", None),
        ("' OR '1'='1", None),
        ("K7QX3M" * 100, None),
    ],
)
def test_join_code_normalization(typed: str, code: str | None) -> None:
    assert normalize_join_code(typed) == code


def test_start_and_find_by_code(sessions: Sessions, room: Room) -> None:
    session = room.session
    assert (session.status, session.step_index, session.step_id, session.kind) == (
        "open",
        0,
        "intro",
        "group",
    )
    assert session.is_joinable
    assert session.expires_at == NOW + timedelta(hours=12)
    assert (session.open_question, session.closed_at, session.min_group_size) == (None, None, 3)
    typed = f" {session.join_code[:3].lower()}-{session.join_code[3:].lower()} "
    assert sessions.find_by_code(typed, NOW) == session
    assert sessions.find_by_code("not a code", NOW) is None
    assert sessions.owned(session.id, room.facilitator) == session
    assert sessions.find_by_code(session.join_code, session.expires_at) is None  # expired
    sessions.set_status(session.id, room.facilitator, "closed", at(5))
    assert sessions.find_by_code(session.join_code, NOW) is None
    closed = sessions.owned(session.id, room.facilitator)
    assert (closed.status, closed.closed_at) == ("closed", at(5))


def test_start_draws_again_while_a_live_session_holds_the_code(
    sessions: Sessions, counselors: tuple[int, int]
) -> None:
    class Replay(secrets.SystemRandom):
        """Hand out the given letters in order."""

        def __init__(self, letters: str) -> None:
            super().__init__()
            self.letters = iter(letters)

        def choice(self, seq: Any) -> Any:
            return next(self.letters)

    amy, bob = counselors
    first = sessions.start(amy, "l", "group", "s", NOW, rng=Replay("AAAAAA"))
    second = sessions.start(
        bob, "l", "family", "s", NOW, family_mode="phones", rng=Replay("AAAAAABBBBBB")
    )
    assert (first.join_code, second.join_code) == ("AAAAAA", "BBBBBB")
    sessions.set_status(first.id, amy, "closed", NOW)
    again = sessions.start(bob, "l", "group", "s", NOW, rng=Replay("AAAAAA"))
    assert again.join_code == "AAAAAA"  # a closed session's code may be drawn again
    assert sessions.find_by_code("AAAAAA", NOW) == again
    with pytest.raises(RuntimeError, match="no unused join code in 5 draws"):
        sessions.start(amy, "l", "group", "s", NOW, rng=Replay("BBBBBB" * 5))
    with pytest.raises(IntegrityError):  # not a code collision: not drawn again
        sessions.start(amy + bob + 1, "l", "group", "s", NOW, rng=Replay("CCCCCC"))


@pytest.mark.parametrize(
    ("kind", "options", "message"),
    [
        ("class", {}, "kind must be one of group, family; got 'class'"),
        ("group", {"min_group_size": 0}, "min_group_size must be 1 or more"),
        ("group", {"hours": 0}, "hours more than 0"),
    ],
)
def test_start_refuses_bad_values(
    sessions: Sessions, counselors: tuple[int, int], kind: str, options: Any, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        sessions.start(counselors[0], "l", kind, "s", NOW, **options)
    assert sessions.sessions_of(counselors[0]) == []


def test_sessions_of_lists_only_ones_own(sessions: Sessions, counselors: tuple[int, int]) -> None:
    amy, bob = counselors
    first = start(sessions, amy).session
    second = sessions.start(amy, "craft", "family", "s", at(1), family_mode="screen")
    start(sessions, bob)
    assert sessions.sessions_of(amy) == [second, first]


# Joining


def test_join_a_wrong_code(room: Room, sessions: Sessions) -> None:
    wrong = next(c for c in ("AAAAAA", "BBBBBB") if c != room.session.join_code)
    for code in (wrong, "", "nonsense", "' OR '1'='1"):
        with pytest.raises(RoomNotFound):
            sessions.join(code, None, NOW)
    assert count_rows(sessions.engine, participants) == 0


def test_join_a_locked_room(room: Room, sessions: Sessions) -> None:
    inside = room.join("inside")
    sessions.set_status(room.session.id, room.facilitator, "locked", NOW)
    assert not sessions.owned(room.session.id, room.facilitator).is_joinable
    with pytest.raises(RoomLocked):
        room.join("late")
    assert sessions.seat(inside, NOW) is not None  # those inside stay
    sessions.set_status(room.session.id, room.facilitator, "open", NOW)
    room.join("late")
    assert sessions.participant_count(room.session.id) == 2


def test_join_a_closed_or_expired_room(room: Room, sessions: Sessions) -> None:
    code = room.session.join_code
    # The code no longer finds the session; joining says it ended rather than "no such code".
    assert sessions.find_by_code(code, room.session.expires_at) is None
    with pytest.raises(RoomClosed, match="this session has ended"):
        sessions.join(code, None, room.session.expires_at)
    sessions.set_status(room.session.id, room.facilitator, "closed", NOW)
    assert sessions.find_by_code(code, NOW) is None
    with pytest.raises(RoomClosed, match="this session has ended"):
        sessions.join(code, None, NOW)
    assert count_rows(sessions.engine, participants) == 0


def test_join_and_seat(room: Room, sessions: Sessions) -> None:
    participant, token = sessions.join(room.session.join_code.lower(), "  Sam  ", NOW)
    assert len(token) >= 22  # 16 random bytes, URL-safe base64
    assert (participant.session_id, participant.display_name) == (room.session.id, "Sam")
    assert (participant.joined_at, participant.last_seen_at, participant.removed_at) == (
        NOW,
        NOW,
        None,
    )
    assert sessions.seat(token, NOW) == (room.session, participant)
    assert sessions.seat(token + "x", NOW) is None
    assert sessions.seat("", NOW) is None
    assert sessions.seat("\ud800", NOW) is None  # a lone surrogate is not a token either


def test_seat_notes_last_seen_at_most_once_a_minute(room: Room, sessions: Sessions) -> None:
    token = room.join()

    def seen(seconds: float) -> tuple[datetime, datetime]:
        """Poll at NOW + seconds; return (last seen as returned, last seen as stored)."""
        seat = sessions.seat(token, at(seconds))
        assert seat is not None
        stored = sessions.participants(room.session.id, room.facilitator)[0]
        return seat[1].last_seen_at, stored.last_seen_at

    assert seen(59) == (NOW, NOW)  # no write on a poll within the minute
    assert seen(60) == (at(60), at(60))
    assert seen(90) == (at(60), at(60))


def test_the_database_holds_no_token(room: Room, sessions: Sessions) -> None:
    tokens = [room.join(f"person {n}") for n in range(5)]
    with read(sessions.engine) as conn:
        for table, _ in SESSION_TABLES:
            for column in table.columns:
                if isinstance(column.type, String | Text):
                    values = [str(value) for value in conn.scalars(select(column))]
                    assert not any(t in v for t in tokens for v in values), column


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        (None, None),
        ("", None),
        ("   ", None),
        ("\x00\x07\n", None),
        ("  Sam  ", "Sam"),
        ("Sam\nSmith\t", "Sam Smith"),
        ("evil\u202egnp.exe", "evil gnp.exe"),
        ("x" * 40, "x" * 40),
        *((text[:40], text[:40].strip()) for text in HOSTILE),
    ],
)
def test_display_names_are_cleaned(
    room: Room, sessions: Sessions, typed: str | None, stored: str | None
) -> None:
    participant, token = sessions.join(room.session.join_code, typed, NOW)
    assert participant.display_name == stored
    assert sessions.participants(room.session.id, room.facilitator)[0].display_name == stored


@pytest.mark.parametrize("length", [41, 10_000])
def test_long_display_names_are_refused(room: Room, sessions: Sessions, length: int) -> None:
    with pytest.raises(ValueError, match=rf"to 40 characters \(this has {length}\)"):
        sessions.join(room.session.join_code, "n" * length, NOW)
    assert count_rows(sessions.engine, participants) == 0


# Who may do what


def test_a_participant_cannot_answer_in_another_session(
    sessions: Sessions, counselors: tuple[int, int]
) -> None:
    room_a, room_b = start(sessions, counselors[0]), start(sessions, counselors[1])
    token_a = room_a.join()
    room_b.ask("q1")
    with pytest.raises(NotAllowed, match="this question is not open"):
        sessions.answer(token_a, "q1", "a", True, NOW)
    room_a.ask("q1")  # the same question key open in both: A's token still only reaches A
    assert sessions.answer(token_a, "q1", "a", True, NOW)
    assert sessions.tally(room_b.session.id, "q1").responses == 0
    assert sessions.tally(room_a.session.id, "q1").responses == 1
    assert count_rows(sessions.engine, responses, session_id=room_b.session.id) == 0


def test_a_token_never_reads_another_sessions_tally(
    sessions: Sessions, counselors: tuple[int, int]
) -> None:
    room_a, room_b = (
        start(sessions, counselors[0]),
        start(sessions, counselors[1], min_group_size=1),
    )
    token_a = room_a.join()
    room_b.ask("q1")
    for n in range(3):
        assert sessions.answer(room_b.join(), "q1", f"secret {n}", None, NOW)
    sessions.reveal(room_b.session.id, room_b.facilitator, "q1", NOW)
    session, _ = sessions.seat(token_a, NOW) or (None, None)
    assert session == room_a.session
    assert sessions.revealed_tally(token_a, "q1") is None  # A has not revealed q1
    sessions.reveal(room_a.session.id, room_a.facilitator, "q1", NOW)
    tally = sessions.revealed_tally(token_a, "q1")
    assert tally is not None
    assert (tally.responses, tally.participants, tally.counts) == (0, 1, None)


def test_a_facilitator_cannot_control_anothers_session(
    sessions: Sessions, counselors: tuple[int, int]
) -> None:
    room = start(sessions, counselors[0])
    token = room.join()
    participant_id = sessions.participants(room.session.id, room.facilitator)[0].id
    room.ask("q1")
    sessions.answer(token, "q1", "free text", None, NOW)
    before = sessions.owned(room.session.id, room.facilitator)
    bob, sid = counselors[1], room.session.id
    attempts = [
        lambda: sessions.owned(sid, bob),
        lambda: sessions.move(sid, bob, 3, "step-3", NOW),
        lambda: sessions.open_question(sid, bob, "q2", NOW),
        lambda: sessions.close_question(sid, bob, NOW),
        lambda: sessions.reveal(sid, bob, "q1", NOW),
        lambda: sessions.set_status(sid, bob, "closed", NOW),
        lambda: sessions.remove_participant(sid, bob, participant_id, NOW),
        lambda: sessions.participants(sid, bob),
        lambda: sessions.responses(sid, bob),
        lambda: sessions.approve(sid, bob, "q1", 0, NOW),
        lambda: sessions.delete_session(sid, bob),
        lambda: sessions.owned(sid + 1000, room.facilitator),  # not there: the same answer
    ]
    for attempt in attempts:
        with pytest.raises(NotAllowed):
            attempt()
    assert sessions.owned(sid, room.facilitator) == before
    assert sessions.seat(token, NOW) is not None
    assert [r.approved_at for r in sessions.responses(sid, room.facilitator)] == [None]
    assert not sessions.tally(sid, "q1").revealed


def test_a_participant_of_another_session_cannot_be_removed(
    sessions: Sessions, counselors: tuple[int, int]
) -> None:
    room_a, room_b = start(sessions, counselors[0]), start(sessions, counselors[1])
    token_b = room_b.join()
    other = sessions.participants(room_b.session.id, room_b.facilitator)[0].id
    with pytest.raises(NotAllowed, match=f"no participant {other} in session"):
        sessions.remove_participant(room_a.session.id, room_a.facilitator, other, NOW)
    assert sessions.seat(token_b, NOW) is not None


def test_console_controls(room: Room, sessions: Sessions) -> None:
    sid, me = room.session.id, room.facilitator
    sessions.move(sid, me, 2, "signs", NOW)
    room.ask("q1")
    current = sessions.owned(sid, me)
    assert (current.step_index, current.step_id, current.open_question) == (2, "signs", "q1")
    room.ask("q1")  # opening again changes nothing
    sessions.close_question(sid, me, NOW)
    assert sessions.owned(sid, me).open_question is None
    with pytest.raises(ValueError, match="step_index must be 0 or more"):
        sessions.move(sid, me, -1, "signs", NOW)
    with pytest.raises(ValueError, match="status must be one of open, locked, closed"):
        sessions.set_status(sid, me, "paused", NOW)


def test_a_closed_session_is_read_only(room: Room, sessions: Sessions) -> None:
    token = room.join()
    room.ask("q1")
    sid, me = room.session.id, room.facilitator
    sessions.set_status(sid, me, "closed", at(1))
    sessions.set_status(sid, me, "closed", at(2))  # closing twice keeps the first time
    assert sessions.owned(sid, me).closed_at == at(1)
    with pytest.raises(NotAllowed, match="this session has ended"):
        sessions.answer(token, "q1", "a", True, NOW)
    for status in ("open", "locked"):
        with pytest.raises(RoomClosed, match="cannot reopen"):
            sessions.set_status(sid, me, status, NOW)
    with pytest.raises(RoomClosed):
        sessions.move(sid, me, 1, "next", NOW)
    with pytest.raises(RoomClosed):
        room.ask("q2")
    assert sessions.seat(token, NOW) is not None  # the phone can still show "ended"


def test_an_expired_session_takes_no_answers(room: Room, sessions: Sessions) -> None:
    token = room.join()
    room.ask("q1")
    with pytest.raises(NotAllowed, match="this session has ended"):
        sessions.answer(token, "q1", "a", True, room.session.expires_at)


# Answers


def test_an_answer_counts_once_after_a_reconnect(room: Room, sessions: Sessions) -> None:
    token = room.join()
    room.ask("q1")
    assert sessions.answer(token, "q1", ["b"], False, NOW) is True
    assert sessions.answer(token, "q1", ["b"], False, at(1)) is False  # the retried submit
    assert sessions.answer(token, "q1", ["a"], True, at(2)) is False  # the first stands
    responded = sessions.responses(room.session.id, room.facilitator)
    assert [(r.answer, r.is_correct, r.answered_at) for r in responded] == [(["b"], False, NOW)]
    assert count_rows(sessions.engine, responses) == 1


def test_answers_from_many_threads_count_once_each(store_url: str, room: Room) -> None:
    tokens = [room.join() for _ in range(30)]
    room.ask("q1")
    # Two engines: on either backend they stand in for two app replicas.
    engines = [make_engine(store_url) for _ in range(2)]
    replicas = [Sessions(engine) for engine in engines]
    jobs = [(token, n) for n, token in enumerate(tokens)] * 2
    starting = threading.Barrier(50)
    recorded: list[bool] = []
    errors: list[BaseException] = []

    def answer(thread_no: int) -> None:
        try:
            starting.wait()
            for token, n in jobs[thread_no::50]:
                recorded.append(replicas[thread_no % 2].answer(token, "q1", n % 4, None, NOW))
        except BaseException as error:  # reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=answer, args=(n,)) for n in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=slow(120))
    for engine in engines:
        engine.dispose()
    assert [repr(error) for error in errors] == []
    assert sorted(recorded) == [False] * 30 + [True] * 30
    assert count_rows(room.sessions.engine, responses) == 30
    tally = room.sessions.tally(room.session.id, "q1")
    assert tally.counts == {"0": 8, "1": 8, "2": 7, "3": 7}


def test_counts_stay_hidden_below_the_minimum_group_size(room: Room, sessions: Sessions) -> None:
    tokens = [room.join() for _ in range(4)]
    room.ask("q1")
    sessions.answer(tokens[0], "q1", ["a"], True, NOW)
    sessions.answer(tokens[1], "q1", ["a", "c"], False, NOW)
    tally = sessions.tally(room.session.id, "q1")
    assert (tally.responses, tally.participants, tally.counts, tally.correct) == (2, 4, None, None)
    assert tally.is_hidden and not tally.revealed
    sessions.answer(tokens[2], "q1", ["b"], False, NOW)
    shown = sessions.tally(room.session.id, "q1", keys=lambda answer: list(answer))
    assert (shown.responses, shown.counts, shown.correct) == (3, {"a": 2, "b": 1, "c": 1}, 1)
    whole = sessions.tally(room.session.id, "q1")
    assert whole.counts == {'["a", "c"]': 1, '["a"]': 1, '["b"]': 1}


def test_reveal_sets_revealed(room: Room, sessions: Sessions) -> None:
    token = room.join()
    room.ask("q1")
    sessions.answer(token, "q1", "a", True, NOW)
    assert sessions.revealed_tally(token, "q1") is None
    sessions.reveal(room.session.id, room.facilitator, "q1", NOW)
    sessions.reveal(room.session.id, room.facilitator, "q1", at(9))
    assert sessions.tally(room.session.id, "q1").revealed
    assert sessions.revealed_tally(token, "q1") == sessions.tally(room.session.id, "q1")
    assert not sessions.tally(room.session.id, "q2").revealed
    sessions.reveal(room.session.id, room.facilitator, "q2", NOW)  # never opened: still fine
    assert sessions.tally(room.session.id, "q2").revealed


def test_removed_participants_cannot_answer_and_do_not_count(
    room: Room, sessions: Sessions
) -> None:
    tokens = [room.join(f"p{n}") for n in range(4)]
    room.ask("q1")
    for token in tokens[:3]:
        sessions.answer(token, "q1", "a", True, NOW)
    sid, me = room.session.id, room.facilitator
    gone = sessions.participants(sid, me)[0]
    sessions.remove_participant(sid, me, gone.id, NOW)
    sessions.remove_participant(sid, me, gone.id, at(5))  # removing twice keeps the first
    assert [p.display_name for p in sessions.participants(sid, me)] == ["p1", "p2", "p3"]
    assert sessions.participant_count(sid) == 3
    assert sessions.seat(tokens[0], NOW) is None
    assert sessions.revealed_tally(tokens[0], "q1") is None
    with pytest.raises(NotAllowed, match="this seat is not in a session"):
        sessions.answer(tokens[0], "q2", "a", True, NOW)
    tally = sessions.tally(sid, "q1")
    assert (tally.responses, tally.participants, tally.counts) == (2, 3, None)
    assert len(sessions.responses(sid, me)) == 2


def test_free_text_is_listed_only_after_approval(room: Room, sessions: Sessions) -> None:
    tokens = [room.join() for _ in range(3)]
    room.ask("why")
    for n, token in enumerate(tokens):
        sessions.answer(token, "why", f"reason {n}", None, at(n))
    sid, me = room.session.id, room.facilitator
    assert sessions.approved_texts(sid, "why") == []
    assert sessions.tally(sid, "why").correct is None  # free text has no right answer
    sessions.approve(sid, me, "why", 2, at(10))
    sessions.approve(sid, me, "why", 0, at(11))
    assert sessions.approved_texts(sid, "why") == ["reason 0", "reason 2"]
    assert [r.approved_at for r in sessions.responses(sid, me)] == [at(11), None, at(10)]
    with pytest.raises(IndexError, match="question 'why' has 3 response"):
        sessions.approve(sid, me, "why", 3, NOW)
    with pytest.raises(IndexError):
        sessions.approve(sid, me, "other", 0, NOW)


def test_hostile_answers_are_stored_as_data(room: Room, sessions: Sessions) -> None:
    room.ask("why")
    for text in HOSTILE:
        assert sessions.answer(room.join(text[:40]), "why", text, None, NOW)
    big = room.join()
    with pytest.raises(ValueError, match="at most 10000"):
        sessions.answer(big, "why", "x" * 10_000, None, NOW)
    assert sessions.answer(big, "why", {"text": "y" * 9_000}, None, NOW)
    sid, me = room.session.id, room.facilitator
    stored = [r.answer for r in sessions.responses(sid, me)]
    assert stored == [*HOSTILE, {"text": "y" * 9_000}]
    for n in range(len(HOSTILE)):
        sessions.approve(sid, me, "why", n, NOW)
    assert sessions.approved_texts(sid, "why") == HOSTILE
    assert [p.display_name for p in sessions.participants(sid, me)][:-1] == [
        text[:40].strip() for text in HOSTILE
    ]


def test_answers_and_names_are_not_linked_in_responses(room: Room, sessions: Sessions) -> None:
    token = room.join("Sam")
    room.ask("q1")
    sessions.answer(token, "q1", "a", True, NOW)
    (response,) = sessions.responses(room.session.id, room.facilitator)
    assert set(vars(response)) == {
        "question_key",
        "answer",
        "is_correct",
        "answered_at",
        "approved_at",
    }


# Deleting


@pytest.fixture
def two_rooms(sessions: Sessions, counselors: tuple[int, int]) -> Iterator[tuple[Room, Room]]:
    """Yield two sessions with rows in every session table."""
    rooms = start(sessions, counselors[0]), start(sessions, counselors[1])
    for room in rooms:
        tokens = [room.join(f"p{n}") for n in range(3)]
        room.ask("q1")
        for token in tokens:
            sessions.answer(token, "q1", "a", True, NOW)
        sessions.reveal(room.session.id, room.facilitator, "q1", NOW)
    yield rooms


def session_rows(engine: Engine, session_id: int) -> dict[str, int]:
    """Count the session's rows in every session table."""
    return {
        table.name: count_rows(engine, table, **{column.name: session_id})
        for table, column in SESSION_TABLES
    }


def test_delete_session_leaves_nothing(sessions: Sessions, two_rooms: tuple[Room, Room]) -> None:
    gone, kept = two_rooms
    before = session_rows(sessions.engine, gone.session.id)
    assert before == {
        "responses": 3,
        "session_questions": 1,
        "participants": 3,
        "group_sessions": 1,
    }
    kept_before = session_rows(sessions.engine, kept.session.id)
    with pytest.raises(NotAllowed):
        sessions.delete_session(gone.session.id, kept.facilitator)
    assert sessions.delete_session(gone.session.id, gone.facilitator) == sum(before.values())
    assert set(session_rows(sessions.engine, gone.session.id).values()) == {0}
    assert session_rows(sessions.engine, kept.session.id) == kept_before
    assert sessions.find_by_code(gone.session.join_code, NOW) is None
    with pytest.raises(NotAllowed):
        sessions.delete_session(gone.session.id, gone.facilitator)


# Replicas and restarts


def test_a_second_replica_sees_the_same_class(store_url: str, room: Room) -> None:
    token = room.join("Sam")
    room.ask("q1")
    other = make_engine(store_url)  # a second app process, or the same one after a restart
    try:
        replica = Sessions(other)
        session, participant = replica.seat(token, NOW) or (None, None)
        assert session == replica.owned(room.session.id, room.facilitator)
        assert session is not None and session.open_question == "q1"
        assert replica.answer(token, "q1", "a", True, NOW)
        assert not room.sessions.answer(token, "q1", "b", False, NOW)
        assert room.sessions.tally(room.session.id, "q1").responses == 1
    finally:
        other.dispose()


def test_approval_checks_the_thought_it_was_shown(room: Room, sessions: Sessions) -> None:
    room.ask("why")
    sid, me = room.session.id, room.facilitator
    first, second = room.join(), room.join()
    sessions.answer(first, "why", "a thought from a person later removed", None, at(1))
    sessions.answer(second, "why", "a thought the counselor read", None, at(2))
    removed = sessions.participants(sid, me)[0].id
    sessions.remove_participant(sid, me, removed, at(3))
    # The console had listed "the counselor read" at position 1; now it is at position 0.
    with pytest.raises(IndexError):
        sessions.approve(sid, me, "why", 1, at(4), expected="a thought the counselor read")
    with pytest.raises(NotAllowed, match="changed meanwhile"):
        sessions.approve(sid, me, "why", 0, at(4), expected="something else")
    assert sessions.approved_texts(sid, "why") == []
    sessions.approve(sid, me, "why", 0, at(5), expected="a thought the counselor read")
    assert sessions.approved_texts(sid, "why") == ["a thought the counselor read"]


def test_a_seat_finds_only_its_own_answer_again(room: Room, sessions: Sessions) -> None:
    """A phone that reloads finds its answer before anyone taps; it never sees another's."""
    mine, other = room.join(), room.join()
    room.ask("q1")
    assert sessions.own_answer(mine, "q1") is None
    assert sessions.answer(mine, "q1", ["b", "a"], False, NOW)
    assert sessions.answer(other, "q1", ["c"], True, NOW)
    assert sessions.own_answer(mine, "q1") == ["b", "a"]
    assert sessions.own_answer(other, "q1") == ["c"]
    assert sessions.own_answer(mine, "q2") is None
    assert sessions.own_answer("not-a-token", "q1") is None
    (person, _) = [p for p in sessions.participants(room.session.id, room.facilitator)][:2]
    sessions.remove_participant(room.session.id, room.facilitator, person.id, NOW)
    assert sessions.own_answer(mine, "q1") is None, "a removed seat gets nothing back"


def test_a_countdown_runs_for_the_open_question_only(
    room: Room, sessions: Sessions, counselors: tuple[int, int]
) -> None:
    session_id, amy = room.session.id, room.facilitator
    with pytest.raises(NotAllowed, match="open a question before starting a countdown"):
        sessions.start_countdown(session_id, amy, 30, NOW)
    room.ask("q1")
    sessions.start_countdown(session_id, amy, 30, NOW)
    assert sessions.owned(session_id, amy).countdown_until == NOW + timedelta(seconds=30)
    for seconds in (4, 601):
        with pytest.raises(ValueError, match="a countdown lasts 5 to 600 seconds"):
            sessions.start_countdown(session_id, amy, seconds, NOW)
    with pytest.raises(NotAllowed):
        sessions.start_countdown(session_id, counselors[1], 30, NOW)
    room.ask("q2")  # a new question starts without a countdown
    assert sessions.owned(session_id, amy).countdown_until is None
    sessions.start_countdown(session_id, amy, 60, NOW)
    sessions.close_question(session_id, amy, NOW)
    assert sessions.owned(session_id, amy).countdown_until is None


def test_the_counselor_can_show_the_join_code_large_again(
    room: Room, sessions: Sessions, counselors: tuple[int, int]
) -> None:
    session_id, amy = room.session.id, room.facilitator
    assert sessions.owned(session_id, amy).join_large is False
    sessions.show_join_large(session_id, amy, True, NOW)
    assert sessions.owned(session_id, amy).join_large is True
    with pytest.raises(NotAllowed):
        sessions.show_join_large(session_id, counselors[1], False, NOW)
    sessions.show_join_large(session_id, amy, False, NOW)
    assert sessions.owned(session_id, amy).join_large is False
