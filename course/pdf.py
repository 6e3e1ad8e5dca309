"""A family support plan as a printable PDF (fpdf2), with the crisis resources at the end.

Unicode text needs a TrueType font: DejaVu Sans where the system has it (Debian's
fonts-dejavu-core), or the file named by COURSE_PDF_FONT. Without one, the PDF falls back to
a built-in font that holds only Latin-1, and says which characters it had to leave out
(Spanish letters such as á, ñ, ¿ and ¡ are Latin-1, so even that font has them).

The plan comes out in the language given, else the current one (course.i18n.current()).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from fpdf import FPDF

from course import i18n
from course.i18n import current, tr, use
from course.model import Course
from course.plan import PLAN_FIELDS

FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/TTF",
    "/usr/local/share/fonts",
)


@dataclass(frozen=True)
class Pdf:
    data: bytes
    left_out: str  # characters the fallback font could not show ("" with a Unicode font)


def find_font() -> tuple[Path, Path] | None:
    """Return (regular, bold) TrueType files that cover Unicode text, if the system has them."""
    named = os.environ.get("COURSE_PDF_FONT")
    if named and Path(named).is_file():
        bold = Path(named).with_name(Path(named).stem + "-Bold" + Path(named).suffix)
        return Path(named), bold if bold.is_file() else Path(named)
    for folder in FONT_DIRS:
        regular, bold = Path(folder, "DejaVuSans.ttf"), Path(folder, "DejaVuSans-Bold.ttf")
        if regular.is_file():
            return regular, bold if bold.is_file() else regular
    return None


def plan_pdf(
    course: Course,
    plan: Mapping[str, str],
    *,
    made_on: date,
    font: tuple[Path, Path] | None,
    language: str | None = None,
) -> Pdf:
    """Lay out the plan on Letter pages: a heading, each question with its answer, then help.

    In `language` (default: the current one): pass it when the PDF is made later, on a click,
    outside the script run that knew the language.
    """
    language = language or current()
    with use(language):
        return _plan_pdf(course.in_language(language), plan, made_on=made_on, font=font)


def _plan_pdf(
    course: Course, plan: Mapping[str, str], *, made_on: date, font: tuple[Path, Path] | None
) -> Pdf:
    doc = FPDF(format="Letter")
    doc.set_margins(18, 16, 18)
    doc.set_auto_page_break(auto=True, margin=16)
    family = _fonts(doc, font)
    left_out: set[str] = set()

    def text(value: str) -> str:
        if font is not None:
            return value
        kept = value.encode("latin-1", "replace").decode("latin-1")
        left_out.update(ch for ch, k in zip(value, kept, strict=True) if ch != k)
        return kept

    title = tr("Our family support plan")
    doc.set_title(title)
    doc.set_lang(current())
    doc.add_page()
    doc.set_font(family, "B", 20)
    doc.multi_cell(0, 10, text(title), new_x="LMARGIN", new_y="NEXT")
    doc.set_font(family, "", 10)
    made = tr("Made on {date}.").format(date=i18n.date_text(made_on, "%B %-d, %Y", "yMMMMd"))
    not_advice = tr("Education, not medical advice.")
    note = f"{course.title}. {made} {not_advice}"
    doc.multi_cell(0, 5, text(note), new_x="LMARGIN", new_y="NEXT")
    for field in PLAN_FIELDS:
        doc.ln(4)
        doc.set_font(family, "B", 13)
        doc.multi_cell(0, 7, text(tr(field.label)), new_x="LMARGIN", new_y="NEXT")
        doc.set_font(family, "", 12)
        answer = plan.get(field.key, "").strip() or " "
        doc.multi_cell(0, 6, text(answer), border=1, padding=2, new_x="LMARGIN", new_y="NEXT")
    doc.ln(6)
    doc.set_font(family, "B", 13)
    doc.multi_cell(0, 7, text(tr("Help right now")), new_x="LMARGIN", new_y="NEXT")
    doc.set_font(family, "", 11)
    for r in course.manifest.crisis_resources:
        line = f"{r.name}: {r.contact}. {r.detail}"
        doc.multi_cell(0, 5.5, text(line), new_x="LMARGIN", new_y="NEXT")
        doc.ln(1)
    return Pdf(bytes(doc.output()), "".join(sorted(left_out)))


def _fonts(doc: FPDF, font: tuple[Path, Path] | None) -> str:
    """Register the Unicode font if there is one; return the family name to use."""
    if font is None:
        return "Helvetica"
    doc.add_font("PlanFont", "", str(font[0]))
    doc.add_font("PlanFont", "B", str(font[1]))
    return "PlanFont"
