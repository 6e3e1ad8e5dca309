"""CSV exports: RFC 4180 (CRLF rows, breaks and quotes quoted), numbers as numbers, safe text."""

from __future__ import annotations

import csv
import io
import math
from datetime import UTC, datetime
from decimal import Decimal

import numpy as np
import pytest
from sqlalchemy import insert

from course.dashboard import answers_csv
from course.export import FORMULA_STARTS, safe_cell, to_csv
from course.store import Cohorts, Facilitators, Store
from course.store.limits import Limits
from course.store.reports import Reports
from course.store.schema import answer_attempts
from course.xapi_export import pseudonyms

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        # A lone carriage return must be quoted, or a spreadsheet starts a new row at it.
        (["a\rb", "c"], '"a\rb",c\r\n'),
        # ... and the text after it would be a cell of its own, run as a formula.
        (["x\r=1+1"], '"x\r=1+1"\r\n'),
        (["a\nb"], '"a\nb"\r\n'),
        (["a\r\nb"], '"a\r\nb"\r\n'),
        (['say "hi"'], '"say ""hi"""\r\n'),
        (["1,2"], '"1,2"\r\n'),
        (["=1+1", "+1", "-1", "@x", "\tx"], "'=1+1,'+1,'-1,'@x,'\tx\r\n"),
        # Escaped first, then quoted because of the carriage return it still holds.
        (["\r=1+1"], '"\'\r=1+1"\r\n'),
        # Numbers stay numbers (sortable), however they start; bools and None as values.
        ([-57.4, 3, -2, Decimal("-1.50"), True, False, None], "-57.4,3,-2,-1.50,True,False,\r\n"),
        ([np.float64(-0.5), np.int64(-2), 1e-05], "-0.5,-2,1e-05\r\n"),
        # No number to give: an empty cell, never the text "nan".
        ([math.nan, math.inf, -math.inf, Decimal("NaN")], ",,,\r\n"),
        # A person typed text that looks like a number: it is still text, and escaped.
        (["-57.4", "+1", "3"], "'-57.4,'+1,3\r\n"),
    ],
)
def test_to_csv_cells(row: list[object], expected: str) -> None:
    assert to_csv(None, [row]) == expected


def test_to_csv_header_and_rows_end_in_crlf() -> None:
    assert to_csv(["a", "=b"], [[1, "x"], [2, "y"]]) == "a,'=b\r\n1,x\r\n2,y\r\n"


def test_a_hostile_row_reads_back_as_one_row() -> None:
    hostile = ['ok\r=HYPERLINK("http://x")', "a,b", 'q"q', -3.5, "line\nbreak"]
    rows = list(csv.reader(io.StringIO(to_csv(["a", "b", "c", "d", "e"], [hostile]), newline="")))
    assert rows == [
        ["a", "b", "c", "d", "e"],
        ['ok\r=HYPERLINK("http://x")', "a,b", 'q"q', "-3.5", "line\nbreak"],
    ]


def test_answer_export_keeps_a_carriage_return_inside_its_cell(store_url: str) -> None:
    # Rows written before the store cleaned typed text may hold a bare CR; the export must
    # still give one row per answer, with the CR inside a quoted cell.
    store = Store(store_url)
    try:
        lead = Facilitators(store.engine).add("lead", "a long pass phrase", NOW)
        cohort = Cohorts(store.engine).create(lead, "Program", NOW)
        learner, _ = store.create_learner(NOW)
        Cohorts(store.engine).join(learner, cohort.code, NOW)
        with store.engine.begin() as conn:
            conn.execute(
                insert(answer_attempts).values(
                    learner_id=learner, quiz_id="free", question_id="why", attempt_no=1,
                    answer='"fine\\r=1+1"', is_correct=False, answered_at=NOW,
                )
            )  # fmt: skip
        store.record_answer(learner, "free", "why", "second", True, NOW)
        text = "".join(answers_csv(Reports(store.engine, cohort.id)))
    finally:
        store.close()
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert [r[2:6] for r in rows[1:]] == [["why", "1", "fine\r=1+1", "False"],
                                          ["why", "2", "second", "True"]]  # fmt: skip
    assert text.count("\r\n") == 3  # the header and two answers: no row split at the bare CR


def test_the_answer_csv_names_learners_as_the_cohorts_xapi_does(store: Store) -> None:
    """One person in two cohorts: two unlinkable names, each the same as in that cohort's xAPI."""
    lead = Facilitators(store.engine).add("lead", "a long pass phrase", NOW)
    first, second = (Cohorts(store.engine).create(lead, name, NOW) for name in ("A", "B"))
    learner, _ = store.create_learner(NOW)
    for cohort in (first, second):
        Cohorts(store.engine).join(learner, cohort.code, NOW)
    store.record_answer(learner, "free", "why", "because", True, NOW)
    names = []
    for cohort in (first, second):
        named = pseudonyms(Limits(store.engine), cohort.id)
        text = "".join(answers_csv(Reports(store.engine, cohort.id), name=named))
        rows = list(csv.reader(io.StringIO(text, newline="")))
        assert [r[0] for r in rows[1:]] == [named(learner)]
        names.append(rows[1][0])
    assert names[0] != names[1]
    assert all(name != f"learner-{learner}" and len(name) == 22 for name in names)


def test_no_learner_name_is_one_a_spreadsheet_would_change(store: Store) -> None:
    """A name is base64url: about 1 in 64 would start with "-", which the CSV must escape.

    The escaped CSV cell ("'-x…") would then no longer match the xAPI actor's name, so names
    never start with a character that a spreadsheet reads as a formula, and stay distinct.
    """
    named = pseudonyms(Limits(store.engine), 1)
    names = [named(learner) for learner in range(1, 1001)]  # P(no "-" start) ~ 1e-7 before
    assert not [n for n in names if n.startswith(FORMULA_STARTS)]
    assert len(set(names)) == len(names) and all(len(n) == 22 for n in names)
    assert [safe_cell(n) for n in names] == names
