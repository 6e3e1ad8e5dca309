"""Exports: CSV that spreadsheets read as data (RFC 4180), never as formulas."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence
from decimal import Decimal
from numbers import Integral, Real

# A text cell starting with one of these is run as a formula by spreadsheet programs (CSV
# injection, OWASP); a leading apostrophe makes it plain text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value: object) -> str:
    """Return the value as text that a spreadsheet shows and never evaluates."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_cell(value: object) -> str:
    """Write a number as a number (sortable, even when negative) and anything else as safe text.

    Only real numbers count as numbers: a str such as "-57.4" was typed by someone and stays
    text, escaped. A number that is not finite (nan, inf) leaves the cell empty.
    """
    if isinstance(value, bool):
        return str(value)  # True / False: spreadsheets read these as booleans
    if isinstance(value, Integral):
        return str(int(value))
    if isinstance(value, Decimal):
        return str(value) if value.is_finite() else ""
    if isinstance(value, Real):
        number = float(value)
        return repr(number) if math.isfinite(number) else ""
    return safe_cell(value)


def to_csv(header: Sequence[str] | None, rows: Iterable[Sequence[object]]) -> str:
    """Render rows as RFC 4180 CSV (no header line when header is None).

    Lines end in CRLF, and a field holding a comma, a quote, a CR or an LF is quoted, so a
    carriage return inside a cell can never start a new row.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    if header is not None:
        writer.writerow([safe_cell(h) for h in header])
    writer.writerows([csv_cell(cell) for cell in row] for row in rows)
    return out.getvalue()
