"""The app's own words in Spanish (course.i18n): complete catalogues, nothing shown unwrapped.

The browser test tests/browser/test_spanish.py walks the pages in Spanish and looks for any
English the catalogue translates; these tests look at the code and the catalogues themselves.
"""

from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path

import pytest

from course import i18n
from course.i18n_tools import extract, missing, sources

PACKAGE = Path(i18n.__file__).parent
# Streamlit calls that show their first argument (or these keywords) to people.
SHOWN = {
    "button", "markdown", "caption", "write", "header", "subheader", "title", "info",
    "warning", "error", "success", "radio", "selectbox", "text_input", "text_area",
    "checkbox", "toggle", "expander", "tabs", "metric", "download_button",
    "form_submit_button", "link_button", "page_link", "number_input", "slider",
    "multiselect", "segmented_control", "pills", "popover", "toast", "dialog", "status",
    "select_slider", "date_input", "time_input", "chat_input", "feedback",
}  # fmt: skip
SHOWN_KEYWORDS = {"label", "help", "placeholder", "caption", "body", "text", "title"}
_FIELD = re.compile(r"\{(\w*)[^{}]*\}")


def _has_words(node: ast.AST) -> bool:
    """A literal (or f-string part) with letters a person would read, outside HTML tags."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        bare = re.sub(r"<[^>]*>|&\w+;|:material/\w+:", " ", node.value)
        return bool(re.search(r"[A-Za-z]{2,}", bare))
    if isinstance(node, ast.JoinedStr):
        return any(_has_words(part) for part in node.values)
    return False


def _shown_literals(path: Path) -> list[str]:
    found = []
    tree = ast.parse(path.read_text("utf-8"))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        if node.func.attr not in SHOWN:
            continue
        owner = node.func.value
        if not (isinstance(owner, ast.Name) and owner.id in {"st", "column", "col", "box"}):
            if not isinstance(owner, ast.Name | ast.Attribute | ast.Call):
                continue
            if not (isinstance(owner, ast.Name) and owner.id == "st"):
                continue
        args = [*node.args[:1], *(k.value for k in node.keywords if k.arg in SHOWN_KEYWORDS)]
        for arg in args:
            if _has_words(arg):
                found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    return found


def test_no_streamlit_call_shows_a_literal_that_is_not_translated() -> None:
    files = sorted((PACKAGE / "ui").rglob("*.py"))
    unwrapped = [where for path in files for where in _shown_literals(path)]
    assert not unwrapped, "wrap these in tr():\n" + "\n".join(unwrapped)


def test_every_string_in_the_code_has_a_spanish_translation() -> None:
    gaps = missing("es")
    assert not gaps, "\n".join(f"{g.file}:{g.line}: {g.key!r}" for g in gaps[:40])
    assert len(extract(sources())) > 500  # the app's words are really extracted


def test_translations_keep_every_placeholder_and_markdown_mark() -> None:
    catalog = i18n.catalog("es")
    wrong = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(_FIELD.findall(ids[-1]))
        for said in strings:
            if set(_FIELD.findall(said)) != wanted and not (
                len(ids) == 2 and set(_FIELD.findall(said)) <= wanted
            ):
                wrong.append(f"{ids[0]!r}: fields {sorted(wanted)} -> {said!r}")
            if ids[0].count("**") != said.count("**"):
                wrong.append(f"{ids[0]!r}: bold marks differ -> {said!r}")
    assert not wrong, "\n".join(wrong[:30])
    assert len(catalog) > 500


def test_tr_follows_the_language_of_the_run() -> None:
    assert i18n.current() == "en"
    assert i18n.tr("Language") == "Language"
    with i18n.use("es"):
        assert i18n.current() == "es"
        assert i18n.tr("Start the course") == "Empezar el curso"
        assert i18n.tr("a sentence no catalogue has") == "a sentence no catalogue has"
        assert i18n.tr("") == ""  # not the catalogue's header
    with i18n.use("fr"):
        assert i18n.current() == "en"
    assert i18n.current() == "en"


@pytest.mark.parametrize(
    ("locale", "language"),
    [("es-MX", "es"), ("es", "es"), ("ES_us", "es"), ("en-US", "en"), ("fr-FR", "en"),
     (None, "en"), ("", "en")],
)  # fmt: skip
def test_the_browser_language_picks_the_app_language(locale: str | None, language: str) -> None:
    assert i18n.best_match(locale) == language


def test_dates_are_in_the_readers_language() -> None:
    day = date(2026, 12, 7)
    assert i18n.date_text(day, "%B %-d, %Y", "yMMMMd") == "December 7, 2026"  # as before
    with i18n.use("es"):
        assert i18n.date_text(day, "%B %-d, %Y", "yMMMMd") == "7 de diciembre de 2026"
        assert i18n.date_text(day, "%B %Y", "yMMMM") == "diciembre de 2026"


def test_a_refusal_is_read_in_the_readers_language() -> None:
    error = i18n.Refused("Please keep it to {n} characters.", n=500)
    assert str(error) == "Please keep it to 500 characters." and isinstance(error, ValueError)
    assert i18n.said(error) == "Please keep it to 500 characters."
    with i18n.use("es"):
        assert i18n.said(error) == "Use como máximo 500 caracteres."
        assert i18n.said(ValueError("as raised")) == "as raised"
