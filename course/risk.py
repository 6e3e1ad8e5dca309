"""Words in a shared thought that suggest someone may be at risk of suicide or overdose.

A thought shared anonymously in a group is read by the counselor first. One that matches these
phrases never reaches the projector (even if approved by mistake) and raises a private alert on
the console with the crisis steps. Matching errs on the side of caution: a false alarm only
keeps a thought off the big screen; a missed one could put a person in front of the room.
Authors extend the list in ``course.yaml`` (``risk_phrases``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Phrases as people write them on a phone; matching ignores case, punctuation and apostrophes
# ("don't" and "dont" are one word).
BUILT_IN = (
    "kill myself",
    "killing myself",
    "end my life",
    "ending my life",
    "end it all",
    "take my own life",
    "take my life",
    "suicide",
    "suicidal",
    "want to die",
    "wanna die",
    "wish i was dead",
    "wish i were dead",
    "better off dead",
    "better off without me",
    "no reason to live",
    "nothing to live for",
    "not worth living",
    "hurt myself",
    "hurting myself",
    "overdose tonight",
    "od tonight",
    "overdose on purpose",
    "od on purpose",
    "use it all tonight",
    "take it all tonight",
    "never wake up",
    # Spanish: a room can be bilingual, so every thought is checked against both lists.
    "matarme",
    "me quiero matar",
    "quitarme la vida",
    "quiero morir",
    "quiero morirme",
    "me quiero morir",
    "suicidarme",
    "suicidio",
    "suicida",
    "no quiero vivir",
    "no quiero seguir viviendo",
    "no vale la pena vivir",
    "no tengo razón para vivir",
    "nada por qué vivir",
    "mejor muerto",
    "mejor muerta",
    "mejor sin mí",
    "hacerme daño",
    "lastimarme",
    "acabar con todo",
    "terminar con todo",
    "acabar con mi vida",
    "sobredosis esta noche",
    "sobredosis a propósito",
    "no volver a despertar",
    "no despertar nunca",
    "nunca despertar",
)
_APOSTROPHES = str.maketrans({"\u2019": None, "\u2018": None, "`": None, "'": None})
_NOT_WORD = re.compile(r"[^\w]+")


def normalize(text: str) -> str:
    """Fold text to lower-case words, without apostrophes, accents or punctuation."""
    folded = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).casefold()
    bare = "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))
    return " ".join(_NOT_WORD.sub(" ", bare).split())


# Folded once: the console and projector check every shared thought on each refresh.
_BUILT_IN_FOLDED = tuple(normalize(phrase) for phrase in BUILT_IN)


def matches(text: str, extra: Iterable[str] = ()) -> list[str]:
    """Return the phrases (built-in, then the course's own) found in the text, each once."""
    words = f" {normalize(text)} "
    found: list[str] = []
    for wanted in (*_BUILT_IN_FOLDED, *(normalize(phrase) for phrase in extra)):
        if wanted and f" {wanted} " in words and wanted not in found:
            found.append(wanted)
    return found


def is_risky(text: str, extra: Iterable[str] = ()) -> bool:
    """Tell whether a shared thought suggests someone may be at risk."""
    return bool(matches(text, extra))
