"""What a participant types and holds: the room's join code, a display name, a seat token.

And how the app labels a participant, which a chosen display name must not imitate.
"""

import hashlib
import re
import secrets
import unicodedata

from course.store.inputs import clean_text
from course.store.schema import DISPLAY_NAME_LENGTH

# No 0/O or 1/I/L, which people misread on a projector and mistype on a phone.
JOIN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
# 31**6 is about 29.7 bits; ASVS 6.5.4 asks at least 20 for a lookup code.
JOIN_CODE_LENGTH = 6
# ASVS 11.5.1: at least 128 bits for a string that grants access.
TOKEN_BYTES = 16

# A code is short; anything far longer is not one, and need not be scanned.
_MAX_CODE_INPUT = 50
# Spaces, hyphens, underscores, and the dashes phones substitute for "-".
_CODE_SEPARATORS = re.compile(r"[\s\-_\u2010-\u2015\u2212]+")

# How the app itself names people in a room; a chosen name must not pass for one of these.
PARTICIPANT_LABEL = "Participant {number}"
_APP_LABEL = re.compile(r"participant\s*(?:#|no\.?)?\s*\d*|counsell?or|facilitator|host|anonymous")


def new_join_code(rng: secrets.SystemRandom | None = None) -> str:
    """Draw a join code such as K7QX3M from the unambiguous alphabet."""
    rng = rng or secrets.SystemRandom()
    return "".join(rng.choice(JOIN_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalize_join_code(text: str) -> str | None:
    """Return a typed code upper-cased without spaces or dashes, or None if it cannot be one."""
    if len(text) > _MAX_CODE_INPUT:
        return None
    # NFKC turns full-width letters and digits from phone keyboards into ASCII.
    folded = _CODE_SEPARATORS.sub("", unicodedata.normalize("NFKC", text).upper())
    is_code = len(folded) == JOIN_CODE_LENGTH and all(c in JOIN_ALPHABET for c in folded)
    return folded if is_code else None


def clean_display_name(name: str | None) -> str | None:
    """Return the name cleaned, NFKC-normalized, on one line; None if nothing is left.

    ValueError (with words for the participant) if it is too long or is one of the app's
    own labels, such as "Participant 1" or "Counselor", which it would pass for.
    """
    if name is None:
        return None
    # NFKC: full-width and other look-alike forms become the plain letters they imitate.
    folded = unicodedata.normalize("NFKC", clean_text(name))
    # Category C that is left: line breaks, tabs, bidi overrides, other invisible formats.
    visible = "".join(" " if unicodedata.category(c)[0] == "C" else c for c in folded)
    cleaned = " ".join(visible.split())
    if len(cleaned) > DISPLAY_NAME_LENGTH:
        raise ValueError(
            f"Please keep the name to {DISPLAY_NAME_LENGTH} characters (this has {len(cleaned)})."
        )
    if is_app_label(cleaned):
        raise ValueError(
            "That name is one the app uses for its own labels (like “Participant 1” or "
            "“Counselor”), so people could mistake it. Please choose another, or leave it empty."
        )
    return cleaned or None


def is_app_label(name: str) -> bool:
    """Tell whether a name reads as one of the app's own labels, whatever its case or width."""
    folded = clean_text(unicodedata.normalize("NFKC", name), one_line=True).casefold()
    return _APP_LABEL.fullmatch(folded) is not None


def participant_label(display_name: str | None, number: int) -> str:
    """Name a participant for the counselor: the app's label, or their chosen name, marked."""
    if not display_name:
        return PARTICIPANT_LABEL.format(number=number)
    # Quotes and words, not a style: they survive a screen reader and a plain-text copy.
    return f"“{display_name}” (chosen name)"


def new_token() -> str:
    """Draw a participant's seat token (128 bits), to be kept only by their browser."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    """Hash a seat token for storage (128 random bits need no slow hash)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
