"""The app's own words in each language: gettext catalogues read with Babel.

Every string the app shows is written in English in the code and wrapped in ``tr()``:
``st.button(tr("Start the course"))``, ``tr("Question {n} of {total}").format(n=2, total=5)``
(named fields, never an f-string: the catalogue needs the words with their gaps). A string
defined before the language is known (a module constant) is marked with ``N_()`` and passed
through ``tr()`` where it is shown. ``ntr(singular, plural, n)`` picks the plural form.

Catalogues: ``course/locale/<language>/LC_MESSAGES/*.po`` (several files per language are
merged; each part of the app keeps its own). They are read from the .po text when first used,
so there is no compile step. ``python -m course messages`` lists strings in the code that a
catalogue lacks (tests/test_i18n.py fails on any).

The language is per script run (a context variable): the app sets it from the learner's choice
at the top of each run; the projector sets its session's language.
"""

from __future__ import annotations

import contextvars
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from functools import cache
from pathlib import Path

from babel.dates import format_skeleton
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALE_DIR = Path(__file__).parent / "locale"
ENGLISH = "en"
LANGUAGES: dict[str, str] = {"en": "English", "es": "Español"}
# The keywords that mark a translatable string in the code (for extraction).
KEYWORDS = {"tr": None, "N_": None, "ntr": (1, 2), "ptr": ((1, "c"), 2)}

_language: contextvars.ContextVar[str | None] = contextvars.ContextVar("language", default=None)
# Where to look when this context has set no language: the app registers its session's
# choice here, for code that runs in a thread of its own (a Streamlit fragment's rerun).
_fallback: Callable[[], str | None] | None = None


def set_language(language: str) -> None:
    """Use this language for the rest of this script run (English if unknown)."""
    _language.set(language if language in LANGUAGES else ENGLISH)


def set_fallback(find: Callable[[], str | None] | None) -> None:
    """Name where the language comes from when this context has set none."""
    global _fallback
    _fallback = find


def current() -> str:
    language = _language.get()
    if language is None and _fallback is not None:
        language = _fallback()
    return language if language in LANGUAGES else ENGLISH


@contextmanager
def use(language: str) -> Iterator[None]:
    """Use a language inside a block (e.g. a printable made in another language)."""
    token = _language.set(language if language in LANGUAGES else ENGLISH)
    try:
        yield
    finally:
        _language.reset(token)


def catalog_files(language: str) -> list[Path]:
    return sorted((LOCALE_DIR / language / "LC_MESSAGES").glob("*.po"))


@cache
def catalog(language: str) -> Catalog:
    """All of a language's .po files merged into one catalogue (later files win)."""
    merged = Catalog(locale=language, domain="messages")
    for path in catalog_files(language):
        with path.open("rb") as file:
            part = read_po(file, locale=language)
        for message in part:
            if message.id and message.string and not message.fuzzy:
                merged[message.id] = message
    return merged


@cache
def translations(language: str) -> NullTranslations:
    if language == ENGLISH or not catalog_files(language):
        return NullTranslations()
    buffer = io.BytesIO()
    write_mo(buffer, catalog(language))
    buffer.seek(0)
    return Translations(fp=buffer)


def tr(message: str) -> str:
    """Return the message in the current language (the English if it has no translation)."""
    if not message:
        return message  # gettext("") is the catalogue's header, never a message
    return translations(current()).gettext(message)


def ptr(context: str, message: str) -> str:
    """Return the message meant in this context (a verb or a noun, e.g. "Answer")."""
    return str(translations(current()).pgettext(context, message))


def ntr(singular: str, plural: str, n: int) -> str:
    """Return the singular or plural message for n, in the current language."""
    return translations(current()).ngettext(singular, plural, n)


def N_(message: str) -> str:  # noqa: N802 - the usual name of the gettext marker
    """Mark a string for translation where it is defined; translate it with tr() when shown."""
    return message


def language_name(code: str) -> str:
    return LANGUAGES.get(code, code)


def best_match(accepted: str | None) -> str:
    """Pick the app language for a browser locale such as 'es-MX' (English by default)."""
    if not accepted:
        return ENGLISH
    code = accepted.replace("_", "-").split("-")[0].lower()
    return code if code in LANGUAGES else ENGLISH


def date_text(day: date, english: str, skeleton: str) -> str:
    """A date in the current language: English as it always was (a strftime pattern), any
    other language from CLDR through Babel (a skeleton such as "yMMMMd": 7 de diciembre de
    2026), so month and day names are the reader's own."""
    language = current()
    if language == ENGLISH:
        return format(day, english)
    return format_skeleton(skeleton, day, locale=language)


class Refused(ValueError):
    """A refusal a person reads (e.g. too long a text): English for logs, their language shown.

    ``Refused(N_("Please keep it to {n} characters."), n=500)``; show it with ``said(error)``.
    """

    def __init__(self, template: str, **fields: object) -> None:
        self.template = template
        self.fields = fields
        super().__init__(template.format(**fields))


def said(error: Exception) -> str:
    """The error's message in the current language (a Refused), else as it is."""
    if isinstance(error, Refused):
        return tr(error.template).format(**error.fields)
    return str(error)
