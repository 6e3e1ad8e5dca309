"""Learner codes: enough entropy, forgiving input, a stable slow hash."""

import hashlib
import math
import re
import secrets

import pytest

from course.store.codes import (
    CODE_BITS,
    DIGITS_PER_CODE,
    WORDS_PER_CODE,
    hash_code,
    new_code,
    normalize_code,
)
from course.store.wordlist import WORDS


def test_wordlist_has_1024_unique_short_lowercase_words() -> None:
    assert len(WORDS) == 1024
    assert len(set(WORDS)) == 1024
    assert [word for word in WORDS if not re.fullmatch(r"[a-z]{3,7}", word)] == []


def test_codes_carry_at_least_40_bits() -> None:
    bits = WORDS_PER_CODE * math.log2(len(WORDS)) + DIGITS_PER_CODE * math.log2(10)
    assert bits == pytest.approx(CODE_BITS)
    assert bits >= 40
    assert bits == pytest.approx(43.29, abs=0.01)


def test_generated_codes_are_distinct_and_already_normal() -> None:
    codes = [new_code() for _ in range(1000)]
    assert len(set(codes)) == 1000
    assert all(normalize_code(code) == code for code in codes)
    assert all(re.fullmatch(r"[a-z]{3,7}-[a-z]{3,7}-[a-z]{3,7}-[0-9]{4}", c) for c in codes)


def test_new_code_draws_its_words_from_the_list() -> None:
    *words, digits = new_code(secrets.SystemRandom()).split("-")
    assert all(word in WORDS for word in words)
    assert len(digits) == DIGITS_PER_CODE


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("maple-river-candle-4821", "maple-river-candle-4821"),
        ("Maple-River-Candle-4821", "maple-river-candle-4821"),
        ("MAPLE RIVER CANDLE 4821", "maple-river-candle-4821"),
        ("  maple  river candle   4821  ", "maple-river-candle-4821"),
        ("maple--river---candle-4821", "maple-river-candle-4821"),
        ("maple\u2013river\u2013candle\u20134821", "maple-river-candle-4821"),
        ("maple\u2014river \u2212 candle-4821", "maple-river-candle-4821"),
        ("maple_river.candle 4821", "maple-river-candle-4821"),
        ("maple river candle4821", "maple-river-candle-4821"),
        (
            "\uff4d\uff41\uff50\uff4c\uff45 river candle \uff14\uff18\uff12\uff11",
            "maple-river-candle-4821",
        ),
        ("-maple-river-candle-4821-", "maple-river-candle-4821"),
        ("", None),
        ("   ", None),
        ("maple-river-4821", None),
        ("maple-river-candle-482", None),
        ("maple-river-candle-48211", None),
        ("maple-river-candle-ocean-4821", None),
        ("ma-river-candle-4821", None),
        ("maple-riverbank-candle-4821", None),
        ("maple-r1ver-candle-4821", None),
        ("maple-river-candle-\u0664\u0668\u0662\u0661", None),
        ("'; DROP TABLE learners; --", None),
        ("maple-river-candle-4821" * 20, None),
    ],
)
def test_normalize_code(typed: str, expected: str | None) -> None:
    assert normalize_code(typed) == expected


def test_hash_code_is_deterministic_hex_and_differs_across_codes() -> None:
    first = hash_code("maple-river-candle-4821")
    assert first == hash_code("maple-river-candle-4821")
    assert first == hash_code("Maple River Candle 4821")
    assert re.fullmatch(r"[0-9a-f]{64}", first)
    assert first != hash_code("maple-river-candle-4822")
    assert first != hash_code("river-maple-candle-4821")


def test_hash_code_is_the_documented_scrypt() -> None:
    expected = hashlib.scrypt(
        b"maple-river-candle-4821", salt=b"course-learner-code-v1", n=2**14, r=8, p=1, dklen=32
    ).hex()
    assert hash_code("MAPLE-RIVER-CANDLE-4821") == expected


def test_hash_code_refuses_non_codes_without_echoing_them() -> None:
    with pytest.raises(ValueError) as raised:
        hash_code("secret words 12")
    assert "secret" not in str(raised.value)
