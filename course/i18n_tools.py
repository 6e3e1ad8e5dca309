"""Keep the catalogues in step with the code: extract the strings, find what is untranslated.

``python -m course messages`` prints each string in the code that a language's catalogues lack
(or have only as fuzzy), with the file and line that uses it; exit status 1 if any.
``python -m course messages --po FILE SOURCE...`` adds the strings of those sources that FILE
lacks to it, with an empty translation to fill in (existing entries are kept as they are).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po

from course import i18n

PACKAGE = Path(__file__).parent


@dataclass(frozen=True)
class Found:
    id: str | tuple[str, ...]
    file: str
    line: int
    context: str | None = None  # ptr("button", "Answer"): the verb, not the noun

    @property
    def key(self) -> str:
        return self.id if isinstance(self.id, str) else self.id[0]


def sources() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)


def extract(files: Iterable[Path]) -> list[Found]:
    """Every tr()/ntr()/N_() string in the files, with where it is."""
    found = []
    for path in files:
        for line, message, _comments, context in extract_from_file(
            "python", str(path), keywords=i18n.KEYWORDS
        ):
            if not message:
                continue
            rel = str(path.resolve().relative_to(PACKAGE.parent))
            text = message if isinstance(message, str) else tuple(message)
            found.append(Found(text, rel, line, context))
    return found


def missing(language: str, files: Iterable[Path] | None = None) -> list[Found]:
    """The strings of the code that the language's catalogues do not translate."""
    catalog = i18n.catalog(language)
    gaps = []
    for item in extract(files if files is not None else sources()):
        message = catalog.get(item.key, context=item.context)
        if message is None or not message.string or message.fuzzy:
            gaps.append(item)
        elif isinstance(item.id, tuple) and not all(message.string):
            gaps.append(item)
    return gaps


def add_to_po(po: Path, language: str, files: Iterable[Path]) -> int:
    """Add the files' strings that po lacks, untranslated; return how many were added."""
    if po.exists():
        with po.open("rb") as file:
            catalog = read_po(file, locale=language)
    else:
        catalog = Catalog(locale=language, project="course", domain="messages")
    added = 0
    for item in extract(files):
        if catalog.get(item.key, context=item.context) is None:
            catalog.add(item.id, string="" if isinstance(item.id, str) else ("", ""),
                        locations=[(item.file, item.line)], context=item.context)  # fmt: skip
            added += 1
    po.parent.mkdir(parents=True, exist_ok=True)
    with po.open("wb") as file:
        write_po(file, catalog, width=96, omit_header=False, sort_output=False)
    return added
