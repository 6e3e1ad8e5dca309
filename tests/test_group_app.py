"""Group sessions through the real pages (AppTest): console, phones, projector, summary."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from apptest_kit import click, open_page
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from course.loader import REPO_ROOT, load_course
from course.scoring import correct_answer
from course.store import Store
from course.store.accounts import Facilitators
from course.store.limits import JOIN_CODES
from course.store.sessions import RoomFull, RoomLocked, Sessions

LESSON = "tolerance-dependence-addiction"
PASSWORD = "a-long-pass-phrase-2026"
LOCK_HINT = "Everyone is in? Lock the room so no one else can join with the code."


@pytest.fixture
def db_url(db_url: str) -> str:
    """The app's fresh database (tests/conftest.py) with a counselor's account in it."""
    Facilitators(Store(db_url).engine).add("counselor", PASSWORD, datetime.now(UTC))
    return db_url


def signed_in() -> AppTest:
    at = open_page("login")
    at.text_input[0].input("counselor")
    at.text_input[1].input(PASSWORD)
    at = click(at, "Sign in")
    assert not at.exception
    return at


def start_session(lesson_title: str = "Tolerance, dependence and addiction") -> AppTest:
    state = {"facilitator": signed_in().session_state["facilitator"]}
    console = open_page("console", state)
    console.selectbox[0].set_value(LESSON)
    console = click(console, "Start")
    assert any(lesson_title in caption.value for caption in console.main.caption)
    return console


def room_code(db_url: str) -> str:
    sessions = Sessions(Store(db_url).engine)
    (only,) = sessions.sessions_of(1)
    return only.join_code


def join(code: str, name: str = "") -> AppTest:
    phone = open_page("join", room=code)
    assert phone.text_input[0].value == code
    phone.text_input[1].input(name)
    phone = click(phone, "Join")
    assert not phone.exception
    assert "participant_token" in phone.session_state
    return phone


def test_wrong_password_is_refused_then_throttled(db_url: str) -> None:
    for _ in range(5):
        at = open_page("login")
        at.text_input[0].input("counselor")
        at.text_input[1].input("wrong password!")
        at = click(at, "Sign in")
        assert "don't match" in at.error[0].value
    at = open_page("login")
    at.text_input[0].input("counselor")
    at.text_input[1].input(PASSWORD)
    at = click(at, "Sign in")
    assert "Too many wrong tries" in at.error[0].value


def test_console_needs_a_signed_in_facilitator(db_url: str) -> None:
    at = open_page("console")
    assert "Please sign in as a facilitator" in at.info[0].value
    assert not [b for b in at.button if b.label == "Start"]


def test_a_question_end_to_end(db_url: str) -> None:
    console = start_session()
    code = room_code(db_url)
    phones = [join(code, name) for name in ("", "Sam", "<script>x</script>")]
    console = open_page("console", {"facilitator": console.session_state["facilitator"],
                               "group_session_id": 1})  # fmt: skip
    assert console.metric[0].value == "3"
    course = load_course(REPO_ROOT).course
    assert course is not None
    quiz = course.quiz_for(course.lessons[LESSON])
    assert quiz is not None
    question = quiz.questions[0]
    console.selectbox[0].set_value(f"quiz:{question.id}")
    console = click(console, "Open question")
    for n, phone in enumerate(phones):
        phone = phone.run()
        key = f"room-1-quiz:{question.id}"
        value = (
            correct_answer(question)
            if n < 2
            else next(
                o.id
                for o in question.options
                if not o.correct  # type: ignore[union-attr]
            )
        )
        phone.radio(key=f"{key}-radio").set_value(value)
        phone = phone.button(key=f"{key}-submit").click().run()
        assert not phone.exception
        assert "Your answer is in." in phone.success[0].value
    projector = open_page("projector", room=code)
    assert "Answered" in [m.label for m in projector.metric]
    console = click(console, "Reveal results")
    projector = open_page("projector", room=code)
    assert projector.get("plotly_chart"), "results show after reveal"
    summary = open_page("summary", {"facilitator": console.session_state["facilitator"]})
    assert not summary.exception
    assert summary.dataframe[0].value["Answers"].tolist() == [3]
    assert summary.dataframe[0].value["% right"].tolist() == [67]


def test_locked_room_refuses_new_phones(db_url: str) -> None:
    console = start_session()
    code = room_code(db_url)
    join(code)
    click(console, "Lock the room")
    phone = open_page("join", room=code)
    phone = click(phone, "Join")
    assert "This room is locked" in phone.error[0].value
    projector = open_page("projector", room=code)
    assert "The room is locked" in projector.caption[-1].value or any(
        "locked" in c.value for c in projector.caption
    )


def lock_button(console: AppTest) -> tuple[str, int]:
    """Return the lock button's style and its place among the console's buttons."""
    labels = [b.label for b in console.button]
    assert labels.count("Lock the room") == 1, labels
    place = labels.index("Lock the room")
    return console.button[place].proto.type, place


def test_the_console_caps_the_seats_and_offers_the_lock_once_the_class_is_in(db_url: str) -> None:
    facilitator = signed_in().session_state["facilitator"]
    console = open_page("console", {"facilitator": facilitator})
    console.selectbox[0].set_value(LESSON)
    (seats,) = [n for n in console.number_input if n.label == "Seats"]
    assert (seats.value, seats.min, seats.max) == (40, 2, 300)
    assert "can't take more seats than this" in seats.help
    seats.set_value(3)
    click(console, "Start")
    sessions = Sessions(Store(db_url).engine)
    (room,) = sessions.sessions_of(1)
    assert room.seat_cap == 3

    def seat_one() -> AppTest:
        sessions.join(room.join_code, None, datetime.now(UTC))
        return open_page("console", {"facilitator": facilitator, "group_session_id": room.id})

    console = seat_one()
    assert "1 of 3 seats taken" in [c.value for c in console.caption]
    assert lock_button(console)[0] == "secondary"  # the lock is there, not yet pressed upon
    assert LOCK_HINT not in texts_on(console)
    seat_one()
    console = seat_one()
    assert "3 of 3 seats taken" in [c.value for c in console.caption]
    assert "The room is full" in console.warning[0].value
    assert LOCK_HINT in texts_on(console)
    style, place = lock_button(console)
    assert style == "primary"
    assert place < [b.label for b in console.button].index("Next")  # near the top
    with pytest.raises(RoomFull):
        sessions.join(room.join_code, None, datetime.now(UTC))

    console = console.button[place].click().run()
    assert sessions.owned(room.id, 1).status == "locked"
    with pytest.raises(RoomLocked):
        sessions.join(room.join_code, None, datetime.now(UTC))
    assert "Lock the room" not in [b.label for b in console.button]
    console = click(console, "Unlock the room")
    assert sessions.owned(room.id, 1).status == "open"
    assert lock_button(console)[0] == "primary"


def test_the_counselor_changes_the_seats_of_a_live_room(db_url: str) -> None:
    console = start_session()
    (seats,) = [n for n in console.number_input if n.label == "Seats"]
    assert seats.value == 40
    seats.set_value(5)
    console = click(console, "Change seats")
    assert Sessions(Store(db_url).engine).owned(1, 1).seat_cap == 5
    assert "0 of 5 seats taken" in [c.value for c in console.caption]
    (seats,) = [n for n in console.number_input if n.label == "Seats"]
    seats.set_value(2)  # fewer than the 3 answers a result needs
    console = click(console, "Change seats")
    assert "The room needs at least 3 seats" in console.error[0].value
    assert Sessions(Store(db_url).engine).owned(1, 1).seat_cap == 5


def test_a_room_with_fewer_seats_than_answers_to_show_is_not_started(db_url: str) -> None:
    console = open_page("console", {"facilitator": signed_in().session_state["facilitator"]})
    (seats,) = [n for n in console.number_input if n.label == "Seats"]
    seats.set_value(2)
    console = click(console, "Start")
    assert "Give the room at least 3 seats" in console.error[0].value
    assert Sessions(Store(db_url).engine).sessions_of(1) == []


def test_wrong_join_code_is_refused_then_throttled(db_url: str) -> None:
    phone = open_page("join")
    for _ in range(JOIN_CODES.per_client.count):
        phone.text_input[0].input("ZZZZZZ")
        phone = click(phone, "Join")
        assert "We could not find that code" in phone.error[0].value
    phone.text_input[0].input("ZZZZZZ")
    phone = click(phone, "Join")
    assert "Too many tries" in phone.error[0].value


def test_summary_csv_is_spreadsheet_safe(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    console = start_session()
    code = room_code(db_url)
    sessions = Sessions(Store(db_url).engine)
    _, token = sessions.join(code, None, datetime.now(UTC))
    sessions.open_question(1, 1, "step:check-dependence", datetime.now(UTC))
    sessions.answer(token, "step:check-dependence", '=HYPERLINK("x")', False, datetime.now(UTC))
    downloads: list[bytes] = []
    original = MemoryMediaFileStorage.load_and_get_id

    def keep(self: MemoryMediaFileStorage, data: bytes | str, *args: object, **kw: object) -> str:
        downloads.append(data if isinstance(data, bytes) else data.encode())
        return original(self, data, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", keep)
    summary = open_page("summary", {"facilitator": console.session_state["facilitator"]})
    assert not summary.exception
    rows = list(csv.reader(io.StringIO(downloads[-1].decode())))
    assert rows[0] == ["question", "answer", "correct", "answered_at"]
    assert rows[1][:3] == ["step:check-dependence", '\'=HYPERLINK("x")', "False"]


def texts_on(at: AppTest) -> str:
    """Everything the page says: Markdown, plain text (what people typed) and captions."""
    parts = [*at.markdown, *at.text, *at.caption]
    return "\n".join(str(m.value) for m in parts)


def test_a_risky_thought_alerts_the_counselor_and_never_reaches_the_projector(
    db_url: str,
) -> None:
    console = start_session()
    code = room_code(db_url)
    phones = [join(code), join(code)]
    facilitator = console.session_state["facilitator"]
    key = "share:group-discussion"
    console = open_page("console", {"facilitator": facilitator, "group_session_id": 1})
    console.selectbox[0].set_value(key)
    console = click(console, "Open question")
    risky, calm = "Honestly I might overdose tonight", "Now I see it is the body"
    for n, (phone, thought) in enumerate(zip(phones, [risky, calm], strict=True)):
        phone = phone.run()
        phone.text_area[0].input(thought)
        phone = click(phone, "Send my thought")
        assert not phone.exception
        reach_out = [w.value for w in phone.warning if "What you wrote matters" in w.value]
        assert len(reach_out) == (1 if n == 0 else 0)  # only the writer, only if at risk
        if n == 0:
            assert "Call or text 988 now" in reach_out[0]
            assert 'href="tel:988"' in "".join(h.proto.body for h in phone.get("html"))

    console = open_page("console", {"facilitator": facilitator, "group_session_id": 1})
    alert = [e.value for e in console.error if "may be at risk" in e.value]
    assert alert == [
        "**A shared thought suggests that someone in the room may be at risk.** It is kept "
        "off the big screen, and no one knows who wrote it."
    ]
    policy = load_course(REPO_ROOT).course.manifest.crisis_policy  # type: ignore[union-attr]
    assert policy is not None and policy in texts_on(console)
    shown = "".join(h.proto.body for h in console.get("html"))
    assert "988 Suicide &amp; Crisis Lifeline" in shown
    approve = [b for b in console.button if b.label == "Show on the big screen"]
    assert len(approve) == 1, "the risky thought cannot be approved"
    assert "Kept off the big screen: it may mean someone is at risk." in texts_on(console)

    # Even approved by mistake (straight in the store), it never reaches the room.
    sessions = Sessions(Store(db_url).engine)
    sessions.approve(1, facilitator.id, key, 0, datetime.now(UTC), expected=risky)
    sessions.approve(1, facilitator.id, key, 1, datetime.now(UTC), expected=calm)
    projector = open_page("projector", room=code)
    assert calm in texts_on(projector) and "overdose" not in texts_on(projector)
    listed = texts_on(open_page("summary", {"facilitator": facilitator}))
    assert risky in listed and calm in listed
    assert "Kept off the big screen: it may have meant someone was at risk." in listed


def test_an_approved_thought_can_be_hidden_again(db_url: str) -> None:
    console = start_session()
    code = room_code(db_url)
    phone = join(code)
    facilitator = console.session_state["facilitator"]
    key = "share:group-discussion"
    console = open_page("console", {"facilitator": facilitator, "group_session_id": 1})
    console.selectbox[0].set_value(key)
    console = click(console, "Open question")
    phone = phone.run()
    phone.text_area[0].input("Now I see it is the body")
    click(phone, "Send my thought")
    console = open_page("console", {"facilitator": facilitator, "group_session_id": 1})
    click(console, "Show on the big screen")
    assert "Now I see it is the body" in texts_on(open_page("projector", room=code))
    console = open_page("console", {"facilitator": facilitator, "group_session_id": 1})
    click(console, "Hide from the big screen")
    console = open_page("console", {"facilitator": facilitator, "group_session_id": 1})
    assert "Now I see it is the body" not in texts_on(open_page("projector", room=code))
    assert [b.label for b in console.button if "big screen" in b.label] == [
        "Show on the big screen"
    ]


def test_shared_thoughts_reach_the_projector_only_once_approved(db_url: str) -> None:
    console = start_session()
    code = room_code(db_url)
    phones = [join(code), join(code)]
    facilitator = console.session_state["facilitator"]
    console = open_page("console", {"facilitator": facilitator, "group_session_id": 1})
    key = "share:group-discussion"
    console.selectbox[0].set_value(key)
    console = click(console, "Open question")
    assert not [b for b in console.button if b.label == "Reveal results"]
    thoughts = ["I thought needing more meant <b>weak</b> will", "=Now I see it is the body"]
    phones[0] = phones[0].run()
    phones[0] = click(phones[0], "Send my thought")  # empty: refused, nothing stored
    assert "Please write something first." in phones[0].error[0].value
    for phone, thought in zip(phones, thoughts, strict=True):
        phone = phone.run()
        phone.text_area[0].input(f"  {thought}\n")
        phone = click(phone, "Send my thought")
        assert not phone.exception
        assert "Your thought is in." in phone.success[0].value
    projector = open_page("projector", room=code)
    assert [m.value for m in projector.metric if m.label == "Thoughts shared"] == ["2"]
    assert "weak" not in texts_on(projector) and "Now I see" not in texts_on(projector)

    console = open_page("console", {"facilitator": facilitator, "group_session_id": 1})
    approve = [b for b in console.button if b.label == "Show on the big screen"]
    assert len(approve) == 2
    approve[1].click().run()
    projector = open_page("projector", room=code)
    assert "=Now I see it is the body" in texts_on(projector)
    assert "weak" not in texts_on(projector), "a thought not approved stays off the screen"
    summary = open_page("summary", {"facilitator": facilitator})
    listed = texts_on(summary)
    assert "I thought needing more meant <b>weak</b> will" in listed  # as typed, not Markdown
    assert "Shown on the big screen" in listed
