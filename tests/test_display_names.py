"""Chosen display names: NFKC, never one of the app's own labels, always marked as chosen."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from apptest_kit import click, open_page

from course.store import Facilitators, Sessions, Store
from course.store.joincodes import clean_display_name, is_app_label, participant_label
from course.ui.staff import Facilitator

NOW = datetime(2026, 11, 28, 18, 0, tzinfo=UTC)
REFUSED = "That name is one the app uses for its own labels"


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("\uff33\uff41\uff4d", "Sam"),  # full-width, from a phone keyboard
        ("Sam\u00a0Lee", "Sam Lee"),
        ("\ufb01ona", "fiona"),  # a ligature becomes its letters
        ("Jos\u0065\u0301", "José"),  # e + combining accent becomes one letter
        ("Participant 1.", "Participant 1."),  # not the label itself: kept, shown as chosen
        ("Participants", "Participants"),
        ("Hostess", "Hostess"),
        ("María 🌱", "María 🌱"),
        ("李小龙", "李小龙"),
        ("محمد", "محمد"),
    ],
)
def test_names_are_normalized_with_nfkc(typed: str, kept: str) -> None:
    assert clean_display_name(typed) == kept


@pytest.mark.parametrize(
    "typed",
    [
        "Participant 1",
        "participant 1",
        "PARTICIPANT   12",
        "Participant",
        "Participant #3",
        "participant3",
        "\uff30\uff41\uff52\uff54\uff49\uff43\uff49\uff50\uff41\uff4e\uff54 \uff11",  # full-width
        "Participant \u2460",  # circled digit one
        "Counselor",
        "counsellor",
        "  Host ",
        "HOST",
        "Ｈｏｓｔ",
        "Facilitator",
        "anonymous",
        "Anony\x00mous",  # the hidden NUL goes first
    ],
)
def test_names_that_pass_for_app_labels_are_refused(typed: str) -> None:
    assert is_app_label(typed)
    with pytest.raises(ValueError, match=REFUSED):
        clean_display_name(typed)


def test_the_app_labels_and_chosen_names_read_differently() -> None:
    assert participant_label(None, 1) == "Participant 1"
    assert participant_label("Participant 1.", 2) == "“Participant 1.” (chosen name)"
    assert participant_label("Sam", 3) == "“Sam” (chosen name)"


def test_a_room_shows_a_chosen_look_alike_apart_from_the_app_label(store: Store) -> None:
    lead = Facilitators(store.engine).add("lead-one", "a long pass phrase", NOW)
    sessions = Sessions(store.engine)
    room = sessions.start(lead, "naloxone", "group", "intro", NOW)
    for refused in ("Participant 1", "Ｐａｒｔｉｃｉｐａｎｔ　１", "Host"):
        with pytest.raises(ValueError, match=REFUSED):
            sessions.join(room.join_code, refused, NOW)
    look_alike = "\u0420articipant 1"  # a Cyrillic Р: NFKC keeps it, so only the mark tells
    for name in (None, look_alike, "\uff33\uff41\uff4d"):
        sessions.join(room.join_code, name, NOW)
    people = sessions.participants(room.id, lead)
    assert [participant_label(p.display_name, n) for n, p in enumerate(people, start=1)] == [
        "Participant 1",
        f"“{look_alike}” (chosen name)",
        "“Sam” (chosen name)",
    ]


# The pages: the counselor's list of the room, and the phone's join form

LESSON = "tolerance-dependence-addiction"


@pytest.fixture
def room_code(db_url: str) -> str:
    """Start a counselor's session in the app's database; return its join code."""
    engine = Store(db_url).engine
    lead = Facilitators(engine).add("counselor", "a-long-pass-phrase-2026", NOW)
    started = Sessions(engine).start(lead, LESSON, "group", "intro", datetime.now(UTC))
    return started.join_code


def test_the_console_marks_chosen_names(db_url: str, room_code: str) -> None:
    sessions = Sessions(Store(db_url).engine)
    look_alike = "\u0420articipant 1"  # a Cyrillic Р
    for name in (None, look_alike, "**Sam** :smile:"):
        sessions.join(room_code, name, datetime.now(UTC))
    state = {"facilitator": Facilitator(1, "counselor"), "group_session_id": 1}
    console = open_page("console", state)
    assert not console.exception
    shown = [t.value for t in console.text]
    assert shown == [
        "Participant 1",
        f"“{look_alike}” (chosen name)",
        "“**Sam** :smile:” (chosen name)",  # plain text: no bold, no emoji
    ]
    assert not [m for m in console.markdown if look_alike in m.value or "Sam" in m.value]


def test_a_phone_is_told_why_a_label_is_refused(db_url: str, room_code: str) -> None:
    phone = open_page("join", room=room_code)
    phone.text_input[1].input(
        "\uff30\uff41\uff52\uff54\uff49\uff43\uff49\uff50\uff41\uff4e\uff54 1"
    )
    phone = click(phone, "Join")
    assert not phone.exception
    assert REFUSED in phone.error[0].value
    assert "participant_token" not in phone.session_state
    assert Sessions(Store(db_url).engine).participant_count(1) == 0
