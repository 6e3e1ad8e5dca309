"""A word cloud of shared thoughts: which words come up in how many thoughts, and its HTML.

Pure functions, so what the projector shows can be checked without a browser. Every word is
escaped: what participants type is shown as text, never as markup.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable

from course.i18n import ntr

# Words a cloud of thoughts would otherwise be made of ("the", "and", "I'm"...).
STOP_WORDS = frozenset(
    """
    a about after again all also am an and any are as at be because been before being but by
    can could did do does doing don dont down even every for from get gets getting go going got
    had has have having he her here hers him his how i if im in into is isnt it its ive just
    know like lot make many me more most much my no not now of off on one only or other our out
    over really said same say see she so some still such than that thats the their them then
    there these they theyre thing things think this those through to too up us very was way we
    were what when where which while who why will with would yes yet you your youre
    """.split()
)
# Web and mail addresses are not words of a thought: "https", "www" and "com" would fill a cloud.
_ADDRESS = re.compile(r"\b(?:https?://|www\.)\S+|\S+@\S+", re.IGNORECASE)
# Letters (any script) with inner apostrophes or hyphens: "don't", "self-care", "mañana".
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
MIN_LETTERS = 3
MAX_WORDS = 40
# Type sizes (rem) of the least and the most common word.
SMALLEST, LARGEST = 1.6, 5.0


def word_counts(texts: Iterable[str], *, limit: int = MAX_WORDS) -> list[tuple[str, int]]:
    """Return the most common words and in how many thoughts each appears, most first.

    A word counts once per thought, so one person repeating it cannot fill the cloud. Case is
    folded; common little words and web or mail addresses are left out. Ties go alphabetically,
    so every screen agrees.
    """
    found: Counter[str] = Counter()
    for text in texts:
        bare = _ADDRESS.sub(" ", text.casefold())
        words = {w.replace("’", "'") for w in _WORD.findall(bare)}
        found.update(
            w for w in words if len(w) >= MIN_LETTERS and w.replace("'", "") not in STOP_WORDS
        )
    ranked = sorted(found.items(), key=lambda item: (-item[1], item[0]))
    return ranked[:limit]


def cloud_html(counts: list[tuple[str, int]], *, label: str) -> str:
    """Return the cloud as escaped HTML: bigger type for words in more thoughts.

    The most common words sit in the middle, the rest alternate around them. The list has a
    label for screen readers, and each word carries its count as text for them.
    """
    if not counts:
        return ""
    most, least = counts[0][1], counts[-1][1]
    middle_out: list[tuple[str, int]] = []
    for n, item in enumerate(counts):
        if n % 2:
            middle_out.append(item)
        else:
            middle_out.insert(0, item)
    words = []
    for word, count in middle_out:
        share = 0.0 if most == least else (count - least) / (most - least)
        size = SMALLEST + share * (LARGEST - SMALLEST)
        times = ntr("{count} thought", "{count} thoughts", count).format(count=count)
        words.append(
            f'<li style="font-size:{size:.2f}rem">{html.escape(word)}'
            f'<span class="cloud-count"> ({times})</span></li>'
        )
    return (
        '<ul class="word-cloud" aria-label="' + html.escape(label, quote=True) + '" '
        'style="list-style:none;display:flex;flex-wrap:wrap;justify-content:center;'
        'align-items:center;gap:0.4rem 1.6rem;padding:0;margin:1rem 0;line-height:1.1">'
        + "".join(words)
        + "</ul><style>.word-cloud .cloud-count{position:absolute;width:1px;height:1px;"
        "overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}</style>"
    )
