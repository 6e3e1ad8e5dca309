"""Which shared thoughts suggest someone may be at risk (course.risk), as people type them."""

from __future__ import annotations

import re

import pytest

from course.loader import REPO_ROOT, load_course
from course.risk import BUILT_IN, is_risky, matches, normalize


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("I might overdose tonight, no reason to live", ["no reason to live", "overdose tonight"]),
        ("Everyone would be better off without me.", ["better off without me"]),
        ("KILL MYSELF", ["kill myself"]),
        ("i want to   die", ["want to die"]),
        ("Thinking about suicide a lot", ["suicide"]),
        ("gonna OD tonight lol", ["od tonight"]),
        ("ＫＩＬＬ ｍｙｓｅｌｆ", ["kill myself"]),  # full-width letters from a phone keyboard
        ("I wish I were dead", ["wish i were dead"]),
        ("I'll never wake up again", ["never wake up"]),
        # Spanish, with or without accents: a bilingual room is checked against both lists.
        ("Ya no quiero vivir", ["no quiero vivir"]),
        ("pienso en el SUICIDIO", ["suicidio"]),
        ("Estarían mejor sin mí", ["mejor sin mi"]),
        ("no tengo razon para vivir", ["no tengo razon para vivir"]),
        ("quiero hacerme daño", ["hacerme dano"]),
        ("Hoy me siento mucho mejor", []),
        ("Mi hermana murió y la extraño", []),
        # Not risk: words that only look alike, or that teach the signs.
        ("I killed it at work today", []),
        ("Signs of an overdose: you can't wake them up", []),
        ("My sister died and I miss her", []),
        ("myselfish", []),
        ("", []),
    ],
)
def test_built_in_phrases_as_people_type_them(text: str, found: list[str]) -> None:
    assert matches(text) == found
    assert is_risky(text) is bool(found)


def test_a_course_adds_its_own_phrases_apostrophes_or_not() -> None:
    extra = ["don't want to be here anymore"]
    assert matches("I dont want to be here anymore", extra) == ["dont want to be here anymore"]
    assert matches("I don\u2019t want to be here anymore", extra) != []
    assert not is_risky("I dont want to be here anymore")  # only with the course's phrase


def test_every_built_in_phrase_is_lower_case_words() -> None:
    assert all(re.fullmatch(r"[a-záéíóúñü']+(?: [a-záéíóúñü']+)*", p) for p in BUILT_IN)
    assert len({normalize(p) for p in BUILT_IN}) == len(BUILT_IN)


def test_the_shipped_course_adds_phrases_and_a_policy() -> None:
    course = load_course(REPO_ROOT).course
    assert course is not None
    manifest = course.manifest
    assert manifest.risk_phrases and manifest.crisis_policy
    assert "988" in manifest.crisis_policy and "alone" in manifest.crisis_policy
    for phrase in manifest.risk_phrases:
        assert is_risky(f"Honestly {phrase} tonight", manifest.risk_phrases), phrase
