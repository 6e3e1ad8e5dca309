"""Learner codes: random, memorable, typed back in to resume; only their hash is stored."""

import hashlib
import math
import re
import secrets
import unicodedata

from course.store.wordlist import WORDS

WORDS_PER_CODE = 3
DIGITS_PER_CODE = 4
CODE_BITS = WORDS_PER_CODE * math.log2(len(WORDS)) + DIGITS_PER_CODE * math.log2(10)

# Changing any of these makes every stored hash unreachable: bump the salt's version instead.
_SALT = b"course-learner-code-v1"
_SCRYPT_N = 2**14
_SCRYPT_R = 8
_SCRYPT_P = 1
_HASH_BYTES = 32

# A code is short; anything far longer is not one, and need not be scanned.
_MAX_INPUT = 200
_CODE = re.compile(r"[a-z]{3,7}-[a-z]{3,7}-[a-z]{3,7}-[0-9]{4}")
# Spaces, hyphens, underscores, dots, slashes, and the dashes phones substitute for "-".
_SEPARATORS = re.compile(r"[\s\-_.,/\u2010-\u2015\u2212]+")
_LETTER_THEN_DIGIT = re.compile(r"(?<=[a-z])(?=[0-9])")


def new_code(rng: secrets.SystemRandom | None = None) -> str:
    """Draw a new code such as maple-river-candle-4821 (about 43 bits)."""
    rng = rng or secrets.SystemRandom()
    words = [rng.choice(WORDS) for _ in range(WORDS_PER_CODE)]
    digits = rng.randrange(10**DIGITS_PER_CODE)
    return "-".join([*words, f"{digits:0{DIGITS_PER_CODE}d}"])


def normalize_code(text: str) -> str | None:
    """Return the canonical form of a typed code, or None if it cannot be a code."""
    if len(text) > _MAX_INPUT:
        return None
    # NFKC turns full-width letters and digits from phone keyboards into ASCII.
    folded = unicodedata.normalize("NFKC", text).lower()
    spaced = _LETTER_THEN_DIGIT.sub("-", folded)
    candidate = "-".join(part for part in _SEPARATORS.split(spaced) if part)
    return candidate if _CODE.fullmatch(candidate) else None


def hash_code(code: str) -> str:
    """Hash a code slowly and deterministically, so it can be looked up but not brute-forced."""
    normalized = normalize_code(code)
    if normalized is None:
        # The text may be a mistyped real code: never echo it into an error or a log.
        raise ValueError("not a learner code")
    digest = hashlib.scrypt(
        normalized.encode("ascii"),
        salt=_SALT,
        n=_SCRYPT_N,
        r=_SCRYPT_R,
        p=_SCRYPT_P,
        dklen=_HASH_BYTES,
    )
    return digest.hex()
