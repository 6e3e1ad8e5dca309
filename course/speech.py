"""Read aloud: the text a learner sees, turned into plain words a speech voice says well.

The browser's own speech synthesis does the speaking (course/ui/listen.py); this module decides
what it says. Markdown becomes plain words in the order they show: no emphasis marks, link
text without its address, each paragraph and each list item its own piece (a voice pauses
between pieces, so a list is heard as a list). Then the words a voice gets wrong are swapped
for how people say them: a few built-in symbols and abbreviations (``e.g.``, ``%``, ``3–5``)
and the course's own pronunciation list (``pronunciations:`` in lessons/course.yaml), e.g.
``988`` -> ``9 8 8``, ``naloxone`` -> ``nuh-LOX-own``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

# Built in: how people say these, in any lesson. The course adds its own words.
BUILT_IN: dict[str, str] = {
    "e.g.": "for example",
    "i.e.": "that is",
    "vs.": "versus",
    "etc.": "and so on",
    "&": "and",
    "→": "goes with",
}
# 3–5 days, 1-2 weeks: "3 to 5". Not inside a longer chain such as 1-800-662-4357.
_RANGE = re.compile(r"(?<![\d.–-])(\d+(?:\.\d+)?) ?[–-] ?(\d+(?:\.\d+)?)(?![\d–-])")
_PERCENT = re.compile(r"(\d)\s?%")
_SPACES = re.compile(r"\s+")
# Markdown with raw HTML off, as the app renders content (Streamlit escapes raw HTML).
_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
_BLOCK_ENDS = {"paragraph_close", "heading_close", "th_close", "td_close"}


@dataclass(frozen=True)
class Pronunciations:
    """Words and how to say them. A key with a capital letter matches only as written (NA is
    Narcotics Anonymous, "na" is not); an all-lowercase key matches any case (Naloxone)."""

    entries: Mapping[str, str]

    def apply(self, text: str) -> str:
        return _pattern(tuple(sorted(self.entries.items())))(text)


@lru_cache(maxsize=16)
def _pattern(entries: tuple[tuple[str, str], ...]) -> _Sayer:
    return _Sayer(dict(entries))


class _Sayer:
    """One regular expression for every key, longest first, whole words only."""

    def __init__(self, entries: dict[str, str]) -> None:
        words = {**BUILT_IN, **entries}
        self.exact = {k: v for k, v in words.items() if k != k.lower()}
        self.folded = {k.lower(): v for k, v in words.items() if k == k.lower()}
        keys = sorted(words, key=len, reverse=True)
        parts = [_word(k) for k in keys]
        self.regex = re.compile("|".join(parts)) if parts else None

    def __call__(self, text: str) -> str:
        if self.regex is not None:
            text = self.regex.sub(self._say, text)
        text = _RANGE.sub(r"\1 to \2", text)
        return _PERCENT.sub(r"\1 percent", text)

    def _say(self, match: re.Match[str]) -> str:
        found = match.group(0)
        if found in self.exact:
            return self.exact[found]
        said = self.folded.get(found.lower())
        return found if said is None else said


def _word(key: str) -> str:
    """Match the key as a whole word (a capital key case-sensitively, else ignoring case)."""
    body = re.escape(key)
    if key == key.lower():
        body = f"(?i:{body})"
    start = r"(?<![\w])" if key[:1].isalnum() else ""
    end = r"(?![\w])" if key[-1:].isalnum() else ""
    return f"{start}{body}{end}"


def plain_words(markdown: str) -> list[str]:
    """Return the Markdown's text in plain words, one piece per paragraph, heading or item."""
    pieces: list[str] = []
    words: list[str] = []
    for token in _MARKDOWN.parse(markdown):
        if token.type == "inline":
            words.append(_inline_text(token.children or []))
        elif token.type in ("fence", "code_block"):
            pieces.append(token.content)
        elif token.type in _BLOCK_ENDS:
            pieces.append(" ".join(words))
            words = []
    pieces.append(" ".join(words))
    return [p for p in (_SPACES.sub(" ", piece).strip() for piece in pieces) if p]


def _inline_text(children: list[Token]) -> str:
    out: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline", "html_inline"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif child.type == "image":
            out.append(_inline_text(child.children or []))
        # link_open/close, strong_*, em_*, s_*: marks, never said
    return "".join(out)


def spoken(pieces: Iterable[str], sayings: Pronunciations) -> list[str]:
    """Return the pieces as a voice should get them: pronunciations applied, spaces tidied."""
    said = (_SPACES.sub(" ", sayings.apply(p)).strip() for p in pieces)
    return [p for p in said if p]


NO_PRONUNCIATIONS = Pronunciations({})
