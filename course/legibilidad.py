"""Readability of Spanish text, computed offline: Fernández-Huerta and Szigriszt-Pazos (INFLESZ).

Both are Spanish adaptations of Flesch's Reading Ease, on a 0-100 scale where higher is easier:

- Fernández-Huerta (1959, with Law's correction): 206.84 - 60 syl/word - 1.02 words/sentence.
  It keeps Flesch's bands, so 60-70 is "plain" (US grades 8-9) and 70-80 "fairly easy" (grade 7).
  The course's target for Spanish is 65 or more per lesson: the middle of grade 8 and easier,
  matching the English target of Flesch-Kincaid grade 8 or below.
- Szigriszt-Pazos (1993), read on the INFLESZ scale (Barrio-Cantalejo 2008): 206.835 -
  62.3 syl/word - words/sentence; 55-65 is "normal", 65-80 "fairly easy". Reported alongside.

Spanish spelling shows how a word is said, so syllables are counted by rule: each group of
vowels is one syllable, except that two strong vowels (a, e, o) are spoken apart (hiatus), an
accented í or ú is spoken apart from the vowel next to it (dí-a, ba-úl), the u of que/qui/gue/gui
is silent, and y is a vowel only at the end of a word (hoy, muy) or alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from course.readability import sentences

MIN_SCORE = 65.0  # Fernández-Huerta, per lesson (with its quiz)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*|\d+(?:[.,:]\d+)*")
_STRONG = set("aeoáéó")
_ACCENTED_WEAK = set("íú")
_WEAK = set("iuü")
_VOWELS = _STRONG | _ACCENTED_WEAK | _WEAK


@dataclass(frozen=True)
class SpanishCounts:
    words: int = 0
    sentences: int = 0
    syllables: int = 0

    def __add__(self, other: SpanishCounts) -> SpanishCounts:
        return SpanishCounts(
            self.words + other.words,
            self.sentences + other.sentences,
            self.syllables + other.syllables,
        )

    @property
    def fernandez_huerta(self) -> float:
        if not self.words or not self.sentences:
            return 0.0
        return 206.84 - 60 * self.syllables / self.words - 1.02 * self.words / self.sentences

    @property
    def inflesz(self) -> float:
        """Szigriszt-Pazos perspicuity, read on the INFLESZ scale."""
        if not self.words or not self.sentences:
            return 0.0
        return 206.835 - 62.3 * self.syllables / self.words - self.words / self.sentences

    @property
    def score(self) -> float:
        return self.fernandez_huerta


def band(inflesz: float) -> str:
    """Name the INFLESZ band of a score."""
    for floor, name in ((80, "muy fácil"), (65, "bastante fácil"), (55, "normal"),
                        (40, "algo difícil")):  # fmt: skip
        if inflesz >= floor:
            return name
    return "muy difícil"


def syllables(word: str) -> int:
    """Count the syllables of one Spanish word (numbers count by their digits, at most 3)."""
    if word[0].isdigit():
        return min(3, max(1, len(re.sub(r"\D", "", word)) - 1))
    lower = word.lower()
    if lower == "y":
        return 1
    letters = list(lower)
    # The u of que, qui, gue, gui is silent.
    for i in range(1, len(letters) - 1):
        if letters[i] == "u" and letters[i - 1] in "qg" and letters[i + 1] in "eiéí":
            letters[i] = "-"
    if letters and letters[-1] == "y" and len(letters) > 1 and letters[-2] in _VOWELS:
        letters[-1] = "i"  # hoy, muy, rey: y closes a diphthong
    count = 0
    previous = ""
    for letter in letters:
        if letter not in _VOWELS:
            previous = ""
            continue
        if not previous or _apart(previous, letter):
            count += 1
        previous = letter
    return max(1, count)


def _apart(first: str, second: str) -> bool:
    """Whether two vowels side by side are spoken as two syllables."""
    if first in _STRONG and second in _STRONG:
        return True
    if first in _ACCENTED_WEAK or second in _ACCENTED_WEAK:
        return True
    return False


def count(units: Iterable[str]) -> SpanishCounts:
    """Count words, sentences and syllables over several units of Spanish text."""
    total = SpanishCounts()
    for unit in units:
        for sentence in sentences(unit.replace("¿", "").replace("¡", "")):
            words = _WORD.findall(sentence)
            if words:
                total += SpanishCounts(len(words), 1, sum(syllables(w) for w in words))
    return total
